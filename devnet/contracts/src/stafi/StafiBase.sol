// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IStafiStorage} from "./StafiInterfaces.sol";

/// @notice Shared base of the devnet StaFi contracts: address resolution through Storage
/// (`keccak256("contract.address" ‖ name)`) and the access modifiers of specs/stafi-pool.md §1.4,
/// with their revert strings.
abstract contract StafiBase {
    uint256 internal constant CALC_BASE = 1 ether;

    IStafiStorage internal immutable stafiStorage;

    constructor(address _stafiStorageAddress) {
        stafiStorage = IStafiStorage(_stafiStorageAddress);
    }

    modifier onlyLatestContract(string memory _contractName, address _contractAddress) {
        require(
            _contractAddress == stafiStorage.getAddress(keccak256(abi.encodePacked("contract.address", _contractName))),
            "Invalid or outdated contract"
        );
        _;
    }

    modifier onlyLatestNetworkContract() {
        require(
            stafiStorage.getBool(keccak256(abi.encodePacked("contract.exists", msg.sender))),
            "Invalid or outdated network contract"
        );
        _;
    }

    modifier onlySuperNode(address _nodeAddress) {
        require(stafiStorage.getBool(keccak256(abi.encodePacked("node.super", _nodeAddress))), "Invalid super node");
        _;
    }

    modifier onlyTrustedNode(address _nodeAddress) {
        require(
            stafiStorage.getBool(keccak256(abi.encodePacked("node.trusted", _nodeAddress))),
            "Invalid trusted node"
        );
        _;
    }

    modifier onlySuperUser() {
        require(
            stafiStorage.getBool(keccak256(abi.encodePacked("access.role", "owner", msg.sender))) ||
                stafiStorage.getBool(keccak256(abi.encodePacked("access.role", "admin", msg.sender))),
            "Account is not a super user"
        );
        _;
    }

    function getContractAddress(string memory _contractName) internal view returns (address) {
        address found = stafiStorage.getAddress(keccak256(abi.encodePacked("contract.address", _contractName)));
        require(found != address(0), "Contract not found");
        return found;
    }

    function getContractName(address _contractAddress) internal view returns (string memory) {
        return stafiStorage.getString(keccak256(abi.encodePacked("contract.name", _contractAddress)));
    }

    function getUintS(string memory _key) internal view returns (uint256) {
        return stafiStorage.getUint(keccak256(bytes(_key)));
    }

    function setUintS(string memory _key, uint256 _value) internal {
        stafiStorage.setUint(keccak256(bytes(_key)), _value);
    }

    function getBoolS(string memory _key) internal view returns (bool) {
        return stafiStorage.getBool(keccak256(bytes(_key)));
    }

    function setBoolS(string memory _key, bool _value) internal {
        stafiStorage.setBool(keccak256(bytes(_key)), _value);
    }
}
