// Helpers for the pool devnet tests: accounts, typed contract calls, revert reasons, events,
// deposit data roots (computed independently with @chainsafe/ssz) and withdraw-cycle time travel.
import { ByteVectorType, ContainerType, ListCompositeType, UintBigintType } from '@chainsafe/ssz';
import {
  Contract,
  HDNodeWallet,
  Mnemonic,
  getBytes,
  hexlify,
  randomBytes,
  type BaseContract,
  type JsonRpcProvider,
  type LogDescription,
  type TransactionReceipt,
} from 'ethers';
import type { Artifacts } from '../../../devnet/contracts/compile.js';
import { artifact } from '../../../devnet/contracts/compile.js';
import {
  poolContractNames,
  type DeployPoolReturnType,
  type PoolAddresses,
} from '../../../devnet/deploy/pool.js';

const Bytes32 = new ByteVectorType(32);
/** phase0 `DepositData`, declared here so the tests do not share code with the contracts' side. */
export const DepositDataSsz = new ContainerType({
  pubkey: new ByteVectorType(48),
  withdrawalCredentials: Bytes32,
  amount: new UintBigintType(8),
  signature: new ByteVectorType(96),
});
/** The deposit tree: `hash_tree_root(List[DepositData, 2**32])` = `get_deposit_root()`. */
export const DepositTreeSsz = new ListCompositeType(DepositDataSsz, 2 ** 32);

/** One deposit's fields, as hex strings and a gwei amount. */
export interface DepositInput {
  pubkey: string;
  withdrawalCredentials: string;
  amountGwei: bigint;
  signature: string;
}

/** {@link DepositInput} as the value `@chainsafe/ssz` hashes. */
export function depositValue(input: DepositInput): {
  pubkey: Uint8Array;
  withdrawalCredentials: Uint8Array;
  amount: bigint;
  signature: Uint8Array;
} {
  return {
    pubkey: getBytes(input.pubkey),
    withdrawalCredentials: getBytes(input.withdrawalCredentials),
    amount: input.amountGwei,
    signature: getBytes(input.signature),
  };
}

/** SSZ `hash_tree_root(DepositData)` as a 0x hex string. */
export function depositDataRoot(input: DepositInput): string {
  return hexlify(DepositDataSsz.hashTreeRoot(depositValue(input)));
}

/** A fresh 48-byte pubkey and 96-byte signature: the contracts never check BLS. */
export function randomKey(): { pubkey: string; signature: string } {
  return { pubkey: hexlify(randomBytes(48)), signature: hexlify(randomBytes(96)) };
}

/** 8-byte little-endian bytes (as the deposit contract emits them) → bigint. */
export function littleEndian64(hex: string): bigint {
  const bytes = getBytes(hex);
  if (bytes.length !== 8) throw new Error(`expected 8 bytes, got ${bytes.length}`);
  return bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** Account `index` of the devnet mnemonic (`m/44'/60'/0'/0/index`), connected to `provider`. */
export function devnetWallet(
  mnemonic: string,
  index: number,
  provider: JsonRpcProvider,
): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(
    Mnemonic.fromPhrase(mnemonic),
    `m/44'/60'/0'/0/${index}`,
  ).connect(provider);
}

/** One ethers Contract per {@link PoolAddresses} key. */
export type PoolContracts = Record<keyof PoolAddresses, Contract>;

/** ethers Contracts (read-only, connected to `provider`) for every address of a deployed pool. */
export function poolContracts(
  deployed: DeployPoolReturnType,
  artifacts: Artifacts,
  provider: JsonRpcProvider,
): PoolContracts {
  const names = poolContractNames(deployed.withdrawFlavour);
  const addresses = Object.entries(deployed.addresses) as [keyof PoolAddresses, string][];
  const entries = addresses.map(([key, address]) => [
    key,
    new Contract(address, artifact(artifacts, names[key]).abi, provider),
  ]);
  return Object.fromEntries(entries) as PoolContracts;
}

/** A view call whose result the caller types. */
export async function read<T>(
  contract: BaseContract,
  method: string,
  ...args: unknown[]
): Promise<T> {
  return (await contract.getFunction(method).staticCall(...args)) as T;
}

/** Sends a real transaction as `from` and waits for a successful receipt. */
export async function send(
  contract: Contract,
  from: HDNodeWallet,
  method: string,
  args: readonly unknown[] = [],
  value?: bigint,
): Promise<TransactionReceipt> {
  const fn = (contract.connect(from) as Contract).getFunction(method);
  const tx = value === undefined ? await fn.send(...args) : await fn.send(...args, { value });
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`${method} failed`);
  return receipt;
}

/** The revert reason string of a rejected call or transaction. */
export async function revertReason(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    const reason = (error as { reason?: unknown }).reason;
    if (typeof reason === 'string') return reason;
    throw error;
  }
  throw new Error('expected a revert, but the call succeeded');
}

/** Decoded events named `name` emitted by `contract` in `receipt`. */
export function eventsOf(
  receipt: TransactionReceipt,
  contract: Contract,
  address: string,
  name: string,
): LogDescription[] {
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address.toLowerCase())
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed): parsed is LogDescription => parsed !== null && parsed.name === name);
}

/** A decoded event's arguments in declaration order. */
export function argsOf(event: LogDescription): unknown[] {
  return event.args.toArray() as unknown[];
}

const CYCLE_OFFSET = 28_800n;
const CYCLE_LENGTH = 86_400n;

/** StafiWithdraw's cycle of a timestamp: `(t − 28,800) / 86,400`. */
export function withdrawCycleAt(timestamp: bigint): bigint {
  return (timestamp - CYCLE_OFFSET) / CYCLE_LENGTH;
}

/**
 * Moves chain time to the middle of the next withdraw cycle (so no test straddles the 08:00 UTC
 * rollover) and mines a block there. Returns the new current cycle.
 */
export async function advanceToMiddleOfNextCycle(provider: JsonRpcProvider): Promise<bigint> {
  const latest = await provider.getBlock('latest');
  if (latest === null) throw new Error('no latest block');
  const now = BigInt(latest.timestamp);
  const next = withdrawCycleAt(now) + 1n;
  const target = next * CYCLE_LENGTH + CYCLE_OFFSET + CYCLE_LENGTH / 2n;
  await provider.send('evm_increaseTime', [Number(target - now)]);
  await provider.send('evm_mine', []);
  return next;
}
