// The StaFi pool and beacon deposit contract facts of specs/stafi-pool.md and
// specs/beacon-and-keys.md, typed in from their tables: function selectors and event topic0s per
// contract, the rows the devnet deliberately lacks, Storage registry keys and settings keys. The
// devnet contracts (stafi-conformance.test.ts) and the router's own ABI fragments
// (router-abi-conformance.test.ts) are both checked against these rows.

export type Row = readonly [signature: string, selectorOrTopic: string];

export const STORAGE_FUNCTIONS: readonly Row[] = [
  ['getAddress(bytes32)', '0x21f8a721'],
  ['getUint(bytes32)', '0xbd02d0f5'],
  ['getBool(bytes32)', '0x7ae1cfca'],
  ['getBytes(bytes32)', '0xc031a180'],
  ['getString(bytes32)', '0x986e791a'],
  ['getInt(bytes32)', '0xdc97d962'],
  ['getBytes32(bytes32)', '0xa6ed563e'],
  ['setAddress(bytes32,address)', '0xca446dd9'],
  ['setUint(bytes32,uint256)', '0xe2a4853a'],
  ['setBool(bytes32,bool)', '0xabfdcced'],
  ['setBytes(bytes32,bytes)', '0x2e28d084'],
  ['setString(bytes32,string)', '0x6e899550'],
  ['setInt(bytes32,int256)', '0x3e49bed0'],
  ['setBytes32(bytes32,bytes32)', '0x4e91db08'],
];

export const USER_DEPOSIT_FUNCTIONS: readonly Row[] = [
  ['getBalance()', '0x12065fe0'],
  ['getExcessBalance()', '0x888b042f'],
  ['deposit()', '0xd0e30db0'],
  ['withdrawExcessBalanceForSuperNode(uint256)', '0x8554913b'],
  ['withdrawExcessBalanceForLightNode(uint256)', '0xcc88c3c8'],
  ['withdrawExcessBalanceForWithdraw(uint256)', '0x0c37d2dc'],
  ['assignDeposits()', '0x27c8f193'],
  ['recycleDissolvedDeposit()', '0x72f5158d'],
  ['recycleDistributorDeposit()', '0x7c697e74'],
  ['recycleWithdrawDeposit()', '0x5fd58f0d'],
  ['getDepositEnabled()', '0x6ada7847'],
  ['getMinimumDeposit()', '0x035cf142'],
];
export const USER_DEPOSIT_EVENTS: readonly Row[] = [
  [
    'DepositReceived(address,uint256,uint256)',
    '0x7aa1a8eb998c779420645fc14513bf058edb347d95c2fc2e6845bdc22f888631',
  ],
  [
    'DepositRecycled(address,uint256,uint256)',
    '0x3a6614e80d02b57255cbb1f8305fbeca53d7e05a4b779d406279196608512925',
  ],
  [
    'ExcessWithdrawn(address,uint256,uint256)',
    '0x992f462cfb62e164bd03bf07baf2cffce83fbd9370cae10635842b2020012120',
  ],
];

export const SUPER_NODE_FUNCTIONS: readonly Row[] = [
  ['PUBKEY_STATUS_UNINITIAL()', '0x3f25522d'],
  ['PUBKEY_STATUS_INITIAL()', '0xae3e885a'],
  ['PUBKEY_STATUS_MATCH()', '0x64f14dba'],
  ['PUBKEY_STATUS_STAKING()', '0x40ce18a0'],
  ['PUBKEY_STATUS_UNMATCH()', '0x09ba5933'],
  ['deposit(bytes[],bytes[],bytes32[])', '0xd46221f9'],
  ['stake(bytes[],bytes[],bytes32[])', '0xca2b87af'],
  ['getSuperNodePubkeyStatus(bytes)', '0x996a8ddb'],
  ['getSuperNodePubkeyCount(address)', '0x6f4c0a82'],
  ['getSuperNodePubkeyAt(address,uint256)', '0x323c662b'],
  ['getSuperNodeDepositEnabled()', '0x722ad663'],
  ['getPubkeyVoted(bytes,address)', '0x18582e28'],
  ['voteWithdrawCredentials(bytes[],bool[])', '0xa4b4334b'],
  ['depositEth()', '0x439370b1'],
  ['setSuperNodePubkeyStatus(bytes,uint256)', '0xac93a5bd'],
  ['setSuperNodeDepositEnabled(bool)', '0x24101a4b'],
  ['version()', '0x54fd4d50'],
];
export const SUPER_NODE_EVENTS: readonly Row[] = [
  [
    'Deposited(address,bytes,bytes)',
    '0xe1ad1f084336d5e44bd6540296e05704680f98d0e6770895a3c796c79ca6d138',
  ],
  ['Staked(address,bytes)', '0xb384b282308c431ac3ea7756646550752d3f0dbfb418ef60bfeaf4edc9494815'],
  [
    'SetPubkeyStatus(bytes,uint256)',
    '0xc581330a67ddadcf62d06e14db41c85bb45910369cedad649390e6dd2a9373c8',
  ],
  [
    'EtherDeposited(address,uint256,uint256)',
    '0xef51b4c870b8b0100eae2072e91db01222a303072af3728e58c9d4d2da33127f',
  ],
];

