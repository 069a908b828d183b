// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {SSVNetworkLedger} from "./SSVNetworkLedger.sol";

/// @title Cluster-owner functions of the devnet SSVNetwork (spec §4), checks in the spec's order.
abstract contract SSVNetworkClusters is SSVNetworkLedger {
    // ---------------------------------------------------------------- register

    function registerValidator(
        bytes calldata publicKey,
        uint64[] memory operatorIds,
        bytes calldata sharesData,
        Cluster memory cluster
    ) external payable {
        bytes[] memory publicKeys = new bytes[](1);
        publicKeys[0] = publicKey;
        bytes[] memory shares = new bytes[](1);
        shares[0] = sharesData;
        _registerValidators(publicKeys, operatorIds, shares, cluster);
    }

    function bulkRegisterValidator(
        bytes[] memory publicKeys,
        uint64[] memory operatorIds,
        bytes[] memory sharesData,
        Cluster memory cluster
    ) external payable {
        _registerValidators(publicKeys, operatorIds, sharesData, cluster);
    }

    function _registerValidators(
        bytes[] memory publicKeys,
        uint64[] memory operatorIds,
        bytes[] memory sharesData,
        Cluster memory cluster
    ) private {
        if (publicKeys.length == 0) revert EmptyPublicKeysList();
        if (publicKeys.length != sharesData.length) revert PublicKeysSharesLengthMismatch();
        _checkOperatorIdsLength(operatorIds.length);
        _writeValidatorEntries(publicKeys, operatorIds);

        bytes32 key = _clusterKey(msg.sender, operatorIds);
        _checkClusterForRegistration(key, cluster);
        cluster.balance += msg.value;

        _addValidatorsToCluster(key, operatorIds, uint32(publicKeys.length), cluster);

        for (uint256 i; i < publicKeys.length; ++i) {
            emit ValidatorAdded(msg.sender, operatorIds, publicKeys[i], sharesData[i], cluster);
        }
    }

    function _writeValidatorEntries(bytes[] memory publicKeys, uint64[] memory operatorIds) private {
        bytes32 idsHash = _operatorIdsHash(operatorIds);
        for (uint256 i; i < publicKeys.length; ++i) {
            if (publicKeys[i].length != 48) revert InvalidPublicKeyLength();
            bytes32 entry = _validatorKey(publicKeys[i], msg.sender);
            if (validatorPKs[entry] != bytes32(0)) revert ValidatorAlreadyExistsWithData(publicKeys[i]);
            validatorPKs[entry] = idsHash;
        }
    }

    function _checkClusterForRegistration(bytes32 key, Cluster memory cluster) private view {
        bytes32 stored = ethClusters[key];
        if (stored == bytes32(0)) {
            if (clusters[key] != bytes32(0)) revert IncorrectClusterVersion();
            if (
                cluster.validatorCount != 0 || cluster.networkFeeIndex != 0 || cluster.index != 0 || !cluster.active
                    || cluster.balance != 0
            ) revert IncorrectClusterState();
        } else {
            if (stored != _hashCluster(cluster)) revert IncorrectClusterState();
            if (!cluster.active) revert ClusterIsLiquidated();
        }
    }

    function _addValidatorsToCluster(bytes32 key, uint64[] memory operatorIds, uint32 count, Cluster memory cluster)
        private
    {
        OperatorSums memory sums = _registerOperators(operatorIds, count);
        _settle(cluster, sums.index, _networkIndexNow(ethNetwork), _vUnits(key, cluster.validatorCount));
        _moveNetworkCount(ethNetwork, count, true);
        cluster.validatorCount += count;

        uint32 explicitEb = clusterEffectiveBalance[key];
        if (explicitEb != 0) clusterEffectiveBalance[key] = explicitEb + 32 * count;
        if (_isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), sums.fee)) revert InsufficientBalance();
        ethClusters[key] = _hashCluster(cluster);
    }

    /// @dev Spec §4.2 step 7: per operator, order/uniqueness, existence, whitelist, cap.
    function _registerOperators(uint64[] memory operatorIds, uint32 count) private returns (OperatorSums memory sums) {
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkSortedUnique(operatorIds, i);
            uint64 id = operatorIds[i];
            OperatorRecord storage op = operators[id];
            if (!op.active) revert OperatorDoesNotExist();
            if (op.isPrivate && !_isWhitelisted(id, msg.sender)) revert CallerNotWhitelistedWithData(id);
            _snapshotOperator(op);
            if (uint256(op.validatorCount) + count > validatorsPerOperatorLimit) {
                revert ExceedValidatorLimitWithData(id);
            }
            op.validatorCount += count;
            sums.index += op.snapshotIndex;
            sums.fee += op.feePacked;
        }
    }

    // ---------------------------------------------------------------- remove

    function removeValidator(bytes calldata publicKey, uint64[] memory operatorIds, Cluster memory cluster) external {
        bytes[] memory publicKeys = new bytes[](1);
        publicKeys[0] = publicKey;
        _removeValidators(publicKeys, operatorIds, cluster);
    }

    function bulkRemoveValidator(bytes[] memory publicKeys, uint64[] memory operatorIds, Cluster memory cluster)
        external
    {
        _removeValidators(publicKeys, operatorIds, cluster);
    }

    function _removeValidators(bytes[] memory publicKeys, uint64[] memory operatorIds, Cluster memory cluster)
        private
    {
        if (publicKeys.length == 0) revert ValidatorDoesNotExist();
        bytes32 key = _clusterKey(msg.sender, operatorIds);
        uint8 version = _validateCluster(key, cluster);
        if (version == VERSION_SSV && !legacyRemovalAllowed) revert IncorrectClusterVersion();
        _deleteValidatorEntries(publicKeys, operatorIds);

        uint32 count = uint32(publicKeys.length);
        if (version == VERSION_ETH) {
            if (cluster.active) {
                OperatorSums memory sums = _moveOperatorCounts(operatorIds, count, false);
                _settle(cluster, sums.index, _networkIndexNow(ethNetwork), _vUnits(key, cluster.validatorCount));
                _moveNetworkCount(ethNetwork, count, false);
            }
            cluster.validatorCount -= count;
            _shrinkEffectiveBalance(key, count, cluster.validatorCount);
            ethClusters[key] = _hashCluster(cluster);
        } else {
            if (cluster.active) {
                OperatorSums memory sums = _moveOperatorCountsSSV(operatorIds, count, false);
                _settleSSV(cluster, sums, _networkIndexNow(ssvNetwork));
                _moveNetworkCount(ssvNetwork, count, false);
            }
            cluster.validatorCount -= count;
            clusters[key] = _hashCluster(cluster);
        }

        for (uint256 i; i < publicKeys.length; ++i) {
            emit ValidatorRemoved(msg.sender, operatorIds, publicKeys[i], cluster);
        }
    }

    function _deleteValidatorEntries(bytes[] memory publicKeys, uint64[] memory operatorIds) private {
        bytes32 idsHash = _operatorIdsHash(operatorIds);
        for (uint256 i; i < publicKeys.length; ++i) {
            bytes32 entry = _validatorKey(publicKeys[i], msg.sender);
            if (validatorPKs[entry] != idsHash) revert IncorrectValidatorStateWithData(publicKeys[i]);
            delete validatorPKs[entry];
        }
    }

    function _shrinkEffectiveBalance(bytes32 key, uint32 removed, uint32 remaining) private {
        uint32 explicitEb = clusterEffectiveBalance[key];
        if (explicitEb == 0) return;
        uint32 reduced = explicitEb > 32 * removed ? explicitEb - 32 * removed : 0;
        clusterEffectiveBalance[key] = remaining == 0 ? 0 : (reduced < 32 * remaining ? 32 * remaining : reduced);
    }

    function _moveOperatorCountsSSV(uint64[] memory operatorIds, uint32 count, bool increase)
        internal
        returns (OperatorSums memory sums)
    {
        for (uint256 i; i < operatorIds.length; ++i) {
            OperatorRecord storage op = operators[operatorIds[i]];
            _snapshotOperatorSSV(op);
            if (op.active) {
                if (increase) op.ssvValidatorCount += count;
                else op.ssvValidatorCount -= count;
            }
            sums.index += op.ssvSnapshotIndex;
            sums.fee += op.ssvFeePacked;
        }
    }

    // ---------------------------------------------------------------- exit

    function exitValidator(bytes calldata publicKey, uint64[] memory operatorIds) external {
        _exitValidator(publicKey, operatorIds, _operatorIdsHash(operatorIds));
    }

    function bulkExitValidator(bytes[] calldata publicKeys, uint64[] memory operatorIds) external {
        if (publicKeys.length == 0) revert ValidatorDoesNotExist();
        bytes32 idsHash = _operatorIdsHash(operatorIds);
        for (uint256 i; i < publicKeys.length; ++i) {
            _exitValidator(publicKeys[i], operatorIds, idsHash);
        }
    }

    function _exitValidator(bytes calldata publicKey, uint64[] memory operatorIds, bytes32 idsHash) private {
        if (validatorPKs[_validatorKey(publicKey, msg.sender)] != idsHash) {
            revert IncorrectValidatorStateWithData(publicKey);
        }
        emit ValidatorExited(msg.sender, operatorIds, publicKey);
    }

    // ---------------------------------------------------------------- balance

    function deposit(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster) external payable {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        _validateEthCluster(key, cluster);
        cluster.balance += msg.value;
        ethClusters[key] = _hashCluster(cluster);
        emit ClusterDeposited(clusterOwner, operatorIds, msg.value, cluster);
    }

    function withdraw(uint64[] memory operatorIds, uint256 amount, Cluster memory cluster) external {
        bytes32 key = _clusterKey(msg.sender, operatorIds);
        _validateEthCluster(key, cluster);
        uint64 feeSum = _settleView(key, operatorIds, cluster);
        if (cluster.balance < amount) revert InsufficientBalance();
        cluster.balance -= amount;
        if (cluster.active && _isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), feeSum)) {
            revert InsufficientBalance();
        }
        ethClusters[key] = _hashCluster(cluster);
        _sendETH(msg.sender, amount);
        emit ClusterWithdrawn(msg.sender, operatorIds, amount, cluster);
    }

    function liquidate(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster) external {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        _validateEthCluster(key, cluster);
        if (!cluster.active) revert ClusterIsLiquidated();
        uint64 feeSum = _settleView(key, operatorIds, cluster);
        if (msg.sender != clusterOwner && !_isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), feeSum)) {
            revert ClusterNotLiquidatable();
        }
        _moveOperatorCounts(operatorIds, cluster.validatorCount, false);
        _moveNetworkCount(ethNetwork, cluster.validatorCount, false);

        uint256 payout = cluster.balance;
        cluster.balance = 0;
        cluster.index = 0;
        cluster.networkFeeIndex = 0;
        cluster.active = false;
        ethClusters[key] = _hashCluster(cluster);
        _sendETH(msg.sender, payout);
        emit ClusterLiquidated(clusterOwner, operatorIds, cluster);
    }

    function reactivate(uint64[] memory operatorIds, Cluster memory cluster) external payable {
        bytes32 key = _clusterKey(msg.sender, operatorIds);
        _validateEthCluster(key, cluster);
        if (cluster.active) revert ClusterAlreadyEnabled();
        OperatorSums memory sums = _moveOperatorCounts(operatorIds, cluster.validatorCount, true);
        _moveNetworkCount(ethNetwork, cluster.validatorCount, true);
        cluster.balance += msg.value;
        cluster.active = true;
        cluster.index = sums.index;
        cluster.networkFeeIndex = _networkIndexNow(ethNetwork);
        if (_isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), sums.fee)) revert InsufficientBalance();
        ethClusters[key] = _hashCluster(cluster);
        emit ClusterReactivated(msg.sender, operatorIds, cluster);
    }

    function setFeeRecipientAddress(address recipientAddress) external {
        emit FeeRecipientAddressUpdated(msg.sender, recipientAddress);
    }

    // ---------------------------------------------------------------- legacy SSV clusters

    function migrateClusterToETH(uint64[] memory operatorIds, Cluster memory cluster) external payable {
        bytes32 key = _clusterKey(msg.sender, operatorIds);
        if (_validateCluster(key, cluster) != VERSION_SSV) revert IncorrectClusterVersion();
        bool wasActive = cluster.active;
        if (wasActive) {
            OperatorSums memory ssvSums = _moveOperatorCountsSSV(operatorIds, cluster.validatorCount, false);
            _settleSSV(cluster, ssvSums, _networkIndexNow(ssvNetwork));
            _moveNetworkCount(ssvNetwork, cluster.validatorCount, false);
        }
        uint256 ssvRefund = cluster.balance;

        OperatorSums memory sums = _moveOperatorCounts(operatorIds, cluster.validatorCount, true);
        _moveNetworkCount(ethNetwork, cluster.validatorCount, true);
        cluster.balance = msg.value;
        cluster.active = true;
        cluster.index = sums.index;
        cluster.networkFeeIndex = _networkIndexNow(ethNetwork);
        if (_isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), sums.fee)) revert InsufficientBalance();

        ethClusters[key] = _hashCluster(cluster);
        delete clusters[key];
        _sendSSV(msg.sender, ssvRefund);
        emit ClusterMigratedToETH(
            msg.sender, operatorIds, msg.value, ssvRefund, _effectiveBalance(key, cluster.validatorCount), cluster
        );
        if (!wasActive) emit ClusterReactivated(msg.sender, operatorIds, cluster);
    }

    function liquidateSSV(address clusterOwner, uint64[] memory operatorIds, Cluster memory cluster) external {
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        if (_validateCluster(key, cluster) != VERSION_SSV) revert IncorrectClusterVersion();
        if (!cluster.active) revert ClusterIsLiquidated();
        OperatorSums memory sums = _operatorSumsSSV(operatorIds);
        _settleSSV(cluster, sums, _networkIndexNow(ssvNetwork));
        if (msg.sender != clusterOwner && !_isLiquidatableSSV(cluster, sums.fee)) revert ClusterNotLiquidatable();
        _moveOperatorCountsSSV(operatorIds, cluster.validatorCount, false);
        _moveNetworkCount(ssvNetwork, cluster.validatorCount, false);

        uint256 payout = cluster.balance;
        cluster.balance = 0;
        cluster.index = 0;
        cluster.networkFeeIndex = 0;
        cluster.active = false;
        clusters[key] = _hashCluster(cluster);
        _sendSSV(msg.sender, payout);
        emit ClusterLiquidated(clusterOwner, operatorIds, cluster);
    }

    // ---------------------------------------------------------------- effective balance (devnet oracle)

    /// @notice Spec §4.11 with a devnet oracle: roots come from `commitRoot` (contract owner), the
    ///         proof is checked with OpenZeppelin's sorted-pair MerkleProof rule.
    function updateClusterBalance(
        uint64 blockNum,
        address clusterOwner,
        uint64[] memory operatorIds,
        Cluster memory cluster,
        uint32 effectiveBalance,
        bytes32[] calldata merkleProof
    ) external {
        bytes32 root = committedRoots[blockNum];
        if (root == bytes32(0)) revert RootNotFound();
        bytes32 key = _clusterKey(clusterOwner, operatorIds);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(key, effectiveBalance))));
        if (!_verifyProof(merkleProof, root, leaf)) revert InvalidProof();
        uint8 version = _validateCluster(key, cluster);
        if (blockNum <= clusterLastBalanceUpdateBlock[key]) revert StaleUpdate();
        if (uint256(effectiveBalance) > uint256(cluster.validatorCount) * 2048) revert EBExceedsMaximum();
        if (uint256(effectiveBalance) < uint256(cluster.validatorCount) * 32) revert EBBelowMinimum();
        clusterLastBalanceUpdateBlock[key] = blockNum;

        bool liquidated = _applyEffectiveBalance(key, version, operatorIds, cluster, effectiveBalance);
        emit ClusterBalanceUpdated(clusterOwner, operatorIds, blockNum, effectiveBalance, cluster);
        if (liquidated) emit ClusterLiquidated(clusterOwner, operatorIds, cluster);
    }

    function _applyEffectiveBalance(
        bytes32 key,
        uint8 version,
        uint64[] memory operatorIds,
        Cluster memory cluster,
        uint32 effectiveBalance
    ) private returns (bool liquidated) {
        if (version == VERSION_SSV || !cluster.active) {
            clusterEffectiveBalance[key] = effectiveBalance;
            return false;
        }
        uint64 feeSum = _settleView(key, operatorIds, cluster);
        clusterEffectiveBalance[key] = effectiveBalance;
        if (_isLiquidatable(cluster, _vUnits(key, cluster.validatorCount), feeSum)) {
            _moveOperatorCounts(operatorIds, cluster.validatorCount, false);
            _moveNetworkCount(ethNetwork, cluster.validatorCount, false);
            uint256 payout = cluster.balance;
            cluster.balance = 0;
            cluster.index = 0;
            cluster.networkFeeIndex = 0;
            cluster.active = false;
            ethClusters[key] = _hashCluster(cluster);
            _sendETH(msg.sender, payout);
            return true;
        }
        ethClusters[key] = _hashCluster(cluster);
        return false;
    }

    function _verifyProof(bytes32[] calldata proof, bytes32 root, bytes32 leaf) private pure returns (bool) {
        bytes32 computed = leaf;
        for (uint256 i; i < proof.length; ++i) {
            bytes32 sibling = proof[i];
            computed = computed < sibling
                ? keccak256(abi.encodePacked(computed, sibling))
                : keccak256(abi.encodePacked(sibling, computed));
        }
        return computed == root;
    }
}
