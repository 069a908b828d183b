// The SSV Network v2.0.0 facts of specs/ssv-network-v2.md, typed in from its tables: function
// selectors (§4.1, §5, §8), event topic0s and indexed fields (§6), custom-error selectors (§7) and
// the v1.2.0 rows (§12) a v2 chain must not expose. The devnet contracts
// (ssv-conformance.test.ts) and the router's own ABI fragments (router-abi-conformance.test.ts)
// are both checked against these rows.

export type Row = readonly [signature: string, selectorOrTopic: string];

/** §4.1 cluster-owner functions. */
export const CLUSTER_FUNCTIONS: readonly Row[] = [
  ['registerValidator(bytes,uint64[],bytes,(uint32,uint64,uint64,bool,uint256))', '0xb84319fd'],
  [
    'bulkRegisterValidator(bytes[],uint64[],bytes[],(uint32,uint64,uint64,bool,uint256))',
    '0xa1b483ca',
  ],
  ['removeValidator(bytes,uint64[],(uint32,uint64,uint64,bool,uint256))', '0x12b3fc19'],
  ['bulkRemoveValidator(bytes[],uint64[],(uint32,uint64,uint64,bool,uint256))', '0x5aed1142'],
  ['exitValidator(bytes,uint64[])', '0x3877322b'],
  ['bulkExitValidator(bytes[],uint64[])', '0x32afd02f'],
  ['deposit(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0x45f47188'],
  ['withdraw(uint64[],uint256,(uint32,uint64,uint64,bool,uint256))', '0x686e682c'],
  ['liquidate(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0xbf0f2fb2'],
  ['reactivate(uint64[],(uint32,uint64,uint64,bool,uint256))', '0xea7844ff'],
  ['migrateClusterToETH(uint64[],(uint32,uint64,uint64,bool,uint256))', '0x36e87b12'],
  ['liquidateSSV(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0x8c1d3d03'],
  [
    'updateClusterBalance(uint64,address,uint64[],(uint32,uint64,uint64,bool,uint256),uint32,bytes32[])',
    '0x4f4d1209',
  ],
  ['setFeeRecipientAddress(address)', '0xdbcdc2cc'],
  ['getVersion()', '0x0d8e6e2c'],
];

/** §5 operator functions. */
export const OPERATOR_FUNCTIONS: readonly Row[] = [
  ['registerOperator(bytes,uint256,bool)', '0xc9bbc9fa'],
  ['removeOperator(uint64)', '0x2e168e0e'],
  ['declareOperatorFee(uint64,uint256)', '0xb317c35f'],
  ['executeOperatorFee(uint64)', '0x8932cee0'],
  ['cancelDeclaredOperatorFee(uint64)', '0x23d68a6d'],
  ['reduceOperatorFee(uint64,uint256)', '0x190d82e4'],
  ['setOperatorsPrivateUnchecked(uint64[])', '0x822124c1'],
  ['setOperatorsPublicUnchecked(uint64[])', '0x4ad00e54'],
  ['setOperatorsWhitelists(uint64[],address[])', '0x5d06ecb4'],
  ['removeOperatorsWhitelists(uint64[],address[])', '0x4b2fd45e'],
  ['setOperatorsWhitelistingContract(uint64[],address)', '0x7dc24d52'],
  ['removeOperatorsWhitelistingContract(uint64[])', '0x6a31cf1d'],
  ['withdrawOperatorEarnings(uint64,uint256)', '0x35f63767'],
  ['withdrawAllOperatorEarnings(uint64)', '0x4bc93b64'],
  ['withdrawAllVersionOperatorEarnings(uint64)', '0x008108d5'],
  ['withdrawOperatorEarningsSSV(uint64,uint256)', '0x6bf5c92e'],
  ['withdrawAllOperatorEarningsSSV(uint64)', '0x909b1aaa'],
];

