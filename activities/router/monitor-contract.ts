/**
 * The contract between the router's background workflows (poolMonitor, clusterKeeper,
 * operatorWatch, ejector, feeRecipient, uptimeReporter) and the activities that serve them.
 * Interfaces only: `createRouterMonitorActivities(deps)` implements {@link MonitorActivities}, and
 * the workflows proxy exactly this type.
 *
 * Rules every implementation keeps (DESIGN.md §3, STYLE.md rules 9, 11, 14):
 * - amounts are decimal strings of wei (SSV wei for a legacy cluster), never bigint or number;
 * - every write first reads whether its effect already happened and then answers as if it had
 *   just done it (`skipped` with a reason), so a retry of any activity is harmless;
 * - transactions go through `submitTransaction` (the account's signer) with the
 *   `idempotencyKey` the workflow passes, so a retried call never sends a second transaction;
 * - workflows are started with deterministic IDs (`workflowIds.validator(pool, keyIndex)`) and a
 *   conflict policy, never "check then start";
 * - failures are `ApplicationFailure`s typed with a `DvtErrorCode`.
 */
import type { PubkeyStatus } from '../../domain/plan/pubkey-status.js';
import type { SsvPathStatus } from '../../domain/plan/router-plan.js';
import type { ClusterJson, ClusterVersion } from '../../domain/ssv/cluster.js';
import type { PoolBalance, PoolExitRequests } from '../pool/pool-adapter.js';
import type { ExitRequest } from '../../workflows/definitions.js';
import type { TxResult } from '../../workflows/signer.js';

// ---------------------------------------------------------------------------------------------
// Pool monitor
// ---------------------------------------------------------------------------------------------

/** Input of {@link MonitorActivities.readPoolState}. */
export interface ReadPoolStateInput {
  pool: string;
  /** First key index to derive and check (normally 0: the chain is the source of truth). */
  scanFromIndex: number;
  /**
   * Stop after this many consecutive indices whose pubkey is `uninitial` on chain, past the highest
   * used one (indices are never skipped, so a run of unused ones marks the end).
   */
  gapLimit: number;
  /** Hard bound on the indices checked in one call. */
  maxScan: number;
}

/** One key index whose pubkey the pool knows (status ≠ `uninitial`). */
export interface ChainKey {
  keyIndex: number;
  /** Lower-case 0x pubkey derived from the key index (public data only). */
  pubkey: string;
  status: Exclude<PubkeyStatus, 'uninitial'>;
  /** Registered on SSV under our owner (from the cluster index / `ValidatorAdded`). */
  onboarded: boolean;
}

/** What {@link MonitorActivities.readPoolState} returns: one consistent read of the pool. */
export interface PoolState {
  /** Balance, reserve and usable amount (decimal wei strings). */
  balance: PoolBalance;
  depositEnabled: boolean;
  /** `getSuperNodePubkeyLimit()`. */
  pubkeyLimit: number;
  /** `getSuperNodePubkeyCount(node)`: keys deposited on chain in the node's lifetime. */
  pubkeyCount: number;
  /** Key indices used on chain, ascending. */
  usedIndices: number[];
  /** Status of every used index, keyed by the index in decimal. */
  statusesByIndex: Record<string, ChainKey>;
  /** The scan window actually checked: `[scanFromIndex, scannedToIndex)`. */
  scannedToIndex: number;
  /** True when `maxScan` stopped the scan before `gapLimit` unused indices were seen. */
  truncated: boolean;
  /** Block the reads were made at (all reads at one block where the node allows it). */
  blockNumber: number;
}

/** Input of {@link MonitorActivities.findClaimedIndices}. */
export interface FindClaimedIndicesInput {
  pool: string;
  /** Indices to describe by workflow ID (strongly consistent; not visibility). */
  keyIndices: number[];
  /**
   * After the listed indices, keep probing upward from `max(keyIndices) + 1` (0 when the list is
   * empty) until this many indices in a row have no lifecycle.
   */
  probeGapLimit: number;
}

