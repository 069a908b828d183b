// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {StafiBase} from "./StafiBase.sol";
import {IStafiEthReceiver} from "./StafiInterfaces.sol";

/// @notice The user pool (specs/stafi-pool.md §2). The devnet keeps the pool's ETH in this contract
/// (StaFi keeps it in StafiEther under the contract's name) and mints no rETH; `deposit()` only
/// records the deposit. There is no legacy staking-pool queue, so the excess balance equals the
/// balance and `assignDeposits()` assigns nothing. `devnetDrain`/`devnetRefill` are devnet-only
/// cheats for testing a router's reserve logic.
contract StafiUserDeposit is StafiBase {
    event DepositReceived(address indexed from, uint256 amount, uint256 time);
    event DepositRecycled(address indexed from, uint256 amount, uint256 time);
    event ExcessWithdrawn(address indexed to, uint256 amount, uint256 time);
    /// @notice Devnet cheat: pool ETH moved in or out without a user deposit.
    event DevnetBalanceAdjusted(int256 delta, uint256 balance);

    constructor(address _stafiStorageAddress) StafiBase(_stafiStorageAddress) {
        if (!getBoolS("settings.deposit.init")) {
            setBoolS("settings.deposit.enabled", true);
            setUintS("settings.deposit.minimum", 0.01 ether);
            setBoolS("settings.deposit.init", true);
        }
    }

    function version() external pure returns (uint8) {
        return 1;
    }

    function getBalance() public view returns (uint256) {
        return address(this).balance;
    }

    function getExcessBalance() external view returns (uint256) {
        return address(this).balance;
    }

    function getDepositEnabled() public view returns (bool) {
        return getBoolS("settings.deposit.enabled");
    }

    function getMinimumDeposit() public view returns (uint256) {
        return getUintS("settings.deposit.minimum");
    }

    function deposit() external payable onlyLatestContract("stafiUserDeposit", address(this)) {
        require(getDepositEnabled(), "Deposits into Stafi are currently disabled");
        require(msg.value >= getMinimumDeposit(), "The deposited amount is less than the minimum deposit size");
        emit DepositReceived(msg.sender, msg.value, block.timestamp);
    }

    function assignDeposits() external onlyLatestContract("stafiUserDeposit", address(this)) {}

    function recycleDissolvedDeposit()
        external
        payable
        onlyLatestContract("stafiUserDeposit", address(this))
        onlyLatestNetworkContract
    {
        emit DepositRecycled(msg.sender, msg.value, block.timestamp);
    }

    function recycleDistributorDeposit()
        external
        payable
        onlyLatestContract("stafiUserDeposit", address(this))
        onlyLatestNetworkContract
    {
        emit DepositRecycled(msg.sender, msg.value, block.timestamp);
    }

    function recycleWithdrawDeposit()
        external
        payable
        onlyLatestContract("stafiUserDeposit", address(this))
        onlyLatestNetworkContract
    {
        emit DepositRecycled(msg.sender, msg.value, block.timestamp);
    }

    function withdrawExcessBalanceForSuperNode(
        uint256 _amount
    ) external onlyLatestContract("stafiUserDeposit", address(this)) onlyLatestContract("stafiSuperNode", msg.sender) {
        _withdrawTo(_amount);
    }

    function withdrawExcessBalanceForLightNode(
        uint256 _amount
    ) external onlyLatestContract("stafiUserDeposit", address(this)) onlyLatestContract("stafiLightNode", msg.sender) {
        _withdrawTo(_amount);
    }

    function withdrawExcessBalanceForWithdraw(
        uint256 _amount
    ) external onlyLatestContract("stafiUserDeposit", address(this)) onlyLatestContract("stafiWithdraw", msg.sender) {
        _withdrawTo(_amount);
    }

    /// @notice Devnet cheat: moves pool ETH to `_to` without touching any accounting.
    function devnetDrain(uint256 _amount, address payable _to) external onlySuperUser {
        require(_amount <= getBalance(), "Insufficient balance for withdrawal");
        (bool ok, ) = _to.call{value: _amount}("");
        require(ok, "drain transfer failed");
        emit DevnetBalanceAdjusted(-int256(_amount), getBalance());
    }

    /// @notice Devnet cheat: adds ETH to the pool without a user deposit.
    function devnetRefill() external payable onlySuperUser {
        emit DevnetBalanceAdjusted(int256(msg.value), getBalance());
    }

    function _withdrawTo(uint256 _amount) private {
        require(_amount <= getBalance(), "Insufficient balance for withdrawal");
        IStafiEthReceiver(msg.sender).depositEth{value: _amount}();
        emit ExcessWithdrawn(msg.sender, _amount, block.timestamp);
    }
}
