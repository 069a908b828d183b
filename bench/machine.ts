/**
 * The machine a benchmark ran on, and resource readings of processes from /proc (Linux): resident
 * memory and CPU time of a process and its descendants.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended (the machine is shared). */
  loadAverageAtStart: number;
  loadAverageAtEnd?: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function loadAverageNow(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** `git rev-parse --short HEAD`, plus `-dirty` when the work tree has changes. */
export function gitCommit(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd }).toString().trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

const PAGE_SIZE = 4096;
const CLOCK_TICKS = 100;

function readStat(pid: number): { ppid: number; cpuTicks: number; rssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start at the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(rest[1]),
      cpuTicks: Number(rest[11]) + Number(rest[12]),
      rssBytes: Number(rest[21]) * PAGE_SIZE,
    };
  } catch {
    return null;
  }
}

/** `pid` and every descendant (children of children…), from /proc. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    parents.set(stat.ppid, [...(parents.get(stat.ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    out.push(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return out;
}

/** Pids whose command line contains every one of `parts` (e.g. a server started on a port). */
export function findProcesses(parts: readonly string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((part) => cmdline.includes(part))) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/** Resident memory (bytes) and CPU time (seconds) of `pids`, summed. */
export function usage(pids: readonly number[]): { rssBytes: number; cpuSeconds: number } {
  let rssBytes = 0;
  let cpuTicks = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    rssBytes += stat.rssBytes;
    cpuTicks += stat.cpuTicks;
  }
  return { rssBytes, cpuSeconds: cpuTicks / CLOCK_TICKS };
}

/**
 * Samples `pids()` every `intervalMs` for `durationMs`: RSS in MiB at each sample (after the
 * first) and CPU use over each interval as a percentage of one core.
 */
export async function sampleUsage(
  pids: () => readonly number[],
  durationMs: number,
  intervalMs: number,
): Promise<{ rssMiB: number[]; cpuPercent: number[] }> {
  const rssMiB: number[] = [];
  const cpuPercent: number[] = [];
  let last = usage(pids());
  let lastAt = performance.now();
  const end = lastAt + durationMs;
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const now = usage(pids());
    const at = performance.now();
    rssMiB.push(now.rssBytes / 2 ** 20);
    cpuPercent.push(((now.cpuSeconds - last.cpuSeconds) / ((at - lastAt) / 1000)) * 100);
    last = now;
    lastAt = at;
  }
  return { rssMiB, cpuPercent };
}