export const NETWORK_SETTINGS_FUNCTIONS: readonly Row[] = [
  ['getWithdrawalCredentials()', '0x56396715'],
  ['getSuperNodePubkeyLimit()', '0xb195384f'],
  ['getNodeConsensusThreshold()', '0x1f66e8ed'],
  ['getNodeFee()', '0xe7150134'],
  ['getPlatformFee()', '0x6ea8bc10'],
  ['getNodeRefundRatio()', '0xeb364204'],
  ['getNodeTrustedRefundRatio()', '0xf4cf0830'],
  ['getSubmitBalancesEnabled()', '0xfcdb60db'],
  ['getProcessWithdrawalsEnabled()', '0x28ea8d06'],
  ['setWithdrawalCredentials(bytes)', '0xc4cf71c9'],
  ['setSuperNodePubkeyLimit(uint256)', '0xa8520bec'],
  ['setNodeConsensusThreshold(uint256)', '0x977886ea'],
];

export const NODE_MANAGER_FUNCTIONS: readonly Row[] = [
  ['getTrustedNodeCount()', '0x66e3c026'],
  ['getTrustedNodeAt(uint256)', '0xfe26a5c8'],
  ['getNodeTrusted(address)', '0xb13e9d29'],
  ['getSuperNodeExists(address)', '0xca66d1d1'],
  ['getSuperNodeCount()', '0x56071cf0'],
  ['getSuperNodeAt(uint256)', '0xc8974907'],
  ['setNodeTrusted(address,bool)', '0x57d63792'],
  ['setNodeSuper(address,bool)', '0xaabcb8aa'],
];
export const NODE_MANAGER_EVENTS: readonly Row[] = [
  [
    'NodeTrustedSet(address,bool,uint256)',
    '0xc1308995890d10efade1f87f0bdb6020a8e7b6d3c3cfb6a1d9813d4ecf200aca',
  ],
  [
    'NodeSuperSet(address,bool,uint256)',
    '0x4e254d8fe04424f1b37e26b86bded3b00bb5d712b323242e413c84b25115b4f8',
  ],
];

export const FEE_POOL_FUNCTIONS: readonly Row[] = [
  ['withdrawEther(address,uint256)', '0x522f6815'],
];
export const FEE_POOL_EVENTS: readonly Row[] = [
  [
    'EtherWithdrawn(string,address,uint256,uint256)',
    '0xff381a086696de98df05e634263390296dd1d097ef34a1be9a91daead07fb01d',
  ],
];

