/**
 * poolMonitor — one run per Schedule tick (`client/schedules.ts`, overlap SKIP). Stages:
 *
 * 1. read: the pool (balance, reserve, deposit flag, pubkey limit/count) and the key indices used
 *    on chain, scanned page by page from index 0 (the chain is the source of truth);
 * 2. claim check: which indices already have a lifecycle, by describing deterministic workflow IDs
 *    (strongly consistent, unlike visibility);
 * 3. plan: SIP-7 `planRouterRound`; the new indices come from `nextKeyIndices` over every used
 *    index (on chain, in flight, abandoned), so an index is never reused and never skipped;
 * 4. start: lifecycles for the new indices and for indices used on chain without a lifecycle
 *    (adoption), with conflict policy USE_EXISTING, so a run that dies between read and start, a
 *    retried activity or an overlapping run can never create two lifecycles for one index.
 *
 * Returns a summary with the plan's reasons for the UI; `status` shows it while running.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type {
  ClaimedIndex,
  ChainKey,
  MonitorActivities,
  PoolState,
} from '../activities/router/monitor-contract.js';
import { DvtError } from '../domain/errors.js';
import { parseAmount } from '../domain/amounts.js';
import { nextKeyIndices } from '../domain/plan/key-indices.js';
import { planRouterRound, type RouterKey } from '../domain/plan/router-plan.js';
import { CLIENT_OP, READ } from './activity-presets.js';
import { poolMonitorStatus, type PoolMonitorSummary } from './definitions.js';

/** Tuning of one monitor run. */
export interface PoolMonitorSettings {
  /** Most keys per deposit or stake transaction. */
  maxBatchSize: number;
  /** Gas limit per transaction (bounds the batch, eth-ssv-client's model). */
  gasLimit: number;
  /** Consecutive unused indices that end the on-chain scan and the lifecycle probe. */
  scanGapLimit: number;
  /** Indices checked per `readPoolState` page. */
  scanPageSize: number;
  /** Pages per run; when the scan is still not finished no new index is handed out. */
  maxScanPages: number;
  /** Start lifecycles for indices used on chain without one (after a lost history). */
  adoptOrphans: boolean;
  /** SIP-7 solo node deposit, decimal wei; 12 ETH when absent. */
  soloNodeDeposit?: string;
  /** A new validator's pre-deposit, decimal wei (`router.depositAmountGwei`); 1 ETH when absent. */
  depositAmount?: string;
  /** Its stake after the credentials vote, decimal wei (`router.stakeAmountGwei`); 31 ETH when absent. */
  stakeAmount?: string;
}

/** Input of {@link poolMonitor}. */
export interface PoolMonitorInput {
  /** Pool address (Storage contract), as in `workflowIds.validator`. */
  pool: string;
  /** SSV owner address of the lifecycles. */
  owner: string;
  settings: PoolMonitorSettings;
  /** Passed to each `validatorLifecycle` unchanged. */
  lifecycleSettings: Readonly<Record<string, unknown>>;
}

const read = proxyActivities<MonitorActivities>(READ);
const client = proxyActivities<MonitorActivities>(CLIENT_OP);