/** §8 views, answered by SSVNetworkViews and (as through the fallback) by SSVNetwork. */
export const VIEW_FUNCTIONS: readonly Row[] = [
  ['getVersion()', '0x0d8e6e2c'],
  ['getValidator(address,bytes)', '0x3e2ec160'],
  ['getClusterAssetType(address,uint64[])', '0x648e4714'],
  ['isLiquidatable(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0x16cff008'],
  ['isLiquidated(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0xa694695b'],
  ['getBalance(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0xeb8ecfa7'],
  ['getBurnRate(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0xca162e5e'],
  ['getEffectiveBalance(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0x8905bd7c'],
  ['getOperatorById(uint64)', '0xbe3f058e'],
  ['getOperatorFee(uint64)', '0x9ad3c745'],
  ['getOperatorDeclaredFee(uint64)', '0x03b3d436'],
  ['getWhitelistedOperators(uint64[],address)', '0xa9cf9eec'],
  ['isWhitelistingContract(address)', '0xbac69e6f'],
  ['isAddressWhitelistedInWhitelistingContract(address,uint256,address)', '0x46e6d917'],
  ['getNetworkFee()', '0xfc043830'],
  ['getMinimumLiquidationCollateral()', '0x5ba3d62a'],
  ['getLiquidationThresholdPeriod()', '0x9040f7c3'],
  ['getValidatorsPerOperatorLimit()', '0x14cb9d7b'],
  ['getMaximumOperatorFee()', '0xdf02ef7f'],
  ['getMinimumOperatorEthFee()', '0xfd8bfb1c'],
  ['getOperatorFeeIncreaseLimit()', '0x68465f7d'],
  ['getOperatorFeePeriods()', '0xe6d2834d'],
  ['getNetworkValidatorsCount()', '0x9568f9d9'],
  ['getNetworkEarnings()', '0x777915cb'],
  ['getOperatorEarnings(uint64)', '0x6d0db0e4'],
  ['isLiquidatableSSV(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0x2f822680'],
  ['getBalanceSSV(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0xcd48b554'],
  ['getBurnRateSSV(address,uint64[],(uint32,uint64,uint64,bool,uint256))', '0xea21ae0e'],
  ['getOperatorByIdSSV(uint64)', '0x11998dc7'],
  ['getOperatorFeeSSV(uint64)', '0x6a67e0ab'],
  ['getNetworkFeeSSV()', '0xe4dc4cb3'],
  ['getMinimumLiquidationCollateralSSV()', '0x00d0229b'],
  ['getLiquidationThresholdPeriodSSV()', '0x860c39a4'],
  ['getCommittedRoot(uint64)', '0x9cbaaf0a'],
];

/** §8: on SSVNetworkViews only. */
export const VIEWS_ONLY_FUNCTIONS: readonly Row[] = [['ssvNetwork()', '0x10d04858']];

/** §4.1: the only payable functions. */
export const PAYABLE = [
  'registerValidator',
  'bulkRegisterValidator',
  'deposit',
  'reactivate',
  'migrateClusterToETH',
];

