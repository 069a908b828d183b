/**
 * validatorLifecycle — one validator of one pool, `validator/<pool>/<keyIndex>` (DESIGN.md §5).
 *
 * generate (derive pubkey) → deposit (1 ETH, batch `pool.deposit`) → await_credentials (vote,
 * timer backoff) → onboard (select operators, batch `ssv.register`) → stake (31 ETH, batch
 * `pool.stake`) → await_activation → active (waits for requestExit / migrate; continue-as-new) →
 * exit → await_exit (beacon shows it exited) → offboard (batch `ssv.remove`) → done.
 * UNMATCH credentials → credentials_rejected (terminal, never staked). A permanent failure →
 * halted (reason = failure type and message) until `resume`, which retries the stage.
 *
 * Every write reads the chain first (through its activity) and is skipped when its effect is
 * there. `pause` holds before the next transaction, never inside one. `requestExit` policy:
 * rejected in `generate` (nothing on chain yet; do not start the lifecycle instead) and in
 * `credentials_rejected`; from `deposit` to `await_activation` it is accepted and remembered, and
 * executed once the validator is active; in `active` it starts the exit; once accepted, every
 * later call answers `accepted: true` (idempotent). `migrate` is executed in `active`; asked
 * before operators are chosen, its ids are avoided by the first selection; asked between
 * onboarding and activation, it is remembered; after `active` it is ignored.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  metricMeter,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  initialLifecycleState,
  isTerminalStage,
  stageSearchAttribute,
  transitionStage,
  type LifecycleState,
  type Stage,
} from '../domain/lifecycle/stages.js';
import { errorCodes, type DvtErrorCode } from '../domain/errors.js';
import { deadlineField } from '../domain/tx/fee-policy.js';
import type { PubkeyStatus } from '../domain/plan/pubkey-status.js';
import type {
  BatchActivities,
  BatchItem,
  BatchItemResult,
  BatchKind,
  BeaconValidatorStatus,
  BeaconValidatorView,
  ExitPath,
  LifecycleActivities,
} from '../activities/router/lifecycle-contract.js';
import { CHAIN_WRITE, READ, READ_FEW, summarized } from './activity-presets.js';
import {
  EXIT_STARTED_ELSEWHERE,
  STAGE_DURATION_METRIC,
  batchItemResult,
  lifecycleStatus,
  migrate,
  pause,
  requestExit,
  resume,
  searchAttributes,
  type ExitRequest,
} from './definitions.js';

/** Exponential backoff ×2 from `initialMs` up to `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface LifecycleSettings {
  /** Send writes through the per-(kind, key) batcher; off: one executeBatch per item. */
  batching: boolean;
  /** Credential-vote checks (e.g. 1 min → 1 h; votes may take days). */
  credentialsPoll: Backoff;
  /** Beacon checks while awaiting activation and the exit. */
  activationPoll: Backoff;
  /** Retries the workflow shows: operator selection, retryable item failures. */
  retry: Backoff;
  exitPath: ExitPath;
  /** Wait between leaving the old cluster and joining the new one (e.g. 96 blocks ≈ 20 min). */
  migrationCoolDownMs: number;
  /** In `active`, how often the beacon is checked for an exit the router did not start. */
  activeCheckMs: number;
  /** Continue-as-new in `active` once history has this many events (or the server suggests). */
  continueAsNewAfterEvents: number;
  /** Re-submit a batch item when no result arrived within this time (a lost batcher). */
  batchResultTimeoutMs: number;
  /**
   * How long the stake waits for gas under the fee cap, from when the stake step first passes its
   * pause gate; after that it may go out above the cap, up to the signer's past-deadline ceiling
   * (user ETH idles in the pool meanwhile). Unset: never above the cap.
   */
  stakeFeeDeadlineMs?: number;
}

/** A stage transition, for the status query. */
export interface StageEntry {
  stage: Stage;
  /** ISO time (workflow time). */
  at: string;
  reason?: string;
}

/** A migration in progress (phases in order). */
export interface Migration {
  avoidOperatorIds: number[];
  reason: string;
  phase: 'requested' | 'cool-down' | 'select' | 'register';
  /** Workflow time the cool-down ends, ms. */
  coolDownUntil?: number;
}

