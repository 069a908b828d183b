import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT, exitCodeOf, runCli } from '../../../client/cli.js';
import { DvtError } from '../../../domain/errors.js';
import { loadConfig } from '../../../worker/config.js';

const MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video ' +
  'luggage awful next trophy engine forest price average husband exotic';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'dvt-router', ...args], {
    out: (s) => (out += `${s}\n`),
    err: (s) => (err += `${s}\n`),
  });
  return { code, out, err };
}

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'dvt-cli-'));

describe('dvt-router CLI', () => {
  it('prints help listing every command', async () => {
    const { code, out } = await run();
    expect(code).toBe(EXIT.ok);
    for (const command of [
      'init',
      'keys',
      'temporal',
      'status',
      'validators',
      'exit',
      'migrate',
      'pause',
      'resume',
      'worker',
      'codec-server',
    ]) {
      expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('init writes a commented config that loads, and refuses to overwrite it', async () => {
    const file = path.join(tmp(), 'dvt-router.yaml');
    const first = await run('init', '--network', 'mainnet', '--out', file);
    expect(first.code).toBe(EXIT.ok);
    expect(readFileSync(file, 'utf8')).toMatch(/^# /m);
    const config = loadConfig({}, { file });
    expect(config.DVT_NETWORK).toBe('mainnet');

    const again = await run('init', '--network', 'mainnet', '--out', file);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err).toContain(`${file} exists.`);
    expect((await run('init', '--network', 'mainnet', '--out', file, '--force')).code).toBe(
      EXIT.ok,
    );
  });

  it('init for hoodi takes the pool address the preset lacks', async () => {
    const file = path.join(tmp(), 'hoodi.yaml');
    const pool = '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0';
    expect((await run('init', '-n', 'hoodi', '-o', file, '--pool-storage', pool)).code).toBe(0);
    expect(loadConfig({}, { file }).DVT_POOL_STORAGE).toBe(pool);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await run('init', '--network', 'goerli')).code).toBe(EXIT.usage);
    expect((await run('frobnicate')).code).toBe(EXIT.usage);
    const pause = await run('pause');
    expect(pause.code).toBe(EXIT.usage);
    expect(pause.err).toContain('Name validators or pass --all.');
    const migrate = await run('migrate', '3', '--avoid', 'one,two');
    expect(migrate.code).toBe(EXIT.usage);
  });

  it('keys import writes a key store from files, never echoing the mnemonic', async () => {
    const dir = tmp();
    const mnemonicFile = path.join(dir, 'mnemonic');
    const passwordFile = path.join(dir, 'password');
    const out = path.join(dir, 'keystore.json');
    writeFileSync(mnemonicFile, `${MNEMONIC}\n`);
    writeFileSync(passwordFile, 'correct horse battery staple\n');
    const args = ['--mnemonic-file', mnemonicFile, '--password-file', passwordFile, '--out', out];

    const imported = await run('--json', 'keys', 'import', ...args);
    expect(imported.code).toBe(EXIT.ok);
    expect(JSON.parse(imported.out)).toMatchObject({
      file: out,
      pubkey0: expect.stringMatching(/^0x[0-9a-f]{96}$/) as unknown,
    });
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).not.toContain('museum');

    const twice = await run('keys', 'import', ...args);
    expect(twice.code).toBe(EXIT.failed);

    writeFileSync(mnemonicFile, MNEMONIC.replace('exotic', 'zebra'));
    const bad = await run(
      'keys',
      'import',
      ...args.slice(0, 4),
      '--out',
      path.join(dir, 'k2.json'),
    );
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).not.toContain('museum');
  }, 60_000);

  it('maps errors to exit codes scripts can trust', () => {
    expect(exitCodeOf(new DvtError('ERR_CONFIG', 'x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new DvtError('ERR_INVALID_INPUT', 'x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new DvtError('ERR_UPSTREAM_UNAVAILABLE', 'x'))).toBe(EXIT.unavailable);
    expect(exitCodeOf(new DvtError('ERR_NOT_FOUND', 'x'))).toBe(EXIT.failed);
    expect(exitCodeOf(new Error('14 UNAVAILABLE: connect ECONNREFUSED'))).toBe(EXIT.unavailable);
    expect(exitCodeOf(new Error('boom'))).toBe(EXIT.failed);
  });
});
