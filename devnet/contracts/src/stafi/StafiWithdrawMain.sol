// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiWithdrawBase} from "./StafiWithdrawBase.sol";

/// @notice StafiWithdraw as on StaFi's `main` branch (specs/stafi-pool.md §9.2): trusted nodes vote
/// an index-based ejection list for the previous cycle; the router reads it with
/// `getEjectedValidatorsAtCycle` and exits those validators itself.
contract StafiWithdrawMain is StafiWithdrawBase {
    event NotifyValidatorExit(uint256 withdrawCycle, uint256 ejectedStartWithdrawCycle, uint256[] ejectedValidators);

    uint256 public ejectedStartCycle;
    mapping(uint256 => uint256[]) public ejectedValidatorsAtCycle;

    constructor(address _stafiStorageAddress) StafiWithdrawBase(_stafiStorageAddress) {}

    function getEjectedValidatorsAtCycle(uint256 cycle) external view returns (uint256[] memory) {
        return ejectedValidatorsAtCycle[cycle];
    }

    function notifyValidatorExit(
        uint256 _withdrawCycle,
        uint256 _ejectedStartCycle,
        uint256[] calldata _validatorIndexList
    ) external onlyLatestContract("stafiWithdraw", address(this)) onlyTrustedNode(msg.sender) {
        _requireEjectionListLength(_validatorIndexList.length);
        require(
            _ejectedStartCycle < _withdrawCycle && _withdrawCycle + 1 == currentWithdrawCycle(),
            "cycle not match"
        );
        require(ejectedValidatorsAtCycle[_withdrawCycle].length == 0, "already dealed");
        bytes32 proposalId = keccak256(
            abi.encodePacked("notifyValidatorExit", _withdrawCycle, _ejectedStartCycle, _validatorIndexList)
        );
        if (!_voteProposal(proposalId)) return;
        ejectedValidatorsAtCycle[_withdrawCycle] = _validatorIndexList;
        ejectedStartCycle = _ejectedStartCycle;
        emit NotifyValidatorExit(_withdrawCycle, _ejectedStartCycle, _validatorIndexList);
    }
}