/** A key index some lifecycle workflow (running or closed) has claimed. */
export interface ClaimedIndex {
  keyIndex: number;
  workflowId: string;
  /** `running`, or the close status of the latest run (`completed`, `failed`, `terminated`, …). */
  state: 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed_out';
}

/** Input of {@link MonitorActivities.startLifecycles}. */
export interface StartLifecyclesInput {
  pool: string;
  /** SSV owner address the lifecycles register under. */
  owner: string;
  /** Ascending; started in this order, each as `workflowIds.validator(pool, keyIndex)`. */
  keyIndices: number[];
  /** Passed through to `validatorLifecycle` unchanged (the lifecycle owns its shape). */
  settings: Readonly<Record<string, unknown>>;
}

/**
 * Per index: `started` (new execution), `already-running` (conflict policy USE_EXISTING returned
 * the running one), `already-closed` (reuse policy REJECT_DUPLICATE: a closed lifecycle keeps the
 * ID; nothing was started).
 */
export interface StartLifecycleResult {
  keyIndex: number;
  workflowId: string;
  outcome: 'started' | 'already-running' | 'already-closed';
}

/** Input of {@link MonitorActivities.listLifecycles} (visibility: eventually consistent). */
export interface ListLifecyclesInput {
  pool: string;
  /** `DvtStage` to filter on, e.g. `active`; all stages when absent. */
  stage?: string;
  /** Running executions only (default true). */
  runningOnly?: boolean;
}

/** One lifecycle as visibility shows it. */
export interface LifecycleSummary {
  workflowId: string;
  keyIndex: number;
  stage: string | null;
  pubkey: string | null;
  /** `DvtCluster`, `<owner>-<id>-<id>-…`, once registered. */
  cluster: string | null;
}

// ---------------------------------------------------------------------------------------------
// Ejector and uptime
// ---------------------------------------------------------------------------------------------

/** Input of {@link MonitorActivities.readExitRequests}. */
export interface ReadExitRequestsInput {
  pool: string;
  /** First cycle to read; the adapter's default window when absent. */
  fromCycle?: number;
}

/** Input of {@link MonitorActivities.resolveValidators}: any mix of beacon indices and pubkeys. */
export interface ResolveValidatorsInput {
  pool: string;
  validatorIndices?: string[];
  pubkeys?: string[];
}

/** One of our validators, with every identity it has. */
export interface ResolvedValidator {
  /** Beacon validator index (decimal), null when the beacon chain does not know the key yet. */
  validatorIndex: string | null;
  pubkey: string;
  keyIndex: number;
  workflowId: string;
}

/** What {@link MonitorActivities.resolveValidators} returns. */
export interface ResolveValidatorsReturnType {
  /** Ours (derived from our key store), in input order. */
  matched: ResolvedValidator[];
  /** Definitely not ours (beacon knows them; our keys do not derive them). */
  foreign: string[];
  /** Not resolvable now (beacon or key scan unavailable); ask again later. */
  unresolved: string[];
}

/** Input of {@link MonitorActivities.requestLifecycleExit}. */
export interface RequestLifecycleExitInput {
  workflowId: string;
  request: ExitRequest;
  /** Update id, so a retried activity is deduplicated by the server as well as by the lifecycle. */
  updateId: string;
}

/** What {@link MonitorActivities.requestLifecycleExit} returns. */
export type RequestLifecycleExitReturnType =
  | { outcome: 'answered'; accepted: boolean; stage: string }
  /** No running lifecycle under that ID (closed or never started). */
  | { outcome: 'not-running' };

/** Input of {@link MonitorActivities.postUptime}. */
export interface PostUptimeInput {
  url: string;
  validatorIndices: string[];
}

/** What {@link MonitorActivities.postUptime} returns. */
export interface PostUptimeReturnType {
  ok: boolean;
  /** HTTP status, and the body's `status` field when present (StaFi: `"80000"` means success). */
  httpStatus: number;
  apiStatus: string | null;
}

// ---------------------------------------------------------------------------------------------
// Cluster keeper
// ---------------------------------------------------------------------------------------------

