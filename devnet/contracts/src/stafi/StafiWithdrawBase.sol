// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiBase} from "./StafiBase.sol";
import {IStafiNetworkSettingsView, IStafiNodeManagerView} from "./StafiInterfaces.sol";

/// @notice What both StafiWithdraw flavours share (specs/stafi-pool.md §9.1, §9.5): the one-day
/// withdraw cycle that rolls over at 08:00 UTC, the per-cycle limits, an ETH `receive()` for
/// consensus-layer withdrawals, and the trusted-node proposal vote
/// (`votes × 1e18 ≥ trustedNodeCount × threshold`). User unstake/withdraw and the distribution
/// votes are not part of the devnet.
abstract contract StafiWithdrawBase is StafiBase {
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    event ProposalExecuted(bytes32 indexed proposalId);

    uint256 public withdrawLimitPerCycle;
    uint256 public userWithdrawLimitPerCycle;
    uint256 public totalMissingAmountForWithdraw;

    mapping(bytes32 => uint256) private proposalVotes;
    mapping(bytes32 => mapping(address => bool)) private proposalVoted;
    mapping(bytes32 => bool) private proposalExecuted;

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        withdrawLimitPerCycle = 100 ether;
        userWithdrawLimitPerCycle = 100 ether;
    }

    receive() external payable {}

    function version() external pure returns (uint8) {
        return 1;
    }

    function depositEth() external payable onlyLatestContract("stafiUserDeposit", msg.sender) {
        emit EtherDeposited(msg.sender, msg.value, block.timestamp);
    }

    function currentWithdrawCycle() public view returns (uint256) {
        return (block.timestamp - 28800) / 86400;
    }

    function setWithdrawLimitPerCycle(uint256 _withdrawLimitPerCycle) external onlySuperUser {
        withdrawLimitPerCycle = _withdrawLimitPerCycle;
    }

    function setUserWithdrawLimitPerCycle(uint256 _userWithdrawLimitPerCycle) external onlySuperUser {
        userWithdrawLimitPerCycle = _userWithdrawLimitPerCycle;
    }

    /// @dev `0 < length ≤ withdrawLimitPerCycle × 3 / 20 ETH` ("length not match").
    function _requireEjectionListLength(uint256 _length) internal view {
        require(_length > 0 && _length <= (withdrawLimitPerCycle * 3) / 20 ether, "length not match");
    }

    /// @dev Records the sender's vote; true when this vote makes the proposal pass (and marks it
    /// executed, so the caller executes it).
    function _voteProposal(bytes32 _proposalId) internal returns (bool) {
        require(!proposalExecuted[_proposalId], "proposal already executed");
        require(!proposalVoted[_proposalId][msg.sender], "duplicate vote");
        proposalVoted[_proposalId][msg.sender] = true;
        uint256 votes = proposalVotes[_proposalId] + 1;
        proposalVotes[_proposalId] = votes;
        uint256 trustedCount = IStafiNodeManagerView(getContractAddress("stafiNodeManager")).getTrustedNodeCount();
        uint256 threshold = IStafiNetworkSettingsView(getContractAddress("stafiNetworkSettings"))
            .getNodeConsensusThreshold();
        if (CALC_BASE * votes >= trustedCount * threshold) {
            proposalExecuted[_proposalId] = true;
            emit ProposalExecuted(_proposalId);
            return true;
        }
        return false;
    }
}