/** State carried across continue-as-new. */
export interface LifecycleCarried {
  state: LifecycleState;
  pubkey: string | null;
  operatorIds: number[];
  clusterId: string | null;
  /** Increments per re-registration (migration); keys the register/remove steps. */
  clusterGeneration: number;
  /** Ids the first operator selection must avoid (migrate before onboarding). */
  avoidOperatorIds: number[];
  validatorIndex: string | null;
  exitRequest: (ExitRequest & { at: string }) | null;
  migration: Migration | null;
  paused: { reason: string } | null;
  /** Number of resumes from halted; new item keys per resume. */
  resumes: number;
  history: StageEntry[];
  writes: WriteRecord[];
}

/** A finished write of this lifecycle (batched or not), for the status query. */
export interface WriteRecord {
  kind: BatchKind;
  itemKey: string;
  outcome: 'done' | 'already-done';
  txHash?: string;
}

export interface LifecycleInput {
  pool: string;
  keyIndex: number;
  /** SSV cluster owner (the router's owner account). */
  owner: string;
  settings: LifecycleSettings;
  carried?: LifecycleCarried;
}

export interface LifecycleStatus {
  stage: Stage;
  haltedIn: Stage | null;
  haltReason: string | null;
  pool: string;
  keyIndex: number;
  pubkey: string | null;
  cluster: string | null;
  operatorIds: number[];
  validatorIndex: string | null;
  paused: boolean;
  pauseReason: string | null;
  /** The last failure a retry loop is working around (cleared by success). */
  lastError: string | null;
  /** What the lifecycle waits for now, in words. */
  waitingFor: string | null;
  exitRequest: (ExitRequest & { at: string }) | null;
  migration: Migration | null;
  history: StageEntry[];
  /** Finished writes, newest last (bounded). */
  writes: WriteRecord[];
}

export interface LifecycleResult {
  stage: Stage;
  pubkey: string | null;
}

const read = proxyActivities<LifecycleActivities>(READ);
const readFew = proxyActivities<LifecycleActivities>(READ_FEW);
const write = proxyActivities<LifecycleActivities & BatchActivities>(CHAIN_WRITE);

const HISTORY_LIMIT = 100;
const ACTIVE_STATUSES: readonly BeaconValidatorStatus[] = [
  'active_ongoing',
  'active_exiting',
  'active_slashed',
];
const EXITING_STATUSES: readonly BeaconValidatorStatus[] = [
  'active_exiting',
  'active_slashed',
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
];
const EXITED_STATUSES: readonly BeaconValidatorStatus[] = [
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
];
/** Stages where a requested exit is remembered until the validator is active. */
const EXIT_REMEMBERED_IN: readonly Stage[] = [
  'deposit',
  'await_credentials',
  'onboard',
  'stake',
  'await_activation',
  'active',
];

