/**
 * Reading the deployment files of the repository for the deploy checks: nothing here builds or
 * starts a container (there is no Docker engine in CI); the files are parsed and checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function repoPath(relative: string): string {
  return path.join(repoRoot, relative);
}

export function repoFileExists(relative: string): boolean {
  return existsSync(repoPath(relative));
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** Parses a YAML file of the repository; anchors and aliases are resolved, merge keys are not. */
export function readRepoYaml(relative: string): unknown {
  return parse(readRepoFile(relative));
}

export function packageVersion(): string {
  return (JSON.parse(readRepoFile('package.json')) as { version: string }).version;
}

/** A Go-style duration as Compose and Prometheus write them (`60s`, `1m30s`, `10m`), in ms. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`"${text}" is not a duration like 60s or 1m30s`);
  }
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (units[unit ?? ''] ?? 0), 0);
}
