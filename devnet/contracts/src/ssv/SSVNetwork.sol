// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {SSVNetworkClusters} from "./SSVNetworkClusters.sol";
import {SSVNetworkOperators} from "./SSVNetworkOperators.sol";
import {ISSVTokenLike} from "./ISSVNetworkCore.sol";

/// @title Devnet SSVNetwork: interface- and behaviour-compatible with SSV Network v2.0.0.
/// @notice Holds all state and answers the view selectors itself (the real proxy falls through to
///         its Views module). Functions prefixed `devnet` do not exist on mainnet.
contract SSVNetwork is SSVNetworkClusters, SSVNetworkOperators {
    /// @dev Constructor parameters; fees and collateral in wei, periods in blocks or seconds.
    struct InitParams {
        address ssvToken;
        uint256 networkFee;
        uint256 minimumLiquidationCollateral;
        uint64 liquidationThresholdPeriod;
        uint32 validatorsPerOperatorLimit;
        uint256 operatorMaxFee;
        uint256 minimumOperatorEthFee;
        uint64 operatorMaxFeeIncrease;
        uint64 declareOperatorFeePeriod;
        uint64 executeOperatorFeePeriod;
        uint256 networkFeeSSV;
        uint256 minimumLiquidationCollateralSSV;
        uint64 liquidationThresholdPeriodSSV;
    }

    constructor(InitParams memory params) {
        owner = msg.sender;
        ssvToken = ISSVTokenLike(params.ssvToken);
        ethNetwork.feePacked = _packETH(params.networkFee);
        ethNetwork.indexBlock = uint64(block.number);
        ssvNetwork.feePacked = _packSSV(params.networkFeeSSV);
        ssvNetwork.indexBlock = uint64(block.number);
        minimumLiquidationCollateralPacked = _packETH(params.minimumLiquidationCollateral);
        minimumBlocksBeforeLiquidation = params.liquidationThresholdPeriod;
        minimumLiquidationCollateralSSVPacked = _packSSV(params.minimumLiquidationCollateralSSV);
        minimumBlocksBeforeLiquidationSSV = params.liquidationThresholdPeriodSSV;
        validatorsPerOperatorLimit = params.validatorsPerOperatorLimit;
        operatorMaxFeePacked = _packETH(params.operatorMaxFee);
        minimumOperatorEthFeePacked = _packETH(params.minimumOperatorEthFee);
        operatorMaxFeeIncrease = params.operatorMaxFeeIncrease;
        declareOperatorFeePeriod = params.declareOperatorFeePeriod;
        executeOperatorFeePeriod = params.executeOperatorFeePeriod;
    }

    function getVersion() external pure returns (string memory) {
        return "v2.0.0";
    }

    // ================================================================ DAO (contract owner)

    function updateNetworkFee(uint256 fee) external onlyOwner {
        uint256 oldFee = uint256(ethNetwork.feePacked) * ETH_DEDUCTED_DIGITS;
        uint64 feePacked = _packETH(fee);
        _snapshotNetwork(ethNetwork);
        ethNetwork.feePacked = feePacked;
        emit NetworkFeeUpdated(oldFee, fee);
    }

    function updateLiquidationThresholdPeriod(uint64 blocks) external onlyOwner {
        if (blocks < MINIMAL_LIQUIDATION_THRESHOLD) revert NewBlockPeriodIsBelowMinimum();
        minimumBlocksBeforeLiquidation = blocks;
        emit LiquidationThresholdPeriodUpdated(blocks);
    }

    function updateMinimumLiquidationCollateral(uint256 amount) external onlyOwner {
        minimumLiquidationCollateralPacked = _packETH(amount);
        emit MinimumLiquidationCollateralUpdated(amount);
    }

    function updateMaximumOperatorFee(uint256 maxFee) external onlyOwner {
        operatorMaxFeePacked = _packETH(maxFee);
        emit OperatorMaximumFeeUpdated(maxFee);
    }

    function updateMinimumOperatorEthFee(uint256 minFee) external onlyOwner {
        minimumOperatorEthFeePacked = _packETH(minFee);
        emit MinimumOperatorEthFeeUpdated(minFee);
    }

    function updateOperatorFeeIncreaseLimit(uint64 percentage) external onlyOwner {
        operatorMaxFeeIncrease = percentage;
    }

    function updateDeclareOperatorFeePeriod(uint64 timeInSeconds) external onlyOwner {
        declareOperatorFeePeriod = timeInSeconds;
    }

    function updateExecuteOperatorFeePeriod(uint64 timeInSeconds) external onlyOwner {
        executeOperatorFeePeriod = timeInSeconds;
    }

    /// @notice Devnet-only: the per-operator ETH validator cap (a deployment constant on mainnet).
    function devnetUpdateValidatorsPerOperatorLimit(uint32 limit) external onlyOwner {
        validatorsPerOperatorLimit = limit;
    }

    /// @notice Devnet-only: choose the §4.3 behaviour for removal from legacy SSV clusters
    ///         (false: revert `IncorrectClusterVersion`, as in the SDK's v2 copy; true: settle in SSV).
    function devnetSetLegacyRemovalAllowed(bool allowed) external onlyOwner {
        legacyRemovalAllowed = allowed;
    }

    /// @notice The devnet oracle: the contract owner commits effective-balance Merkle roots.
    function commitRoot(bytes32 merkleRoot, uint64 blockNum) external onlyOwner {
        committedRoots[blockNum] = merkleRoot;
        emit RootCommitted(merkleRoot, blockNum);
    }

    // ================================================================ legacy SSV ledger (devnet seeding)

    function updateNetworkFeeSSV(uint256 fee) external onlyOwner {
        uint64 feePacked = _packSSV(fee);
        _snapshotNetwork(ssvNetwork);
        ssvNetwork.feePacked = feePacked;
    }

    function updateMinimumLiquidationCollateralSSV(uint256 amount) external onlyOwner {
        minimumLiquidationCollateralSSVPacked = _packSSV(amount);
    }

    function updateLiquidationThresholdPeriodSSV(uint64 blocks) external onlyOwner {
        minimumBlocksBeforeLiquidationSSV = blocks;
    }

    /// @notice Devnet-only: give an operator a legacy SSV fee (SSV wei per block, multiple of 1e7).
    function devnetSetOperatorFeeSSV(uint64 operatorId, uint256 fee) external onlyOwner {
        OperatorRecord storage op = operators[operatorId];
        if (!op.active) revert OperatorDoesNotExist();
        uint64 feePacked = _packSSV(fee);
        _snapshotOperatorSSV(op);
        op.ssvFeePacked = feePacked;
    }

    /// @notice Devnet-only: write a pre-upgrade SSV-token cluster for `clusterOwner`, as v1.2.0's
    ///         `registerValidator` would have: registry entries, SSV counters, `ssvAmount` SSV pulled
    ///         from the caller, and one `ValidatorAdded` per key carrying the final struct.
    function devnetSeedLegacyCluster(
        address clusterOwner,
        uint64[] memory operatorIds,
        bytes[] memory publicKeys,
        bytes[] memory sharesData,
        uint256 ssvAmount
    ) external onlyOwner {
        if (publicKeys.length == 0) revert EmptyPublicKeysList();
        if (publicKeys.length != sharesData.length) revert PublicKeysSharesLengthMismatch();
        _checkOperatorIdsLength(operatorIds.length);
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        if (ethClusters[key] != bytes32(0) || clusters[key] != bytes32(0)) revert IncorrectClusterState();
        _seedLegacyEntries(clusterOwner, publicKeys, operatorIds);

        uint32 count = uint32(publicKeys.length);
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkSortedUnique(operatorIds, i);
            if (!operators[operatorIds[i]].active) revert OperatorDoesNotExist();
        }
        OperatorSums memory sums = _moveOperatorCountsSSV(operatorIds, count, true);
        _moveNetworkCount(ssvNetwork, count, true);
        Cluster memory cluster = Cluster(count, _networkIndexNow(ssvNetwork), sums.index, true, ssvAmount);
        clusters[key] = _hashCluster(cluster);
        if (ssvAmount > 0 && !ssvToken.transferFrom(msg.sender, address(this), ssvAmount)) {
            revert TokenTransferFailed();
        }
        for (uint256 i; i < publicKeys.length; ++i) {
            emit ValidatorAdded(clusterOwner, operatorIds, publicKeys[i], sharesData[i], cluster);
        }
    }

    function _seedLegacyEntries(address clusterOwner, bytes[] memory publicKeys, uint64[] memory operatorIds)
        private
    {
        bytes32 idsHash = _operatorIdsHash(operatorIds);
        for (uint256 i; i < publicKeys.length; ++i) {
            if (publicKeys[i].length != 48) revert InvalidPublicKeyLength();
            bytes32 entry = _validatorKey(publicKeys[i], clusterOwner);
            if (validatorPKs[entry] != bytes32(0)) revert ValidatorAlreadyExistsWithData(publicKeys[i]);
            validatorPKs[entry] = idsHash;
        }
    }

    // ================================================================ views (spec §8)

    function getValidator(address clusterOwner, bytes calldata publicKey) external view returns (bool) {
        return validatorPKs[_validatorKey(publicKey, clusterOwner)] != bytes32(0);
    }

    function getClusterAssetType(address clusterOwner, uint64[] memory operatorIds) external view returns (uint8) {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        if (ethClusters[key] != bytes32(0)) return VERSION_ETH;
        if (clusters[key] != bytes32(0)) return VERSION_SSV;
        revert ClusterDoesNotExist();
    }

    function isLiquidatable(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (bool)
    {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        _validateEthCluster(key, cluster);
        if (!cluster.active) return false;
        uint64 feeSum = _settleView(key, operatorIds, cluster);
        return _isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), feeSum);
    }

    function isLiquidated(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (bool)
    {
        _validateCluster(_clusterKey(clusterOwner, operatorIds), cluster);
        return !cluster.active;
    }

    function getBalance(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256 balance)
    {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        if (_validateCluster(key, cluster) == VERSION_SSV) return 0;
        if (!cluster.active) revert ClusterIsLiquidated();
        _settleView(key, operatorIds, cluster);
        return cluster.balance;
    }

    function getBurnRate(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        if (_validateCluster(key, cluster) == VERSION_SSV) return 0;
        uint256 burnPacked = uint256(_operatorSums(operatorIds).fee) + ethNetwork.feePacked;
        return (burnPacked * ETH_DEDUCTED_DIGITS * _vUnits(key, cluster.validatorCount)) / VUNITS_PER_VALIDATOR;
    }

    function getEffectiveBalance(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (uint32 effectiveBalance)
    {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        _validateCluster(key, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        return _effectiveBalance(key, cluster.validatorCount);
    }

    function getOperatorById(uint64 operatorId) external view returns (OperatorData memory) {
        OperatorRecord storage op = operators[operatorId];
        return OperatorData(
            op.owner,
            uint256(op.feePacked) * ETH_DEDUCTED_DIGITS,
            op.validatorCount,
            operatorsWhitelist[operatorId],
            op.isPrivate,
            op.active
        );
    }

    function getOperatorFee(uint64 operatorId) external view returns (uint256) {
        OperatorRecord storage op = operators[operatorId];
        if (op.owner == address(0)) revert OperatorDoesNotExist();
        return uint256(op.feePacked) * ETH_DEDUCTED_DIGITS;
    }

    function getOperatorDeclaredFee(uint64 operatorId) external view returns (OperatorDeclaredFeeData memory) {
        if (operators[operatorId].owner == address(0)) revert OperatorDoesNotExist();
        FeeDeclaration memory declared = operatorFeeDeclarations[operatorId];
        return OperatorDeclaredFeeData(
            declared.approvalBeginTime != 0,
            uint256(declared.feePacked) * ETH_DEDUCTED_DIGITS,
            declared.approvalBeginTime,
            declared.approvalEndTime
        );
    }

    function getWhitelistedOperators(uint64[] memory operatorIds, address whitelistedAddress)
        external
        view
        returns (uint64[] memory whitelistedOperatorIds)
    {
        if (operatorIds.length == 0 || whitelistedAddress == address(0)) return whitelistedOperatorIds;
        uint64[] memory found = new uint64[](operatorIds.length);
        uint256 count;
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkSortedUnique(operatorIds, i);
            if (_isWhitelisted(operatorIds[i], whitelistedAddress)) found[count++] = operatorIds[i];
        }
        whitelistedOperatorIds = new uint64[](count);
        for (uint256 i; i < count; ++i) {
            whitelistedOperatorIds[i] = found[i];
        }
    }

    function isWhitelistingContract(address contractAddress) external view returns (bool) {
        return _isWhitelistingContract(contractAddress);
    }

    function isAddressWhitelistedInWhitelistingContract(
        address addressToCheck,
        uint256 operatorId,
        address whitelistingContract
    ) external view returns (bool isWhitelisted) {
        if (!_isWhitelistingContract(whitelistingContract)) return false;
        return _isWhitelistedInContract(addressToCheck, operatorId, whitelistingContract);
    }

    function getNetworkFee() external view returns (uint256) {
        return uint256(ethNetwork.feePacked) * ETH_DEDUCTED_DIGITS;
    }

    function getMinimumLiquidationCollateral() external view returns (uint256) {
        return uint256(minimumLiquidationCollateralPacked) * ETH_DEDUCTED_DIGITS;
    }

    function getLiquidationThresholdPeriod() external view returns (uint64) {
        return minimumBlocksBeforeLiquidation;
    }

    function getValidatorsPerOperatorLimit() external view returns (uint32) {
        return validatorsPerOperatorLimit;
    }

    function getMaximumOperatorFee() external view returns (uint256) {
        return uint256(operatorMaxFeePacked) * ETH_DEDUCTED_DIGITS;
    }

    function getMinimumOperatorEthFee() external view returns (uint256) {
        return uint256(minimumOperatorEthFeePacked) * ETH_DEDUCTED_DIGITS;
    }

    function getOperatorFeeIncreaseLimit() external view returns (uint64) {
        return operatorMaxFeeIncrease;
    }

    function getOperatorFeePeriods() external view returns (OperatorFeePeriodsData memory) {
        return OperatorFeePeriodsData(declareOperatorFeePeriod, executeOperatorFeePeriod);
    }

    function getNetworkValidatorsCount() external view returns (uint32) {
        return ethNetwork.validatorCount;
    }

    function getNetworkEarnings() external view returns (uint256) {
        uint256 blocks = block.number - ethNetwork.indexBlock;
        return (ethNetwork.balancePacked + blocks * ethNetwork.feePacked * ethNetwork.validatorCount)
            * ETH_DEDUCTED_DIGITS;
    }

    function getOperatorEarnings(uint64 operatorId) external view returns (uint256) {
        OperatorRecord storage op = operators[operatorId];
        uint256 blocks = block.number - op.snapshotBlock;
        return (op.balancePacked + blocks * op.feePacked * op.validatorCount) * ETH_DEDUCTED_DIGITS;
    }

    function isLiquidatableSSV(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (bool)
    {
        if (_validateCluster(_clusterKey(clusterOwner, operatorIds), cluster) != VERSION_SSV) {
            revert IncorrectClusterVersion();
        }
        if (!cluster.active) return false;
        OperatorSums memory sums = _operatorSumsSSV(operatorIds);
        _settleSSV(cluster, sums, _networkIndexNow(ssvNetwork));
        return _isLiquidatableSSV(cluster, sums.fee);
    }

    function getBalanceSSV(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        if (_validateCluster(_clusterKey(clusterOwner, operatorIds), cluster) != VERSION_SSV) {
            revert IncorrectClusterVersion();
        }
        if (!cluster.active) revert ClusterIsLiquidated();
        _settleSSV(cluster, _operatorSumsSSV(operatorIds), _networkIndexNow(ssvNetwork));
        return cluster.balance;
    }

    function getBurnRateSSV(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster)
        external
        view
        returns (uint256)
    {
        if (_validateCluster(_clusterKey(clusterOwner, operatorIds), cluster) != VERSION_SSV) {
            revert IncorrectClusterVersion();
        }
        uint256 burn = uint256(_operatorSumsSSV(operatorIds).fee) + ssvNetwork.feePacked;
        return burn * SSV_DEDUCTED_DIGITS * cluster.validatorCount;
    }

    function getOperatorByIdSSV(uint64 operatorId) external view returns (OperatorData memory) {
        OperatorRecord storage op = operators[operatorId];
        return OperatorData(
            op.owner,
            uint256(op.ssvFeePacked) * SSV_DEDUCTED_DIGITS,
            op.ssvValidatorCount,
            operatorsWhitelist[operatorId],
            op.isPrivate,
            op.active
        );
    }

    function getOperatorFeeSSV(uint64 operatorId) external view returns (uint256) {
        return uint256(operators[operatorId].ssvFeePacked) * SSV_DEDUCTED_DIGITS;
    }

    function getNetworkFeeSSV() external view returns (uint256) {
        return uint256(ssvNetwork.feePacked) * SSV_DEDUCTED_DIGITS;
    }

    function getMinimumLiquidationCollateralSSV() external view returns (uint256) {
        return uint256(minimumLiquidationCollateralSSVPacked) * SSV_DEDUCTED_DIGITS;
    }

    function getLiquidationThresholdPeriodSSV() external view returns (uint64) {
        return minimumBlocksBeforeLiquidationSSV;
    }

    /// @notice Devnet-only: the cluster key (§2.3) and the hash stored in each ledger (§2.2), so tests
    ///         can check the off-chain hashing rules against the contract.
    function devnetGetClusterHashes(address clusterOwner, uint64[] memory operatorIds)
        external
        view
        returns (bytes32 key, bytes32 ethHash, bytes32 ssvHash)
    {
        key = _clusterKey(clusterOwner, operatorIds);
        return (key, ethClusters[key], clusters[key]);
    }

    function getCommittedRoot(uint64 blockNum) external view returns (bytes32) {
        return committedRoots[blockNum];
    }
}