/** One validator's lifecycle; see the file header. */
export async function validatorLifecycle(input: LifecycleInput): Promise<LifecycleResult> {
  const { settings, keyIndex, owner } = input;
  const pool = input.pool.toLowerCase();
  const workflowId = workflowInfo().workflowId;
  const carried = input.carried;

  let state: LifecycleState = carried?.state ?? initialLifecycleState();
  let pubkey = carried?.pubkey ?? null;
  let operatorIds = carried?.operatorIds ?? [];
  let clusterId = carried?.clusterId ?? null;
  let clusterGeneration = carried?.clusterGeneration ?? 0;
  const avoidOperatorIds = new Set(carried?.avoidOperatorIds ?? []);
  let validatorIndex = carried?.validatorIndex ?? null;
  let exitRequest = carried?.exitRequest ?? null;
  let migration = carried?.migration ?? null;
  let paused = carried?.paused ?? null;
  let resumes = carried?.resumes ?? 0;
  /** When the stake may go out above the gas fee cap (epoch ms, workflow time). */
  let stakeDeadlineMs: number | undefined;
  const history: StageEntry[] = carried?.history ?? [];
  const writes: WriteRecord[] = carried?.writes ?? [];
  let lastError: string | null = null;
  let waitingFor: string | null = null;
  let resumeRequested = false;
  let awaitedItemKey: string | null = null;
  let awaitedResult: BatchItemResult | null = null;

  const effectiveStage = (): Stage => (state.stage === 'halted' ? state.haltedIn : state.stage);
  const now = (): string => new Date(Date.now()).toISOString();

  // ---- messages -------------------------------------------------------------------------------

  setHandler(
    requestExit,
    (request) => {
      const stage = state.stage;
      if (exitRequest) return { accepted: true, stage };
      if (!EXIT_REMEMBERED_IN.includes(effectiveStage())) return { accepted: false, stage };
      exitRequest = { reason: request.reason, source: request.source, at: now() };
      log.info('exit requested', { stage, source: request.source, reason: request.reason });
      return { accepted: true, stage };
    },
    {
      validator: (request: ExitRequest) => {
        if (
          typeof request?.reason !== 'string' ||
          request.reason.trim() === '' ||
          typeof request.source !== 'string' ||
          request.source.trim() === ''
        ) {
          throw ApplicationFailure.create({
            type: 'ERR_INVALID_INPUT',
            message: 'requestExit needs a non-empty reason and source.',
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(pause, (request) => {
    if (isTerminalStage(state.stage)) return;
    const reason = typeof request?.reason === 'string' ? request.reason : 'no reason given';
    paused = { reason };
    log.info('paused', { stage: state.stage, reason });
  });

  setHandler(resume, () => {
    if (paused) log.info('resumed', { stage: state.stage });
    paused = null;
    if (state.stage === 'halted') resumeRequested = true;
  });

  setHandler(migrate, (request) => {
    const ids = Array.isArray(request?.avoidOperatorIds)
      ? request.avoidOperatorIds.filter((id) => Number.isSafeInteger(id))
      : [];
    const reason = typeof request?.reason === 'string' ? request.reason : 'no reason given';
    const stage = effectiveStage();
    const onboarded = operatorIds.length > 0;
    if (!onboarded && ['generate', 'deposit', 'await_credentials', 'onboard'].includes(stage)) {
      for (const id of ids) avoidOperatorIds.add(id);
      log.info('operators to avoid noted before onboarding', { stage, reason });
      return;
    }
    if (!['onboard', 'stake', 'await_activation', 'active'].includes(stage) || exitRequest) {
      log.warn('migrate ignored', { stage, reason });
      return;
    }
    if (migration) {
      // One migration at a time; more ids to avoid join it while it has not selected yet.
      if (migration.phase !== 'register') {
        migration.avoidOperatorIds = [...new Set([...migration.avoidOperatorIds, ...ids])];
      }
      return;
    }
    migration = { avoidOperatorIds: ids, reason, phase: 'requested' };
    log.info('migration requested', { stage, reason });
  });

  setHandler(batchItemResult, (result) => {
    if (result && typeof result.itemKey === 'string' && result.itemKey === awaitedItemKey) {
      awaitedResult = result;
    }
  });

  setHandler(lifecycleStatus, () => ({
    stage: state.stage,
    haltedIn: state.stage === 'halted' ? state.haltedIn : null,
    haltReason: state.stage === 'halted' ? state.reason : null,
    pool,
    keyIndex,
    pubkey,
    cluster: clusterId,
    operatorIds,
    validatorIndex,
    paused: paused !== null,
    pauseReason: paused?.reason ?? null,
    lastError,
    waitingFor,
    exitRequest,
    migration,
    history,
    writes,
  }));

  // ---- helpers --------------------------------------------------------------------------------

  function moveTo(to: Stage, reason?: string): void {
    try {
      state = transitionStage(state, to, reason);
    } catch (error) {
      throw ApplicationFailure.create({
        type: 'ERR_ILLEGAL_TRANSITION',
        message: error instanceof Error ? error.message : String(error),
        nonRetryable: true,
      });
    }
    recordStageDuration(history[history.length - 1]);
    history.push(
      reason === undefined ? { stage: to, at: now() } : { stage: to, at: now(), reason },
    );
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
    upsertSearchAttributes([{ key: searchAttributes.stage, value: stageSearchAttribute(state) }]);
    log.info('stage changed', { stage: to, keyIndex, pool });
  }

  function setCluster(ids: number[], id: string): void {
    operatorIds = ids;
    clusterId = id;
    upsertSearchAttributes([{ key: searchAttributes.cluster, value: id }]);
    upsertMemo({ operatorIds: ids, cluster: id });
  }

  /** Holds while paused; called right before every transaction. */
  async function gate(next: string): Promise<void> {
    if (!paused) return;
    waitingFor = `resume (paused before ${next})`;
    await condition(() => paused === null);
    waitingFor = null;
  }

  function requireCluster(): string {
    if (clusterId === null) {
      throw ApplicationFailure.create({
        type: 'ERR_ILLEGAL_TRANSITION',
        message: `Lifecycle of key index ${keyIndex} has no cluster in stage ${state.stage}.`,
        nonRetryable: true,
      });
    }
    return clusterId;
  }

  async function pollWithBackoff<T>(
    what: string,
    backoff: Backoff,
    probe: () => Promise<T | undefined>,
  ): Promise<T> {
    let delay = backoff.initialMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) {
        waitingFor = null;
        return value;
      }
      waitingFor = `${what} (next check in ${Math.round(delay / 1000)} s)`;
      await sleep(delay);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }

  function requirePubkey(): string {
    if (pubkey === null) {
      throw ApplicationFailure.create({
        type: 'ERR_ILLEGAL_TRANSITION',
        message: `Lifecycle of key index ${keyIndex} has no pubkey in stage ${state.stage}.`,
        nonRetryable: true,
      });
    }
    return pubkey;
  }

  /**
   * Gets one item written by the batcher (or directly when batching is off) and returns its
   * result; retryable item failures are retried on a backoff timer, permanent ones throw.
   */
  async function writeItem(
    kind: BatchKind,
    key: string,
    step: string,
    ids?: number[],
    deadlineMs?: number,
  ): Promise<BatchItemResult> {
    const itemKey = `${workflowId}/${step}${resumes > 0 ? `-r${resumes}` : ''}`;
    const item: BatchItem = {
      itemKey,
      keyIndex,
      pubkey: requirePubkey(),
      ...(ids ? { operatorIds: ids } : {}),
      ...deadlineField(deadlineMs),
    };
    let delay = settings.retry.initialMs;
    for (;;) {
      const result = settings.batching
        ? await viaBatcher(kind, key, item)
        : await unbatched(kind, key, item);
      if (result.outcome !== 'failed') {
        lastError = null;
        log.info('write finished', { kind, itemKey, outcome: result.outcome });
        writes.push({
          kind,
          itemKey,
          outcome: result.outcome,
          ...(result.txHash === undefined ? {} : { txHash: result.txHash }),
        });
        if (writes.length > HISTORY_LIMIT) writes.splice(0, writes.length - HISTORY_LIMIT);
        return result;
      }
      const error = result.error ?? missingResult(itemKey).error;
      if (error && !error.retryable) {
        throw ApplicationFailure.create({
          type: error.code,
          message: error.message,
          nonRetryable: true,
        });
      }
      lastError = `${error?.code ?? 'Error'}: ${error?.message ?? ''} (${kind}, retrying)`;
      waitingFor = `${kind} retry in ${Math.round(delay / 1000)} s`;
      await sleep(delay);
      waitingFor = null;
      delay = Math.min(delay * 2, settings.retry.maxMs);
    }
  }

  async function unbatched(
    kind: BatchKind,
    key: string,
    item: BatchItem,
  ): Promise<BatchItemResult> {
    const results = await summarized(
      write.executeBatch,
      `${kind} for key ${keyIndex} (unbatched)`,
      { kind, key, batchId: item.itemKey, items: [item] },
    );
    return results.find((r) => r.itemKey === item.itemKey) ?? missingResult(item.itemKey);
  }

  async function viaBatcher(
    kind: BatchKind,
    key: string,
    item: BatchItem,
  ): Promise<BatchItemResult> {
    awaitedItemKey = item.itemKey;
    awaitedResult = null;
    try {
      for (;;) {
        await summarized(read.submitBatchItem, `queue ${kind} for key ${keyIndex}`, {
          kind,
          key,
          item,
          replyTo: workflowId,
        });
        waitingFor = `${kind} batch result`;
        if (await condition(() => awaitedResult !== null, settings.batchResultTimeoutMs)) {
          waitingFor = null;
          return awaitedResult as unknown as BatchItemResult;
        }
        log.warn('no batch result yet; submitting again', { kind, itemKey: item.itemKey });
      }
    } finally {
      awaitedItemKey = null;
      awaitedResult = null;
    }
  }

  async function chooseOperators(avoid: number[]): Promise<{ ids: number[]; clusterId: string }> {
    let delay = settings.retry.initialMs;
    for (;;) {
      try {
        const selection = await summarized(
          readFew.selectOperators,
          `choose operators for key ${keyIndex}`,
          {
            keyIndex,
            pubkey: requirePubkey(),
            avoidOperatorIds: avoid,
          },
        );
        if (selection.ok) {
          lastError = null;
          return { ids: selection.operatorIds, clusterId: selection.clusterId };
        }
        lastError = `no operator set: ${selection.reason}`;
      } catch (error) {
        if (isCancellation(error) || !isRetryable(error)) throw error;
        lastError = failureReason(error);
      }
      log.warn('operator selection failed; retrying', { keyIndex, lastError, delayMs: delay });
      waitingFor = `operator selection retry in ${Math.round(delay / 1000)} s`;
      await sleep(delay);
      waitingFor = null;
      delay = Math.min(delay * 2, settings.retry.maxMs);
    }
  }

  function poolStatus(): Promise<{ status: PubkeyStatus }> {
    return summarized(read.readPubkeyStatus, `pool status of key ${keyIndex}`, {
      pool,
      pubkey: requirePubkey(),
    });
  }

  function wakeKeeper(ids: number[]): Promise<void> {
    return summarized(read.notifyClusterKeeper, `wake keeper of cluster ${ids.join(',')}`, {
      owner,
      operatorIds: ids,
    });
  }

  async function readBeacon(): Promise<Omit<BeaconValidatorView, 'found'>> {
    const view = await summarized(read.readValidatorOnBeacon, `beacon state of key ${keyIndex}`, {
      pubkey: requirePubkey(),
    });
    if (view.found && view.index !== undefined) validatorIndex = view.index;
    return view.found ? view : {};
  }

  // ---- stages ---------------------------------------------------------------------------------

  async function generate(): Promise<Stage> {
    const derived = await summarized(
      read.deriveValidatorPubkey,
      `derive pubkey of key ${keyIndex}`,
      {
        keyIndex,
      },
    );
    pubkey = derived.pubkey.toLowerCase();
    upsertSearchAttributes([{ key: searchAttributes.pubkey, value: pubkey }]);
    return 'deposit';
  }

  async function deposit(): Promise<Stage> {
    const { status } = await poolStatus();
    if (status !== 'uninitial') {
      log.info('already deposited; skipping', { status });
      return 'await_credentials';
    }
    await gate('deposit');
    await writeItem('pool.deposit', pool, 'deposit');
    return 'await_credentials';
  }

  async function awaitCredentials(): Promise<Stage> {
    return pollWithBackoff('credentials vote', settings.credentialsPoll, async () => {
      const { status } = await poolStatus();
      if (status === 'match' || status === 'staking') return 'onboard';
      if (status === 'unmatch') return 'credentials_rejected';
      return undefined;
    });
  }

  async function register(ids: number[]): Promise<void> {
    await gate('ssv.register');
    // Keyed by owner, not cluster: every registration signs the owner's next nonce, so one batcher
    // per owner serializes them across the fleet (two clusters cannot sign the same nonce).
    await writeItem('ssv.register', owner, `register-${clusterGeneration}`, ids);
    await wakeKeeper(ids);
  }

  async function onboard(): Promise<Stage> {
    if (clusterId === null) {
      const chosen = await chooseOperators([...avoidOperatorIds]);
      setCluster(chosen.ids, chosen.clusterId);
    }
    await register(operatorIds);
    return 'stake';
  }

  async function stake(): Promise<Stage> {
    const { status } = await poolStatus();
    if (status === 'staking') {
      log.info('already staked; skipping', { status });
      return 'await_activation';
    }
    if (status !== 'match') {
      throw ApplicationFailure.create({
        type: 'ERR_TX_STATE_CHANGED',
        message:
          `Pool status of ${requirePubkey()} is ${status}, expected match before staking. ` +
          'Check the pool contract; resume once the status is match or staking.',
        nonRetryable: true,
      });
    }
    await gate('pool.stake');
    // The deadline runs from the first time the stake step is reached (kept across resumes).
    if (
      stakeDeadlineMs === undefined &&
      settings.stakeFeeDeadlineMs !== undefined &&
      patched('stake-fee-deadline')
    ) {
      stakeDeadlineMs = Date.now() + settings.stakeFeeDeadlineMs;
    }
    await writeItem('pool.stake', pool, 'stake', undefined, stakeDeadlineMs);
    return 'await_activation';
  }

  async function awaitActivation(): Promise<Stage> {
    return pollWithBackoff('activation on the beacon chain', settings.activationPoll, async () => {
      const view = await readBeacon();
      const status = view.status;
      return status && (ACTIVE_STATUSES.includes(status) || EXITED_STATUSES.includes(status))
        ? 'active'
        : undefined;
    });
  }

  async function runMigration(m: Migration): Promise<void> {
    if (m.phase === 'requested') {
      await gate('ssv.remove (migration)');
      await writeItem('ssv.remove', requireCluster(), `remove-${clusterGeneration}`, [
        ...operatorIds,
      ]);
      await wakeKeeper(operatorIds);
      m.phase = 'cool-down';
      m.coolDownUntil = Date.now() + settings.migrationCoolDownMs;
    }
    if (m.phase === 'cool-down') {
      const left = (m.coolDownUntil ?? 0) - Date.now();
      waitingFor = 'migration cool-down';
      if (left > 0) await sleep(left);
      waitingFor = null;
      m.phase = 'select';
    }
    if (m.phase === 'select') {
      const chosen = await chooseOperators(m.avoidOperatorIds);
      clusterGeneration++;
      setCluster(chosen.ids, chosen.clusterId);
      m.phase = 'register';
    }
    await register(operatorIds);
    log.info('migration finished', { cluster: clusterId, reason: m.reason });
  }

  const runIsLong = (): boolean =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength >= settings.continueAsNewAfterEvents;

  /** Returns `exit`, or `null` when this run should continue as new. */
  async function active(): Promise<Stage | null> {
    for (;;) {
      if (migration && !(exitRequest && migration.phase === 'requested')) {
        await runMigration(migration);
        migration = null;
        continue;
      }
      if (exitRequest) {
        migration = null;
        return 'exit';
      }
      if (runIsLong()) return null;
      waitingFor = 'requestExit or migrate';
      const woke = await condition(
        () => exitRequest !== null || migration !== null || runIsLong(),
        settings.activeCheckMs,
      );
      waitingFor = null;
      if (!woke) {
        const view = await readBeacon();
        if (view.status && EXITING_STATUSES.includes(view.status) && !exitRequest) {
          log.warn('exit observed on the beacon chain', { status: view.status });
          exitRequest = { reason: `beacon shows ${view.status}`, source: 'beacon', at: now() };
        }
      }
    }
  }

  async function exit(): Promise<Stage> {
    if (
      exitRequest &&
      EXIT_STARTED_ELSEWHERE.includes(exitRequest.source) &&
      patched('exit-started-elsewhere')
    ) {
      log.info('exit started outside the router; awaiting it on the beacon chain', {
        source: exitRequest.source,
      });
      return 'await_exit';
    }
    // An exit before activation + SHARD_COMMITTEE_PERIOD is refused by the beacon chain, and on
    // the SSV path silently: wait until the chain would accept it (beacon-and-keys spec §11).
    await pollWithBackoff(
      'exit eligibility (shard committee period)',
      settings.activationPoll,
      async () => {
        const view = await readBeacon();
        const exiting = view.status !== undefined && !view.status.startsWith('active_ongoing');
        return view.exitEligible !== false || exiting ? true : undefined;
      },
    );
    if (validatorIndex === null) await readBeacon();
    if (validatorIndex === null) {
      throw ApplicationFailure.create({
        type: 'ERR_UPSTREAM_MALFORMED',
        message: `Beacon node has no index for ${requirePubkey()}; cannot exit it.`,
        nonRetryable: true,
      });
    }
    await gate('exit');
    const outcome = await summarized(
      write.submitExit,
      `exit key ${keyIndex} (${settings.exitPath})`,
      {
        keyIndex,
        pubkey: requirePubkey(),
        validatorIndex,
        operatorIds,
        path: settings.exitPath,
        // A resume after a failed exit asks again under a new key (the signer keeps a key's answer).
        idempotencyKey:
          resumes > 0 && patched('exit-key-per-resume')
            ? `${workflowId}/exit-r${resumes}`
            : `${workflowId}/exit`,
      },
    );
    log.info('exit submitted', { alreadyDone: outcome.alreadyDone, path: settings.exitPath });
    return 'await_exit';
  }

  async function awaitExit(): Promise<Stage> {
    return pollWithBackoff('exit on the beacon chain', settings.activationPoll, async () => {
      const view = await readBeacon();
      return view.status && EXITED_STATUSES.includes(view.status) ? 'offboard' : undefined;
    });
  }

  async function offboard(): Promise<Stage> {
    await gate('ssv.remove');
    await writeItem('ssv.remove', requireCluster(), `remove-${clusterGeneration}`, [
      ...operatorIds,
    ]);
    await wakeKeeper(operatorIds);
    return 'done';
  }

  async function runStage(stage: Stage): Promise<Stage | null> {
    switch (stage) {
      case 'generate':
        return generate();
      case 'deposit':
        return deposit();
      case 'await_credentials':
        return awaitCredentials();
      case 'onboard':
        return onboard();
      case 'stake':
        return stake();
      case 'await_activation':
        return awaitActivation();
      case 'active':
        return active();
      case 'exit':
        return exit();
      case 'await_exit':
        return awaitExit();
      case 'offboard':
        return offboard();
      default:
        throw ApplicationFailure.create({
          type: 'ERR_ILLEGAL_TRANSITION',
          message: `Stage ${stage} has no work to run.`,
          nonRetryable: true,
        });
    }
  }

  // ---- main -----------------------------------------------------------------------------------

  if (!carried) history.push({ stage: state.stage, at: now() });
  upsertSearchAttributes([
    { key: searchAttributes.pool, value: pool },
    { key: searchAttributes.keyIndex, value: keyIndex },
    { key: searchAttributes.stage, value: stageSearchAttribute(state) },
    ...(pubkey === null ? [] : [{ key: searchAttributes.pubkey, value: pubkey }]),
    ...(clusterId === null ? [] : [{ key: searchAttributes.cluster, value: clusterId }]),
  ]);
  if (clusterId !== null) upsertMemo({ operatorIds, cluster: clusterId });

  for (;;) {
    if (state.stage === 'halted') {
      waitingFor = 'resume (halted)';
      await condition(() => resumeRequested);
      resumeRequested = false;
      waitingFor = null;
      resumes++;
      log.info('resuming halted stage', { stage: state.haltedIn });
      moveTo(state.haltedIn);
      continue;
    }
    if (isTerminalStage(state.stage)) {
      return { stage: state.stage, pubkey };
    }
    let next: Stage | null;
    try {
      next = await runStage(state.stage);
    } catch (error) {
      if (isCancellation(error)) throw error;
      const reason = failureReason(error);
      log.error('lifecycle halted', { stage: state.stage, reason });
      lastError = reason;
      moveTo('halted', reason);
      continue;
    }
    if (next === null) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof validatorLifecycle>({
        ...input,
        carried: {
          state,
          pubkey,
          operatorIds,
          clusterId,
          clusterGeneration,
          avoidOperatorIds: [...avoidOperatorIds],
          validatorIndex,
          exitRequest,
          migration,
          paused,
          resumes,
          history,
          writes,
        },
      });
    }
    moveTo(next);
  }
}

/**
 * Records the time spent in the stage being left (its history entry: stage and entry time) in the
 * `dvt_stage_duration_seconds{stage}` histogram (STAGE_DURATION_METRIC). Workflow time; the SDK's
 * workflow metric meter emits nothing on replay and adds no command to the history.
 */
function recordStageDuration(left: StageEntry | undefined): void {
  if (left === undefined) return;
  const seconds = (Date.now() - Date.parse(left.at)) / 1000;
  if (!(seconds >= 0)) return;
  metricMeter
    .createHistogram(STAGE_DURATION_METRIC, 'float', 's', 'Time spent in a lifecycle stage.')
    .record(seconds, { stage: left.stage });
}

function missingResult(itemKey: string): BatchItemResult {
  return {
    itemKey,
    outcome: 'failed',
    error: {
      code: 'ERR_UPSTREAM_MALFORMED',
      message: `executeBatch returned no result for ${itemKey}.`,
      retryable: true,
    },
  };
}

function unwrap(error: unknown): unknown {
  return error instanceof ActivityFailure && error.cause ? error.cause : error;
}

function isRetryable(error: unknown): boolean {
  const cause = unwrap(error);
  if (!(cause instanceof ApplicationFailure)) return true;
  const code = cause.type ?? '';
  if (code in errorCodes && !errorCodes[code as DvtErrorCode].retryable) return false;
  return !cause.nonRetryable;
}

/** `<type>: <message>` of a failure, for halt reasons and lastError. */
function failureReason(error: unknown): string {
  const cause = unwrap(error);
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return `Error: ${String(cause)}`;
}
