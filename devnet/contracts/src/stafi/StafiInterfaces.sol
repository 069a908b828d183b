// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

// Interfaces the devnet StaFi contracts use to call each other. Names carry a Stafi prefix because
// contract names must be unique across every devnet source file.

interface IStafiStorage {
    function getAddress(bytes32 _key) external view returns (address);
    function getUint(bytes32 _key) external view returns (uint256);
    function getBool(bytes32 _key) external view returns (bool);
    function getBytes(bytes32 _key) external view returns (bytes memory);
    function getString(bytes32 _key) external view returns (string memory);
    function setUint(bytes32 _key, uint256 _value) external;
    function setBool(bytes32 _key, bool _value) external;
    function setBytes(bytes32 _key, bytes calldata _value) external;
}

interface IStafiEthDeposit {
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;
}

interface IStafiNetworkSettingsView {
    function getWithdrawalCredentials() external view returns (bytes memory);
    function getSuperNodePubkeyLimit() external view returns (uint256);
    function getNodeConsensusThreshold() external view returns (uint256);
}

interface IStafiNodeManagerView {
    function getTrustedNodeCount() external view returns (uint256);
}

interface IStafiUserDepositForNodes {
    function withdrawExcessBalanceForSuperNode(uint256 _amount) external;
}

interface IStafiEthReceiver {
    function depositEth() external payable;
}
