import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { DvtError } from '../../../domain/errors.js';
import {
  startDevServerWithSdk,
  startTemporalDevServer,
  type DevServerLaunch,
  type DevServerLaunchers,
  type TemporalDevServer,
} from '../../../devnet/temporal-dev-server.js';
import { TEMPORAL_CLI_VERSION } from '../../../devnet/temporal-tools.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../workflows/definitions.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A tools dir with (or without) a cached CLI. */
function toolsDir(withCli: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvt-devserver-tools-'));
  dirs.push(dir);
  if (withCli) {
    const cli = path.join(dir, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
    mkdirSync(path.dirname(cli), { recursive: true });
    writeFileSync(cli, '');
  }
  return dir;
}

type Call = { via: 'binary'; cli: string } | { via: 'sdkDownload'; executable: unknown };

function recordingLaunchers(): { calls: Call[]; launchers: DevServerLaunchers } {
  const calls: Call[] = [];
  const handle = (launch: DevServerLaunch): TemporalDevServer => ({
    address: `127.0.0.1:${launch.port}`,
    uiUrl: `http://127.0.0.1:${launch.uiPort}`,
    namespace: launch.namespace,
    stop: () => Promise.resolve(),
  });
  return {
    calls,
    launchers: {
      binary: (cli, launch) => {
        calls.push({ via: 'binary', cli });
        return Promise.resolve(handle(launch));
      },
      sdkDownload: (executable, launch) => {
        calls.push({ via: 'sdkDownload', executable });
        return Promise.resolve(handle(launch));
      },
    },
  };
}

const launch: DevServerLaunch = { port: 17233, uiPort: 18233, namespace: 'default' };

/** The error the SDK 1.24 reports when it cannot reach temporal.download (recorded offline). */
const OFFLINE_DOWNLOAD_ERROR =
  'Failed to start ephemeral server: failed to download ephemeral server executable: error ' +
  'sending request for url (https://temporal.download/cli/v1.5.1?arch=amd64&platform=linux&' +
  'format=tar.gz): client error (Connect): dns error: failed to lookup address information: ' +
  'Name or service not known';

describe('which Temporal CLI the dev server runs', () => {
  it('runs the cached install when there is one', async () => {
    const dir = toolsDir(true);
    const { calls, launchers } = recordingLaunchers();
    const server = await startTemporalDevServer(
      { port: 17233, uiPort: 18233 },
      { env: { DVT_TOOLS_DIR: dir }, launchers },
    );
    expect(calls).toEqual([
      { via: 'binary', cli: path.join(dir, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal') },
    ]);
    expect(server).toMatchObject({
      address: '127.0.0.1:17233',
      uiUrl: 'http://127.0.0.1:18233',
      namespace: 'default',
    });
  });

  it('runs TEMPORAL_CLI_PATH over the cached install', async () => {
    const { calls, launchers } = recordingLaunchers();
    await startTemporalDevServer(
      {},
      { env: { DVT_TOOLS_DIR: toolsDir(true), TEMPORAL_CLI_PATH: '/opt/temporal' }, launchers },
    );
    expect(calls).toEqual([{ via: 'binary', cli: '/opt/temporal' }]);
  });

  it("falls back to the SDK's download of the pinned CLI version when neither exists", async () => {
    const { calls, launchers } = recordingLaunchers();
    await startTemporalDevServer({}, { env: { DVT_TOOLS_DIR: toolsDir(false) }, launchers });
    expect(calls).toEqual([
      {
        via: 'sdkDownload',
        executable: { type: 'cached-download', version: TEMPORAL_CLI_VERSION },
      },
    ]);
  });

  it('does not retry a failed download on other ports', async () => {
    let attempts = 0;
    const launchers: DevServerLaunchers = {
      binary: () => Promise.reject(new Error('a binary must not be run')),
      sdkDownload: (executable, settled) => {
        attempts++;
        return startDevServerWithSdk(executable, settled, () =>
          Promise.reject(new Error(OFFLINE_DOWNLOAD_ERROR)),
        );
      },
    };
    await expect(
      startTemporalDevServer({}, { env: { DVT_TOOLS_DIR: toolsDir(false) }, launchers }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    expect(attempts).toBe(1);
  });

  it('names TEMPORAL_CLI_PATH when it points at nothing, without starting anything', async () => {
    const error = await startTemporalDevServer(
      { port: 17233, uiPort: 18233 },
      { env: { TEMPORAL_CLI_PATH: '/nonexistent/dvt-temporal' } },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DvtError);
    expect((error as DvtError).code).toBe('ERR_CONFIG');
    expect((error as DvtError).message).toBe(
      'The Temporal CLI /nonexistent/dvt-temporal does not exist. Install Go and run ' +
        '`npm run tools` (it installs the Temporal CLI from the Go module proxy into .tools/), ' +
        'or set TEMPORAL_CLI_PATH to a temporal binary, e.g. ' +
        'TEMPORAL_CLI_PATH=/usr/local/bin/temporal.',
    );
  });
});

describe("the dev server through the SDK's download", () => {
  it('asks the SDK for the dev server the devnet needs: ports, UI, database, search attributes', async () => {
    const seen: LocalTestWorkflowEnvironmentOptions[] = [];
    let teardowns = 0;
    const server = await startDevServerWithSdk(
      { type: 'cached-download', version: TEMPORAL_CLI_VERSION },
      { ...launch, namespace: 'devnet', dbFile: '/tmp/devnet/temporal.db' },
      (options) => {
        seen.push(options);
        return Promise.resolve({
          address: '127.0.0.1:17233',
          teardown: () => {
            teardowns++;
            return Promise.resolve();
          },
        });
      },
    );
    expect(seen).toEqual([
      {
        server: {
          executable: { type: 'cached-download', version: TEMPORAL_CLI_VERSION },
          ip: '127.0.0.1',
          port: 17233,
          ui: true,
          uiPort: 18233,
          namespace: 'devnet',
          dbFilename: '/tmp/devnet/temporal.db',
          searchAttributes: ALL_SEARCH_ATTRIBUTES,
          log: { format: 'pretty', level: 'error' },
        },
      },
    ]);
    expect(server).toMatchObject({
      address: '127.0.0.1:17233',
      uiUrl: 'http://127.0.0.1:18233',
      namespace: 'devnet',
    });
    await server.stop();
    await server.stop();
    expect(teardowns).toBe(1);
  });

  it('says how to install the CLI when the download fails', async () => {
    const error = await startDevServerWithSdk(
      { type: 'cached-download', version: TEMPORAL_CLI_VERSION },
      launch,
      () => Promise.reject(new Error(OFFLINE_DOWNLOAD_ERROR)),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DvtError);
    expect((error as DvtError).code).toBe('ERR_CONFIG');
    expect((error as DvtError).message).toBe(
      'No Temporal CLI is installed (.tools/ or DVT_TOOLS_DIR) and TEMPORAL_CLI_PATH is unset, ' +
        `and the SDK could not download the Temporal CLI v1.5.1: ${OFFLINE_DOWNLOAD_ERROR}. ` +
        'Install Go and run `npm run tools` (it installs the Temporal CLI from the Go module ' +
        'proxy into .tools/), or set TEMPORAL_CLI_PATH to a temporal binary, e.g. ' +
        'TEMPORAL_CLI_PATH=/usr/local/bin/temporal.',
    );
  });

  it('passes other start-up failures through unchanged, so that fresh ports are tried', async () => {
    const timeout = new Error('ephemeral server at 127.0.0.1:17233 did not start within 30s');
    await expect(
      startDevServerWithSdk({ type: 'cached-download' }, launch, () => Promise.reject(timeout)),
    ).rejects.toBe(timeout);
  });
});
