/**
 * The activities of the router's background workflows (poolMonitor, clusterKeeper, operatorWatch,
 * ejector, feeRecipient, uptimeReporter): the implementation of {@link MonitorActivities}.
 *
 * - Reads go to the chain (pool adapter, SSVNetwork views, the owner's cluster index synced from
 *   SSVNetwork logs), the beacon node and the SSV API; the chain decides, the API only adds health.
 * - Every write reads first whether its effect is already on chain and answers `skipped` with the
 *   reason when it is; otherwise it sends one `TxRequest` through the account's signer with the
 *   caller's idempotency key, so a retried activity never sends a second transaction.
 * - Lifecycles are started with deterministic IDs and conflict/reuse policies, described by ID
 *   (strongly consistent) and listed by visibility (eventually consistent, reports only).
 * - Errors are `DvtError`s that leave as `ApplicationFailure`s typed by code (`withFailures`);
 *   nothing secret is returned, logged or put in an error (uptime URLs appear as their host).
 */
import { getClient, heartbeat, log } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import axios, { type AxiosInstance } from 'axios';
import type { Provider } from 'ethers';
import { formatAmount, formatEth, parseAmount } from '../../domain/amounts.js';
import { DvtError } from '../../domain/errors.js';
import { deadlineField } from '../../domain/tx/fee-policy.js';
import { initialLifecycleState, stageSearchAttribute } from '../../domain/lifecycle/stages.js';
import { checkOperatorEligibility } from '../../domain/operators/eligibility.js';
import type { SsvPathStatus } from '../../domain/plan/router-plan.js';
import {
  clusterIdOf,
  normalizeAddress,
  normalizeOperatorIds,
  type ClusterSize,
} from '../../domain/ssv/cluster.js';
import {
  getIndexedCluster,
  type ClusterIndexEntry,
  type ClusterIndexState,
} from '../../domain/ssv/cluster-index.js';
import { packingFactor } from '../../domain/ssv/fees.js';
import {
  burnPackedPerBlock,
  burnRatePerBlock,
  clusterRunway,
  type FeeParameters,
} from '../../domain/ssv/runway.js';
import {
  migrate,
  requestExit,
  searchAttributes,
  TASK_QUEUE,
  workflowIds,
} from '../../workflows/definitions.js';
import type { Metrics } from '../../worker/telemetry.js';
import type { TxResult } from '../../workflows/signer.js';
import type { BeaconClient } from '../beacon/beacon-client.js';
import { mapConcurrent } from '../chain/chain-read.js';
import type { SubmitTransaction } from '../chain/submit.js';
import { withFailures } from '../failure.js';
import { hostOf } from '../http/upstream-http.js';
import type { KeysActivities } from '../keys/index.js';
import type { PoolAdapter } from '../pool/pool-adapter.js';
import {
  makeOwnerIndex,
  type ClusterIndexSync,
  type OwnerIndex,
} from '../ssv/cluster-index-sync.js';
import { toOperatorCandidate, type ApiOperator, type SsvApiClient } from '../ssv/ssv-api-client.js';
import type { PreparedSsvCall, SsvNetworkClient } from '../ssv/ssv-network-client.js';
import { makeKeyScanner } from './monitor-key-scan.js';
import type {
  ChainKey,
  ClaimedIndex,
  ClusterState,
  FeeParametersJson,
  LifecycleSummary,
  MonitorActivities,
  OperatorHealth,
  ResolvedValidator,
  StartLifecycleResult,
  WriteResult,
} from './monitor-contract.js';

/** What decides whether new SSV validators can be created (`readSsvPathStatus`). */
export interface SsvPathPolicy {
  clusterSize: ClusterSize;
  /** Highest acceptable operator fee, wei per block per 32-ETH unit (decimal). */
  feeCapWei: string;
  /** The owner must hold at least this (gas and registration funding), decimal wei. */
  minOwnerBalanceWei: string;
  capacityHeadroom?: number;
  allowList?: readonly number[];
  denyList?: readonly number[];
}