export const WITHDRAW_SHARED_FUNCTIONS: readonly Row[] = [
  ['currentWithdrawCycle()', '0xdb17815b'],
  ['withdrawLimitPerCycle()', '0x406bb26f'],
  ['userWithdrawLimitPerCycle()', '0x86390fc7'],
  ['totalMissingAmountForWithdraw()', '0x3c677dbe'],
];
export const WITHDRAW_MAIN_FUNCTIONS: readonly Row[] = [
  ...WITHDRAW_SHARED_FUNCTIONS,
  ['notifyValidatorExit(uint256,uint256,uint256[])', '0x1e0f4aae'],
  ['getEjectedValidatorsAtCycle(uint256)', '0x2c0f4166'],
  ['ejectedStartCycle()', '0x8a699828'],
  ['ejectedValidatorsAtCycle(uint256,uint256)', '0x261a792d'],
];
export const WITHDRAW_MAIN_EVENTS: readonly Row[] = [
  [
    'NotifyValidatorExit(uint256,uint256,uint256[])',
    '0xb83477449e27b4bab4f28c938d033b953557d6a1b9b4469a43d229f78ed6e55c',
  ],
];
export const WITHDRAW_PECTRA_FUNCTIONS: readonly Row[] = [
  ...WITHDRAW_SHARED_FUNCTIONS,
  ['requestValidatorExit(uint256,bytes[])', '0x0d20bf72'],
  ['requestedValidatorExitCycle()', '0xb8ca5bf2'],
  ['ejectedValidatorsAtCycle_(uint256,uint256)', '0xeb30db19'],
];
export const WITHDRAW_PECTRA_EVENTS: readonly Row[] = [
  [
    'RequestValidatorExit(uint256,bytes[])',
    '0x58d6ed57168ee21011a6680be221e290e04a9cbbdc28e25ef74fb4c90247433c',
  ],
];

export const DEPOSIT_CONTRACT_FUNCTIONS: readonly Row[] = [
  ['deposit(bytes,bytes,bytes,bytes32)', '0x22895118'],
  ['get_deposit_root()', '0xc5f2892f'],
  ['get_deposit_count()', '0x621fd130'],
  ['supportsInterface(bytes4)', '0x01ffc9a7'],
];
export const DEPOSIT_CONTRACT_EVENTS: readonly Row[] = [
  [
    'DepositEvent(bytes,bytes,bytes,bytes,bytes)',
    '0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5',
  ],
];

export interface ContractTables {
  contract: string;
  functions: readonly Row[];
  events: readonly Row[];
}

export const IMPLEMENTED: readonly ContractTables[] = [
  { contract: 'StafiStorage', functions: STORAGE_FUNCTIONS, events: [] },
  {
    contract: 'StafiUserDeposit',
    functions: USER_DEPOSIT_FUNCTIONS,
    events: USER_DEPOSIT_EVENTS,
  },
  { contract: 'StafiSuperNode', functions: SUPER_NODE_FUNCTIONS, events: SUPER_NODE_EVENTS },
  { contract: 'StafiNetworkSettings', functions: NETWORK_SETTINGS_FUNCTIONS, events: [] },
  {
    contract: 'StafiNodeManager',
    functions: NODE_MANAGER_FUNCTIONS,
    events: NODE_MANAGER_EVENTS,
  },
  { contract: 'StafiSuperNodeFeePool', functions: FEE_POOL_FUNCTIONS, events: FEE_POOL_EVENTS },
  {
    contract: 'StafiWithdrawMain',
    functions: WITHDRAW_MAIN_FUNCTIONS,
    events: WITHDRAW_MAIN_EVENTS,
  },
  {
    contract: 'StafiWithdrawPectra',
    functions: WITHDRAW_PECTRA_FUNCTIONS,
    events: WITHDRAW_PECTRA_EVENTS,
  },
  {
    contract: 'BeaconDepositContract',
    functions: DEPOSIT_CONTRACT_FUNCTIONS,
    events: DEPOSIT_CONTRACT_EVENTS,
  },
];

