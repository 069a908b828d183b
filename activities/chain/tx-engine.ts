/**
 * The transaction engine: the one path every on-chain write takes (DESIGN.md principles 3, 4).
 * It is split into steps so a workflow can make each one durable:
 *
 *   plan      simulate with estimateGas (a revert becomes a named error) and decide fees
 *   sign      build and sign an EIP-1559 transaction at a given nonce; nothing is sent
 *   broadcast send signed bytes; sending the same bytes twice is harmless
 *   check     read receipts for every version (hash) sent at a nonce
 *
 * The signed transaction and its hash are public and go into workflow history before they are
 * broadcast, so a retry after any crash re-sends the same bytes and never a second transaction.
 * Signer keys stay inside this closure.
 *
 * With `metrics`, the engine also counts what it sees in this process (sends, replacements,
 * failures, gas of receipts, transactions waiting past their stuck threshold); counting never
 * changes what a step does or returns.
 */
import {
  formatEther,
  isError,
  keccak256,
  Transaction,
  type BaseWallet,
  type JsonRpcProvider,
} from 'ethers';
import { DvtError } from '../../domain/errors.js';
import { decideFees, type FeeDecision, type GasPolicy } from '../../domain/tx/fee-policy.js';
import type { Metrics } from '../../worker/telemetry.js';
import { revertDataOf, type DecodedRevert, type RevertDecoder } from './revert.js';

/** What a caller wants sent. Amounts are decimal strings (they cross workflow boundaries). */
export interface TxRequest {
  /** What the transaction does, e.g. `superNode.deposit`; shown in logs and errors. */
  kind: string;
  /** Unique per intended effect: `<workflowId>/<step>`. */
  idempotencyKey: string;
  from: string;
  to: string;
  data: string;
  valueWei: string;
  /** Time-critical requests go out above the fee cap after this instant (epoch ms). */
  deadlineMs?: number | undefined;
}

/** A signed transaction, not yet known to be sent. Public data only. */
export interface SignedTx {
  hash: string;
  raw: string;
  nonce: number;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  gasLimit: string;
  calldataHash: string;
}

export interface TxPlan {
  gasLimit: string;
  baseFeeWei: string;
  decision: SerializedFeeDecision;
}

export type SerializedFeeDecision =
  | {
      action: 'send';
      maxFeePerGas: string;
      maxPriorityFeePerGas: string;
      aboveCap: boolean;
      reason: string;
    }
  | { action: 'wait'; reason: string };

export type BroadcastResult = 'accepted' | 'already-known' | 'nonce-used';

export type TxCheck =
  | {
      status: 'mined';
      hash: string;
      blockNumber: number;
      confirmations: number;
      gasUsed: string;
      effectiveGasPrice: string;
    }
  | {
      status: 'reverted';
      hash: string;
      blockNumber: number;
      confirmations: number;
      gasUsed: string;
      effectiveGasPrice: string;
      revert: DecodedRevert;
    }
  /** Not mined; `inMempool` tells whether any version is still known to the node. */
  | { status: 'pending'; inMempool: boolean }
  /** The account's nonce moved past ours and none of our versions was mined. */
  | { status: 'nonce-taken'; accountNonce: number };

export interface TxEngineDeps {
  provider: JsonRpcProvider;
  chainId: number;
  /** Signers by lower-case address. */
  signers: ReadonlyMap<string, BaseWallet>;
  decodeRevert: RevertDecoder;
  policy: GasPolicy;
  /** Gas limit = estimate × this / 10,000. */
  gasMarginBps?: number;
  /** Revert names caused by moving state; they are retryable (e.g. a stale cluster struct). */
  transientReverts?: ReadonlySet<string>;
  /** In-process attempts for a transient RPC failure before the activity fails (default 4). */
  rpcAttempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** `dvt_tx_*` and `dvt_gas_spent_eth_total` counting; absent or null: none. */
  metrics?: Metrics | null;
  /** Pending this long (per version), a transaction counts in `dvt_tx_stuck`; default 3 min. */
  stuckAfterMs?: number;
}

export type TxEngine = ReturnType<typeof makeTxEngine>;

