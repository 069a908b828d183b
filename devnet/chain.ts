/**
 * The devnet's EVM node: Hardhat 2's JSON-RPC node as a child process on 127.0.0.1. Automine is
 * on (a block per transaction); `blockIntervalMs` adds interval mining so per-block fees accrue
 * while nothing is sent. Stops with `stop()` (and with the parent process).
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonRpcProvider } from 'ethers';
import { freePort } from './ports.js';
import { captureStderr, spawnSupervised, stopChild } from './child-process.js';

/** The well-known development mnemonic; its accounts are funded on the devnet only. */
export const DEVNET_MNEMONIC = 'test test test test test test test test test test test junk';

export interface ChainOptions {
  port?: number;
  chainId?: number;
  blockIntervalMs?: number;
  accounts?: number;
}

export interface Chain {
  rpcUrl: string;
  chainId: number;
  mnemonic: string;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startChain(options: ChainOptions = {}): Promise<Chain> {
  const port = options.port ?? (await freePort());
  const chainId = options.chainId ?? 31337;
  const hardhatCli = createRequire(import.meta.url).resolve('hardhat/internal/cli/cli.js');
  const child = spawnSupervised(
    process.execPath,
    [
      hardhatCli,
      '--config',
      path.join(here, 'hardhat.config.cjs'),
      'node',
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      cwd: here,
      env: {
        ...process.env,
        HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
        DEVNET_CHAIN_ID: String(chainId),
        DEVNET_MNEMONIC,
        DEVNET_BLOCK_INTERVAL_MS: String(options.blockIntervalMs ?? 0),
        DEVNET_ACCOUNTS: String(options.accounts ?? 40),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const stderr = captureStderr(child);
  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(rpcUrl, chainId, child, stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { rpcUrl, chainId, mnemonic: DEVNET_MNEMONIC, stop: () => stopChild(child) };
}

async function waitForRpc(
  rpcUrl: string,
  chainId: number,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`hardhat node exited with code ${child.exitCode}: ${stderr()}`);
    }
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      const body = (await response.json()) as { result?: string };
      if (body.result && Number(body.result) === chainId) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`hardhat node at ${rpcUrl} did not answer: ${stderr()}`);
}

/**
 * An ethers provider for the devnet that polls quickly (blocks are instant). ethers caches
 * identical requests for 250 ms by default, which returns stale nonces between two quick
 * transactions; `cacheTimeout: -1` turns that off.
 */
export function devnetProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  return provider;
}
