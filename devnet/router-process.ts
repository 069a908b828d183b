/**
 * Runs the dvt-router worker against a devnet as a separate process, as an operator would: the
 * devnet writes the router's secret files (the router account's devnet key, a validator key store
 * for a fresh mnemonic and its password) into a private folder, and the worker reads them through
 * `DVT_*_FILE` variables. The process is supervised, so it never outlives the devnet.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mnemonic } from 'ethers';
import { importMnemonic } from '../activities/keys/mnemonic-key-store.js';
import { spawnSupervised, stopChild } from './child-process.js';
import { freePort } from './ports.js';
import type { Devnet } from './world.js';
import { DEVNET_ACCOUNTS } from './world.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RouterFiles {
  dir: string;
  /** Environment for the worker; paths only, no secret values. */
  env: Record<string, string>;
  /** The worker's `/metrics` (`DVT_METRICS_PORT` is a free port picked here); null when off. */
  metricsUrl: string | null;
}

export interface RouterFilesOptions {
  /** Validator mnemonic; a fresh random one when omitted (tests pass a known one to scan for it). */
  mnemonic?: string;
  /** Lower scrypt cost for tests; the default is the EIP-2335 production cost. */
  scryptN?: number;
  /** Extra DVT_* settings. */
  env?: Record<string, string>;
}

/** Writes the router's files for `devnet` into `dir` (mode 0700/0600) and returns its env. */
export async function prepareRouterFiles(
  devnet: Devnet,
  dir: string,
  options: RouterFilesOptions = {},
): Promise<RouterFiles> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const signerKeyFile = path.join(dir, 'signer.key');
  const keystoreFile = path.join(dir, 'keystore.json');
  const passwordFile = path.join(dir, 'keystore-password');
  const statePath = path.join(dir, 'devnet-state.json');
  writeFileSync(signerKeyFile, `${devnet.wallet(DEVNET_ACCOUNTS.router).privateKey}\n`, {
    mode: 0o600,
  });
  // A key store and its password are made together, once; a later start reuses both.
  if (!existsSync(keystoreFile) || !existsSync(passwordFile)) {
    const password = randomBytes(24).toString('base64url');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const mnemonic = options.mnemonic ?? Mnemonic.fromEntropy(randomBytes(32)).phrase;
    rmSync(keystoreFile, { force: true });
    await importMnemonic({
      mnemonic,
      password,
      file: keystoreFile,
      ...(options.scryptN === undefined ? {} : { scryptN: options.scryptN }),
    });
  }
  writeFileSync(statePath, JSON.stringify(devnet.state, null, 2));
  // Several workers run on one machine (devnet, e2e tests): each gets its own metrics port.
  const env = {
    DVT_DEVNET_STATE: statePath,
    DVT_SIGNER_KEY_FILE: signerKeyFile,
    DVT_KEYSTORE_FILE: keystoreFile,
    DVT_KEYSTORE_PASSWORD_FILE: passwordFile,
    DVT_POOL_MONITOR_INTERVAL_SECONDS: '5',
    DVT_METRICS_PORT: String(await freePort()),
    // The owner-index snapshots, so a restarted worker resumes its SSVNetwork scan (and a devnet
    // restarted from scratch exercises the "no longer canonical" path).
    DVT_SSV_INDEX_DIR: path.join(dir, 'ssv-index'),
    ...options.env,
  };
  return { dir, env, metricsUrl: metricsUrlOf(env) };
}

/** `http://host:port/metrics` of a worker started with `env`; null when its endpoint is off. */
export function metricsUrlOf(env: Record<string, string | undefined>): string | null {
  const port = env.DVT_METRICS_PORT;
  if (port === undefined || port === '' || Number(port) === 0) return null;
  const host = env.DVT_METRICS_HOST || '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
}

export interface RouterProcess {
  child: ChildProcess;
  /** The worker's `/metrics` URL (from `DVT_METRICS_PORT` in its env), or null. */
  metricsUrl: string | null;
  /** Everything the worker wrote to stdout and stderr so far. */
  output(): string;
  /** SIGKILL of the worker process, as a crash would (the supervisor delivers it). */
  kill(): void;
  stop(): Promise<void>;
}

/**
 * Starts the worker as an operator does, `dvt-router worker`, in its own process with `env`
 * (plus the current environment).
 */
export function startRouterProcess(env: Record<string, string>): RouterProcess {
  const child = spawnSupervised(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'dvt-router.js'), 'worker'],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return {
    child,
    metricsUrl: metricsUrlOf(env),
    output: () => output,
    kill: () => {
      child.kill('SIGUSR2');
    },
    stop: () => stopChild(child, 35_000),
  };
}