export function makeTxEngine(deps: TxEngineDeps) {
  const { provider, chainId, decodeRevert, policy } = deps;
  const margin = BigInt(deps.gasMarginBps ?? 12_000);
  const transient = deps.transientReverts ?? new Set<string>();
  const now = deps.now ?? Date.now;
  const pause = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const attempts = deps.rpcAttempts ?? 4;
  const counting = deps.metrics
    ? makeTxCounting(deps.metrics, deps.stuckAfterMs ?? 3 * 60_000, now)
    : null;

  /**
   * Runs one RPC call, retrying transport failures (connection errors, 5xx, timeouts) a few times
   * with a short backoff so one dropped packet does not fail a whole activity. A node's answer
   * (a revert, "nonce too low", …) is not a transport failure: it is returned to the caller as is.
   */
  async function rpc<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isTransportFailure(error)) throw error;
        if (attempt >= attempts) throw upstream(operation, error);
        await pause(100 * 2 ** (attempt - 1));
      }
    }
  }

  function signerFor(address: string): BaseWallet {
    const signer = deps.signers.get(address.toLowerCase());
    if (!signer) {
      throw new DvtError('ERR_CONFIG', `No signer key is configured for account ${address}.`, {
        details: { account: address },
        hint: 'Add the account key file to the signer configuration.',
      });
    }
    return signer;
  }

  function revertError(request: TxRequest, revert: DecodedRevert, stage: string): DvtError {
    return new DvtError(
      transient.has(revert.name) ? 'ERR_TX_STATE_CHANGED' : 'ERR_TX_REVERTED',
      `${request.kind} ${stage} reverted: ${revert.summary}.`,
      {
        details: {
          kind: request.kind,
          idempotencyKey: request.idempotencyKey,
          to: request.to,
          revert: revert.name,
          revertArgs: revert.args.join(','),
        },
      },
    );
  }

  /** Simulates the call and decides fees. Throws a named error when the call would revert. */
  async function plan(request: TxRequest): Promise<TxPlan> {
    const call = {
      from: request.from,
      to: request.to,
      data: request.data,
      value: BigInt(request.valueWei),
    };
    let estimate: bigint;
    try {
      estimate = await rpc('estimateGas', () => provider.estimateGas(call));
    } catch (error) {
      const data = revertDataOf(error);
      if (data !== undefined) {
        counting?.failed(request.kind, 'simulation_reverted');
        throw revertError(request, decodeRevert(data), 'simulation');
      }
      throw error;
    }
    const block = await rpc('getBlock', () => provider.getBlock('latest'));
    const baseFee = block?.baseFeePerGas ?? 0n;
    const decision = decideFees({
      baseFeeWei: baseFee,
      policy,
      nowMs: now(),
      deadlineMs: request.deadlineMs,
    });
    return {
      gasLimit: ((estimate * margin) / 10_000n).toString(),
      baseFeeWei: baseFee.toString(),
      decision: serializeDecision(decision),
    };
  }

  /** The account's next nonce counting transactions the node holds in its mempool. */
  async function pendingNonce(address: string): Promise<number> {
    return rpc('getTransactionCount', () => provider.getTransactionCount(address, 'pending'));
  }

  /** Signs `request` at `nonce` with the given fees. Deterministic for the same inputs. */
  async function sign(
    request: TxRequest,
    nonce: number,
    fees: { maxFeePerGas: string; maxPriorityFeePerGas: string },
    gasLimit: string,
  ): Promise<SignedTx> {
    const signer = signerFor(request.from);
    const raw = await signer.signTransaction({
      type: 2,
      chainId,
      nonce,
      to: request.to,
      data: request.data,
      value: BigInt(request.valueWei),
      gasLimit: BigInt(gasLimit),
      maxFeePerGas: BigInt(fees.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(fees.maxPriorityFeePerGas),
    });
    const hash = Transaction.from(raw).hash ?? keccak256(raw);
    counting?.signed(request, hash);
    return {
      hash,
      raw,
      nonce,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      gasLimit,
      calldataHash: keccak256(request.data),
    };
  }

  /** Sends signed bytes. Re-sending bytes the node already has is success, not an error. */
  async function broadcast(raw: string): Promise<BroadcastResult> {
    try {
      await rpc('eth_sendRawTransaction', () => provider.send('eth_sendRawTransaction', [raw]));
      counting?.accepted(raw);
      return 'accepted';
    } catch (error) {
      const message = errorText(error);
      if (/already known|known transaction|already imported|already exists/i.test(message)) {
        return 'already-known';
      }
      if (/nonce too low|nonce has already been used|NONCE_EXPIRED/i.test(message)) {
        return 'nonce-used';
      }
      if (/replacement transaction underpriced|REPLACEMENT_UNDERPRICED/i.test(message)) {
        return 'already-known';
      }
      if (error instanceof DvtError) throw error;
      counting?.rejected(raw);
      throw new DvtError(
        'ERR_TX_REJECTED',
        `The node rejected the signed transaction: ${message.slice(0, 200)}`,
        { cause: error },
      );
    }
  }

  /**
   * Where the transaction at (`from`, `nonce`) stands, over every version sent at that nonce.
   *
   * `nonce-taken` is only concluded from a block `confirmations` deep: the head is read first,
   * then the account nonce at head − confirmations + 1, then the receipts. So a version mined
   * after the head was read is found by its receipt (never mistaken for a foreign transaction),
   * and a reorg (or an RPC pool whose nodes disagree) between the reads cannot make a version
   * that was mined at low depth and then reorged out look like a foreign transaction at our
   * nonce: shallower than the caller's confirmations, the block is not trusted either way.
   */
  async function check(
    request: Pick<TxRequest, 'from' | 'to' | 'data' | 'valueWei' | 'kind'>,
    nonce: number,
    hashes: readonly string[],
    confirmations = 1,
  ): Promise<TxCheck> {
    const result = await checkOnce(request, nonce, hashes, Math.max(1, confirmations));
    counting?.checked(request, nonce, hashes, result);
    return result;
  }

  async function checkOnce(
    request: Pick<TxRequest, 'from' | 'to' | 'data' | 'valueWei' | 'kind'>,
    nonce: number,
    hashes: readonly string[],
    confirmations: number,
  ): Promise<TxCheck> {
    const head = await rpc('getBlockNumber', () => provider.getBlockNumber());
    const trusted = Math.max(0, head - confirmations + 1);
    const accountNonce = await rpc('getTransactionCount', () =>
      provider.getTransactionCount(request.from, trusted),
    );
    for (const hash of hashes) {
      const receipt = await rpc('getTransactionReceipt', () =>
        provider.getTransactionReceipt(hash),
      );
      if (!receipt) continue;
      const base = {
        hash,
        blockNumber: receipt.blockNumber,
        confirmations: Math.max(0, head - receipt.blockNumber + 1),
        gasUsed: receipt.gasUsed.toString(),
        effectiveGasPrice: receipt.gasPrice.toString(),
      };
      if (receipt.status === 1) return { status: 'mined', ...base };
      return { status: 'reverted', ...base, revert: await replayRevert(request, receipt) };
    }
    if (accountNonce > nonce) return { status: 'nonce-taken', accountNonce };
    for (const hash of hashes) {
      if (await rpc('getTransaction', () => provider.getTransaction(hash))) {
        return { status: 'pending', inMempool: true };
      }
    }
    return { status: 'pending', inMempool: false };
  }

  async function replayRevert(
    request: Pick<TxRequest, 'from' | 'to' | 'data' | 'valueWei'>,
    receipt: { blockNumber: number },
  ): Promise<DecodedRevert> {
    try {
      await provider.call({
        from: request.from,
        to: request.to,
        data: request.data,
        value: BigInt(request.valueWei),
        blockTag: receipt.blockNumber - 1,
      });
    } catch (error) {
      const data = revertDataOf(error);
      if (data !== undefined) return decodeRevert(data);
    }
    return decodeRevert(undefined);
  }

  return { plan, pendingNonce, sign, broadcast, check, revertError };
}

