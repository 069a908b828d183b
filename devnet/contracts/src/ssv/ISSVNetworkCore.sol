// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title Types, events and custom errors of the devnet's SSV Network v2.0.0 look-alike.
/// @notice Written from the behavioural description in specs/ssv-network-v2.md; the signatures
///         (and therefore selectors and topics) match the v2.0.0 contracts exactly.
interface ISSVNetworkCore {
    /// @dev ABI tuple (uint32,uint64,uint64,bool,uint256). Hashed with `balance` before `active`.
    struct Cluster {
        uint32 validatorCount;
        uint64 networkFeeIndex;
        uint64 index;
        bool active;
        uint256 balance;
    }

    struct OperatorData {
        address owner;
        uint256 fee;
        uint32 validatorCount;
        address whitelistedAddress;
        bool isPrivate;
        bool isActive;
    }

    struct OperatorDeclaredFeeData {
        bool isFeeDeclared;
        uint256 fee;
        uint64 approvalBeginTime;
        uint64 approvalEndTime;
    }

    struct OperatorFeePeriodsData {
        uint64 declarePeriod;
        uint64 executePeriod;
    }

    // ---- cluster events ----
    event ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares, Cluster cluster);
    event ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, Cluster cluster);
    event ValidatorExited(address indexed owner, uint64[] operatorIds, bytes publicKey);
    event ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster);
    event ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster);
    event ClusterLiquidated(address indexed owner, uint64[] operatorIds, Cluster cluster);
    event ClusterReactivated(address indexed owner, uint64[] operatorIds, Cluster cluster);
    event ClusterMigratedToETH(
        address indexed owner,
        uint64[] operatorIds,
        uint256 ethDeposited,
        uint256 ssvRefunded,
        uint32 effectiveBalance,
        Cluster cluster
    );
    event ClusterBalanceUpdated(
        address indexed owner,
        uint64[] operatorIds,
        uint64 indexed blockNum,
        uint32 effectiveBalance,
        Cluster cluster
    );
    event FeeRecipientAddressUpdated(address indexed owner, address recipientAddress);

    // ---- operator events ----
    event OperatorAdded(uint64 indexed operatorId, address indexed owner, bytes publicKey, uint256 fee);
    event OperatorRemoved(uint64 indexed operatorId);
    event OperatorFeeDeclared(address indexed owner, uint64 indexed operatorId, uint256 blockNumber, uint256 fee);
    event OperatorFeeExecuted(address indexed owner, uint64 indexed operatorId, uint256 blockNumber, uint256 fee);
    event OperatorFeeDeclarationCancelled(address indexed owner, uint64 indexed operatorId);
    event OperatorWithdrawn(address indexed owner, uint64 indexed operatorId, uint256 value);
    event OperatorPrivacyStatusUpdated(uint64[] operatorIds, bool toPrivate);
    event OperatorMultipleWhitelistUpdated(uint64[] operatorIds, address[] whitelistAddresses);
    event OperatorMultipleWhitelistRemoved(uint64[] operatorIds, address[] whitelistAddresses);
    event OperatorWhitelistingContractUpdated(uint64[] operatorIds, address whitelistingContract);

    // ---- DAO events ----
    event NetworkFeeUpdated(uint256 oldFee, uint256 newFee);
    event LiquidationThresholdPeriodUpdated(uint64 value);
    event MinimumLiquidationCollateralUpdated(uint256 value);
    event OperatorMaximumFeeUpdated(uint256 maxFee);
    event MinimumOperatorEthFeeUpdated(uint256 minFee);
    event RootCommitted(bytes32 indexed merkleRoot, uint64 indexed blockNum);
    event ModuleUpgraded(uint8 indexed moduleId, address moduleAddress);

    // ---- errors ----
    error IncorrectClusterState();
    error ClusterDoesNotExist();
    error IncorrectClusterVersion();
    error ClusterIsLiquidated();
    error ClusterNotLiquidatable();
    error ClusterAlreadyEnabled();
    error InsufficientBalance();
    error InvalidOperatorIdsLength();
    error UnsortedOperatorsList();
    error OperatorsListNotUnique();
    error OperatorDoesNotExist();
    error CallerNotWhitelistedWithData(uint64 operatorId);
    error ExceedValidatorLimitWithData(uint64 operatorId);
    error InvalidPublicKeyLength();
    error ValidatorAlreadyExistsWithData(bytes publicKey);
    error ValidatorDoesNotExist();
    error IncorrectValidatorStateWithData(bytes publicKey);
    error EmptyPublicKeysList();
    error PublicKeysSharesLengthMismatch();
    error ETHTransferFailed();
    error TokenTransferFailed();
    error MaxValueExceeded();
    error MaxPrecisionExceeded();
    error CallerNotOwnerWithData(address caller, address owner);
    error FeeTooLow();
    error FeeTooHigh();
    error FeeExceedsIncreaseLimit();
    error FeeIncreaseNotAllowed();
    error SameFeeChangeNotAllowed();
    error NoFeeDeclared();
    error ApprovalNotWithinTimeframe();
    error OperatorAlreadyExists();
    error InvalidWhitelistAddressesLength();
    error ZeroAddressNotAllowed();
    error InvalidWhitelistingContract(address contractAddress);
    error AddressIsWhitelistingContract(address contractAddress);
    error RootNotFound();
    error InvalidProof();
    error StaleUpdate();
    error UpdateTooFrequent();
    error EBBelowMinimum();
    error EBExceedsMaximum();
    error NewBlockPeriodIsBelowMinimum();
    error TargetModuleDoesNotExistWithData(uint8 moduleId);
    /// @dev Devnet-only: an owner-gated admin function was called by someone else.
    error DevnetCallerNotOwner(address caller);
}

/// @notice The whitelisting-contract interface (ERC-165 id 0x830639ac).
interface ISSVWhitelistingContract {
    function isWhitelisted(address account, uint256 operatorId) external view returns (bool);
}

/// @notice The slice of ERC-20 the network needs from the SSV token.
interface ISSVTokenLike {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}