/** Spec rows the devnet does not reproduce (or that the spec says a flavour lacks). */
export const ABSENT: readonly (readonly [
  contract: string,
  signature: string,
  selectorOrTopic: string,
])[] = [
  // rETH collateral and legacy staking pools are not part of the devnet.
  ['StafiUserDeposit', 'withdrawExcessBalance(uint256)', '0x63a5db9e'],
  [
    'StafiUserDeposit',
    'DepositAssigned(address,uint256,uint256)',
    '0xa1811054b7d96716259cff0d366c2f6405951e0efe00c8db3e237cbf77fe7be9',
  ],
  [
    'StafiNodeManager',
    'NodeRegistered(address,uint256)',
    '0xf773bca07d020a1bc1fdd45ea3db573da547dd27180143afaf075c158a847594',
  ],
  // The single-key vote of an older ABI; the current SuperNode does not have it (§3.2).
  ['StafiSuperNode', 'voteWithdrawCredentials(bytes,bool)', '0x5952629b'],
  // The pectra branch dropped the index lists (§9.3); the probe of §9.4 relies on it.
  ['StafiWithdrawPectra', 'getEjectedValidatorsAtCycle(uint256)', '0x2c0f4166'],
  ['StafiWithdrawPectra', 'ejectedStartCycle()', '0x8a699828'],
  ['StafiWithdrawMain', 'requestValidatorExit(uint256,bytes[])', '0x0d20bf72'],
  ['StafiWithdrawMain', 'requestedValidatorExitCycle()', '0xb8ca5bf2'],
  // User unstake/withdraw and the distribution vote are not on the devnet (§9.5).
  ['StafiWithdrawMain', 'unstake(uint256)', '0x2e17de78'],
  ['StafiWithdrawMain', 'withdraw(uint256[])', '0x983d95ce'],
  ['StafiWithdrawMain', 'reserveEthForWithdraw(uint256)', '0xeb1e88d3'],
  [
    'StafiWithdrawMain',
    'distributeWithdrawals(uint256,uint256,uint256,uint256,uint256)',
    '0xb3971334',
  ],
  ['StafiWithdrawPectra', 'unstake(uint256)', '0x2e17de78'],
  ['StafiWithdrawPectra', 'withdraw(uint256[])', '0x983d95ce'],
];

/**
 * Indexed fields per event, as the spec tables write them (stafi-pool.md §2, §3.5, §5, §6;
 * beacon-and-keys.md §6 for DepositEvent); an event not listed has none.
 */
export const INDEXED: Readonly<Record<string, readonly string[]>> = {
  DepositReceived: ['from'],
  DepositRecycled: ['from'],
  DepositAssigned: ['stakingPool'],
  ExcessWithdrawn: ['to'],
  EtherDeposited: ['from'],
  NodeTrustedSet: ['node'],
  NodeSuperSet: ['node'],
  NodeRegistered: ['node'],
  EtherWithdrawn: ['by', 'to'],
};

/** §1.2: registry keys of contract names. */
export const CONTRACT_ADDRESS_KEYS: readonly Row[] = [
  ['stafiUserDeposit', '0x0fc7586ecacf357cb7e67c64defb484211b653fa58dc7e450b70c23fb1dd01e1'],
  ['stafiSuperNode', '0xb097a42880e04f2c63df0c86a51e858a81270ba347dd94f0090fccfcbaf0069c'],
  ['stafiNetworkSettings', '0x357b4e0d9fa1f2e459f2280b7ebfe19d3e8ff8a1fecedc054c37a686f3aa9c46'],
  ['stafiWithdraw', '0xee66b326b97dc52d459a208105d63ad51bbcbcb094ff58a93054f8ea4ef20864'],
  ['stafiSuperNodeFeePool', '0x14ed554c2932e34efc071150b2b1232f72e2a093104bdd4b24e9b0b53f83b33d'],
  ['stafiNodeManager', '0xffb863a8dc7b58729a4c88fbb739df84b5cbc5e26602263293adbe27f3d3f99b'],
  ['ethDeposit', '0xdbd541438139d3b3b978acfc87103a03fd28ec3bbed7bb0d28c62fb5772c810c'],
];

/** §1.3: S-style settings keys used by the devnet contracts. */
export const SETTINGS_KEYS: readonly Row[] = [
  [
    'settings.network.withdrawal.credentials',
    '0x153208212194eeb67cdf2c5091a03a93fee0adf87641cc252b5f637fb3caae14',
  ],
  [
    'settings.network.superNode.pubkeyLimit',
    '0xe0c2220946c23189da1cc32893cd8d3083e957f6ab0fb550b854f5ab5a0b5e72',
  ],
  [
    'settings.superNode.deposit.enabled',
    '0x3665abca1dd5f85d589afd4c1adf3636bbaf1500911c051dad346f40f32962f2',
  ],
  [
    'settings.network.consensus.threshold',
    '0x4dee93339ebea5bfc523e9352ac0e60cbd0e63d1409a849603fe632fc21e7a43',
  ],
];