/** Fee parameters as JSON (see `domain/ssv/runway.ts` `FeeParameters`). */
export interface FeeParametersJson {
  asset: ClusterVersion;
  /** Unpacked wei per block per 32-ETH unit, in the cluster's operator order. */
  operatorFees: string[];
  networkFee: string;
  liquidationThresholdPeriod: number;
  minimumLiquidationCollateral: string;
}

/** Input of {@link MonitorActivities.readClusterState}. */
export interface ClusterRef {
  owner: string;
  /** Ascending. */
  operatorIds: number[];
}

/** What {@link MonitorActivities.readClusterState} returns. */
export interface ClusterState {
  /** `<owner>-<id>-…`. */
  clusterId: string;
  /** False when no event ever created the cluster. */
  exists: boolean;
  /** The latest struct (what the next call must pass); null when it does not exist. */
  struct: ClusterJson | null;
  /** `ssv` for a legacy SSV-token cluster that still needs `migrateClusterToETH`. */
  asset: ClusterVersion;
  /** Live (settled) balance: wei, SSV wei for a legacy cluster. */
  balance: string;
  validatorCount: number;
  /** Explicit vUnits when an oracle set them. */
  vUnits?: number;
  /** `!struct.active`. */
  liquidated: boolean;
  /** Fee parameters of the cluster's current ledger. */
  fees: FeeParametersJson;
  /** ETH-ledger fee parameters (what applies after a migration or to an ETH cluster). */
  ethFees: FeeParametersJson;
  /** Burn rate of the current ledger, wei per block. */
  burnRatePerBlock: string;
  blockNumber: number;
}

/** Common input of the cluster writes. */
export interface ClusterWriteInput extends ClusterRef {
  /** `<workflowId>/<action>/<blockNumber of the state read>`: one transaction per key, ever. */
  idempotencyKey: string;
  /** Time-critical writes: after this instant (epoch ms) the transaction goes out above the fee cap. */
  deadlineMs?: number;
}

/** Input of {@link MonitorActivities.topUpCluster}. */
export interface TopUpClusterInput extends ClusterWriteInput {
  amount: string;
  /** Pre-check: skip when the live balance is already at least this (a retry after a mined deposit). */
  skipIfBalanceAtLeast: string;
}

/** Input of {@link MonitorActivities.reactivateCluster} and {@link MonitorActivities.migrateClusterToEth}. */
export interface FundClusterInput extends ClusterWriteInput {
  /** ETH sent with the call. */
  amount: string;
}

/** Input of {@link MonitorActivities.withdrawClusterBalance}. */
export interface WithdrawClusterInput extends ClusterWriteInput {
  /** Upper bound; the activity withdraws `min(amount, live balance)`. */
  amount: string;
}

/** What every write returns: the mined result, or why nothing was sent. */
export type WriteResult =
  | { action: 'sent'; tx: TxResult }
  | {
      action: 'skipped';
      /** E.g. `already active`, `already ETH`, `balance already 0.1 ETH`, `has validators`. */
      reason: string;
    };

// ---------------------------------------------------------------------------------------------
// Operator watch and fee recipient
// ---------------------------------------------------------------------------------------------

/** Input of {@link MonitorActivities.refreshOperators}. */
export interface RefreshOperatorsInput {
  owner: string;
  /** Extra operators to include besides those in the owner's clusters. */
  operatorIds?: number[];
}

/** Health of one operator, merged from the chain and the SSV API. */
export interface OperatorHealth {
  id: number;
  /** On chain `isActive` and API status `Active`/`No validators`. */
  active: boolean;
  /** `OperatorRemoved` seen, or API status `Removed`. */
  removed: boolean;
  /** API performance in percent; null when the API did not answer for this operator. */
  performance24h: number | null;
  performance30d: number | null;
  /** Our validators on this operator (from the cluster index). */
  ourValidatorCount: number;
}

/** What {@link MonitorActivities.refreshOperators} returns. */
export interface OperatorSnapshot {
  operators: OperatorHealth[];
  /** False when the SSV API failed and only on-chain facts are present. */
  apiAvailable: boolean;
}

