// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiWithdrawBase} from "./StafiWithdrawBase.sol";

/// @notice StafiWithdraw as on StaFi's `pectra` branch (specs/stafi-pool.md §9.3): trusted nodes
/// vote a pubkey list for the previous cycle; the executing vote sends one EIP-7002 full-exit
/// request per pubkey to the predeploy, paying the fee read in the same transaction, and refunds
/// what is left of its own `msg.value`. Earlier voters' values stay in the contract.
contract StafiWithdrawPectra is StafiWithdrawBase {
    address public constant WITHDRAWAL_QUEUE_ADDRESS = 0x00000961Ef480Eb55e80D19ad83579A64c007002;

    event RequestValidatorExit(uint256 withdrawCycle, bytes[] ejectedValidators);

    uint256 public requestedValidatorExitCycle;
    /// @notice Deprecated index lists of the `main` branch; always empty on the devnet.
    mapping(uint256 => uint256[]) public ejectedValidatorsAtCycle_;

    constructor(address _stafiStorageAddress) StafiWithdrawBase(_stafiStorageAddress) {}

    function requestValidatorExit(
        uint256 _withdrawCycle,
        bytes[] calldata _validatorList
    ) external payable onlyLatestContract("stafiWithdraw", address(this)) onlyTrustedNode(msg.sender) {
        _requireEjectionListLength(_validatorList.length);
        require(_withdrawCycle + 1 == currentWithdrawCycle(), "cycle not match");
        require(_withdrawCycle > requestedValidatorExitCycle, "already requested cycle");
        bytes32 proposalId = keccak256(abi.encode("notifyValidatorExit", _withdrawCycle, _validatorList));
        if (!_voteProposal(proposalId)) return;
        requestedValidatorExitCycle = _withdrawCycle;

        uint256 remaining = msg.value;
        for (uint256 i = 0; i < _validatorList.length; i++) {
            (bool feeOk, bytes memory feeData) = WITHDRAWAL_QUEUE_ADDRESS.staticcall("");
            require(feeOk && feeData.length == 32, "get fee failed");
            uint256 fee = abi.decode(feeData, (uint256));
            require(fee <= remaining, "fee is too high");
            remaining -= fee;
            (bool ok, ) = WITHDRAWAL_QUEUE_ADDRESS.call{value: fee}(abi.encodePacked(_validatorList[i], uint64(0)));
            require(ok, "request exit failed");
        }
        if (remaining > 0) {
            (bool refunded, ) = payable(msg.sender).call{value: remaining}("");
            require(refunded, "refund failed");
        }
        emit RequestValidatorExit(_withdrawCycle, _validatorList);
    }
}