/** Dependencies of {@link createMonitorActivities}: one pool, one SSV owner. */
export interface MonitorActivitiesDeps {
  pool: {
    /** The pool's address as the workflows name it (`workflowIds.validator(pool, …)`). */
    address: string;
    adapter: PoolAdapter;
  };
  /** Only the public derivation is used (`createKeysActivities(...)`). */
  keys: Pick<KeysActivities, 'deriveValidatorPubkey'>;
  ssv: {
    /** `makeSsvNetworkClient` of the owner. */
    network: SsvNetworkClient;
    /** `makeClusterIndexSync` of the same owner. */
    indexSync: ClusterIndexSync;
    /** The worker's shared owner index (`makeOwnerIndex`); one of its own when omitted. */
    ownerIndex?: OwnerIndex;
    /** `makeSsvApiClient`. */
    api: SsvApiClient;
  };
  /** `makeBeaconClient`. */
  beacon: Pick<BeaconClient, 'getValidators'>;
  /** Head block and account balances (an ethers `Provider` satisfies it). */
  chain: Pick<Provider, 'getBlockNumber' | 'getBalance'>;
  /** Sends through the account's signer (`makeSignerSubmit`); called inside this activity. */
  submitTransaction: SubmitTransaction;
  /** Temporal client; default `getClient()` of the running activity. */
  temporalClient?: Client;
  /** Task queue of new lifecycles; default {@link TASK_QUEUE}. */
  taskQueue?: string;
  ssvPath: SsvPathPolicy;
  /** HTTP of `postUptime`. */
  uptime?: { axios?: AxiosInstance; timeoutMs?: number };
  /**
   * Gauges this worker's reads keep current: `dvt_cluster_runway_days` and
   * `dvt_cluster_liquidated` from `readClusterState`, `dvt_operator_healthy` from
   * `refreshOperators`. Absent or null: none.
   */
  metrics?: Metrics | null;
  /** `dvt_operator_healthy` is 0 below this 24-hour performance (percent); default: not checked. */
  operatorMinPerformance24h?: number;
  /** Tuning of key scans and lifecycle probes. */
  scan?: {
    /** Indices per pool status batch; default 16. */
    batchSize?: number;
    /** Parallel key derivations; default 4. */
    deriveConcurrency?: number;
    /** Parallel Temporal describes; default 8. */
    describeConcurrency?: number;
    /** `resolveValidators`: unused indices that end its key scan; default 20. */
    resolveGapLimit?: number;
    /** `resolveValidators`: most indices its key scan checks; default 10,000. */
    resolveMaxScan?: number;
    /** `findClaimedIndices`: most indices probed past the listed ones; default 10,000. */
    maxProbe?: number;
  };
}

const LIFECYCLE_TYPE = 'validatorLifecycle';
const STAFI_OK = '80000';

/**
 * Makes the monitor activities. Reads are side-effect free and safe to retry; each write is
 * idempotent by its chain pre-check and by the signer's idempotency key; lifecycle starts rely on
 * conflict/reuse policies. Failures: `ERR_INVALID_INPUT` (another pool/owner, bad arguments; not
 * retried), `ERR_UPSTREAM_UNAVAILABLE` / `ERR_TX_STATE_CHANGED` (retried), and the codes of the
 * clients underneath.
 */
