import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SUPERVISOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'supervise.cjs');

/**
 * Spawns `command` under devnet/supervise.cjs, which stops it when this process dies, even by
 * SIGKILL. stdio is piped as requested; signals sent to the returned child are forwarded.
 */
export function spawnSupervised(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(process.execPath, [SUPERVISOR, command, ...args], options);
}

/**
 * Keeps the first and the last `limit` characters a child wrote to stderr, for start-up error
 * messages (a panic's cause is at its head, its stack at its tail).
 */
export function captureStderr(child: ChildProcess, limit = 2000): () => string {
  let head = '';
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (head.length < limit) head += text.slice(0, limit - head.length);
    tail = (tail + text).slice(-limit);
  });
  return () => (head.length < limit ? head : `${head}\n…\n${tail}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
