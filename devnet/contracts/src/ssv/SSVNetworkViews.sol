// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ISSVNetworkCore} from "./ISSVNetworkCore.sol";

/// @notice The read selectors of spec §8, as answered by the devnet SSVNetwork.
interface ISSVNetworkReads is ISSVNetworkCore {
    function getVersion() external view returns (string memory);
    function getValidator(address clusterOwner, bytes calldata publicKey) external view returns (bool);
    function getClusterAssetType(address clusterOwner, uint64[] calldata operatorIds) external view returns (uint8);
    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (bool);
    function isLiquidated(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (bool);
    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256 balance);
    function getBurnRate(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256);
    function getEffectiveBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint32 effectiveBalance);
    function getOperatorById(uint64 operatorId) external view returns (OperatorData memory);
    function getOperatorFee(uint64 operatorId) external view returns (uint256);
    function getOperatorDeclaredFee(uint64 operatorId) external view returns (OperatorDeclaredFeeData memory);
    function getWhitelistedOperators(uint64[] calldata operatorIds, address whitelistedAddress) external view returns (uint64[] memory whitelistedOperatorIds);
    function isWhitelistingContract(address contractAddress) external view returns (bool);
    function isAddressWhitelistedInWhitelistingContract(address addressToCheck, uint256 operatorId, address whitelistingContract) external view returns (bool isWhitelisted);
    function getNetworkFee() external view returns (uint256);
    function getMinimumLiquidationCollateral() external view returns (uint256);
    function getLiquidationThresholdPeriod() external view returns (uint64);
    function getValidatorsPerOperatorLimit() external view returns (uint32);
    function getMaximumOperatorFee() external view returns (uint256);
    function getMinimumOperatorEthFee() external view returns (uint256);
    function getOperatorFeeIncreaseLimit() external view returns (uint64);
    function getOperatorFeePeriods() external view returns (OperatorFeePeriodsData memory);
    function getNetworkValidatorsCount() external view returns (uint32);
    function getNetworkEarnings() external view returns (uint256);
    function getOperatorEarnings(uint64 operatorId) external view returns (uint256);
    function isLiquidatableSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (bool);
    function getBalanceSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256);
    function getBurnRateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256);
    function getOperatorByIdSSV(uint64 operatorId) external view returns (OperatorData memory);
    function getOperatorFeeSSV(uint64 operatorId) external view returns (uint256);
    function getNetworkFeeSSV() external view returns (uint256);
    function getMinimumLiquidationCollateralSSV() external view returns (uint256);
    function getLiquidationThresholdPeriodSSV() external view returns (uint64);
    function getCommittedRoot(uint64 blockNum) external view returns (bytes32);
}