/** §6 events. */
export const EVENTS: readonly Row[] = [
  [
    'ValidatorAdded(address,uint64[],bytes,bytes,(uint32,uint64,uint64,bool,uint256))',
    '0x48a3ea0796746043948f6341d17ff8200937b99262a0b48c2663b951ed7114e5',
  ],
  [
    'ValidatorRemoved(address,uint64[],bytes,(uint32,uint64,uint64,bool,uint256))',
    '0xccf4370403e5fbbde0cd3f13426479dcd8a5916b05db424b7a2c04978cf8ce6e',
  ],
  [
    'ValidatorExited(address,uint64[],bytes)',
    '0xb4b20ffb2eb1f020be3df600b2287914f50c07003526d3a9d89a9dd12351828c',
  ],
  [
    'ClusterDeposited(address,uint64[],uint256,(uint32,uint64,uint64,bool,uint256))',
    '0x2bac1912f2481d12f0df08647c06bee174967c62d3a03cbc078eb215dc1bd9a2',
  ],
  [
    'ClusterWithdrawn(address,uint64[],uint256,(uint32,uint64,uint64,bool,uint256))',
    '0x39d1320bbda24947e77f3560661323384aa0a1cb9d5e040e617e5cbf50b6dbe0',
  ],
  [
    'ClusterLiquidated(address,uint64[],(uint32,uint64,uint64,bool,uint256))',
    '0x1fce24c373e07f89214e9187598635036111dbb363e99f4ce498488cdc66e688',
  ],
  [
    'ClusterReactivated(address,uint64[],(uint32,uint64,uint64,bool,uint256))',
    '0xc803f8c01343fcdaf32068f4c283951623ef2b3fa0c547551931356f456b6859',
  ],
  [
    'ClusterMigratedToETH(address,uint64[],uint256,uint256,uint32,(uint32,uint64,uint64,bool,uint256))',
    '0x6dc71e7231318932a8a7f99bac76f94ffe24cac147843e0c285ce4cf290c803a',
  ],
  [
    'ClusterBalanceUpdated(address,uint64[],uint64,uint32,(uint32,uint64,uint64,bool,uint256))',
    '0x0cc301d13799ab915796eed462da724756a969f8e05d69ad2405eb3da7036b55',
  ],
  [
    'FeeRecipientAddressUpdated(address,address)',
    '0x259235c230d57def1521657e7c7951d3b385e76193378bc87ef6b56bc2ec3548',
  ],
  [
    'OperatorAdded(uint64,address,bytes,uint256)',
    '0xd839f31c14bd632f424e307b36abff63ca33684f77f28e35dc13718ef338f7f4',
  ],
  ['OperatorRemoved(uint64)', '0x0e0ba6c2b04de36d6d509ec5bd155c43a9fe862f8052096dd54f3902a74cca3e'],
  [
    'OperatorFeeDeclared(address,uint64,uint256,uint256)',
    '0x796204296f2eb56d7432fa85961e9750d0cb21741873ebf7077e28263e327358',
  ],
  [
    'OperatorFeeExecuted(address,uint64,uint256,uint256)',
    '0x513e931ff778ed01e676d55880d8db185c29b0094546ff2b3e9f5b6920d16bef',
  ],
  [
    'OperatorFeeDeclarationCancelled(address,uint64)',
    '0x5055fa347441172447637c015e80a3ee748b9382212ceb5dca5a3683298fd6f3',
  ],
  [
    'OperatorWithdrawn(address,uint64,uint256)',
    '0x178bf78bdd8914b8483d640b4a4f84e20943b5eb6b639b7474286364c7651d60',
  ],
  [
    'OperatorPrivacyStatusUpdated(uint64[],bool)',
    '0x7cae2703330c3f53308fb0fe3a9143f335997ba7e059b9ac8e4417ed8fbddbd3',
  ],
  [
    'OperatorMultipleWhitelistUpdated(uint64[],address[])',
    '0x3d5869fa1ed68d6b7b5e2a1f44df8e1e7edd8ea7a6cc240e45c72e2eb3523962',
  ],
  [
    'OperatorMultipleWhitelistRemoved(uint64[],address[])',
    '0x589a71ef5bb37432c8ce279a4afc32783592f1764c6fcb07e3c437e80c80ab2e',
  ],
  [
    'OperatorWhitelistingContractUpdated(uint64[],address)',
    '0xf41d8ca981ff900f6db7f71d7e2ae866eae8e4327d23e5c692c13a6c43b39c3d',
  ],
  [
    'NetworkFeeUpdated(uint256,uint256)',
    '0x8f49a76c5d617bd72673d92d3a019ff8f04f204536aae7a3d10e7ca85603f3cc',
  ],
  [
    'LiquidationThresholdPeriodUpdated(uint64)',
    '0x42af14411036d7a50e5e92daf825781450fc8fac8fb65cbdb04720ff08efb84f',
  ],
  [
    'MinimumLiquidationCollateralUpdated(uint256)',
    '0xd363ab4392efaf967a89d8616cba1ff0c6f05a04c2f214671be365f0fab05960',
  ],
  [
    'OperatorMaximumFeeUpdated(uint256)',
    '0xbb018dc682e13c04ee4a5608c89a9f287c402c1aec96588d6dd85478179b4bba',
  ],
  [
    'MinimumOperatorEthFeeUpdated(uint256)',
    '0x18d44c1ee4bcb1ecb7d57ca44a74ede64c7c9accda084b97d466e6a0998329b3',
  ],
  [
    'RootCommitted(bytes32,uint64)',
    '0x6965b9c8509097ad68ba0eb17fcb9436f4a72a057fe5ac556737580bce80d840',
  ],
  [
    'ModuleUpgraded(uint8,address)',
    '0xfdf54bf052398eb41c923eb1bd596351c5e72b99959d1ca529a7f13c0a2503d7',
  ],
];

/** §6: indexed fields per event (all other fields are not indexed). */
export const INDEXED: Readonly<Record<string, readonly string[]>> = {
  ValidatorAdded: ['owner'],
  ValidatorRemoved: ['owner'],
  ValidatorExited: ['owner'],
  ClusterDeposited: ['owner'],
  ClusterWithdrawn: ['owner'],
  ClusterLiquidated: ['owner'],
  ClusterReactivated: ['owner'],
  ClusterMigratedToETH: ['owner'],
  ClusterBalanceUpdated: ['owner', 'blockNum'],
  FeeRecipientAddressUpdated: ['owner'],
  OperatorAdded: ['operatorId', 'owner'],
  OperatorRemoved: ['operatorId'],
  OperatorFeeDeclared: ['owner', 'operatorId'],
  OperatorFeeExecuted: ['owner', 'operatorId'],
  OperatorFeeDeclarationCancelled: ['owner', 'operatorId'],
  OperatorWithdrawn: ['owner', 'operatorId'],
  RootCommitted: ['merkleRoot', 'blockNum'],
  ModuleUpgraded: ['moduleId'],
};

