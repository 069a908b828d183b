/**
 * scripts/install-temporal-tools.sh on a machine without Go, Maven or Java (a PATH holding only
 * the commands the script itself needs), with an empty tools cache.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../scripts/install-temporal-tools.sh',
);
const dir = mkdtempSync(path.join(tmpdir(), 'dvt-install-tools-'));
const bin = path.join(dir, 'bin');
const BASH = execFileSync('bash', ['-c', 'command -v bash']).toString().trim();

beforeAll(() => {
  mkdirSync(bin);
  for (const tool of ['dirname', 'mkdir']) {
    const found = execFileSync('bash', ['-c', `command -v ${tool}`])
      .toString()
      .trim();
    symlinkSync(found, path.join(bin, tool));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function install(...args: string[]): { status: number | null; output: string } {
  const env: Record<string, string> = { PATH: bin, DVT_TOOLS_DIR: path.join(dir, 'tools') };
  const result = spawnSync(BASH, [SCRIPT, ...args], { env, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('install-temporal-tools.sh without Go', () => {
  it('warns that the devnet will try the SDK download, and says how to avoid it', () => {
    const { status, output } = install('--cli-only');
    expect(status).toBe(0);
    expect(output).toContain(
      "[temporal-tools] go not found: the devnet and the dev-server tests will try the SDK's " +
        'download of the Temporal CLI v1.5.1 (needs internet); to stay on the registries ' +
        'install Go and run `npm run tools`, or set TEMPORAL_CLI_PATH',
    );
  });

  it('leaves the Java test server alone with --cli-only (the devnet’s set-up)', () => {
    expect(install('--cli-only').output).not.toContain('test server');
    expect(install().output).toContain('mvn/java not found');
  });

  it('refuses an unknown argument', () => {
    const { status, output } = install('--everything');
    expect(status).toBe(2);
    expect(output).toContain('usage: install-temporal-tools.sh [--cli-only]');
  });
});