/// @title Devnet SSVNetworkViews: a second address answering the §8 read selectors.
/// @notice Every call is forwarded to SSVNetwork; reverts (custom errors) bubble up unchanged.
///         Generated from one table; keep the signatures in step with SSVNetwork's views.
contract SSVNetworkViews is ISSVNetworkCore {
    ISSVNetworkReads internal immutable network;

    constructor(address ssvNetwork_) {
        network = ISSVNetworkReads(ssvNetwork_);
    }

    function ssvNetwork() external view returns (address) {
        return address(network);
    }

    function getVersion() external view returns (string memory) {
        return network.getVersion();
    }

    function getValidator(address clusterOwner, bytes calldata publicKey) external view returns (bool) {
        return network.getValidator(clusterOwner, publicKey);
    }

    function getClusterAssetType(address clusterOwner, uint64[] calldata operatorIds) external view returns (uint8) {
        return network.getClusterAssetType(clusterOwner, operatorIds);
    }

    function isLiquidatable(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (bool) {
        return network.isLiquidatable(clusterOwner, operatorIds, cluster);
    }

    function isLiquidated(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (bool) {
        return network.isLiquidated(clusterOwner, operatorIds, cluster);
    }

    function getBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256 balance) {
        return network.getBalance(clusterOwner, operatorIds, cluster);
    }

    function getBurnRate(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256) {
        return network.getBurnRate(clusterOwner, operatorIds, cluster);
    }

    function getEffectiveBalance(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint32 effectiveBalance) {
        return network.getEffectiveBalance(clusterOwner, operatorIds, cluster);
    }

    function getOperatorById(uint64 operatorId) external view returns (OperatorData memory) {
        return network.getOperatorById(operatorId);
    }

    function getOperatorFee(uint64 operatorId) external view returns (uint256) {
        return network.getOperatorFee(operatorId);
    }

    function getOperatorDeclaredFee(uint64 operatorId) external view returns (OperatorDeclaredFeeData memory) {
        return network.getOperatorDeclaredFee(operatorId);
    }

    function getWhitelistedOperators(uint64[] calldata operatorIds, address whitelistedAddress) external view returns (uint64[] memory whitelistedOperatorIds) {
        return network.getWhitelistedOperators(operatorIds, whitelistedAddress);
    }

    function isWhitelistingContract(address contractAddress) external view returns (bool) {
        return network.isWhitelistingContract(contractAddress);
    }

    function isAddressWhitelistedInWhitelistingContract(address addressToCheck, uint256 operatorId, address whitelistingContract) external view returns (bool isWhitelisted) {
        return network.isAddressWhitelistedInWhitelistingContract(addressToCheck, operatorId, whitelistingContract);
    }

    function getNetworkFee() external view returns (uint256) {
        return network.getNetworkFee();
    }

    function getMinimumLiquidationCollateral() external view returns (uint256) {
        return network.getMinimumLiquidationCollateral();
    }

    function getLiquidationThresholdPeriod() external view returns (uint64) {
        return network.getLiquidationThresholdPeriod();
    }

    function getValidatorsPerOperatorLimit() external view returns (uint32) {
        return network.getValidatorsPerOperatorLimit();
    }

    function getMaximumOperatorFee() external view returns (uint256) {
        return network.getMaximumOperatorFee();
    }

    function getMinimumOperatorEthFee() external view returns (uint256) {
        return network.getMinimumOperatorEthFee();
    }

    function getOperatorFeeIncreaseLimit() external view returns (uint64) {
        return network.getOperatorFeeIncreaseLimit();
    }

    function getOperatorFeePeriods() external view returns (OperatorFeePeriodsData memory) {
        return network.getOperatorFeePeriods();
    }

    function getNetworkValidatorsCount() external view returns (uint32) {
        return network.getNetworkValidatorsCount();
    }

    function getNetworkEarnings() external view returns (uint256) {
        return network.getNetworkEarnings();
    }

    function getOperatorEarnings(uint64 operatorId) external view returns (uint256) {
        return network.getOperatorEarnings(operatorId);
    }

    function isLiquidatableSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (bool) {
        return network.isLiquidatableSSV(clusterOwner, operatorIds, cluster);
    }

    function getBalanceSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256) {
        return network.getBalanceSSV(clusterOwner, operatorIds, cluster);
    }

    function getBurnRateSSV(address clusterOwner, uint64[] calldata operatorIds, Cluster calldata cluster) external view returns (uint256) {
        return network.getBurnRateSSV(clusterOwner, operatorIds, cluster);
    }

    function getOperatorByIdSSV(uint64 operatorId) external view returns (OperatorData memory) {
        return network.getOperatorByIdSSV(operatorId);
    }

    function getOperatorFeeSSV(uint64 operatorId) external view returns (uint256) {
        return network.getOperatorFeeSSV(operatorId);
    }

    function getNetworkFeeSSV() external view returns (uint256) {
        return network.getNetworkFeeSSV();
    }

    function getMinimumLiquidationCollateralSSV() external view returns (uint256) {
        return network.getMinimumLiquidationCollateralSSV();
    }

    function getLiquidationThresholdPeriodSSV() external view returns (uint64) {
        return network.getLiquidationThresholdPeriodSSV();
    }

    function getCommittedRoot(uint64 blockNum) external view returns (bytes32) {
        return network.getCommittedRoot(blockNum);
    }
}
