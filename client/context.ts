/**
 * What a CLI command needs: the configuration (YAML file, `DVT_*` environment, or the devnet's
 * files), a Temporal client and, for commands that read the chain, the pool adapter and the router
 * account. Read-only commands never open the key store; the signer key file is read only for its
 * address.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { JsonRpcProvider, parseEther } from 'ethers';
import type { PoolAdapter } from '../activities/pool/pool-adapter.js';
import { makeStafiPoolAdapter } from '../activities/pool/stafi-adapter.js';
import { DvtError } from '../domain/errors.js';
import { workflowIds } from '../workflows/definitions.js';
import { dataConverterFor, loadKeyring } from './codec.js';
import { loadSigner } from '../worker/clients.js';
import { loadConfig, type ConfigEnv, type WorkerConfig } from '../worker/config.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  config?: string;
  /** Use the settings `npm run devnet` wrote in `.devnet` (or in {@link devnetDir}). */
  devnet?: boolean;
  devnetDir?: string;
  json?: boolean;
}

/** The environment a command runs with: process env over the devnet's router settings. */
export function commandEnv(options: GlobalOptions, env: ConfigEnv = process.env): ConfigEnv {
  const merged: Record<string, string | undefined> = {};
  if (options.devnet || options.devnetDir) {
    const dir = options.devnetDir ?? '.devnet';
    const file = path.join(dir, 'router', 'env.json');
    let devnetEnv: Record<string, string>;
    try {
      devnetEnv = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      throw new DvtError('ERR_CONFIG', `No devnet router settings at ${file}.`, {
        hint: 'Start the devnet with `npm run devnet` (it writes them), or drop --devnet.',
      });
    }
    Object.assign(merged, devnetEnv);
  }
  Object.assign(merged, env);
  if (options.config) merged.DVT_CONFIG_FILE = options.config;
  return merged;
}

export function commandConfig(options: GlobalOptions): WorkerConfig {
  return loadConfig(commandEnv(options));
}

/** A Temporal client that encrypts and decrypts payloads like the worker (when a keyring is set). */
export async function connectTemporal(config: WorkerConfig): Promise<Client> {
  const dataConverter = dataConverterFor(
    config.DVT_CODEC_KEYRING_FILE ? loadKeyring({ file: config.DVT_CODEC_KEYRING_FILE }) : null,
  );
  try {
    const connection = await Connection.connect({ address: config.DVT_TEMPORAL_ADDRESS });
    return new Client({ connection, namespace: config.DVT_TEMPORAL_NAMESPACE, dataConverter });
  } catch (cause) {
    throw new DvtError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `Cannot reach Temporal at ${config.DVT_TEMPORAL_ADDRESS}.`,
      { cause, hint: 'Check DVT_TEMPORAL_ADDRESS (temporal.address) and that the server runs.' },
    );
  }
}

/** The router's account: the address of the signer key (the key itself is not kept). */
export async function routerAccount(config: WorkerConfig): Promise<string> {
  return (await loadSigner(config)).address;
}

/**
 * The router's account without its key: the pool monitor Schedule's input names it (written by
 * the worker or `temporal setup`), so a laptop running `status` needs no secret. Falls back to
 * the signer key file when there is no Schedule yet.
 */
export async function routerAccountOf(config: WorkerConfig, client: Client): Promise<string> {
  try {
    const schedule = await client.schedule
      .getHandle(workflowIds.poolMonitorSchedule(config.DVT_POOL_STORAGE))
      .describe();
    const action = schedule.action as { args?: unknown[] };
    const owner = (action.args?.[0] as { owner?: unknown } | undefined)?.owner;
    if (typeof owner === 'string' && /^0x[0-9a-fA-F]{40}$/.test(owner)) return owner;
  } catch {
    // no Schedule (or no access to it): use the key file
  }
  return routerAccount(config);
}

export interface ChainContext {
  provider: JsonRpcProvider;
  pool: PoolAdapter;
}

export function connectChain(config: WorkerConfig, owner: string): ChainContext {
  const provider = new JsonRpcProvider(config.DVT_EXECUTION_RPC_URL, undefined, {
    cacheTimeout: -1,
  });
  const pool = makeStafiPoolAdapter({
    provider,
    storageAddress: config.DVT_POOL_STORAGE,
    superNodeAccount: owner,
    reserveWei: parseEther(config.DVT_RESERVE_ETH).toString(),
  });
  return { provider, pool };
}
