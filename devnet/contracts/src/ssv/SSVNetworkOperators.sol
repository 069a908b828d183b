// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {SSVNetworkLedger} from "./SSVNetworkLedger.sol";

/// @title Operator registry, fees, privacy and whitelists of the devnet SSVNetwork (spec §5, §11).
abstract contract SSVNetworkOperators is SSVNetworkLedger {
    function registerOperator(bytes calldata publicKey, uint256 fee, bool setPrivate) external returns (uint64 id) {
        if (fee != 0 && fee < uint256(minimumOperatorEthFeePacked) * ETH_DEDUCTED_DIGITS) revert FeeTooLow();
        if (fee > uint256(operatorMaxFeePacked) * ETH_DEDUCTED_DIGITS) revert FeeTooHigh();
        uint64 feePacked = _packETH(fee);
        bytes32 keyHash = keccak256(publicKey);
        if (operatorsPKs[keyHash] != 0) revert OperatorAlreadyExists();

        id = ++lastOperatorId;
        operatorsPKs[keyHash] = id;
        OperatorRecord storage op = operators[id];
        op.owner = msg.sender;
        op.active = true;
        op.isPrivate = setPrivate;
        op.feePacked = feePacked;
        op.snapshotBlock = uint64(block.number);
        op.ssvSnapshotBlock = uint64(block.number);

        emit OperatorAdded(id, msg.sender, publicKey, fee);
        uint64[] memory ids = new uint64[](1);
        ids[0] = id;
        emit OperatorPrivacyStatusUpdated(ids, setPrivate);
    }

    function removeOperator(uint64 operatorId) external {
        OperatorRecord storage op = _checkOperatorOwner(operatorId);
        _snapshotOperator(op);
        _snapshotOperatorSSV(op);
        uint256 payout = uint256(op.balancePacked) * ETH_DEDUCTED_DIGITS;
        uint256 ssvPayout = uint256(op.ssvBalancePacked) * SSV_DEDUCTED_DIGITS;
        op.ssvBalancePacked = 0;
        op.active = false;
        op.feePacked = 0;
        op.validatorCount = 0;
        op.balancePacked = 0;
        op.ssvFeePacked = 0;
        op.ssvValidatorCount = 0;
        delete operatorFeeDeclarations[operatorId];
        delete operatorsWhitelist[operatorId];
        _sendETH(msg.sender, payout);
        _sendSSV(msg.sender, ssvPayout);
        if (payout > 0) emit OperatorWithdrawn(msg.sender, operatorId, payout);
        emit OperatorRemoved(operatorId);
    }

    // ---------------------------------------------------------------- fees

    function declareOperatorFee(uint64 operatorId, uint256 fee) external {
        OperatorRecord storage op = _checkOperatorOwner(operatorId);
        if (fee < uint256(minimumOperatorEthFeePacked) * ETH_DEDUCTED_DIGITS) revert FeeTooLow();
        if (fee > uint256(operatorMaxFeePacked) * ETH_DEDUCTED_DIGITS) revert FeeTooHigh();
        uint64 feePacked = _packETH(fee);
        if (feePacked == op.feePacked) revert SameFeeChangeNotAllowed();
        if (op.feePacked == 0 && op.ssvFeePacked == 0) revert FeeIncreaseNotAllowed();
        uint256 maxAllowed = (uint256(op.feePacked) * (10_000 + operatorMaxFeeIncrease) + 9_999) / 10_000;
        if (feePacked > maxAllowed) revert FeeExceedsIncreaseLimit();

        uint64 begin = uint64(block.timestamp) + declareOperatorFeePeriod;
        operatorFeeDeclarations[operatorId] = FeeDeclaration(feePacked, begin, begin + executeOperatorFeePeriod);
        emit OperatorFeeDeclared(msg.sender, operatorId, block.number, fee);
    }

    function executeOperatorFee(uint64 operatorId) external {
        OperatorRecord storage op = _checkOperatorOwner(operatorId);
        FeeDeclaration memory declared = operatorFeeDeclarations[operatorId];
        if (declared.approvalBeginTime == 0) revert NoFeeDeclared();
        if (block.timestamp < declared.approvalBeginTime || block.timestamp > declared.approvalEndTime) {
            revert ApprovalNotWithinTimeframe();
        }
        _snapshotOperator(op);
        op.feePacked = declared.feePacked;
        delete operatorFeeDeclarations[operatorId];
        emit OperatorFeeExecuted(msg.sender, operatorId, block.number, uint256(declared.feePacked) * ETH_DEDUCTED_DIGITS);
    }

    function cancelDeclaredOperatorFee(uint64 operatorId) external {
        _checkOperatorOwner(operatorId);
        if (operatorFeeDeclarations[operatorId].approvalBeginTime == 0) revert NoFeeDeclared();
        delete operatorFeeDeclarations[operatorId];
        emit OperatorFeeDeclarationCancelled(msg.sender, operatorId);
    }

    function reduceOperatorFee(uint64 operatorId, uint256 fee) external {
        OperatorRecord storage op = _checkOperatorOwner(operatorId);
        uint64 feePacked = _packETH(fee);
        if (feePacked >= op.feePacked) revert FeeIncreaseNotAllowed();
        if (fee != 0 && fee < uint256(minimumOperatorEthFeePacked) * ETH_DEDUCTED_DIGITS) revert FeeTooLow();
        _snapshotOperator(op);
        op.feePacked = feePacked;
        delete operatorFeeDeclarations[operatorId];
        emit OperatorFeeExecuted(msg.sender, operatorId, block.number, fee);
    }

    // ---------------------------------------------------------------- earnings

    function withdrawOperatorEarnings(uint64 operatorId, uint256 amount) external {
        _withdrawOperatorEarnings(operatorId, amount, false);
    }

    function withdrawAllOperatorEarnings(uint64 operatorId) external {
        _withdrawOperatorEarnings(operatorId, 0, true);
    }

    /// @notice Withdraws all ETH earnings and all legacy SSV earnings.
    function withdrawAllVersionOperatorEarnings(uint64 operatorId) external {
        _withdrawOperatorEarnings(operatorId, 0, true);
        _withdrawOperatorEarningsSSV(operatorId, 0, true);
    }

    function withdrawOperatorEarningsSSV(uint64 operatorId, uint256 amount) external {
        _withdrawOperatorEarningsSSV(operatorId, amount, false);
    }

    function withdrawAllOperatorEarningsSSV(uint64 operatorId) external {
        _withdrawOperatorEarningsSSV(operatorId, 0, true);
    }

    function _withdrawOperatorEarningsSSV(uint64 operatorId, uint256 amount, bool all) private {
        OperatorRecord storage op = _checkOperatorOwner(operatorId);
        _snapshotOperatorSSV(op);
        uint64 amountPacked = all ? op.ssvBalancePacked : _packSSV(amount);
        if (amountPacked > op.ssvBalancePacked) revert InsufficientBalance();
        op.ssvBalancePacked -= amountPacked;
        uint256 value = uint256(amountPacked) * SSV_DEDUCTED_DIGITS;
        _sendSSV(msg.sender, value);
        emit OperatorWithdrawn(msg.sender, operatorId, value);
    }

    function _withdrawOperatorEarnings(uint64 operatorId, uint256 amount, bool all) private {
        OperatorRecord storage op = _checkOperatorOwner(operatorId);
        _snapshotOperator(op);
        uint64 amountPacked = all ? op.balancePacked : _packETH(amount);
        if (amountPacked > op.balancePacked) revert InsufficientBalance();
        op.balancePacked -= amountPacked;
        uint256 value = uint256(amountPacked) * ETH_DEDUCTED_DIGITS;
        _sendETH(msg.sender, value);
        emit OperatorWithdrawn(msg.sender, operatorId, value);
    }

    // ---------------------------------------------------------------- privacy and whitelists

    function setOperatorsPrivateUnchecked(uint64[] calldata operatorIds) external {
        _setPrivacy(operatorIds, true);
    }

    function setOperatorsPublicUnchecked(uint64[] calldata operatorIds) external {
        _setPrivacy(operatorIds, false);
    }

    function _setPrivacy(uint64[] calldata operatorIds, bool toPrivate) private {
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkOperatorOwner(operatorIds[i]).isPrivate = toPrivate;
        }
        emit OperatorPrivacyStatusUpdated(operatorIds, toPrivate);
    }

    function setOperatorsWhitelists(uint64[] calldata operatorIds, address[] calldata whitelistAddresses) external {
        _updateWhitelistBitmap(operatorIds, whitelistAddresses, true);
        emit OperatorMultipleWhitelistUpdated(operatorIds, whitelistAddresses);
    }

    function removeOperatorsWhitelists(uint64[] calldata operatorIds, address[] calldata whitelistAddresses) external {
        _updateWhitelistBitmap(operatorIds, whitelistAddresses, false);
        emit OperatorMultipleWhitelistRemoved(operatorIds, whitelistAddresses);
    }

    function _updateWhitelistBitmap(uint64[] calldata operatorIds, address[] calldata accounts, bool add) private {
        if (operatorIds.length == 0 || accounts.length == 0) revert InvalidWhitelistAddressesLength();
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkOperatorOwner(operatorIds[i]);
        }
        for (uint256 j; j < accounts.length; ++j) {
            address account = accounts[j];
            if (account == address(0)) revert ZeroAddressNotAllowed();
            if (_isWhitelistingContract(account)) revert AddressIsWhitelistingContract(account);
            for (uint256 i; i < operatorIds.length; ++i) {
                uint64 id = operatorIds[i];
                uint256 mask = uint256(1) << (id & 0xff);
                if (add) addressWhitelistedForOperators[account][id >> 8] |= mask;
                else addressWhitelistedForOperators[account][id >> 8] &= ~mask;
            }
        }
    }

    function setOperatorsWhitelistingContract(uint64[] calldata operatorIds, address whitelistingContract) external {
        if (operatorIds.length == 0) revert InvalidWhitelistAddressesLength();
        if (!_isWhitelistingContract(whitelistingContract)) revert InvalidWhitelistingContract(whitelistingContract);
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkOperatorOwner(operatorIds[i]);
            operatorsWhitelist[operatorIds[i]] = whitelistingContract;
        }
        emit OperatorWhitelistingContractUpdated(operatorIds, whitelistingContract);
    }

    function removeOperatorsWhitelistingContract(uint64[] calldata operatorIds) external {
        if (operatorIds.length == 0) revert InvalidWhitelistAddressesLength();
        for (uint256 i; i < operatorIds.length; ++i) {
            _checkOperatorOwner(operatorIds[i]);
            delete operatorsWhitelist[operatorIds[i]];
        }
        emit OperatorWhitelistingContractUpdated(operatorIds, address(0));
    }

    /// @notice Devnet-only stand-in for v1's `setOperatorWhitelist`: sets the legacy single
    ///         whitelisted address (`operatorsWhitelist[id]`), which v2 still honours (spec §11.2).
    function devnetSetOperatorWhitelistAddress(uint64 operatorId, address whitelisted) external {
        _checkOperatorOwner(operatorId);
        operatorsWhitelist[operatorId] = whitelisted;
    }
}
