// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice Devnet stand-in for the EIP-7002 withdrawal-request predeploy
/// (specs/beacon-and-keys.md §9). It has no functions, only a raw-calldata fallback:
/// - empty calldata, no value: returns the current fee as 32 bytes;
/// - exactly 56 bytes (`pubkey(48) ‖ amount(8, big-endian gwei)`) with `msg.value ≥ fee`: queues
///   the request by emitting the anonymous 76-byte log `source(20) ‖ pubkey(48) ‖ amount(8)`;
/// - exactly 32 bytes from the admin: sets the fee (a devnet knob, absent from the real system
///   contract);
/// - anything else reverts.
/// The fee is never below 1 wei. The deploy script copies slots 0–2 when it moves the runtime code
/// to the predeploy address with `hardhat_setCode`.
contract WithdrawalRequestPredeployMock {
    uint256 private fee; // slot 0; 0 means the minimum fee of 1 wei
    address private admin; // slot 1
    uint256 private requestCount; // slot 2

    constructor(address admin_, uint256 fee_) {
        admin = admin_;
        fee = fee_;
    }

    fallback(bytes calldata input) external payable returns (bytes memory) {
        uint256 currentFee = fee == 0 ? 1 : fee;
        if (input.length == 0) {
            require(msg.value == 0, "fee getter takes no value");
            return abi.encode(currentFee);
        }
        if (input.length == 56) {
            require(msg.value >= currentFee, "insufficient fee");
            requestCount += 1;
            bytes memory record = abi.encodePacked(msg.sender, input);
            assembly {
                log0(add(record, 32), 76)
            }
            return "";
        }
        if (input.length == 32 && msg.sender == admin) {
            require(msg.value == 0, "fee setter takes no value");
            fee = abi.decode(input, (uint256));
            return "";
        }
        revert("invalid request");
    }
}
