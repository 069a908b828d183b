/**
 * Human-readable ABI fragments of the StaFi contracts the router calls (specs/stafi-pool.md). Only
 * what the router reads or encodes; the devnet conformance tests pin the selectors and topics.
 */

/** StafiStorage getters used to resolve contract addresses and settings (§1). */
export const STAFI_STORAGE_ABI = [
  'function getAddress(bytes32 _key) view returns (address)',
  'function getUint(bytes32 _key) view returns (uint256)',
  'function getBool(bytes32 _key) view returns (bool)',
] as const;

/** StafiUserDeposit: the pool balance (§2). */
export const STAFI_USER_DEPOSIT_ABI = [
  'function getBalance() view returns (uint256)',
  'function getDepositEnabled() view returns (bool)',
] as const;

/** StafiSuperNode: deposit/stake batches, statuses and votes (§3). */
export const STAFI_SUPER_NODE_ABI = [
  'function deposit(bytes[] _validatorPubkeys, bytes[] _validatorSignatures, bytes32[] _depositDataRoots)',
  'function stake(bytes[] _validatorPubkeys, bytes[] _validatorSignatures, bytes32[] _depositDataRoots)',
  'function getSuperNodePubkeyStatus(bytes _validatorPubkey) view returns (uint256)',
  'function getSuperNodePubkeyCount(address _nodeAddress) view returns (uint256)',
  'function getSuperNodePubkeyAt(address _nodeAddress, uint256 _index) view returns (bytes)',
  'function getSuperNodeDepositEnabled() view returns (bool)',
  'function getPubkeyVoted(bytes _validatorPubkey, address user) view returns (bool)',
  'event Deposited(address node, bytes pubkey, bytes validatorSignature)',
  'event Staked(address node, bytes pubkey)',
  'event SetPubkeyStatus(bytes pubkey, uint256 status)',
] as const;

/** StafiNetworkSettings (§4). */
export const STAFI_NETWORK_SETTINGS_ABI = [
  'function getWithdrawalCredentials() view returns (bytes)',
  'function getSuperNodePubkeyLimit() view returns (uint256)',
] as const;

/** StafiNodeManager (§5): trusted-node count for vote arithmetic. */
export const STAFI_NODE_MANAGER_ABI = [
  'function getTrustedNodeCount() view returns (uint256)',
  'function getTrustedNodeAt(uint256) view returns (address)',
] as const;

/** StafiWithdraw, both branches (§9): cycle arithmetic and ejections. */
export const STAFI_WITHDRAW_ABI = [
  'function currentWithdrawCycle() view returns (uint256)',
  // main branch (§9.2)
  'function getEjectedValidatorsAtCycle(uint256 cycle) view returns (uint256[])',
  'function ejectedStartCycle() view returns (uint256)',
  'event NotifyValidatorExit(uint256 withdrawCycle, uint256 ejectedStartWithdrawCycle, uint256[] ejectedValidators)',
  // pectra branch (§9.3)
  'function requestedValidatorExitCycle() view returns (uint256)',
  'event RequestValidatorExit(uint256 withdrawCycle, bytes[] ejectedValidators)',
] as const;

/** Revert reasons of the StaFi contracts are `Error(string)`; nothing else to decode. */
export const STAFI_ABIS = [
  STAFI_STORAGE_ABI,
  STAFI_USER_DEPOSIT_ABI,
  STAFI_SUPER_NODE_ABI,
  STAFI_NETWORK_SETTINGS_ABI,
  STAFI_NODE_MANAGER_ABI,
  STAFI_WITHDRAW_ABI,
] as const;
