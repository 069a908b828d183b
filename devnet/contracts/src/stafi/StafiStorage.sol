// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Eternal key/value storage of the devnet StaFi suite (specs/stafi-pool.md §1.1). Until the
/// flag `keccak256("contract.storage.initialised")` is set anyone may write (the deploy script
/// registers contracts and defaults); afterwards only registered network contracts
/// (`contract.exists ‖ address`) may.
contract StafiStorage {
    mapping(bytes32 => address) private addressStorage;
    mapping(bytes32 => uint256) private uintStorage;
    mapping(bytes32 => bool) private boolStorage;
    mapping(bytes32 => bytes) private bytesStorage;
    mapping(bytes32 => string) private stringStorage;
    mapping(bytes32 => int256) private intStorage;
    mapping(bytes32 => bytes32) private bytes32Storage;

    modifier onlyLatestNetworkContract() {
        if (boolStorage[keccak256("contract.storage.initialised")]) {
            require(
                boolStorage[keccak256(abi.encodePacked("contract.exists", msg.sender))],
                "Invalid or outdated network contract"
            );
        }
        _;
    }

    function getAddress(bytes32 _key) external view returns (address) {
        return addressStorage[_key];
    }

    function getUint(bytes32 _key) external view returns (uint256) {
        return uintStorage[_key];
    }

    function getBool(bytes32 _key) external view returns (bool) {
        return boolStorage[_key];
    }

    function getBytes(bytes32 _key) external view returns (bytes memory) {
        return bytesStorage[_key];
    }

    function getString(bytes32 _key) external view returns (string memory) {
        return stringStorage[_key];
    }

    function getInt(bytes32 _key) external view returns (int256) {
        return intStorage[_key];
    }

    function getBytes32(bytes32 _key) external view returns (bytes32) {
        return bytes32Storage[_key];
    }

    function setAddress(bytes32 _key, address _value) external onlyLatestNetworkContract {
        addressStorage[_key] = _value;
    }

    function setUint(bytes32 _key, uint256 _value) external onlyLatestNetworkContract {
        uintStorage[_key] = _value;
    }

    function setBool(bytes32 _key, bool _value) external onlyLatestNetworkContract {
        boolStorage[_key] = _value;
    }

    function setBytes(bytes32 _key, bytes calldata _value) external onlyLatestNetworkContract {
        bytesStorage[_key] = _value;
    }

    function setString(bytes32 _key, string calldata _value) external onlyLatestNetworkContract {
        stringStorage[_key] = _value;
    }

    function setInt(bytes32 _key, int256 _value) external onlyLatestNetworkContract {
        intStorage[_key] = _value;
    }

    function setBytes32(bytes32 _key, bytes32 _value) external onlyLatestNetworkContract {
        bytes32Storage[_key] = _value;
    }

    function deleteAddress(bytes32 _key) external onlyLatestNetworkContract {
        delete addressStorage[_key];
    }

    function deleteUint(bytes32 _key) external onlyLatestNetworkContract {
        delete uintStorage[_key];
    }

    function deleteBool(bytes32 _key) external onlyLatestNetworkContract {
        delete boolStorage[_key];
    }

    function deleteBytes(bytes32 _key) external onlyLatestNetworkContract {
        delete bytesStorage[_key];
    }

    function deleteString(bytes32 _key) external onlyLatestNetworkContract {
        delete stringStorage[_key];
    }

    function deleteInt(bytes32 _key) external onlyLatestNetworkContract {
        delete intStorage[_key];
    }

    function deleteBytes32(bytes32 _key) external onlyLatestNetworkContract {
        delete bytes32Storage[_key];
    }
}