export function createMonitorActivities(deps: MonitorActivitiesDeps) {
  const poolAddress = normalizeAddress(deps.pool.address, 'pool.address');
  const adapter = deps.pool.adapter;
  const { network, indexSync, api } = deps.ssv;
  const owner = network.owner.toLowerCase();
  const taskQueue = deps.taskQueue ?? TASK_QUEUE;
  const describeConcurrency = deps.scan?.describeConcurrency ?? 8;
  const scanner = makeKeyScanner({
    deriveValidatorPubkey: (input) => deps.keys.deriveValidatorPubkey(input),
    getPubkeyStatuses: (pubkeys) => adapter.getPubkeyStatuses(pubkeys),
    ...(deps.scan?.batchSize !== undefined ? { batchSize: deps.scan.batchSize } : {}),
    ...(deps.scan?.deriveConcurrency !== undefined
      ? { concurrency: deps.scan.deriveConcurrency }
      : {}),
  });
  const temporal = (): Client => deps.temporalClient ?? getClient();

  const syncIndex = deps.ssv.ownerIndex ?? makeOwnerIndex(indexSync);

  function checkPool(pool: string): string {
    const lower = normalizeAddress(pool, 'pool');
    if (lower !== poolAddress) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `This worker serves pool ${poolAddress}, not ${lower}.`,
        {
          details: { pool: lower, served: poolAddress },
          hint: 'Start the workflow with the pool the worker is configured for.',
        },
      );
    }
    return lower;
  }

  function checkOwner(address: string): string {
    const lower = normalizeAddress(address, 'owner');
    if (lower !== owner) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `This worker serves SSV owner ${owner}, not ${lower}.`,
        {
          details: { owner: lower, served: owner },
          hint: 'Start the workflow with the owner the worker is configured for.',
        },
      );
    }
    return lower;
  }

  function requireCluster(index: ClusterIndexState, operatorIds: number[]): ClusterIndexEntry {
    const entry = getIndexedCluster(index, operatorIds);
    if (entry === undefined) {
      const clusterId = clusterIdOf(owner, operatorIds);
      throw new DvtError('ERR_INVALID_INPUT', `Cluster ${clusterId} does not exist on chain.`, {
        details: { cluster: clusterId },
        hint: 'Only clusters created by a registration can be funded, reactivated or withdrawn.',
      });
    }
    return entry;
  }

  /** Sends a prepared SSV call through the signer, or answers why nothing was needed. */
  async function send(prepared: PreparedSsvCall, what: string): Promise<WriteResult> {
    if (prepared.alreadyDone) {
      log.info('write skipped: effect already on chain', { what, reason: prepared.reason });
      return { action: 'skipped', reason: prepared.reason };
    }
    let tx: TxResult;
    try {
      tx = await deps.submitTransaction(prepared.request);
    } catch (error) {
      // The signer reports a failed send as the update's ApplicationFailure (type = error code):
      // surface it as this activity's failure, so retry policies see the code, not a class name.
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        throw error.cause;
      }
      throw error;
    }
    log.info('write submitted through the signer', {
      what,
      idempotencyKey: prepared.request.idempotencyKey,
      status: tx.status,
      ...(tx.status === 'failed' ? { code: tx.code } : { hash: tx.hash }),
    });
    return { action: 'sent', tx };
  }

  async function ethFeeParameters(operatorIds: number[]): Promise<FeeParametersJson> {
    const [operators, networkFee, liquidation] = await Promise.all([
      mapConcurrent(operatorIds, 4, (id) => network.getOperatorById(id)),
      network.getNetworkFee(),
      network.getLiquidationParameters(),
    ]);
    return {
      asset: 'eth',
      // A removed operator charges nothing (the contract zeroes its snapshot).
      operatorFees: operators.map((op) => (op.isActive ? op.fee : '0')),
      networkFee,
      liquidationThresholdPeriod: liquidation.thresholdPeriodBlocks,
      minimumLiquidationCollateral: liquidation.minimumCollateralWei,
    };
  }

  async function liveBalance(operatorIds: number[], entry: ClusterIndexEntry): Promise<bigint> {
    if (!entry.cluster.active) return parseAmount(entry.cluster.balance, 'balance');
    return parseAmount(await network.getBalance(operatorIds, entry.cluster), 'balance');
  }

  /** Lifecycle described by workflow ID; null when no execution ever had the ID. */
  async function describeLifecycle(keyIndex: number): Promise<ClaimedIndex | null> {
    const workflowId = workflowIds.validator(poolAddress, keyIndex);
    try {
      const description = await temporal().workflow.getHandle(workflowId).describe();
      return { keyIndex, workflowId, state: stateOf(description.status.name) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw temporalUnavailable('describe', workflowId, error);
    }
  }

  /** Records a cluster read in the gauges (a failure to compute them never fails the read). */
  function observed(state: ClusterState): ClusterState {
    try {
      deps.metrics?.observeCluster({ ...state, runwayDays: runwayDaysOf(state) });
    } catch (error) {
      log.warn('cluster gauges not updated', { cluster: state.clusterId, error: messageOf(error) });
    }
    return state;
  }

  async function scanUsedKeys(gapLimit: number, maxScan: number) {
    return scanner.scan({ fromIndex: 0, gapLimit, maxScan, onBatch: () => heartbeat() });
  }

  return withFailures({
    /**
     * One read of the pool and of the key indices used on chain, scanned from `scanFromIndex`
     * until `gapLimit` unused indices in a row (or `maxScan`). Read-only.
     */
    async readPoolState(input) {
      checkPool(input.pool);
      // Every input of the plan at one block: a balance read before a stake was mined and
      // statuses read after it would count the stake's 31 ETH as still in the pool.
      const blockNumber = await deps.chain.getBlockNumber();
      const pinned = adapter.atBlock(blockNumber);
      const [balance, depositEnabled, pubkeyLimit, pubkeyCount, scan, index] = await Promise.all([
        pinned.getBalance(),
        pinned.getDepositEnabled(),
        pinned.getPubkeyLimit(),
        pinned.getPubkeyCount(),
        scanner.scan({
          fromIndex: input.scanFromIndex,
          gapLimit: input.gapLimit,
          maxScan: input.maxScan,
          onBatch: () => heartbeat(),
          getPubkeyStatuses: (pubkeys) => pinned.getPubkeyStatuses(pubkeys),
        }),
        syncIndex(),
      ]);
      const onSsv = new Set(Object.values(index.clusters).flatMap((entry) => entry.validators));
      const statusesByIndex: Record<string, ChainKey> = {};
      for (const key of scan.used) {
        statusesByIndex[String(key.keyIndex)] = { ...key, onboarded: onSsv.has(key.pubkey) };
      }
      return {
        balance,
        depositEnabled,
        pubkeyLimit,
        pubkeyCount,
        usedIndices: scan.used.map((key) => key.keyIndex),
        statusesByIndex,
        scannedToIndex: scan.scannedToIndex,
        truncated: scan.truncated,
        blockNumber,
      };
    },

    /**
     * Healthy when the owner holds `minOwnerBalanceWei`, the SSV API answers, and at least
     * `clusterSize` operators are eligible (active, not removed, reachable by our owner, under the
     * fee cap and the capacity limit). Read-only.
     */
    async readSsvPathStatus(input): Promise<SsvPathStatus> {
      checkOwner(input.owner);
      const minimum = parseAmount(deps.ssvPath.minOwnerBalanceWei, 'minOwnerBalanceWei');
      const [balance, limit] = await Promise.all([
        deps.chain.getBalance(network.owner),
        network.getValidatorsPerOperatorLimit(),
      ]);
      if (balance < minimum) {
        return {
          healthy: false,
          reason: `owner ${owner} holds ${formatEth(balance)}, below the ${formatEth(minimum)} it needs`,
        };
      }
      let operators: ApiOperator[];
      try {
        operators = (await api.listOperators()).operators;
      } catch (error) {
        if (error instanceof DvtError && error.retryable) {
          return { healthy: false, reason: `SSV API unavailable (${error.code})` };
        }
        throw error;
      }
      const policy = {
        validatorsPerOperatorLimit: limit,
        feeCap: parseAmount(deps.ssvPath.feeCapWei, 'feeCapWei'),
        ...(deps.ssvPath.capacityHeadroom !== undefined
          ? { capacityHeadroom: deps.ssvPath.capacityHeadroom }
          : {}),
        ...(deps.ssvPath.allowList ? { allowList: deps.ssvPath.allowList } : {}),
        ...(deps.ssvPath.denyList ? { denyList: deps.ssvPath.denyList } : {}),
      };
      const eligible = operators.filter(
        (op) => checkOperatorEligibility(toOperatorCandidate(op, { owner }), policy).eligible,
      ).length;
      if (eligible < deps.ssvPath.clusterSize) {
        return {
          healthy: false,
          reason: `only ${eligible} eligible SSV operators, a cluster needs ${deps.ssvPath.clusterSize}`,
        };
      }
      return { healthy: true };
    },

    /**
     * Describes `validator/<pool>/<i>` for every listed index, then probes upward until
     * `probeGapLimit` IDs in a row have no execution. Strongly consistent; read-only.
     */
    async findClaimedIndices(input) {
      checkPool(input.pool);
      if (!Number.isSafeInteger(input.probeGapLimit) || input.probeGapLimit < 0) {
        throw new DvtError('ERR_INVALID_INPUT', 'probeGapLimit must be a non-negative integer.', {
          details: { probeGapLimit: String(input.probeGapLimit) },
        });
      }
      const listed = [...new Set(input.keyIndices)].sort((a, b) => a - b);
      const found = (await mapConcurrent(listed, describeConcurrency, describeLifecycle)).filter(
        (c): c is ClaimedIndex => c !== null,
      );
      const maxProbe = deps.scan?.maxProbe ?? 10_000;
      let next = (listed.at(-1) ?? -1) + 1;
      const probeEnd = next + maxProbe;
      let run = 0;
      while (run < input.probeGapLimit && next < probeEnd) {
        const size = Math.min(describeConcurrency, input.probeGapLimit - run, probeEnd - next);
        const batch = Array.from({ length: size }, (_, i) => next + i);
        const described = await mapConcurrent(batch, describeConcurrency, describeLifecycle);
        for (const claimed of described) {
          if (claimed === null) run++;
          else {
            run = 0;
            found.push(claimed);
          }
        }
        next += size;
        heartbeat();
      }
      if (run < input.probeGapLimit) {
        throw new DvtError(
          'ERR_INVALID_INPUT',
          `The lifecycle probe found no ${input.probeGapLimit} free IDs in a row within ${maxProbe} indices.`,
          { details: { pool: poolAddress, probedTo: next } },
        );
      }
      return found;
    },

    /**
     * Starts `validatorLifecycle` per index (USE_EXISTING, REJECT_DUPLICATE). The ID policies make
     * a duplicate start impossible; the reported outcome comes from a describe just before the
     * start, so a racing starter may show as `started` in both callers, never as two executions.
     */
    async startLifecycles(input) {
      const pool = checkPool(input.pool);
      checkOwner(input.owner);
      const client = temporal();
      const results: StartLifecycleResult[] = [];
      for (const keyIndex of input.keyIndices) {
        const workflowId = workflowIds.validator(pool, keyIndex);
        const before = await describeLifecycle(keyIndex);
        if (before?.state === 'running') {
          results.push({ keyIndex, workflowId, outcome: 'already-running' });
          continue;
        }
        try {
          await client.workflow.start(LIFECYCLE_TYPE, {
            workflowId,
            taskQueue,
            args: [{ pool, keyIndex, owner: input.owner, settings: input.settings }],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: searchAttributes.pool, value: pool },
              { key: searchAttributes.keyIndex, value: keyIndex },
              { key: searchAttributes.stage, value: stageSearchAttribute(initialLifecycleState()) },
            ],
          });
          results.push({
            keyIndex,
            workflowId,
            outcome: before === null ? 'started' : 'already-running',
          });
          if (before === null) log.info('lifecycle started', { workflowId, keyIndex });
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            results.push({ keyIndex, workflowId, outcome: 'already-closed' });
            continue;
          }
          throw temporalUnavailable('start', workflowId, error);
        }
        heartbeat();
      }
      return results;
    },

    /** Lifecycles of the pool by visibility (eventually consistent). Read-only. */
    async listLifecycles(input) {
      const pool = checkPool(input.pool);
      const clauses = [`WorkflowType = '${LIFECYCLE_TYPE}'`, `DvtPool = '${pool}'`];
      if (input.stage !== undefined) clauses.push(`DvtStage = '${checkStage(input.stage)}'`);
      if (input.runningOnly ?? true) clauses.push(`ExecutionStatus = 'Running'`);
      const summaries: LifecycleSummary[] = [];
      try {
        for await (const execution of temporal().workflow.list({ query: clauses.join(' AND ') })) {
          const sa = execution.typedSearchAttributes;
          const keyIndex =
            sa.get(searchAttributes.keyIndex) ?? Number(execution.workflowId.split('/').at(-1));
          summaries.push({
            workflowId: execution.workflowId,
            keyIndex,
            stage: sa.get(searchAttributes.stage) ?? null,
            pubkey: sa.get(searchAttributes.pubkey) ?? null,
            cluster: sa.get(searchAttributes.cluster) ?? null,
          });
        }
      } catch (error) {
        throw temporalUnavailable('list', `lifecycles of ${pool}`, error);
      }
      return summaries.sort((a, b) => a.keyIndex - b.keyIndex);
    },

    /** The pool's ejection lists per cycle (adapter default window when `fromCycle` is absent). */
    async readExitRequests(input) {
      checkPool(input.pool);
      return adapter.getExitRequests(
        input.fromCycle === undefined ? {} : { fromCycle: input.fromCycle },
      );
    },

    /**
     * Maps beacon indices (through the beacon node) and pubkeys to our key indices (through a key
     * scan from 0). A beacon outage leaves indices `unresolved`; pubkeys stay matched with a null
     * beacon index, so an exit never waits on the beacon node. Read-only.
     */
    async resolveValidators(input) {
      const pool = checkPool(input.pool);
      const scan = await scanUsedKeys(
        deps.scan?.resolveGapLimit ?? 20,
        deps.scan?.resolveMaxScan ?? 10_000,
      );
      const ours = new Map(scan.used.map((key) => [key.pubkey, key.keyIndex]));
      const matched: ResolvedValidator[] = [];
      const foreign: string[] = [];
      const unresolved: string[] = [];
      const match = (pubkey: string, validatorIndex: string | null, entry: string): void => {
        const keyIndex = ours.get(pubkey);
        if (keyIndex !== undefined) {
          matched.push({
            validatorIndex,
            pubkey,
            keyIndex,
            workflowId: workflowIds.validator(pool, keyIndex),
          });
        } else if (scan.truncated) unresolved.push(entry);
        else foreign.push(entry);
      };

      const indices = input.validatorIndices ?? [];
      if (indices.length > 0) {
        const byIndex = await beaconByIndex(indices);
        for (const index of indices) {
          const pubkey = byIndex?.get(index);
          if (pubkey === undefined) unresolved.push(index);
          else match(pubkey, index, index);
        }
      }
      const pubkeys = (input.pubkeys ?? []).map((p) => p.toLowerCase());
      if (pubkeys.length > 0) {
        const indexOf = await beaconIndexByPubkey(pubkeys.filter((p) => ours.has(p)));
        for (const pubkey of pubkeys) match(pubkey, indexOf.get(pubkey) ?? null, pubkey);
      }
      return { matched, foreign, unresolved };
    },

    /**
     * Sends the `requestExit` update with `updateId` (deduplicated by the server and by the
     * lifecycle). `not-running` when no running execution has the ID.
     */
    async requestLifecycleExit(input) {
      const handle = temporal().workflow.getHandle(input.workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return { outcome: 'not-running' };
        const answer = await handle.executeUpdate(requestExit, {
          args: [input.request],
          updateId: input.updateId,
        });
        return { outcome: 'answered', accepted: answer.accepted, stage: answer.stage };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { outcome: 'not-running' };
        if (error instanceof WorkflowUpdateFailedError) {
          throw new DvtError(
            'ERR_INVALID_INPUT',
            `Lifecycle ${input.workflowId} rejected the exit request: ${messageOf(error.cause)}.`,
            { details: { workflowId: input.workflowId, updateId: input.updateId } },
          );
        }
        throw temporalUnavailable('requestExit', input.workflowId, error);
      }
    },

    /**
     * POSTs `{"validatorIndexList":[…]}` (numbers) with a timeout. A 2xx whose body `status` is
     * absent or `"80000"` is ok; other answers return `ok: false`; no answer, 5xx and 429 throw
     * the retryable `ERR_UPSTREAM_UNAVAILABLE`. Only the URL's host appears in errors and logs.
     */
    async postUptime(input) {
      const host = hostOf(input.url);
      if (!/^https?:\/\//i.test(input.url) || host === 'invalid-url') {
        throw new DvtError('ERR_INVALID_INPUT', 'The uptime URL is not an http(s) URL.', {
          details: { host },
        });
      }
      const list = input.validatorIndices.map((index) => {
        if (!/^(0|[1-9][0-9]{0,15})$/.test(index) || !Number.isSafeInteger(Number(index))) {
          throw new DvtError('ERR_INVALID_INPUT', 'A validator index is not a decimal integer.', {
            details: { value: String(index).slice(0, 40) },
          });
        }
        return Number(index);
      });
      const http = deps.uptime?.axios ?? axios;
      let response;
      try {
        response = await http.post<unknown>(
          input.url,
          { validatorIndexList: list },
          { timeout: deps.uptime?.timeoutMs ?? 10_000, validateStatus: () => true },
        );
      } catch (error) {
        // The axios error carries the full URL: keep only its code.
        throw new DvtError('ERR_UPSTREAM_UNAVAILABLE', `Uptime endpoint ${host} did not answer.`, {
          details: { host, reason: codeOf(error) },
          hint: 'The reporter tries again next round.',
        });
      }
      const httpStatus = response.status;
      if (httpStatus >= 500 || httpStatus === 429) {
        throw new DvtError(
          'ERR_UPSTREAM_UNAVAILABLE',
          `Uptime endpoint ${host} answered HTTP ${httpStatus}.`,
          { details: { host, httpStatus } },
        );
      }
      const body = response.data as { status?: unknown } | null | undefined;
      const raw = typeof body === 'object' && body !== null ? body.status : undefined;
      const apiStatus = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : null;
      const ok =
        httpStatus >= 200 && httpStatus < 300 && (apiStatus === null || apiStatus === STAFI_OK);
      log.info('uptime posted', { host, httpStatus, apiStatus, validators: list.length, ok });
      return { ok, httpStatus, apiStatus };
    },

    /**
     * The cluster from the synced owner index, its live balance and burn rate from the chain, and
     * the ETH fee parameters. A legacy cluster's SSV-ledger fees have no v2 view: its `fees` are
     * the ETH ones (the keeper migrates such a cluster before any runway math). Read-only.
     */
    async readClusterState(input): Promise<ClusterState> {
      checkOwner(input.owner);
      const operatorIds = normalizeOperatorIds(input.operatorIds);
      const clusterId = clusterIdOf(owner, operatorIds);
      const blockNumber = await deps.chain.getBlockNumber();
      const [index, ethFees] = await Promise.all([syncIndex(), ethFeeParameters(operatorIds)]);
      const entry = getIndexedCluster(index, operatorIds);
      if (entry === undefined) {
        return observed({
          clusterId,
          exists: false,
          struct: null,
          asset: 'eth',
          balance: '0',
          validatorCount: 0,
          liquidated: false,
          fees: ethFees,
          ethFees,
          burnRatePerBlock: '0',
          blockNumber,
        });
      }
      const struct = entry.cluster;
      const liquidated = !struct.active;
      const [balance, burn] = await Promise.all([
        liveBalance(operatorIds, entry),
        liquidated ? Promise.resolve('0') : network.getBurnRate(operatorIds, struct),
      ]);
      const vUnits =
        entry.version === 'eth' && !liquidated
          ? explicitVUnits(feesOf(ethFees), struct.validatorCount, BigInt(burn))
          : undefined;
      return observed({
        clusterId,
        exists: true,
        struct,
        asset: entry.version,
        balance: formatAmount(balance),
        validatorCount: struct.validatorCount,
        ...(vUnits === undefined ? {} : { vUnits }),
        liquidated,
        fees: ethFees,
        ethFees,
        burnRatePerBlock: burn,
        blockNumber,
      });
    },

    /**
     * `deposit` of `amount`; skipped when the live balance already reaches
     * `skipIfBalanceAtLeast` (an earlier attempt was mined) or the cluster is liquidated.
     */
    async topUpCluster(input) {
      checkOwner(input.owner);
      const operatorIds = normalizeOperatorIds(input.operatorIds);
      const index = await syncIndex();
      const entry = requireCluster(index, operatorIds);
      if (!entry.cluster.active) {
        return { action: 'skipped', reason: 'cluster is liquidated: reactivate it instead' };
      }
      if (parseAmount(input.amount, 'amount') === 0n) {
        return { action: 'skipped', reason: 'nothing to deposit' };
      }
      const prepared = await network.deposit({
        index,
        operatorIds,
        amountWei: input.amount,
        targetBalanceWei: input.skipIfBalanceAtLeast,
        idempotencyKey: input.idempotencyKey,
        ...deadlineField(input.deadlineMs),
      });
      return send(prepared, `top up ${entry.clusterId}`);
    },

    /** `reactivate` paying `amount`; skipped when the cluster is active. */
    async reactivateCluster(input) {
      checkOwner(input.owner);
      const operatorIds = normalizeOperatorIds(input.operatorIds);
      const index = await syncIndex();
      const entry = requireCluster(index, operatorIds);
      const prepared = await network.reactivate({
        index,
        operatorIds,
        valueWei: input.amount,
        idempotencyKey: input.idempotencyKey,
        ...deadlineField(input.deadlineMs),
      });
      return send(prepared, `reactivate ${entry.clusterId}`);
    },

    /** `migrateClusterToETH` paying `amount`; skipped when the cluster is on the ETH ledger. */
    async migrateClusterToEth(input) {
      checkOwner(input.owner);
      const operatorIds = normalizeOperatorIds(input.operatorIds);
      const index = await syncIndex();
      const entry = requireCluster(index, operatorIds);
      const prepared = await network.migrateClusterToETH({
        index,
        operatorIds,
        valueWei: input.amount,
        idempotencyKey: input.idempotencyKey,
        ...deadlineField(input.deadlineMs),
      });
      return send(prepared, `migrate ${entry.clusterId}`);
    },

    /**
     * `withdraw` of `min(amount, live balance)`; skipped when the cluster has validators, is
     * liquidated, or holds nothing.
     */
    async withdrawClusterBalance(input) {
      checkOwner(input.owner);
      const operatorIds = normalizeOperatorIds(input.operatorIds);
      const index = await syncIndex();
      const entry = requireCluster(index, operatorIds);
      if (entry.cluster.validatorCount > 0) {
        return {
          action: 'skipped',
          reason: `has validators (${entry.cluster.validatorCount})`,
        };
      }
      if (!entry.cluster.active) return { action: 'skipped', reason: 'cluster is liquidated' };
      const balance = await liveBalance(operatorIds, entry);
      if (balance === 0n) return { action: 'skipped', reason: 'no balance' };
      const wanted = parseAmount(input.amount, 'amount');
      const amount = wanted < balance ? wanted : balance;
      if (amount === 0n) return { action: 'skipped', reason: 'nothing to withdraw' };
      const prepared = await network.withdraw({
        index,
        operatorIds,
        amountWei: amount.toString(),
        idempotencyKey: input.idempotencyKey,
      });
      return send(prepared, `withdraw ${entry.clusterId}`);
    },

    /**
     * Health of the operators in the owner's clusters with validators (plus `operatorIds`): chain
     * first (`isActive`), the SSV API for status and performance. An API failure leaves
     * `apiAvailable: false` and the chain facts. Read-only.
     */
    async refreshOperators(input) {
      checkOwner(input.owner);
      const index = await syncIndex();
      const ours = new Map<number, number>();
      for (const entry of Object.values(index.clusters)) {
        if (entry.validators.length === 0) continue;
        for (const id of entry.operatorIds) {
          ours.set(id, (ours.get(id) ?? 0) + entry.validators.length);
        }
      }
      const ids = [...new Set([...ours.keys(), ...(input.operatorIds ?? [])])].sort(
        (a, b) => a - b,
      );
      const onChain = await mapConcurrent(ids, 4, (id) => network.getOperatorById(id));
      let apiAvailable = true;
      let fromApi: (ApiOperator | null)[] = ids.map(() => null);
      try {
        fromApi = await mapConcurrent(ids, 4, (id) => api.getOperator(id));
      } catch (error) {
        if (!(error instanceof DvtError && error.retryable)) throw error;
        apiAvailable = false;
        log.warn('SSV API unavailable; operator health from the chain only', { code: error.code });
      }
      const operators: OperatorHealth[] = ids.map((id, i) => {
        const chainOp = onChain[i];
        const apiOp = fromApi[i] ?? null;
        const chainActive = chainOp?.isActive ?? false;
        const apiActive =
          apiOp === null ? true : apiOp.status === 'Active' || apiOp.status === 'No validators';
        return {
          id,
          active: chainActive && apiActive,
          removed: !chainActive || apiOp?.status === 'Removed' || apiOp?.is_deleted === true,
          performance24h: apiOp?.performance['24h'] ?? null,
          performance30d: apiOp?.performance['30d'] ?? null,
          ourValidatorCount: ours.get(id) ?? 0,
        };
      });
      const floor = deps.operatorMinPerformance24h;
      deps.metrics?.observeOperators(
        operators.map((op) => ({
          id: op.id,
          healthy:
            op.active &&
            !op.removed &&
            (floor === undefined || op.performance24h === null || op.performance24h >= floor),
        })),
      );
      return { operators, apiAvailable };
    },

    /**
     * Signals `migrate` to every running lifecycle whose `DvtCluster` (`<owner>-<ids>`) contains
     * one of `operatorIds`, avoiding exactly those operators. Lifecycles ignore a repeat while a
     * migration is under way, so a retried activity is harmless.
     */
    async signalMigrations(input) {
      checkOwner(input.owner);
      const bad = new Set(input.operatorIds);
      const client = temporal();
      const query = `WorkflowType = '${LIFECYCLE_TYPE}' AND ExecutionStatus = 'Running'`;
      const targets: { workflowId: string; avoid: number[] }[] = [];
      try {
        for await (const execution of client.workflow.list({ query })) {
          const cluster = execution.typedSearchAttributes.get(searchAttributes.cluster);
          if (cluster === undefined) continue;
          const [clusterOwner, ...ids] = cluster.split('-');
          if (clusterOwner?.toLowerCase() !== owner) continue;
          const avoid = ids.map(Number).filter((id) => bad.has(id));
          if (avoid.length > 0) targets.push({ workflowId: execution.workflowId, avoid });
        }
      } catch (error) {
        throw temporalUnavailable('list', `lifecycles of ${owner}`, error);
      }
      const signalled: string[] = [];
      for (const target of targets) {
        try {
          await client.workflow
            .getHandle(target.workflowId)
            .signal(migrate, { avoidOperatorIds: target.avoid, reason: input.reason });
          signalled.push(target.workflowId);
        } catch (error) {
          // Closed since the listing: nothing left to move.
          if (error instanceof WorkflowNotFoundError) continue;
          throw temporalUnavailable('signal', target.workflowId, error);
        }
      }
      log.info('migrations signalled', { owner, lifecycles: signalled.length });
      return { signalled: signalled.sort() };
    },

    /** The pool's fee pool address, lower case. Read-only. */
    async readFeePool(input) {
      checkPool(input.pool);
      return (await adapter.getFeePoolAddress()).toLowerCase();
    },

    /**
     * `setFeeRecipientAddress(recipient)`; skipped when the owner's last
     * `FeeRecipientAddressUpdated` (synced index) already names it.
     */
    async setFeeRecipient(input) {
      checkOwner(input.owner);
      const index = await syncIndex();
      const prepared = await network.setFeeRecipientAddress({
        index,
        recipient: input.recipient,
        idempotencyKey: input.idempotencyKey,
      });
      return send(prepared, `fee recipient of ${owner}`);
    },
  } satisfies MonitorActivities);

  async function beaconByIndex(indices: string[]): Promise<Map<string, string> | null> {
    try {
      const validators = await deps.beacon.getValidators(indices);
      return new Map(validators.map((v) => [v.index, v.validator.pubkey.toLowerCase()]));
    } catch (error) {
      if (error instanceof DvtError && error.retryable) {
        log.warn('beacon unavailable; validator indices left unresolved', { code: error.code });
        return null;
      }
      throw error;
    }
  }

  async function beaconIndexByPubkey(pubkeys: string[]): Promise<Map<string, string>> {
    if (pubkeys.length === 0) return new Map();
    try {
      const validators = await deps.beacon.getValidators(pubkeys);
      return new Map(validators.map((v) => [v.validator.pubkey.toLowerCase(), v.index]));
    } catch (error) {
      if (error instanceof DvtError && error.retryable) {
        log.warn('beacon unavailable; matched pubkeys without beacon index', { code: error.code });
        return new Map();
      }
      throw error;
    }
  }
}

