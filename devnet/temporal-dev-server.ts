/**
 * Runs the Temporal dev server (with its Web UI) on 127.0.0.1, with the project's search
 * attributes registered, and stops it with the parent. The Temporal CLI is the cached install
 * (.tools/) or TEMPORAL_CLI_PATH, run as a supervised child; with neither, the SDK downloads the
 * same CLI version into the OS temp dir and runs it (needs internet).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import {
  TestWorkflowEnvironment,
  type EphemeralServerExecutable,
  type LocalTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';
import { DvtError } from '../domain/errors.js';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/definitions.js';
import { devServerExecutable, type ToolsEnv } from './temporal-tools.js';
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

/** The options with ports and namespace settled, as a launcher receives them. */
export interface DevServerLaunch {
  port: number;
  uiPort: number;
  namespace: string;
  dbFile?: string;
}

/** The SDK's download of the Temporal CLI. */
export type CachedDownloadExecutable = Extract<
  EphemeralServerExecutable,
  { type: 'cached-download' }
>;

/** The two ways to run the dev server; injectable so that the choice between them is testable. */
export interface DevServerLaunchers {
  /** Runs a Temporal CLI binary (the cache or TEMPORAL_CLI_PATH) as a supervised child. */
  binary(cliPath: string, launch: DevServerLaunch): Promise<TemporalDevServer>;
  /** Has the SDK download the Temporal CLI (needs internet) and run it. */
  sdkDownload(
    executable: CachedDownloadExecutable,
    launch: DevServerLaunch,
  ): Promise<TemporalDevServer>;
}

export interface StartTemporalDevServerDeps {
  /** Where the CLI is looked up (TEMPORAL_CLI_PATH, DVT_TOOLS_DIR); process.env by default. */
  env?: ToolsEnv;
  launchers?: DevServerLaunchers;
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

const HOW_TO_INSTALL =
  'Install Go and run `npm run tools` (it installs the Temporal CLI from the Go module proxy ' +
  'into .tools/), or set TEMPORAL_CLI_PATH to a temporal binary, e.g. ' +
  'TEMPORAL_CLI_PATH=/usr/local/bin/temporal.';

/**
 * Starts the dev server. When its ports were picked automatically and it fails to come up (a
 * port taken between probing and binding, by this or another run), it retries on fresh ports.
 * A missing CLI or a failed download (`ERR_CONFIG`) is not retried.
 */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions = {},
  deps: StartTemporalDevServerDeps = {},
): Promise<TemporalDevServer> {
  const executable = devServerExecutable(deps.env ?? process.env);
  const launchers = deps.launchers ?? defaultLaunchers;
  const fixedPorts = options.port !== undefined || options.uiPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const launch: DevServerLaunch = {
        port: options.port ?? (await freePort()),
        uiPort: options.uiPort ?? (await freePort()),
        namespace: options.namespace ?? 'default',
        ...(options.dbFile === undefined ? {} : { dbFile: options.dbFile }),
      };
      return executable.type === 'existing-path'
        ? await launchers.binary(executable.path, launch)
        : await launchers.sdkDownload(executable, launch);
    } catch (error) {
      const permanent = error instanceof DvtError && error.code === 'ERR_CONFIG';
      if (permanent || fixedPorts || attempt >= 3) throw error;
    }
  }
}

const defaultLaunchers: DevServerLaunchers = {
  binary: startBinary,
  sdkDownload: (executable, launch) => startDevServerWithSdk(executable, launch),
};

async function startBinary(cli: string, launch: DevServerLaunch): Promise<TemporalDevServer> {
  if (!existsSync(cli)) {
    throw new DvtError('ERR_CONFIG', `The Temporal CLI ${cli} does not exist.`, {
      details: { path: cli },
      hint: HOW_TO_INSTALL,
    });
  }
  const { port, uiPort, namespace } = launch;
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
    ...(launch.dbFile ? ['--db-filename', launch.dbFile] : []),
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

/** The part of the SDK's environment the dev server handle needs. */
export type LocalEnvironment = Pick<TestWorkflowEnvironment, 'address' | 'teardown'>;

/**
 * Starts the dev server through the SDK (`TestWorkflowEnvironment.createLocal`), which downloads
 * the CLI into the OS temp dir first (reused for a day). A failed download becomes `ERR_CONFIG`
 * saying how to install the CLI instead. The SDK spawns the server itself, so it is not under
 * devnet/supervise.cjs: `stop()` (the SDK's teardown) is what ends it.
 */
export async function startDevServerWithSdk(
  executable: CachedDownloadExecutable,
  launch: DevServerLaunch,
  createLocal: (options: LocalTestWorkflowEnvironmentOptions) => Promise<LocalEnvironment> = (
    options,
  ) => TestWorkflowEnvironment.createLocal(options),
): Promise<TemporalDevServer> {
  let env: LocalEnvironment;
  try {
    env = await createLocal({
      server: {
        executable,
        ip: '127.0.0.1',
        port: launch.port,
        ui: true,
        uiPort: launch.uiPort,
        namespace: launch.namespace,
        ...(launch.dbFile === undefined ? {} : { dbFilename: launch.dbFile }),
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!/download/i.test(reason)) throw error;
    const version = executable.version ?? 'default';
    throw new DvtError(
      'ERR_CONFIG',
      `No Temporal CLI is installed (.tools/ or DVT_TOOLS_DIR) and TEMPORAL_CLI_PATH is unset, ` +
        `and the SDK could not download the Temporal CLI ${version}: ${reason}.`,
      { details: { version }, hint: HOW_TO_INSTALL, cause: error },
    );
  }
  let stopped: Promise<void> | undefined;
  return {
    address: env.address,
    uiUrl: `http://127.0.0.1:${launch.uiPort}`,
    namespace: launch.namespace,
    stop: () => (stopped ??= env.teardown()),
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
