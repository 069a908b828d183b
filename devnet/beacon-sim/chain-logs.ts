/**
 * Decoders for the execution-layer logs the simulator ingests: the deposit contract's
 * `DepositEvent` (specs/beacon-and-keys.md §6), the EIP-7002 predeploy's anonymous 76-byte log
 * (§9) and SSVNetwork's `ValidatorExited`. Pure: each returns null for a log it does not describe.
 */
import { Interface, dataLength, dataSlice, getAddress, hexlify } from 'ethers';

/** The fields of an ethers/JSON-RPC log the decoders read. */
export interface RawLog {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  transactionHash: string;
  index: number;
}

const depositInterface = new Interface([
  'event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)',
]);
const ssvInterface = new Interface([
  'event ValidatorExited(address indexed owner, uint64[] operatorIds, bytes publicKey)',
]);

/** topic0 of `DepositEvent`. */
export const DEPOSIT_EVENT_TOPIC = depositInterface.getEvent('DepositEvent')!.topicHash;
/** topic0 of SSVNetwork's `ValidatorExited`. */
export const VALIDATOR_EXITED_TOPIC = ssvInterface.getEvent('ValidatorExited')!.topicHash;

/** One decoded `DepositEvent`. */
export interface DepositLog {
  pubkey: `0x${string}`;
  withdrawalCredentials: `0x${string}`;
  amountGwei: bigint;
  signature: `0x${string}`;
  /** The deposit count before this deposit. */
  depositIndex: bigint;
  blockNumber: number;
  transactionHash: string;
}

/** One EIP-7002 withdrawal request. */
export interface WithdrawalRequestLog {
  sourceAddress: `0x${string}`;
  pubkey: `0x${string}`;
  amountGwei: bigint;
  blockNumber: number;
  transactionHash: string;
}

/** One SSV `ValidatorExited`. */
export interface SsvExitLog {
  owner: `0x${string}`;
  operatorIds: bigint[];
  pubkey: `0x${string}`;
  blockNumber: number;
  transactionHash: string;
}

/** 8-byte little-endian bytes → bigint. Throws on another length. */
export function littleEndianUint64(hex: string): bigint {
  if (dataLength(hex) !== 8) throw new Error(`expected 8 little-endian bytes, got ${hex}`);
  let value = 0n;
  for (let i = 7; i >= 0; i--)
    value = (value << 8n) | BigInt(`0x${hex.slice(2 + 2 * i, 4 + 2 * i)}`);
  return value;
}

const lower = (hex: string): `0x${string}` => hexlify(hex).toLowerCase() as `0x${string}`;

/** Decodes a `DepositEvent`, or null when the log is not one (or is malformed). */
export function decodeDepositLog(log: RawLog): DepositLog | null {
  if (log.topics[0] !== DEPOSIT_EVENT_TOPIC) return null;
  try {
    const parsed = depositInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed === null) return null;
    const [pubkey, credentials, amount, signature, index] = parsed.args.toArray() as string[];
    if (dataLength(pubkey!) !== 48 || dataLength(credentials!) !== 32) return null;
    if (dataLength(signature!) !== 96) return null;
    return {
      pubkey: lower(pubkey!),
      withdrawalCredentials: lower(credentials!),
      amountGwei: littleEndianUint64(amount!),
      signature: lower(signature!),
      depositIndex: littleEndianUint64(index!),
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
    };
  } catch {
    return null;
  }
}

/** Decodes the predeploy's anonymous `source(20) ‖ pubkey(48) ‖ amount(8, big-endian)` log. */
export function decodeWithdrawalRequestLog(log: RawLog): WithdrawalRequestLog | null {
  if (log.topics.length !== 0 || dataLength(log.data) !== 76) return null;
  return {
    sourceAddress: getAddress(dataSlice(log.data, 0, 20)).toLowerCase() as `0x${string}`,
    pubkey: lower(dataSlice(log.data, 20, 68)),
    amountGwei: BigInt(dataSlice(log.data, 68, 76)),
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
  };
}

/** Decodes SSVNetwork's `ValidatorExited`, or null. */
export function decodeSsvExitLog(log: RawLog): SsvExitLog | null {
  if (log.topics[0] !== VALIDATOR_EXITED_TOPIC) return null;
  try {
    const parsed = ssvInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed === null) return null;
    const [owner, operatorIds, publicKey] = parsed.args.toArray() as [string, bigint[], string];
    if (dataLength(publicKey) !== 48) return null;
    return {
      owner: owner.toLowerCase() as `0x${string}`,
      operatorIds: [...operatorIds],
      pubkey: lower(publicKey),
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
    };
  } catch {
    return null;
  }
}