/** The monitor activities of one worker. */
export type MonitorActivitiesImpl = ReturnType<typeof createMonitorActivities>;

function stateOf(status: string): ClaimedIndex['state'] {
  switch (status) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'canceled';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      // RUNNING, PAUSED, and CONTINUED_AS_NEW (describe shows the latest run) hold the index.
      return 'running';
  }
}

function checkStage(stage: string): string {
  if (!/^[a-z_]{1,40}$/.test(stage)) {
    throw new DvtError('ERR_INVALID_INPUT', 'stage must be a lower-case stage name.', {
      details: { stage: stage.slice(0, 40) },
    });
  }
  return stage;
}

/**
 * Runway of `dvt_cluster_runway_days`, as the cluster keeper computes it: 0 when liquidated with
 * validators, Infinity when nothing burns, null when no runway applies (no validators, or a legacy
 * SSV-token cluster the keeper migrates first).
 */
function runwayDaysOf(state: ClusterState): number | null {
  if (!state.exists || state.validatorCount === 0) return null;
  if (state.liquidated) return 0;
  if (state.asset !== 'eth') return null;
  const load =
    state.vUnits === undefined
      ? { validatorCount: state.validatorCount }
      : { validatorCount: state.validatorCount, vUnits: state.vUnits };
  const runway = clusterRunway({
    balance: parseAmount(state.balance, 'balance'),
    fees: feesOf(state.fees),
    load,
  });
  return runway.runwayDays ?? Number.POSITIVE_INFINITY;
}

