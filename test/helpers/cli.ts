import type { SecretInput } from '../../client/key-import-secrets.js';
import { runCli } from '../../client/cli.js';

/** What one in-process run of the dvt-router CLI printed, and its exit code. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the dvt-router CLI in this process with `args`, capturing stdout and stderr line by line;
 * `secrets` replaces the terminal and environment `keys import` would read.
 */
export async function runCliCaptured(
  args: readonly string[],
  secrets?: SecretInput,
): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'dvt-router', ...args], {
    out: (text) => (out += `${text}\n`),
    err: (text) => (err += `${text}\n`),
    ...(secrets ? { secrets } : {}),
  });
  return { code, out, err };
}
