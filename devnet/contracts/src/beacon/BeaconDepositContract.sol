// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice External interface of the phase0 beacon deposit contract.
interface IBeaconDepositContract {
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;

    function get_deposit_root() external view returns (bytes32);

    function get_deposit_count() external view returns (bytes memory);
}

/// @notice Devnet beacon deposit contract: same interface, checks, revert strings and deposit tree
/// as the mainnet contract (specs/beacon-and-keys.md §6). Written from the behavioural description.
/// The tree is an incremental Merkle tree of depth 32 over deposit data roots; only the left
/// "frontier" of each level is kept, and `get_deposit_root` mixes the count into the root.
contract BeaconDepositContract is IBeaconDepositContract {
    uint256 private constant TREE_DEPTH = 32;
    uint256 private constant MAX_DEPOSITS = 2 ** TREE_DEPTH - 1;

    /// @dev frontier[h] = root of the last complete left subtree at height h.
    bytes32[TREE_DEPTH] private frontier;
    /// @dev emptyRoot[h] = root of an all-zero subtree of height h.
    bytes32[TREE_DEPTH] private emptyRoot;
    uint256 private count;

    constructor() {
        for (uint256 h = 0; h + 1 < TREE_DEPTH; h++) {
            emptyRoot[h + 1] = sha256(abi.encodePacked(emptyRoot[h], emptyRoot[h]));
        }
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == type(IBeaconDepositContract).interfaceId;
    }

    function get_deposit_count() external view returns (bytes memory) {
        return _uint64LittleEndian(uint64(count));
    }

    function get_deposit_root() external view returns (bytes32) {
        bytes32 node;
        uint256 remaining = count;
        for (uint256 h = 0; h < TREE_DEPTH; h++) {
            if (remaining & 1 == 1) node = sha256(abi.encodePacked(frontier[h], node));
            else node = sha256(abi.encodePacked(node, emptyRoot[h]));
            remaining >>= 1;
        }
        return sha256(abi.encodePacked(node, _uint64LittleEndian(uint64(count)), bytes24(0)));
    }

    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable {
        require(pubkey.length == 48, "DepositContract: invalid pubkey length");
        require(withdrawal_credentials.length == 32, "DepositContract: invalid withdrawal_credentials length");
        require(signature.length == 96, "DepositContract: invalid signature length");
        require(msg.value >= 1 ether, "DepositContract: deposit value too low");
        require(msg.value % 1 gwei == 0, "DepositContract: deposit value not multiple of gwei");
        uint256 gweiAmount = msg.value / 1 gwei;
        require(gweiAmount <= type(uint64).max, "DepositContract: deposit value too high");

        bytes memory amount = _uint64LittleEndian(uint64(gweiAmount));
        emit DepositEvent(pubkey, withdrawal_credentials, amount, signature, _uint64LittleEndian(uint64(count)));

        require(
            _depositDataRoot(pubkey, withdrawal_credentials, amount, signature) == deposit_data_root,
            "DepositContract: reconstructed DepositData does not match supplied deposit_data_root"
        );
        require(count < MAX_DEPOSITS, "DepositContract: merkle tree full");
        _insert(deposit_data_root);
    }

    /// @dev SSZ hash_tree_root of DepositData (beacon-and-keys.md §4.2).
    function _depositDataRoot(
        bytes calldata pubkey,
        bytes calldata credentials,
        bytes memory amountLe,
        bytes calldata signature
    ) private pure returns (bytes32) {
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(sha256(signature[:64]), sha256(abi.encodePacked(signature[64:], bytes32(0))))
        );
        return
            sha256(
                abi.encodePacked(
                    sha256(abi.encodePacked(pubkeyRoot, credentials)),
                    sha256(abi.encodePacked(amountLe, bytes24(0), signatureRoot))
                )
            );
    }

    function _insert(bytes32 leaf) private {
        count += 1;
        uint256 size = count;
        bytes32 node = leaf;
        for (uint256 h = 0; h < TREE_DEPTH; h++) {
            if (size & 1 == 1) {
                frontier[h] = node;
                return;
            }
            node = sha256(abi.encodePacked(frontier[h], node));
            size >>= 1;
        }
        // A count below 2^32 - 1 always has a set bit below height 32.
        assert(false);
    }

    function _uint64LittleEndian(uint64 value) private pure returns (bytes memory out) {
        out = new bytes(8);
        for (uint256 i = 0; i < 8; i++) {
            out[i] = bytes1(uint8(value >> (8 * i)));
        }
    }
}
