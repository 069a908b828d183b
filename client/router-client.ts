/**
 * The client library behind the CLI: what operators read (status, validators) and what they ask
 * of lifecycles (exit, pause, resume, migrate). Reads come from Temporal visibility and queries and
 * from the chain; every request goes to the lifecycle workflow, which alone acts on it.
 */
import {
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
} from '@temporalio/client';
import { formatEther } from 'ethers';
import type { PoolAdapter } from '../activities/pool/pool-adapter.js';
import { DvtError } from '../domain/errors.js';
import { STAGES, type Stage } from '../domain/lifecycle/stages.js';
import {
  clusterKeeperStatus,
  lifecycleStatus,
  migrate,
  operatorWatchStatus,
  pause,
  requestExit,
  resume,
  workflowIds,
  type ClusterKeeperStatus,
} from '../workflows/definitions.js';
import type { LifecycleStatus } from '../workflows/validator-lifecycle.js';

/** One lifecycle as visibility shows it. */
export interface ValidatorRow {
  workflowId: string;
  keyIndex: number;
  pubkey: string | null;
  stage: string;
  cluster: string | null;
  /** Temporal execution status: RUNNING, COMPLETED, TERMINATED, … */
  status: string;
}

const keyword = (info: WorkflowExecutionInfo, name: string): string | null => {
  const value = (info.searchAttributes?.[name] as unknown[] | undefined)?.[0];
  return typeof value === 'string' ? value : null;
};

function toRow(info: WorkflowExecutionInfo): ValidatorRow {
  return {
    workflowId: info.workflowId,
    keyIndex: Number(info.workflowId.split('/').pop()),
    pubkey: keyword(info, 'DvtPubkey'),
    stage: keyword(info, 'DvtStage') ?? 'unknown',
    cluster: keyword(info, 'DvtCluster'),
    status: info.status.name,
  };
}

/**
 * Every lifecycle of `pool`, newest run per validator, sorted by key index. Continued-as-new runs
 * share a workflow ID; only the latest counts.
 */
export async function listValidators(client: Client, pool: string): Promise<ValidatorRow[]> {
  const byId = new Map<string, { row: ValidatorRow; start: number }>();
  const query = `WorkflowType = 'validatorLifecycle' AND DvtPool = '${pool.toLowerCase()}'`;
  for await (const info of client.workflow.list({ query })) {
    const start = info.startTime.getTime();
    const seen = byId.get(info.workflowId);
    if (!seen || seen.start < start) byId.set(info.workflowId, { row: toRow(info), start });
  }
  return [...byId.values()].map((v) => v.row).sort((a, b) => a.keyIndex - b.keyIndex);
}

/**
 * The lifecycle of a validator named by key index (`7`) or pubkey (`0xab…`). Throws
 * `ERR_NOT_FOUND` naming the reference when there is none.
 */
export async function findValidator(
  client: Client,
  pool: string,
  ref: string,
): Promise<{ handle: WorkflowHandle; workflowId: string }> {
  const trimmed = ref.trim();
  if (/^\d+$/.test(trimmed)) {
    const workflowId = workflowIds.validator(pool, Number(trimmed));
    try {
      await client.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(ref);
      throw error;
    }
    return { handle: client.workflow.getHandle(workflowId), workflowId };
  }
  if (!/^0x[0-9a-fA-F]{96}$/.test(trimmed)) {
    throw new DvtError('ERR_INVALID_INPUT', `"${ref}" is neither a key index nor a pubkey.`, {
      hint: 'Give a key index such as 7, or a 48-byte pubkey as 0x followed by 96 hex digits.',
    });
  }
  const query =
    `WorkflowType = 'validatorLifecycle' AND DvtPool = '${pool.toLowerCase()}' ` +
    `AND DvtPubkey = '${trimmed.toLowerCase()}'`;
  for await (const info of client.workflow.list({ query })) {
    return { handle: client.workflow.getHandle(info.workflowId), workflowId: info.workflowId };
  }
  throw notFound(ref);
}

function notFound(ref: string): DvtError {
  return new DvtError('ERR_NOT_FOUND', `No validator lifecycle for "${ref}" in this pool.`, {
    hint: 'List them with `dvt-router validators list`.',
  });
}

export async function showValidator(
  client: Client,
  pool: string,
  ref: string,
): Promise<{ workflowId: string; status: LifecycleStatus }> {
  const { handle, workflowId } = await findValidator(client, pool, ref);
  return { workflowId, status: await handle.query(lifecycleStatus) };
}

/** What happened to one validator of a multi-validator request. */
export interface RequestOutcome {
  ref: string;
  workflowId: string | null;
  ok: boolean;
  detail: string;
}

async function eachValidator(
  client: Client,
  pool: string,
  refs: readonly string[],
  act: (handle: WorkflowHandle) => Promise<string>,
): Promise<RequestOutcome[]> {
  const outcomes: RequestOutcome[] = [];
  for (const ref of refs) {
    try {
      const { handle, workflowId } = await findValidator(client, pool, ref);
      outcomes.push({ ref, workflowId, ok: true, detail: await act(handle) });
    } catch (error) {
      outcomes.push({ ref, workflowId: null, ok: false, detail: describe(error) });
    }
  }
  return outcomes;
}

function describe(error: unknown): string {
  if (error instanceof DvtError) return error.message;
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

/** Asks each lifecycle to exit (an update: the answer says whether it was accepted). */
export function requestExits(
  client: Client,
  pool: string,
  refs: readonly string[],
  reason: string,
): Promise<RequestOutcome[]> {
  return eachValidator(client, pool, refs, async (handle) => {
    const answer = await handle.executeUpdate(requestExit, {
      args: [{ reason, source: 'operator' }],
    });
    if (!answer.accepted) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `The lifecycle refused the exit in stage ${answer.stage}.`,
      );
    }
    return `exit accepted in stage ${answer.stage}`;
  });
}