/** Input of {@link MonitorActivities.signalMigrations}. */
export interface SignalMigrationsInput {
  owner: string;
  /** Lifecycles whose `DvtCluster` contains any of these operators are signalled `migrate`. */
  operatorIds: number[];
  reason: string;
}

/** Input of {@link MonitorActivities.setFeeRecipient}. */
export interface SetFeeRecipientInput {
  owner: string;
  recipient: string;
  idempotencyKey: string;
}

// ---------------------------------------------------------------------------------------------
// The activities
// ---------------------------------------------------------------------------------------------

/** Activities the router's background workflows call. */
export interface MonitorActivities {
  /** One read of the pool: balance/reserve/usable, deposit flag, pubkey limit/count, used key indices. */
  readPoolState(input: ReadPoolStateInput): Promise<PoolState>;
  /** Whether new SSV validators can be created (operators eligible, SSV API up, owner funded). */
  readSsvPathStatus(input: { owner: string }): Promise<SsvPathStatus>;
  /** Which of the given (and following) key indices have a lifecycle, by describing workflow IDs. */
  findClaimedIndices(input: FindClaimedIndicesInput): Promise<ClaimedIndex[]>;
  /**
   * Starts `validatorLifecycle` for each index with `workflowIdConflictPolicy: 'USE_EXISTING'` and
   * `workflowIdReusePolicy: 'REJECT_DUPLICATE'`: a duplicate start is a no-op. Retry-safe.
   */
  startLifecycles(input: StartLifecyclesInput): Promise<StartLifecycleResult[]>;
  /** Lifecycles of a pool by visibility (eventually consistent: for reports, not for claiming). */
  listLifecycles(input: ListLifecyclesInput): Promise<LifecycleSummary[]>;

  /** The pool's ejection lists per cycle (`main`: beacon indices; `pectra`: pubkeys). */
  readExitRequests(input: ReadExitRequestsInput): Promise<PoolExitRequests>;
  /** Maps beacon indices and pubkeys to our key indices and lifecycle IDs. */
  resolveValidators(input: ResolveValidatorsInput): Promise<ResolveValidatorsReturnType>;
  /** Sends the `requestExit` update to a lifecycle (deduplicated by `updateId` and by the lifecycle). */
  requestLifecycleExit(input: RequestLifecycleExitInput): Promise<RequestLifecycleExitReturnType>;
  /** POSTs `{"validatorIndexList":[…]}` to the uptime URL. */
  postUptime(input: PostUptimeInput): Promise<PostUptimeReturnType>;

  /** Struct, live balance, burn rate, liquidation parameters, legacy flag and validator count. */
  readClusterState(input: ClusterRef): Promise<ClusterState>;
  /** `deposit` into the cluster; skipped when the balance already reaches `skipIfBalanceAtLeast`. */
  topUpCluster(input: TopUpClusterInput): Promise<WriteResult>;
  /** `reactivate` a liquidated cluster; skipped when it is active. */
  reactivateCluster(input: FundClusterInput): Promise<WriteResult>;
  /** `migrateClusterToETH` of a legacy cluster; skipped when it is already an ETH cluster. */
  migrateClusterToEth(input: FundClusterInput): Promise<WriteResult>;
  /** `withdraw` from a cluster without validators; skipped when it has validators or no balance. */
  withdrawClusterBalance(input: WithdrawClusterInput): Promise<WriteResult>;

  /** Health of the operators of the owner's clusters (plus `operatorIds`). */
  refreshOperators(input: RefreshOperatorsInput): Promise<OperatorSnapshot>;
  /** Signals `migrate` to every running lifecycle in a cluster with one of the operators. */
  signalMigrations(input: SignalMigrationsInput): Promise<{ signalled: string[] }>;
  /** The pool's fee pool address (StaFi: `stafiSuperNodeFeePool`), lower case. */
  readFeePool(input: { pool: string }): Promise<string>;
  /** `setFeeRecipientAddress`; skipped when the owner's recipient already equals `recipient`. */
  setFeeRecipient(input: SetFeeRecipientInput): Promise<WriteResult>;
}