/** §7 errors (v2 selectors). */
export const ERRORS: readonly Row[] = [
  ['IncorrectClusterState()', '0x12e04c87'],
  ['ClusterDoesNotExist()', '0x25d92f88'],
  ['IncorrectClusterVersion()', '0xf6749746'],
  ['ClusterIsLiquidated()', '0x95a0cf33'],
  ['ClusterNotLiquidatable()', '0x60300a8d'],
  ['ClusterAlreadyEnabled()', '0x3babafd2'],
  ['InsufficientBalance()', '0xf4d678b8'],
  ['InvalidOperatorIdsLength()', '0x38186224'],
  ['UnsortedOperatorsList()', '0xdd020e25'],
  ['OperatorsListNotUnique()', '0xa5a1ff5d'],
  ['OperatorDoesNotExist()', '0x961e3e8c'],
  ['CallerNotWhitelistedWithData(uint64)', '0xb7f529fe'],
  ['ExceedValidatorLimitWithData(uint64)', '0x639f5851'],
  ['InvalidPublicKeyLength()', '0x637297a4'],
  ['ValidatorAlreadyExistsWithData(bytes)', '0x388e7999'],
  ['ValidatorDoesNotExist()', '0xe51315d2'],
  ['IncorrectValidatorStateWithData(bytes)', '0x89307938'],
  ['EmptyPublicKeysList()', '0xdf83e679'],
  ['PublicKeysSharesLengthMismatch()', '0x9ad467b8'],
  ['ETHTransferFailed()', '0xb12d13eb'],
  ['TokenTransferFailed()', '0x045c4b02'],
  ['MaxValueExceeded()', '0x91aa3017'],
  ['MaxPrecisionExceeded()', '0x24756546'],
  ['CallerNotOwnerWithData(address,address)', '0x8907fc65'],
  ['FeeTooLow()', '0x732f9413'],
  ['FeeTooHigh()', '0xcd4e6167'],
  ['FeeExceedsIncreaseLimit()', '0x958065d9'],
  ['FeeIncreaseNotAllowed()', '0x410a2b6c'],
  ['SameFeeChangeNotAllowed()', '0xc81272f8'],
  ['NoFeeDeclared()', '0x1d226c30'],
  ['ApprovalNotWithinTimeframe()', '0x97e4b518'],
  ['OperatorAlreadyExists()', '0x289c9494'],
  ['InvalidWhitelistAddressesLength()', '0xcbb362dc'],
  ['ZeroAddressNotAllowed()', '0x8579befe'],
  ['InvalidWhitelistingContract(address)', '0x886e6a03'],
  ['AddressIsWhitelistingContract(address)', '0x71cadba7'],
  ['RootNotFound()', '0x3033b0ff'],
  ['InvalidProof()', '0x09bde339'],
  ['StaleUpdate()', '0x666a2814'],
  ['UpdateTooFrequent()', '0x53f7a6ee'],
  ['EBBelowMinimum()', '0x9fecdce5'],
  ['EBExceedsMaximum()', '0xf5ca7cb9'],
  ['NewBlockPeriodIsBelowMinimum()', '0x6e6c9cac'],
  ['TargetModuleDoesNotExistWithData(uint8)', '0x208bb85d'],
];

/** §12 and §7 legacy rows: v1.2.0 signatures and names that a v2 devnet must not expose. */
export const V1_ONLY_FUNCTIONS: readonly Row[] = [
  [
    'registerValidator(bytes,uint64[],bytes,uint256,(uint32,uint64,uint64,bool,uint256))',
    '0x06e8fb9c',
  ],
  [
    'bulkRegisterValidator(bytes[],uint64[],bytes[],uint256,(uint32,uint64,uint64,bool,uint256))',
    '0x22f18bf5',
  ],
  ['deposit(address,uint64[],uint256,(uint32,uint64,uint64,bool,uint256))', '0xbc26e7e5'],
  ['reactivate(uint64[],uint256,(uint32,uint64,uint64,bool,uint256))', '0x5fec6dd0'],
  ['withdrawNetworkEarnings(uint256)', '0xd2231741'],
];
export const V1_ONLY_ERRORS: readonly Row[] = [
  ['ClusterDoesNotExists()', '0x185e2b16'],
  ['ValidatorAlreadyExists()', '0x8d09a73e'],
  ['IncorrectValidatorState()', '0x2feda3c1'],
  ['ExceedValidatorLimit(uint64)', '0x8ddf7de4'],
  ['CallerNotWhitelisted()', '0x8c6e5d71'],
  ['CallerNotOwner()', '0x5cd83192'],
];