/** Pauses (before the next transaction) or resumes each lifecycle. */
export function setPaused(
  client: Client,
  pool: string,
  refs: readonly string[],
  paused: boolean,
  reason: string,
): Promise<RequestOutcome[]> {
  return eachValidator(client, pool, refs, async (handle) => {
    if (paused) await handle.signal(pause, { reason });
    else await handle.signal(resume);
    return paused ? 'pause requested' : 'resume requested';
  });
}

/** Every running lifecycle's reference (its key index), for `--all`. */
export async function runningRefs(client: Client, pool: string): Promise<string[]> {
  return (await listValidators(client, pool))
    .filter((row) => row.status === 'RUNNING')
    .map((row) => String(row.keyIndex));
}

/** Moves one validator to a new operator set that avoids `avoidOperatorIds` (default: all its current ones). */
export async function requestMigration(
  client: Client,
  pool: string,
  ref: string,
  { avoidOperatorIds, reason }: { avoidOperatorIds?: number[]; reason: string },
): Promise<RequestOutcome> {
  const [outcome] = await eachValidator(client, pool, [ref], async (handle) => {
    const status = await handle.query(lifecycleStatus);
    const avoid = avoidOperatorIds ?? status.operatorIds;
    if (status.stage !== 'active') {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `Validator ${ref} is in stage ${status.stage}; only an active validator can migrate.`,
      );
    }
    await handle.signal(migrate, { avoidOperatorIds: avoid, reason });
    return `migration requested, avoiding operators ${avoid.join(', ')}`;
  });
  return outcome as RequestOutcome;
}

/** The operator's one-page view of the router. */
export interface RouterStatus {
  pool: {
    address: string;
    balanceEth: string;
    reserveEth: string;
    usableEth: string;
  };
  validators: { total: number; byStage: Partial<Record<Stage | 'unknown', number>> };
  clusters: {
    clusterId: string;
    validatorCount: number | null;
    balanceEth: string | null;
    runwayDays: number | null;
    liquidated: boolean | null;
    lastError: string | null;
  }[];
  operators: { id: number; validators: number; healthy: boolean; reasons: string[] }[];
  /** Halted lifecycles, paused ones and those retrying around an error. */
  attention: { workflowId: string; stage: string; reason: string }[];
}

export interface ReadStatusParameters {
  client: Client;
  pool: PoolAdapter;
  poolAddress: string;
  owner: string;
}

export async function readStatus({
  client,
  pool,
  poolAddress,
  owner,
}: ReadStatusParameters): Promise<RouterStatus> {
  const [balance, rows] = await Promise.all([
    pool.getBalance(),
    listValidators(client, poolAddress),
  ]);
  const byStage: Partial<Record<Stage | 'unknown', number>> = {};
  for (const row of rows) {
    const stage = (STAGES as readonly string[]).includes(row.stage)
      ? (row.stage as Stage)
      : 'unknown';
    byStage[stage] = (byStage[stage] ?? 0) + 1;
  }

  const attention: RouterStatus['attention'] = [];
  const operatorUse = new Map<number, number>();
  for (const row of rows.filter((r) => r.status === 'RUNNING')) {
    const status = await client.workflow
      .getHandle(row.workflowId)
      .query(lifecycleStatus)
      .catch(() => null);
    if (!status) continue;
    for (const id of status.operatorIds) operatorUse.set(id, (operatorUse.get(id) ?? 0) + 1);
    const reason =
      status.stage === 'halted'
        ? `halted in ${status.haltedIn ?? '?'}: ${status.haltReason ?? ''}`
        : status.paused
          ? `paused: ${status.pauseReason ?? ''}`
          : status.lastError;
    if (reason) attention.push({ workflowId: row.workflowId, stage: status.stage, reason });
  }

  const clusters: RouterStatus['clusters'] = [];
  const keeperQuery = `WorkflowType = 'clusterKeeper' AND ExecutionStatus = 'Running'`;
  for await (const info of client.workflow.list({ query: keeperQuery })) {
    if (!info.workflowId.startsWith(`cluster/${owner.toLowerCase()}/`)) continue;
    const status: ClusterKeeperStatus | null = await client.workflow
      .getHandle(info.workflowId)
      .query(clusterKeeperStatus)
      .catch(() => null);
    if (!status) continue;
    clusters.push({
      clusterId: status.clusterId,
      validatorCount: status.validatorCount,
      balanceEth: status.balance === null ? null : formatEther(status.balance),
      runwayDays: status.runwayDays,
      liquidated: status.liquidated,
      lastError: status.lastError,
    });
  }
  clusters.sort((a, b) => a.clusterId.localeCompare(b.clusterId));

  const watch = await client.workflow
    .getHandle(workflowIds.operatorWatch(owner))
    .query(operatorWatchStatus)
    .catch(() => null);
  const bad = new Map((watch?.episodes ?? []).map((e) => [e.operatorId, e.reasons]));
  const operators = [...operatorUse.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, validators]) => ({
      id,
      validators,
      healthy: !bad.has(id),
      reasons: bad.get(id) ?? [],
    }));

  return {
    pool: {
      address: poolAddress.toLowerCase(),
      balanceEth: formatEther(balance.balanceWei),
      reserveEth: formatEther(balance.reserveWei),
      usableEth: formatEther(balance.usableWei),
    },
    validators: { total: rows.length, byStage },
    clusters,
    operators,
    attention,
  };
}
