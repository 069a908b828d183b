// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ISSVNetworkCore, ISSVWhitelistingContract, ISSVTokenLike} from "./ISSVNetworkCore.sol";

/// @title State and shared internal logic of the devnet SSVNetwork.
/// @dev One contract holds all state (no proxy or modules). Fee math follows spec §9: ETH values
///      packed by 1e5, legacy SSV values by 1e7, cluster balances in plain wei, indices packed.
abstract contract SSVNetworkLedger is ISSVNetworkCore {
    uint256 internal constant ETH_DEDUCTED_DIGITS = 100_000;
    uint256 internal constant SSV_DEDUCTED_DIGITS = 10_000_000;
    uint256 internal constant VUNITS_PER_VALIDATOR = 10_000;
    uint8 internal constant VERSION_SSV = 0;
    uint8 internal constant VERSION_ETH = 1;
    uint64 internal constant MINIMAL_LIQUIDATION_THRESHOLD = 21_480;
    bytes4 internal constant WHITELISTING_INTERFACE_ID = 0x830639ac;

    struct OperatorRecord {
        address owner;
        bool active;
        bool isPrivate;
        uint32 validatorCount;
        uint64 feePacked;
        uint64 snapshotBlock;
        uint64 snapshotIndex;
        uint64 balancePacked;
        uint32 ssvValidatorCount;
        uint64 ssvFeePacked;
        uint64 ssvSnapshotBlock;
        uint64 ssvSnapshotIndex;
        uint64 ssvBalancePacked;
    }

    struct FeeDeclaration {
        uint64 feePacked;
        uint64 approvalBeginTime;
        uint64 approvalEndTime;
    }

    /// @dev The network fee ledger for one currency (ETH or legacy SSV).
    struct NetworkLedger {
        uint64 feePacked;
        uint64 index;
        uint64 indexBlock;
        uint64 balancePacked;
        uint32 validatorCount;
    }

    /// @dev Sum of the cluster operators' current indices and fees (packed).
    struct OperatorSums {
        uint64 index;
        uint64 fee;
    }

    address public owner;
    ISSVTokenLike internal ssvToken;

    uint64 internal lastOperatorId;
    mapping(uint64 => OperatorRecord) internal operators;
    mapping(bytes32 => uint64) internal operatorsPKs;
    mapping(uint64 => FeeDeclaration) internal operatorFeeDeclarations;
    mapping(uint64 => address) internal operatorsWhitelist;
    mapping(address => mapping(uint256 => uint256)) internal addressWhitelistedForOperators;

    mapping(bytes32 => bytes32) internal ethClusters;
    mapping(bytes32 => bytes32) internal clusters;
    /// @dev Explicit effective balance (whole ETH) per cluster key; 0 = implicit (32 per validator).
    mapping(bytes32 => uint32) internal clusterEffectiveBalance;
    mapping(bytes32 => uint64) internal clusterLastBalanceUpdateBlock;
    mapping(bytes32 => bytes32) internal validatorPKs;
    mapping(uint64 => bytes32) internal committedRoots;

    NetworkLedger internal ethNetwork;
    NetworkLedger internal ssvNetwork;

    uint64 internal minimumLiquidationCollateralPacked;
    uint64 internal minimumBlocksBeforeLiquidation;
    uint64 internal minimumLiquidationCollateralSSVPacked;
    uint64 internal minimumBlocksBeforeLiquidationSSV;
    uint32 internal validatorsPerOperatorLimit;
    uint64 internal operatorMaxFeePacked;
    uint64 internal minimumOperatorEthFeePacked;
    uint64 internal operatorMaxFeeIncrease;
    uint64 internal declareOperatorFeePeriod;
    uint64 internal executeOperatorFeePeriod;
    /// @dev Devnet switch for the §4.3 ambiguity (removal from legacy SSV clusters).
    bool internal legacyRemovalAllowed;

    modifier onlyOwner() {
        if (msg.sender != owner) revert DevnetCallerNotOwner(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- packing

    function _packETH(uint256 value) internal pure returns (uint64) {
        if (value % ETH_DEDUCTED_DIGITS != 0) revert MaxPrecisionExceeded();
        uint256 packed = value / ETH_DEDUCTED_DIGITS;
        if (packed > type(uint64).max) revert MaxValueExceeded();
        return uint64(packed);
    }

    function _packSSV(uint256 value) internal pure returns (uint64) {
        if (value % SSV_DEDUCTED_DIGITS != 0) revert MaxPrecisionExceeded();
        uint256 packed = value / SSV_DEDUCTED_DIGITS;
        if (packed > type(uint64).max) revert MaxValueExceeded();
        return uint64(packed);
    }

    // ---------------------------------------------------------------- hashing

    function _clusterKey(address clusterOwner, uint64[] memory operatorIds) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(clusterOwner, operatorIds));
    }

    function _hashCluster(Cluster memory cluster) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                cluster.validatorCount, cluster.networkFeeIndex, cluster.index, cluster.balance, cluster.active
            )
        );
    }

    function _validatorKey(bytes memory publicKey, address clusterOwner) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(publicKey, clusterOwner));
    }

    function _operatorIdsHash(uint64[] memory operatorIds) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(operatorIds)) | bytes32(uint256(1));
    }

    /// @dev Looks the key up in both ledgers and checks the struct; returns the cluster's version.
    function _validateCluster(bytes32 key, Cluster memory cluster) internal view returns (uint8 version) {
        bytes32 stored = ethClusters[key];
        version = VERSION_ETH;
        if (stored == bytes32(0)) {
            stored = clusters[key];
            version = VERSION_SSV;
            if (stored == bytes32(0)) revert ClusterDoesNotExist();
        }
        if (stored != _hashCluster(cluster)) revert IncorrectClusterState();
    }

    function _validateEthCluster(bytes32 key, Cluster memory cluster) internal view {
        if (_validateCluster(key, cluster) != VERSION_ETH) revert IncorrectClusterVersion();
    }

    function _checkOperatorIdsLength(uint256 length) internal pure {
        if (length < 4 || length > 13 || length % 3 != 1) revert InvalidOperatorIdsLength();
    }

    function _checkSortedUnique(uint64[] memory operatorIds, uint256 i) internal pure {
        if (i + 1 < operatorIds.length) {
            if (operatorIds[i] > operatorIds[i + 1]) revert UnsortedOperatorsList();
            if (operatorIds[i] == operatorIds[i + 1]) revert OperatorsListNotUnique();
        }
    }

    // ---------------------------------------------------------------- indices

    function _operatorIndexNow(OperatorRecord storage op) internal view returns (uint64) {
        return op.snapshotIndex + uint64(block.number - op.snapshotBlock) * op.feePacked;
    }

    function _operatorIndexNowSSV(OperatorRecord storage op) internal view returns (uint64) {
        return op.ssvSnapshotIndex + uint64(block.number - op.ssvSnapshotBlock) * op.ssvFeePacked;
    }

    function _networkIndexNow(NetworkLedger storage ledger) internal view returns (uint64) {
        return ledger.index + uint64(block.number - ledger.indexBlock) * ledger.feePacked;
    }

    /// @dev Brings the operator's ETH snapshot (index and earnings) up to the current block.
    function _snapshotOperator(OperatorRecord storage op) internal {
        uint64 blocks = uint64(block.number - op.snapshotBlock);
        if (blocks == 0) return;
        op.snapshotIndex += blocks * op.feePacked;
        op.balancePacked += blocks * op.feePacked * op.validatorCount;
        op.snapshotBlock = uint64(block.number);
    }

    function _snapshotOperatorSSV(OperatorRecord storage op) internal {
        uint64 blocks = uint64(block.number - op.ssvSnapshotBlock);
        if (blocks == 0) return;
        op.ssvSnapshotIndex += blocks * op.ssvFeePacked;
        op.ssvBalancePacked += blocks * op.ssvFeePacked * op.ssvValidatorCount;
        op.ssvSnapshotBlock = uint64(block.number);
    }

    /// @dev Brings the network index and the DAO earnings up to the current block.
    function _snapshotNetwork(NetworkLedger storage ledger) internal {
        uint64 blocks = uint64(block.number - ledger.indexBlock);
        if (blocks == 0) return;
        ledger.index += blocks * ledger.feePacked;
        ledger.balancePacked += blocks * ledger.feePacked * ledger.validatorCount;
        ledger.indexBlock = uint64(block.number);
    }

    /// @dev Current index sum and fee sum over the cluster's operators (removed ones are frozen, fee 0).
    function _operatorSums(uint64[] memory operatorIds) internal view returns (OperatorSums memory sums) {
        for (uint256 i; i < operatorIds.length; ++i) {
            OperatorRecord storage op = operators[operatorIds[i]];
            sums.index += _operatorIndexNow(op);
            sums.fee += op.feePacked;
        }
    }

    function _operatorSumsSSV(uint64[] memory operatorIds) internal view returns (OperatorSums memory sums) {
        for (uint256 i; i < operatorIds.length; ++i) {
            OperatorRecord storage op = operators[operatorIds[i]];
            sums.index += _operatorIndexNowSSV(op);
            sums.fee += op.ssvFeePacked;
        }
    }

    /// @dev Adds (or removes) `count` validators to every live operator of the list, with the cap check
    ///      on additions. Returns the post-snapshot sums.
    function _moveOperatorCounts(uint64[] memory operatorIds, uint32 count, bool increase)
        internal
        returns (OperatorSums memory sums)
    {
        for (uint256 i; i < operatorIds.length; ++i) {
            OperatorRecord storage op = operators[operatorIds[i]];
            if (op.active) {
                _snapshotOperator(op);
                if (increase) {
                    if (uint256(op.validatorCount) + count > validatorsPerOperatorLimit) {
                        revert ExceedValidatorLimitWithData(operatorIds[i]);
                    }
                    op.validatorCount += count;
                } else {
                    op.validatorCount -= count;
                }
            }
            sums.index += _operatorIndexNow(op);
            sums.fee += op.feePacked;
        }
    }

    function _moveNetworkCount(NetworkLedger storage ledger, uint32 count, bool increase) internal {
        _snapshotNetwork(ledger);
        if (increase) ledger.validatorCount += count;
        else ledger.validatorCount -= count;
    }

    // ---------------------------------------------------------------- cluster math (ETH)

    function _effectiveBalance(bytes32 key, uint32 validatorCount) internal view returns (uint32) {
        uint32 explicitEb = clusterEffectiveBalance[key];
        return explicitEb != 0 ? explicitEb : validatorCount * 32;
    }

    function _vUnits(bytes32 key, uint32 validatorCount) internal view returns (uint256) {
        uint32 explicitEb = clusterEffectiveBalance[key];
        if (explicitEb == 0) return uint256(validatorCount) * VUNITS_PER_VALIDATOR;
        return (uint256(explicitEb) * VUNITS_PER_VALIDATOR + 31) / 32;
    }

    /// @dev Spec §9.3: charge operator and network usage since the last settlement.
    function _settle(Cluster memory cluster, uint64 indexNow, uint64 networkIndexNow, uint256 vUnits) internal pure {
        uint256 opUnits = (uint256(indexNow - cluster.index) * vUnits) / VUNITS_PER_VALIDATOR;
        uint256 netUnits = (uint256(networkIndexNow - cluster.networkFeeIndex) * vUnits) / VUNITS_PER_VALIDATOR;
        uint256 usage = (opUnits + netUnits) * ETH_DEDUCTED_DIGITS;
        cluster.balance = usage > cluster.balance ? 0 : cluster.balance - usage;
        cluster.index = indexNow;
        cluster.networkFeeIndex = networkIndexNow;
    }

    /// @dev Spec §9.4, with `operatorFeeSum` the packed Σ operator fees.
    function _isLiquidatable(Cluster memory cluster, uint256 vUnits, uint64 operatorFeeSum) internal view returns (bool) {
        if (cluster.validatorCount == 0) return false;
        if (cluster.balance < uint256(minimumLiquidationCollateralPacked) * ETH_DEDUCTED_DIGITS) return true;
        uint256 burnPacked = uint256(operatorFeeSum) + ethNetwork.feePacked;
        uint256 threshold =
            ((uint256(minimumBlocksBeforeLiquidation) * burnPacked * vUnits) / VUNITS_PER_VALIDATOR) * ETH_DEDUCTED_DIGITS;
        return cluster.balance < threshold;
    }

    /// @dev Settles an active ETH cluster in memory (no writes) and returns the fee sum.
    function _settleView(bytes32 key, uint64[] memory operatorIds, Cluster memory cluster)
        internal
        view
        returns (uint64 operatorFeeSum)
    {
        OperatorSums memory sums = _operatorSums(operatorIds);
        if (cluster.active) {
            _settle(cluster, sums.index, _networkIndexNow(ethNetwork), _vUnits(key, cluster.validatorCount));
        }
        return sums.fee;
    }

    // ---------------------------------------------------------------- cluster math (legacy SSV)

    function _settleSSV(Cluster memory cluster, OperatorSums memory sums, uint64 networkIndexNow) internal pure {
        uint256 usage = (uint256(sums.index - cluster.index) + (networkIndexNow - cluster.networkFeeIndex))
            * cluster.validatorCount * SSV_DEDUCTED_DIGITS;
        cluster.balance = usage > cluster.balance ? 0 : cluster.balance - usage;
        cluster.index = sums.index;
        cluster.networkFeeIndex = networkIndexNow;
    }

    function _isLiquidatableSSV(Cluster memory cluster, uint64 operatorFeeSum) internal view returns (bool) {
        if (cluster.validatorCount == 0) return false;
        if (cluster.balance < uint256(minimumLiquidationCollateralSSVPacked) * SSV_DEDUCTED_DIGITS) return true;
        uint256 burn = (uint256(operatorFeeSum) + ssvNetwork.feePacked) * SSV_DEDUCTED_DIGITS;
        return cluster.balance < burn * cluster.validatorCount * minimumBlocksBeforeLiquidationSSV;
    }

    // ---------------------------------------------------------------- whitelists

    function _isWhitelistingContract(address account) internal view returns (bool) {
        if (account.code.length == 0) return false;
        return _supportsInterface(account, 0x01ffc9a7) && !_supportsInterface(account, 0xffffffff)
            && _supportsInterface(account, WHITELISTING_INTERFACE_ID);
    }

    function _supportsInterface(address account, bytes4 interfaceId) private view returns (bool) {
        (bool ok, bytes memory data) =
            account.staticcall{gas: 30_000}(abi.encodeWithSelector(0x01ffc9a7, interfaceId));
        return ok && data.length >= 32 && abi.decode(data, (bool));
    }

    function _isWhitelistedInContract(address account, uint256 operatorId, address whitelistingContract)
        internal
        view
        returns (bool)
    {
        try ISSVWhitelistingContract(whitelistingContract).isWhitelisted(account, operatorId) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }

    /// @dev Spec §11: bitmap, legacy single address, or whitelisting contract.
    function _isWhitelisted(uint64 operatorId, address account) internal view returns (bool) {
        if ((addressWhitelistedForOperators[account][operatorId >> 8] >> (operatorId & 0xff)) & 1 == 1) return true;
        address whitelisted = operatorsWhitelist[operatorId];
        if (whitelisted == address(0)) return false;
        if (whitelisted == account) return true;
        return _isWhitelistingContract(whitelisted) && _isWhitelistedInContract(account, operatorId, whitelisted);
    }

    function _checkOperatorOwner(uint64 operatorId) internal view returns (OperatorRecord storage op) {
        op = operators[operatorId];
        if (!op.active) revert OperatorDoesNotExist();
        if (op.owner != msg.sender) revert CallerNotOwnerWithData(msg.sender, op.owner);
    }

    // ---------------------------------------------------------------- payouts

    function _sendETH(address to, uint256 amount) internal {
        if (amount == 0) return;
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert ETHTransferFailed();
    }

    function _sendSSV(address to, uint256 amount) internal {
        if (amount == 0) return;
        if (!ssvToken.transfer(to, amount)) revert TokenTransferFailed();
    }
}
