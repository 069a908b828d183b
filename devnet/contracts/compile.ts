/**
 * Compiles the devnet's Solidity sources with solc-js from npm (no compiler download) and caches
 * the artifacts by a hash of the sources, the compiler version and the settings, so a second call
 * with unchanged sources reads one JSON file.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export interface ContractArtifact {
  abi: readonly Record<string, unknown>[];
  bytecode: string;
}

export type Artifacts = Readonly<Record<string, ContractArtifact>>;

interface Solc {
  version(): string;
  compile(input: string): string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONTRACTS_SOURCE_DIR = path.join(here, 'src');
const BUILD_DIR = path.join(here, 'build');

const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  viaIR: false,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const;

function loadSolc(): Solc {
  return createRequire(import.meta.url)('solc') as Solc;
}

/** Every `.sol` file below `dir`, keyed by its path relative to `dir` (forward slashes). */
export function readSources(dir: string = CONTRACTS_SOURCE_DIR): Record<string, string> {
  const sources: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sol')) {
        sources[path.relative(dir, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(dir);
  return sources;
}

/** Compiles `sources` (path → text); throws with every compiler error when any is fatal. */
export function compileSources(sources: Readonly<Record<string, string>>): Artifacts {
  const solc = loadSolc();
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([p, content]) => [p, { content }])),
    settings: SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<
      string,
      Record<string, { abi: Record<string, unknown>[]; evm: { bytecode: { object: string } } }>
    >;
  };
  const fatal = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (fatal.length > 0) {
    throw new Error(
      `solc ${solc.version()} failed:\n${fatal.map((e) => e.formattedMessage).join('\n')}`,
    );
  }
  const artifacts: Record<string, ContractArtifact> = {};
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, contract] of Object.entries(contracts)) {
      if (artifacts[name]) {
        throw new Error(`contract name ${name} is defined twice (second in ${file})`);
      }
      artifacts[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
    }
  }
  return artifacts;
}

/** Compiles the devnet contracts, or reads the cached artifacts when nothing changed. */
export function compileDevnetContracts(dir: string = CONTRACTS_SOURCE_DIR): Artifacts {
  const sources = readSources(dir);
  const key = createHash('sha256')
    .update(loadSolc().version())
    .update(JSON.stringify(SETTINGS))
    .update(JSON.stringify(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(BUILD_DIR, `artifacts-${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Artifacts;
  const artifacts = compileSources(sources);
  mkdirSync(BUILD_DIR, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(artifacts));
  renameSync(tmp, cached);
  return artifacts;
}

/** The artifact named `name`, or an error listing what exists. */
export function artifact(artifacts: Artifacts, name: string): ContractArtifact {
  const found = artifacts[name];
  if (!found) {
    throw new Error(`no compiled contract ${name}; have ${Object.keys(artifacts).join(', ')}`);
  }
  return found;
}
