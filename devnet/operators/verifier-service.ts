/**
 * The devnet's SSV-node simulator (specs/ssv-api-and-shares.md §4, §9): follows `ValidatorAdded`
 * and `ValidatorRemoved` on the devnet SSVNetwork in (block, logIndex) order, keeps the per-owner
 * nonce counter the SSV nodes keep (incremented for every `ValidatorAdded`, even a malformed
 * one), and checks each registration against that nonce with every operator's private key,
 * threshold signing over every minimal subset of operators included. Its report is what the SSV
 * API simulator serves as `is_valid` / `is_shares_valid`, and in full on `GET /admin/verifier`.
 */
import { getAddress, hexlify, type Interface } from 'ethers';

import { devnetProvider } from '../chain.js';
import type { Artifacts } from '../contracts/compile.js';
import { verifyRegistration } from '../verifier/verify-registration.js';
import { fetchSsvLogs, ssvNetworkInterface, type SsvLog } from './ssv-network-logs.js';

/** The verdict on one `ValidatorAdded` event. */
export interface VerificationRecord {
  /** Validator public key, lower-case 0x-hex. */
  publicKey: string;
  /** Cluster owner, EIP-55. */
  owner: string;
  /** The nonce the SSV nodes expected for this event. */
  nonce: number;
  operatorIds: number[];
  valid: boolean;
  /** Why the registration is invalid; empty when valid. Never contains share values. */
  reasons: string[];
  block: number;
  logIndex: number;
  transactionHash: string;
  /** Position of the `ValidatorRemoved` that removed this registration, or null. */
  removed: { block: number; logIndex: number } | null;
}

export interface StartVerifierParameters {
  rpcUrl: string;
  chainId: number;
  ssvNetwork: string;
  /** Every simulated operator's RSA private key (PEM) by operator id. */
  operators: ReadonlyMap<number, string> | Readonly<Record<number, string>>;
  /** Poll interval; 0 disables polling (call `ingestNow()`). Default 500. */
  pollMs?: number;
  /** First block to scan (the SSVNetwork deployment block). Default 0. */
  fromBlock?: number;
  /** Blocks to stay behind the head, as a beacon node follows the execution chain (a reorg shallower than this is never seen); default 0. */
  followBlocks?: number;
  /**
   * T-subsets to threshold-sign per registration: `'all'` (default) proves every minimal subset,
   * a number combines a sample of that many (see verifyRegistration).
   */
  thresholdSigningSubsets?: 'all' | number;
  artifacts?: Artifacts;
}

export interface VerifierService {
  /** Stops polling and waits for a running scan to end. Idempotent. */
  stop(): Promise<void>;
  /** Every record so far, in chain order (copies). */
  report(): VerificationRecord[];
  /** Scans up to the current head now; resolves when the records include it. */
  ingestNow(): Promise<void>;
  /** The next nonce the SSV nodes expect for `owner` (count of its `ValidatorAdded` so far). */
  nonceOf(owner: string): number;
  /** The last error of a background scan, if the latest scan failed. */
  lastError(): Error | null;
}

/**
 * Starts the verifier. Scans are serialised; each covers (last scanned block, head]. A failed
 * scan is retried from the same block on the next poll, so no event is counted twice or missed.
 */
export function startVerifier({
  rpcUrl,
  chainId,
  ssvNetwork,
  operators,
  pollMs = 500,
  fromBlock = 0,
  followBlocks = 0,
  thresholdSigningSubsets = 'all',
  artifacts,
}: StartVerifierParameters): VerifierService {
  const provider = devnetProvider(rpcUrl, chainId);
  const networkInterface: Interface = ssvNetworkInterface(artifacts);
  const operatorPrivateKeys: ReadonlyMap<number, string> =
    operators instanceof Map
      ? operators
      : new Map(Object.entries(operators).map(([id, pem]) => [Number(id), pem as string]));
  const records: VerificationRecord[] = [];
  const nonces = new Map<string, number>();
  let nextBlock = fromBlock;
  let chainTail: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failure: Error | null = null;

  async function apply(log: SsvLog): Promise<void> {
    const owner = getAddress(log.args.getValue('owner') as string);
    const operatorIds = (log.args.getValue('operatorIds') as bigint[]).map(Number);
    const publicKey = hexlify(log.args.getValue('publicKey') as string).toLowerCase();
    if (log.name === 'ValidatorRemoved') {
      const record = records.findLast(
        (r) => r.owner === owner && r.publicKey === publicKey && r.removed === null,
      );
      if (record) record.removed = { block: log.blockNumber, logIndex: log.logIndex };
      return;
    }
    const key = owner.toLowerCase();
    const nonce = nonces.get(key) ?? 0;
    // The SSV nodes consume the nonce whatever the verdict (spec §4).
    nonces.set(key, nonce + 1);
    let verdict: { valid: boolean; reasons: string[] };
    try {
      verdict = await verifyRegistration(
        {
          owner,
          nonce,
          publicKey,
          operatorIds,
          sharesData: hexlify(log.args.getValue('shares') as string),
        },
        { operatorPrivateKeys, thresholdSigningSubsets },
      );
    } catch (error) {
      verdict = { valid: false, reasons: [`verifier: ${(error as Error).name} while checking`] };
    }
    records.push({
      publicKey,
      owner,
      nonce,
      operatorIds,
      valid: verdict.valid,
      reasons: verdict.reasons,
      block: log.blockNumber,
      logIndex: log.logIndex,
      transactionHash: log.transactionHash,
      removed: null,
    });
  }

  async function scan(): Promise<void> {
    const head = (await provider.getBlockNumber()) - followBlocks;
    if (head < nextBlock) return;
    const logs = await fetchSsvLogs(provider, {
      ssvNetwork,
      networkInterface,
      fromBlock: nextBlock,
      toBlock: head,
      events: ['ValidatorAdded', 'ValidatorRemoved'],
    });
    for (const log of logs) await apply(log);
    nextBlock = head + 1;
  }

  function ingestNow(): Promise<void> {
    const run = chainTail.then(scan);
    chainTail = run.then(
      () => {
        failure = null;
      },
      (error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
      },
    );
    return run;
  }

  function schedule(): void {
    if (stopped || pollMs <= 0) return;
    timer = setTimeout(() => {
      ingestNow()
        .catch(() => undefined) // kept in lastError(); the next poll retries the same range
        .finally(schedule);
    }, pollMs);
  }
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chainTail;
      provider.destroy();
    },
    report: () =>
      records.map((r) => ({
        ...r,
        operatorIds: [...r.operatorIds],
        reasons: [...r.reasons],
        removed: r.removed && { ...r.removed },
      })),
    ingestNow,
    nonceOf: (owner) => nonces.get(getAddress(owner).toLowerCase()) ?? 0,
    lastError: () => failure,
  };
}