/** Reads the pool, plans one SIP-7 round and starts the lifecycles it calls for. */
export async function poolMonitor(input: PoolMonitorInput): Promise<PoolMonitorSummary> {
  const { pool, owner, settings } = input;
  const summary: PoolMonitorSummary = {
    pool: pool.toLowerCase(),
    phase: 'reading',
    balance: null,
    reserve: null,
    usable: null,
    usedOnChain: [],
    inFlight: [],
    abandoned: [],
    newIndices: [],
    adopted: [],
    stakeIndices: [],
    started: [],
    alreadyRunning: [],
    alreadyClosed: [],
    reasons: [],
  };
  setHandler(poolMonitorStatus, () => summary);

  // 1. Read.
  const scan = await scanChain(pool, settings);
  const state = scan.last;
  summary.balance = state.balance.balanceWei;
  summary.reserve = state.balance.reserveWei;
  summary.usable = state.balance.usableWei;
  summary.usedOnChain = [...scan.chainKeys.keys()].sort((a, b) => a - b);

  // 2. Claim check: every index up to the highest on chain (used or gap), then upward.
  const highest = summary.usedOnChain.at(-1) ?? -1;
  const claimed = await client.findClaimedIndices({
    pool,
    keyIndices: range(0, highest + 1),
    probeGapLimit: settings.scanGapLimit,
  });
  const claimedBy = new Map<number, ClaimedIndex>(claimed.map((c) => [c.keyIndex, c]));

  // 3. Plan.
  summary.phase = 'planning';
  const keys: RouterKey[] = [];
  for (const chainKey of scan.chainKeys.values()) keys.push(routerKey(chainKey));
  for (const c of claimed) {
    if (scan.chainKeys.has(c.keyIndex)) continue;
    if (c.state === 'running') {
      summary.inFlight.push(c.keyIndex);
      keys.push({ keyIndex: c.keyIndex, status: 'uninitial' });
    } else {
      summary.abandoned.push(c.keyIndex);
    }
  }
  summary.inFlight.sort((a, b) => a - b);
  summary.abandoned.sort((a, b) => a - b);
  const ssvPath = await read.readSsvPathStatus({ owner });
  const plan = pure(() =>
    planRouterRound({
      poolBalance: parseAmount(state.balance.balanceWei, 'balanceWei'),
      reserve: parseAmount(state.balance.reserveWei, 'reserveWei'),
      keys,
      pubkeyLimit: state.pubkeyLimit,
      pubkeyCount: state.pubkeyCount,
      depositEnabled: state.depositEnabled,
      maxBatchSize: settings.maxBatchSize,
      gasLimit: settings.gasLimit,
      ssvPath,
      ...(settings.soloNodeDeposit === undefined
        ? {}
        : { soloNodeDeposit: parseAmount(settings.soloNodeDeposit, 'soloNodeDeposit') }),
      ...(settings.depositAmount === undefined
        ? {}
        : { depositAmount: parseAmount(settings.depositAmount, 'depositAmount') }),
      ...(settings.stakeAmount === undefined
        ? {}
        : { stakeAmount: parseAmount(settings.stakeAmount, 'stakeAmount') }),
    }),
  );
  summary.reasons.push(...plan.reasons);
  summary.stakeIndices = plan.stake.keyIndices;

  let wanted = plan.deposit.keyIndices.length;
  if (wanted > 0 && scan.truncated) {
    summary.reasons.push(
      `The on-chain key scan stopped at index ${state.scannedToIndex} before ${settings.scanGapLimit} unused indices in a row: no new index is handed out until a run finishes the scan.`,
    );
    wanted = 0;
  }
  const used = [...new Set([...summary.usedOnChain, ...claimed.map((c) => c.keyIndex)])];
  const allocation = pure(() => nextKeyIndices({ usedIndices: used, count: wanted }));
  summary.newIndices = allocation.indices;
  if (allocation.gaps.length > 0) {
    summary.reasons.push(
      `Unused indices below the highest used one: ${allocation.gaps.join(', ')}; they are handed out first.`,
    );
  }
  if (summary.abandoned.length > 0) {
    summary.reasons.push(
      `Indices ${summary.abandoned.join(', ')} belong to closed lifecycles that never deposited: they stay used.`,
    );
  }
  if (settings.adoptOrphans) {
    summary.adopted = summary.usedOnChain.filter(
      (keyIndex) => !claimedBy.has(keyIndex) && scan.chainKeys.get(keyIndex)?.status !== 'unmatch',
    );
    if (summary.adopted.length > 0) {
      summary.reasons.push(
        `Indices ${summary.adopted.join(', ')} are used on chain without a lifecycle: adopted.`,
      );
    }
  }

  // 4. Start.
  const toStart = [...new Set([...summary.adopted, ...summary.newIndices])].sort((a, b) => a - b);
  if (toStart.length > 0) {
    summary.phase = 'starting';
    const results = await client.startLifecycles({
      pool,
      owner,
      keyIndices: toStart,
      settings: input.lifecycleSettings,
    });
    for (const result of results) {
      if (result.outcome === 'started') summary.started.push(result.keyIndex);
      else if (result.outcome === 'already-running') summary.alreadyRunning.push(result.keyIndex);
      else summary.alreadyClosed.push(result.keyIndex);
    }
  }
  summary.phase = 'done';
  return summary;
}

interface ChainScan {
  chainKeys: Map<number, ChainKey>;
  last: PoolState;
  truncated: boolean;
}

async function scanChain(pool: string, settings: PoolMonitorSettings): Promise<ChainScan> {
  const chainKeys = new Map<number, ChainKey>();
  let from = 0;
  for (let page = 0; ; page++) {
    const state = await read.readPoolState({
      pool,
      scanFromIndex: from,
      gapLimit: settings.scanGapLimit,
      maxScan: settings.scanPageSize,
    });
    for (const keyIndex of state.usedIndices) {
      const key = state.statusesByIndex[String(keyIndex)];
      if (key) chainKeys.set(keyIndex, key);
    }
    if (!state.truncated || page + 1 >= settings.maxScanPages) {
      return { chainKeys, last: state, truncated: state.truncated };
    }
    from = state.scannedToIndex;
  }
}

function routerKey(key: ChainKey): RouterKey {
  return key.status === 'match'
    ? { keyIndex: key.keyIndex, status: 'match', onboarded: key.onboarded }
    : { keyIndex: key.keyIndex, status: key.status };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Runs pure domain code; a DvtError (bad data from upstream) becomes a typed, final failure. */
function pure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DvtError) {
      throw ApplicationFailure.create({
        type: error.code,
        message: error.message,
        nonRetryable: !error.retryable,
        details: [error.details],
      });
    }
    if (error instanceof ActivityFailure || error instanceof ApplicationFailure) throw error;
    throw ApplicationFailure.create({ message: String(error), nonRetryable: true });
  }
}
