/**
 * A devnet with the dvt-router worker running as its own process, for end-to-end tests, and
 * audits that read the truth from chain events (not from the router's own claims).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Interface } from 'ethers';
import { DEPOSIT_CONTRACT_ABI } from '../../activities/abi/deposit-contract.js';
import { SSV_NETWORK_ABI } from '../../activities/abi/ssv-network.js';
import {
  prepareRouterFiles,
  startRouterProcess,
  type RouterFiles,
  type RouterProcess,
} from '../../devnet/router-process.js';
import { startDevnet, type Devnet, type DevnetOptions } from '../../devnet/world.js';
import { eventually } from './temporal.js';

export const ETHER = 10n ** 18n;

export interface RouterWorld {
  devnet: Devnet;
  files: RouterFiles;
  client: Client;
  worker(): RouterProcess;
  /** Every worker process started so far (logs of crashed ones included). */
  allOutput(): string;
  restartWorker(): RouterProcess;
  stop(): Promise<void>;
}

export async function startRouterWorld(options: {
  mnemonic: string;
  env?: Record<string, string>;
  devnet?: DevnetOptions;
}): Promise<RouterWorld> {
  const devnet = await startDevnet({ depositIntervalMs: 0, ...options.devnet });
  const files = await prepareRouterFiles(devnet, mkdtempSync(path.join(tmpdir(), 'dvt-router-')), {
    mnemonic: options.mnemonic,
    scryptN: 1024,
    ...(options.env ? { env: options.env } : {}),
  });
  const connection = await Connection.connect({ address: devnet.state.temporalAddress ?? '' });
  const client = new Client({ connection });
  const processes: RouterProcess[] = [startRouterProcess(files.env)];
  const current = (): RouterProcess => processes[processes.length - 1] as RouterProcess;
  return {
    devnet,
    files,
    client,
    worker: current,
    allOutput: () => processes.map((p) => p.output()).join('\n'),
    restartWorker() {
      processes.push(startRouterProcess(files.env));
      return current();
    },
    async stop() {
      await current().stop();
      await connection.close();
      await devnet.stop();
    },
  };
}

export interface LifecycleRow {
  workflowId: string;
  keyIndex: number;
  stage: string;
  status: string;
  pubkey: string | null;
}

export async function lifecycles(client: Client): Promise<LifecycleRow[]> {
  const rows: LifecycleRow[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'validatorLifecycle'` })) {
    const attrs = wf.searchAttributes ?? {};
    rows.push({
      workflowId: wf.workflowId,
      keyIndex: Number(wf.workflowId.split('/').pop()),
      stage: (attrs.DvtStage as string[] | undefined)?.[0] ?? '',
      status: wf.status.name,
      pubkey: ((attrs.DvtPubkey as unknown[] | undefined)?.[0] as string | undefined) ?? null,
    });
  }
  return rows.sort((a, b) => a.keyIndex - b.keyIndex);
}

/**
 * Waits (bounded) until `count` lifecycles satisfy `predicate`. On time-out the error lists every
 * lifecycle's stage and status and the status query of those not matching, so a failure says
 * where things stood.
 */
export async function waitForLifecycles(
  client: Client,
  count: number,
  predicate: (row: LifecycleRow) => boolean,
  attempts = 300,
): Promise<LifecycleRow[]> {
  let last: LifecycleRow[] = [];
  try {
    return await eventually(
      async () => {
        last = await lifecycles(client);
        const matching = last.filter(predicate);
        return matching.length >= count ? matching : undefined;
      },
      { attempts, intervalMs: 500 },
    );
  } catch {
    const details: string[] = [];
    for (const row of last.filter((r) => !predicate(r) && r.status === 'RUNNING')) {
      const status: unknown = await client.workflow
        .getHandle(row.workflowId)
        .query('status')
        .catch((error: unknown) => String(error));
      details.push(`${row.workflowId}: ${JSON.stringify(status).slice(0, 1500)}`);
    }
    throw new Error(
      `expected ${count} lifecycles to match; have ${last
        .map((r) => `${r.keyIndex}:${r.stage}:${r.status}`)
        .join(' ')}\n${details.join('\n')}`,
    );
  }
}

const depositIface = new Interface(DEPOSIT_CONTRACT_ABI);
const ssvIface = new Interface(SSV_NETWORK_ABI);

function littleEndian(hex: string): bigint {
  const bytes = hex.slice(2).match(/../g) ?? [];
  return BigInt(`0x${bytes.reverse().join('') || '0'}`);
}

/** Deposit amounts (gwei) per pubkey, from every DepositEvent of the deposit contract. */
export async function depositsByPubkey(devnet: Devnet): Promise<Map<string, bigint[]>> {
  const logs = await devnet.provider.getLogs({
    address: devnet.state.contracts.depositContract,
    fromBlock: 0,
    toBlock: 'latest',
  });
  const out = new Map<string, bigint[]>();
  for (const log of logs) {
    const parsed = depositIface.parseLog(log);
    if (!parsed || parsed.name !== 'DepositEvent') continue;
    const pubkey = String(parsed.args[0]).toLowerCase();
    out.set(pubkey, [...(out.get(pubkey) ?? []), littleEndian(String(parsed.args[2]))]);
  }
  return out;
}

/** A cluster struct as an event carries it: validatorCount, networkFeeIndex, index, active, balance. */
export type ClusterStruct = [bigint, bigint, bigint, boolean, bigint];

/** One SSVNetwork event of the router's owner, with the fields the tests read. */
export interface SsvEvent {
  name: string;
  pubkey?: string;
  operatorIds?: number[];
  value?: bigint;
  /** The cluster struct after the event, on events that carry one. */
  cluster?: ClusterStruct;
}

/** SSVNetwork events of the router's owner by name, in chain order. */
export async function ssvEvents(devnet: Devnet): Promise<SsvEvent[]> {
  const logs = await devnet.provider.getLogs({
    address: devnet.state.contracts.ssvNetwork,
    fromBlock: 0,
    toBlock: 'latest',
  });
  const out: SsvEvent[] = [];
  for (const log of logs) {
    const parsed = ssvIface.parseLog(log);
    if (!parsed) continue;
    const owner = parsed.args.getValue('owner') as string | undefined;
    if (owner && owner.toLowerCase() !== devnet.state.accounts.router.toLowerCase()) continue;
    const has = (name: string): boolean => parsed.fragment.inputs.some((i) => i.name === name);
    const entry: SsvEvent = { name: parsed.name };
    if (has('publicKey')) entry.pubkey = String(parsed.args.getValue('publicKey')).toLowerCase();
    if (has('operatorIds')) {
      entry.operatorIds = (parsed.args.getValue('operatorIds') as bigint[]).map(Number);
    }
    if (has('value')) entry.value = parsed.args.getValue('value') as bigint;
    if (has('cluster')) {
      const c = parsed.args.getValue('cluster') as unknown as ClusterStruct;
      entry.cluster = [c[0], c[1], c[2], c[3], c[4]];
    }
    out.push(entry);
  }
  return out;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