/** Failure reasons of `dvt_tx_failed_total` (a closed set: label values stay bounded). */
export type TxFailureReason = 'simulation_reverted' | 'reverted' | 'rejected' | 'nonce_taken';

/** Entries each in-process memory of the counting keeps at most. */
const MEMORY_LIMIT = 4_096;

/**
 * What the engine counts, from what one process sees. Sends and replacements are counted when
 * the node accepts new bytes (a re-send of known bytes is not a second send), receipts once per
 * hash, a foreign nonce once per (account, nonce). The kind of a broadcast is remembered from its
 * signing or an earlier check, `unknown` otherwise (signed by another process).
 */
function makeTxCounting(metrics: Metrics, stuckAfterMs: number, now: () => number) {
  const kindByHash = new Map<string, string>();
  /** Hashes the node accepted, per `account:nonce`. */
  const sent = new Map<string, Set<string>>();
  /** Receipts and nonce conflicts already counted. */
  const counted = new Map<string, true>();
  /** Transactions awaiting a receipt, per `account:nonce`; `since` restarts with a new version. */
  const pending = new Map<
    string,
    { kind: string; versions: number; since: number; lastSeen: number }
  >();
  // An entry nobody checks any more was handed to another process or abandoned.
  const staleAfterMs = Math.max(5 * 60_000, 2 * stuckAfterMs);

  metrics.addTxStuckSource(() => {
    const counts = new Map<string, number>();
    const at = now();
    for (const [key, entry] of pending) {
      if (at - entry.lastSeen > staleAfterMs) pending.delete(key);
      else {
        const stuck = at - entry.since >= stuckAfterMs ? 1 : 0;
        counts.set(entry.kind, (counts.get(entry.kind) ?? 0) + stuck);
      }
    }
    return counts;
  });

  const keyOf = (from: string, nonce: number): string => `${from.toLowerCase()}:${nonce}`;
  const kindOf = (hash: string): string => kindByHash.get(hash.toLowerCase()) ?? 'unknown';

  function decode(raw: string): { hash: string; key: string | null } | null {
    try {
      const tx = Transaction.from(raw);
      const hash = (tx.hash ?? keccak256(raw)).toLowerCase();
      return { hash, key: tx.from ? keyOf(tx.from, tx.nonce) : null };
    } catch {
      return null;
    }
  }

  function failed(kind: string, reason: TxFailureReason): void {
    metrics.txFailed.inc({ kind, reason });
  }

  return safely({
    failed,

    signed(request: Pick<TxRequest, 'kind'>, hash: string): void {
      remember(kindByHash, hash.toLowerCase(), request.kind);
    },

    accepted(raw: string): void {
      const tx = decode(raw);
      if (!tx) return;
      const kind = kindOf(tx.hash);
      const key = tx.key ?? tx.hash;
      const hashes = sent.get(key) ?? new Set<string>();
      if (hashes.has(tx.hash)) return;
      metrics.txSent.inc({ kind });
      if (hashes.size > 0) metrics.txReplaced.inc({ kind });
      hashes.add(tx.hash);
      remember(sent, key, hashes);
    },

    rejected(raw: string): void {
      const tx = decode(raw);
      failed(tx ? kindOf(tx.hash) : 'unknown', 'rejected');
    },

    checked(
      request: Pick<TxRequest, 'from' | 'kind'>,
      nonce: number,
      hashes: readonly string[],
      result: TxCheck,
    ): void {
      for (const hash of hashes) remember(kindByHash, hash.toLowerCase(), request.kind);
      const key = keyOf(request.from, nonce);
      if (result.status === 'pending') {
        const at = now();
        const entry = pending.get(key);
        if (entry && entry.versions === hashes.length) entry.lastSeen = at;
        else {
          remember(pending, key, {
            kind: request.kind,
            versions: hashes.length,
            since: at,
            lastSeen: at,
          });
        }
        return;
      }
      pending.delete(key);
      sent.delete(key);
      if (result.status === 'nonce-taken') {
        if (counted.has(`nonce:${key}`)) return;
        remember(counted, `nonce:${key}`, true);
        failed(request.kind, 'nonce_taken');
        return;
      }
      if (counted.has(result.hash)) return;
      remember(counted, result.hash, true);
      const gasWei = BigInt(result.gasUsed) * BigInt(result.effectiveGasPrice);
      metrics.gasSpentEth.inc({ kind: request.kind }, weiToEth(gasWei));
      if (result.status === 'reverted') failed(request.kind, 'reverted');
    },
  });
}

