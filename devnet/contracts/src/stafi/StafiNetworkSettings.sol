// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiBase} from "./StafiBase.sol";

/// @notice Network settings kept in Storage under the S-style keys of specs/stafi-pool.md §1.3,
/// with the defaults of §4. The fee and refund getters return the documented constructor
/// defaults; the devnet has no distributor that would change them.
contract StafiNetworkSettings is StafiBase {
    constructor(address _stafiStorageAddress, bytes memory _withdrawalCredentials) StafiBase(_stafiStorageAddress) {
        if (!getBoolS("settings.network.init")) {
            setUintS("settings.network.superNode.pubkeyLimit", 50);
            setUintS("settings.network.consensus.threshold", 0.5 ether);
            stafiStorage.setBytes(keccak256("settings.network.withdrawal.credentials"), _withdrawalCredentials);
            setBoolS("settings.network.init", true);
        }
    }

    function version() external pure returns (uint8) {
        return 1;
    }

    function getWithdrawalCredentials() external view returns (bytes memory) {
        return stafiStorage.getBytes(keccak256("settings.network.withdrawal.credentials"));
    }

    function setWithdrawalCredentials(bytes calldata _value) external onlySuperUser {
        stafiStorage.setBytes(keccak256("settings.network.withdrawal.credentials"), _value);
    }

    function getSuperNodePubkeyLimit() external view returns (uint256) {
        return getUintS("settings.network.superNode.pubkeyLimit");
    }

    function setSuperNodePubkeyLimit(uint256 _value) external onlySuperUser {
        setUintS("settings.network.superNode.pubkeyLimit", _value);
    }

    function getNodeConsensusThreshold() external view returns (uint256) {
        return getUintS("settings.network.consensus.threshold");
    }

    function setNodeConsensusThreshold(uint256 _value) external onlySuperUser {
        setUintS("settings.network.consensus.threshold", _value);
    }

    function getNodeFee() external pure returns (uint256) {
        return 0.1 ether;
    }

    function getPlatformFee() external pure returns (uint256) {
        return 0.1 ether;
    }

    function getNodeRefundRatio() external pure returns (uint256) {
        return 0.25 ether;
    }

    function getNodeTrustedRefundRatio() external pure returns (uint256) {
        return 0.5 ether;
    }

    function getSubmitBalancesEnabled() external pure returns (bool) {
        return true;
    }

    function getProcessWithdrawalsEnabled() external pure returns (bool) {
        return true;
    }
}
