/**
 * Human-readable ABI fragments of SSVNetwork v2.0.0 the router calls, reads and decodes
 * (specs/ssv-network-v2.md §4, §6–§8). Views also answer on the SSVNetwork address (§1.1).
 */

const CLUSTER =
  'tuple(uint32 validatorCount, uint64 networkFeeIndex, uint64 index, bool active, uint256 balance)';

/** Cluster-owner writes (§4.1). */
export const SSV_NETWORK_WRITE_ABI = [
  `function registerValidator(bytes publicKey, uint64[] operatorIds, bytes sharesData, ${CLUSTER} cluster) payable`,
  `function bulkRegisterValidator(bytes[] publicKeys, uint64[] operatorIds, bytes[] sharesData, ${CLUSTER} cluster) payable`,
  `function removeValidator(bytes publicKey, uint64[] operatorIds, ${CLUSTER} cluster)`,
  `function bulkRemoveValidator(bytes[] publicKeys, uint64[] operatorIds, ${CLUSTER} cluster)`,
  'function exitValidator(bytes publicKey, uint64[] operatorIds)',
  'function bulkExitValidator(bytes[] publicKeys, uint64[] operatorIds)',
  `function deposit(address clusterOwner, uint64[] operatorIds, ${CLUSTER} cluster) payable`,
  `function withdraw(uint64[] operatorIds, uint256 amount, ${CLUSTER} cluster)`,
  `function reactivate(uint64[] operatorIds, ${CLUSTER} cluster) payable`,
  `function migrateClusterToETH(uint64[] operatorIds, ${CLUSTER} cluster) payable`,
  'function setFeeRecipientAddress(address recipientAddress)',
] as const;

/** Views (§8). */
export const SSV_NETWORK_VIEWS_ABI = [
  'function getVersion() view returns (string)',
  'function getValidator(address clusterOwner, bytes publicKey) view returns (bool)',
  'function getClusterAssetType(address owner, uint64[] operatorIds) view returns (uint8)',
  `function isLiquidatable(address clusterOwner, uint64[] operatorIds, ${CLUSTER} cluster) view returns (bool)`,
  `function isLiquidated(address clusterOwner, uint64[] operatorIds, ${CLUSTER} cluster) view returns (bool)`,
  `function getBalance(address clusterOwner, uint64[] operatorIds, ${CLUSTER} cluster) view returns (uint256)`,
  `function getBurnRate(address clusterOwner, uint64[] operatorIds, ${CLUSTER} cluster) view returns (uint256)`,
  'function getOperatorById(uint64 operatorId) view returns (tuple(address owner, uint256 fee, uint32 validatorCount, address whitelistedAddress, bool isPrivate, bool isActive))',
  'function getWhitelistedOperators(uint64[] operatorIds, address whitelistedAddress) view returns (uint64[])',
  'function getNetworkFee() view returns (uint256)',
  'function getMinimumLiquidationCollateral() view returns (uint256)',
  'function getLiquidationThresholdPeriod() view returns (uint64)',
  'function getValidatorsPerOperatorLimit() view returns (uint32)',
] as const;

/** Events the owner index folds (§6); every one has the owner as topic1. */
export const SSV_NETWORK_EVENTS_ABI = [
  `event ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares, ${CLUSTER} cluster)`,
  `event ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, ${CLUSTER} cluster)`,
  'event ValidatorExited(address indexed owner, uint64[] operatorIds, bytes publicKey)',
  `event ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, ${CLUSTER} cluster)`,
  `event ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, ${CLUSTER} cluster)`,
  `event ClusterLiquidated(address indexed owner, uint64[] operatorIds, ${CLUSTER} cluster)`,
  `event ClusterReactivated(address indexed owner, uint64[] operatorIds, ${CLUSTER} cluster)`,
  `event ClusterMigratedToETH(address indexed owner, uint64[] operatorIds, uint256 ethDeposited, uint256 ssvRefunded, uint32 effectiveBalance, ${CLUSTER} cluster)`,
  `event ClusterBalanceUpdated(address indexed owner, uint64[] operatorIds, uint64 indexed blockNum, uint32 effectiveBalance, ${CLUSTER} cluster)`,
  'event FeeRecipientAddressUpdated(address indexed owner, address recipientAddress)',
] as const;

/** Custom errors of the owner paths and views (§7), for revert decoding. */
export const SSV_NETWORK_ERRORS_ABI = [
  'error IncorrectClusterState()',
  'error ClusterDoesNotExist()',
  'error IncorrectClusterVersion()',
  'error ClusterIsLiquidated()',
  'error ClusterNotLiquidatable()',
  'error ClusterAlreadyEnabled()',
  'error InsufficientBalance()',
  'error InvalidOperatorIdsLength()',
  'error UnsortedOperatorsList()',
  'error OperatorsListNotUnique()',
  'error OperatorDoesNotExist()',
  'error CallerNotWhitelistedWithData(uint64 operatorId)',
  'error ExceedValidatorLimitWithData(uint64 operatorId)',
  'error InvalidPublicKeyLength()',
  'error ValidatorAlreadyExistsWithData(bytes publicKey)',
  'error ValidatorDoesNotExist()',
  'error IncorrectValidatorStateWithData(bytes publicKey)',
  'error EmptyPublicKeysList()',
  'error PublicKeysSharesLengthMismatch()',
  'error ETHTransferFailed()',
  'error TokenTransferFailed()',
  'error MaxValueExceeded()',
  'error MaxPrecisionExceeded()',
] as const;

/** Everything above, for one `Interface`. */
export const SSV_NETWORK_ABI = [
  ...SSV_NETWORK_WRITE_ABI,
  ...SSV_NETWORK_VIEWS_ABI,
  ...SSV_NETWORK_EVENTS_ABI,
  ...SSV_NETWORK_ERRORS_ABI,
] as const;

/** Revert names caused by moving state: retry after re-reading the index. */
export const SSV_TRANSIENT_REVERTS: ReadonlySet<string> = new Set(['IncorrectClusterState']);