/** `methods`, each swallowing its own errors: counting must never fail a transaction step. */
function safely<T extends Record<string, (...args: never[]) => void>>(methods: T): T {
  const out: Record<string, (...args: never[]) => void> = {};
  for (const [name, method] of Object.entries(methods)) {
    out[name] = (...args) => {
      try {
        method(...args);
      } catch {
        // A metric that cannot be counted is lost; the step goes on unchanged.
      }
    };
  }
  return out as T;
}

/** Sets `key` (as the newest entry) and forgets the oldest entries beyond the limit. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MEMORY_LIMIT) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

/** Wei as an ETH number (precise to far below a gwei for gas amounts). */
function weiToEth(wei: bigint): number {
  return Number(formatEther(wei));
}

function serializeDecision(decision: FeeDecision): SerializedFeeDecision {
  if (decision.action === 'wait') return decision;
  return {
    action: 'send',
    maxFeePerGas: decision.fees.maxFeePerGas.toString(),
    maxPriorityFeePerGas: decision.fees.maxPriorityFeePerGas.toString(),
    aboveCap: decision.aboveCap,
    reason: decision.reason,
  };
}

/** Whether `error` is a failure to reach the node rather than an answer from it. */
function isTransportFailure(error: unknown): boolean {
  if (error instanceof DvtError) return false;
  if (revertDataOf(error) !== undefined) return false;
  if (
    isError(error, 'SERVER_ERROR') ||
    isError(error, 'NETWORK_ERROR') ||
    isError(error, 'TIMEOUT')
  ) {
    return true;
  }
  const rpcError =
    (error as { info?: { error?: { code?: unknown } }; error?: { code?: unknown } })?.info?.error ??
    (error as { error?: { code?: unknown } })?.error;
  if (rpcError && typeof rpcError.code === 'number') return false;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR/.test(code);
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) parts.push(current.message);
    const record = current as {
      error?: unknown;
      info?: { error?: unknown };
      shortMessage?: string;
    };
    if (typeof record.shortMessage === 'string') parts.push(record.shortMessage);
    current = record.error ?? record.info?.error;
    if (current && typeof current === 'object' && 'message' in current) {
      parts.push(String(current.message));
    }
  }
  return parts.join(' | ');
}

function upstream(operation: string, cause: unknown): DvtError {
  return new DvtError('ERR_UPSTREAM_UNAVAILABLE', `Execution RPC failed during ${operation}.`, {
    details: { operation },
    cause,
  });
}
