/**
 * Runs the Temporal CLI dev server (with its Web UI) as a child process on 127.0.0.1, with the
 * project's search attributes registered, and stops it with the parent.
 */
import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/definitions.js';
import { temporalCliPath } from './temporal-tools.js';
import { freePort } from './ports.js';
import { captureStderr, spawnSupervised, stopChild } from './child-process.js';

export interface TemporalDevServerOptions {
  /** gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted. */
  uiPort?: number;
  /** SQLite file to persist to; in memory when omitted. */
  dbFile?: string;
  namespace?: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  namespace: string;
  stop(): Promise<void>;
}

const SEARCH_ATTRIBUTE_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  TEXT: 'Text',
  BOOL: 'Bool',
  DOUBLE: 'Double',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * Starts the dev server. When its ports were picked automatically and it fails to come up (a
 * port taken between probing and binding, by this or another run), it retries on fresh ports.
 */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  const fixedPorts = options.port !== undefined || options.uiPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (fixedPorts || attempt >= 3) throw error;
    }
  }
}

async function startOnce(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const cli = temporalCliPath();
  if (!cli) {
    throw new Error(
      'Temporal CLI not found. Run `npm run tools` (needs Go) or set TEMPORAL_CLI_PATH to a ' +
        'temporal binary, e.g. TEMPORAL_CLI_PATH=/usr/local/bin/temporal.',
    );
  }
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--namespace',
    namespace,
    '--log-level',
    'error',
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...ALL_SEARCH_ATTRIBUTES.flatMap(({ name, type }) => [
      '--search-attribute',
      `${name}=${SEARCH_ATTRIBUTE_TYPE_NAMES[type] ?? type}`,
    ]),
  ];
  const child = spawnSupervised(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = captureStderr(child);
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child, stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    stop: () => stopChild(child),
  };
}

async function waitUntilServing(
  address: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`temporal dev server exited with code ${child.exitCode}: ${stderr()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 500 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`temporal dev server at ${address} did not become ready: ${stderr()}`);
}