function feesOf(json: FeeParametersJson): FeeParameters {
  return {
    asset: json.asset,
    operatorFees: json.operatorFees.map((fee, i) => parseAmount(fee, `operatorFees[${i}]`)),
    networkFee: parseAmount(json.networkFee, 'networkFee'),
    liquidationThresholdPeriod: json.liquidationThresholdPeriod,
    minimumLiquidationCollateral: parseAmount(
      json.minimumLiquidationCollateral,
      'minimumLiquidationCollateral',
    ),
  };
}

/**
 * vUnits the chain's burn rate implies, when they differ from the implicit 10,000 per validator
 * (an oracle reported effective balances); undefined otherwise.
 */
function explicitVUnits(
  fees: FeeParameters,
  validatorCount: number,
  chainBurn: bigint,
): number | undefined {
  const perUnit = burnPackedPerBlock(fees) * packingFactor(fees.asset);
  if (perUnit === 0n || chainBurn === burnRatePerBlock(fees, { validatorCount })) return undefined;
  return Number((chainBurn * 10_000n + perUnit / 2n) / perUnit);
}

function temporalUnavailable(what: string, target: string, error: unknown): DvtError {
  return new DvtError(
    'ERR_UPSTREAM_UNAVAILABLE',
    `Temporal ${what} of ${target} failed: ${messageOf(error)}.`,
    {
      details: { what, target },
      cause: error,
      hint: 'Check the Temporal frontend; the call is retried.',
    },
  );
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'no response';
}
