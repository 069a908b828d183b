// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiBase} from "./StafiBase.sol";

/// @notice Execution-layer rewards sink of the super-node validators (specs/stafi-pool.md §6): SSV
/// clusters set it as their fee recipient; only registered network contracts may take ETH out.
contract StafiSuperNodeFeePool is StafiBase {
    event EtherWithdrawn(string indexed by, address indexed to, uint256 amount, uint256 time);

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {}

    receive() external payable {}

    function version() external pure returns (uint8) {
        return 1;
    }

    function withdrawEther(address _to, uint256 _amount) external onlyLatestNetworkContract {
        require(_to != address(0), "Invalid withdrawal address");
        (bool ok, ) = payable(_to).call{value: _amount}("");
        require(ok, "Withdrawal failed");
        emit EtherWithdrawn(getContractName(msg.sender), _to, _amount, block.timestamp);
    }
}
