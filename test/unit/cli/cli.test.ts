import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import prompts from 'prompts';
import { bip39Seed } from '../../../activities/keys/bip39-seed.js';
import { openMnemonicKeyStore } from '../../../activities/keys/mnemonic-key-store.js';
import { EXIT, exitCodeOf } from '../../../client/cli.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { askHidden, type SecretInput } from '../../../client/key-import-secrets.js';
import { DvtError } from '../../../domain/errors.js';
import { loadConfig } from '../../../worker/config.js';

const MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video ' +
  'luggage awful next trophy engine forest price average husband exotic';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runWith(undefined, ...args);
}

/** Runs the CLI with `secrets` as what `keys import` may read besides files. */
const runWith = (secrets: SecretInput | undefined, ...args: string[]): Promise<CliRun> =>
  runCliCaptured(args, secrets);

/** No terminal: prompting is impossible and must not be tried. */
const noTerminal = (env: Record<string, string> = {}): SecretInput => ({
  env,
  interactive: false,
  askHidden: () => Promise.reject(new Error('must not prompt without a terminal')),
});

/** A terminal whose person types `answers` in order; `asked` records the questions. */
function typing(...answers: Array<string | undefined>): SecretInput & { asked: string[] } {
  const asked: string[] = [];
  return {
    env: {},
    interactive: true,
    asked,
    askHidden: (question) => {
      asked.push(question);
      return Promise.resolve(answers.shift());
    },
  };
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
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

  describe('keys import without files', () => {
    const PASSWORD = 'automation password 7';
    const PROMPTED = 'typed at the prompt 9';
    let dir: string;
    let envStore: string;
    let promptStore: string;
    let results: Array<{ code: number; out: string; err: string }>;

    // Both imports run with the temporary directory as working directory, TMPDIR and HOME, so any
    // stray file they wrote would land under it; the relative --out puts the key stores there too.
    beforeAll(async () => {
      dir = tmp();
      mkdirSync(path.join(dir, 'env'));
      mkdirSync(path.join(dir, 'prompt'));
      const saved = { cwd: process.cwd(), TMPDIR: process.env.TMPDIR, HOME: process.env.HOME };
      process.chdir(dir);
      process.env.TMPDIR = dir;
      process.env.HOME = dir;
      try {
        const fromEnv = await runWith(
          noTerminal({ DVT_MNEMONIC: `  ${MNEMONIC}\n`, DVT_KEYSTORE_PASSWORD: PASSWORD }),
          '--json',
          'keys',
          'import',
          '--out',
          'env/keystore.json',
        );
        // The real prompt (prompts, password type), answered by injection: mnemonic, password twice.
        prompts.inject([MNEMONIC, PROMPTED, PROMPTED]);
        const fromPrompt = await runWith(
          { env: {}, interactive: true, askHidden },
          '--json',
          'keys',
          'import',
          '-o',
          'prompt/keystore.json',
        );
        results = [fromEnv, fromPrompt];
      } finally {
        process.chdir(saved.cwd);
        for (const name of ['TMPDIR', 'HOME'] as const) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
      }
      envStore = path.join(dir, 'env', 'keystore.json');
      promptStore = path.join(dir, 'prompt', 'keystore.json');
    }, 120_000);

    it('imports from DVT_MNEMONIC and DVT_KEYSTORE_PASSWORD, and from hidden prompts', async () => {
      expect(results.map((r) => r.code)).toEqual([EXIT.ok, EXIT.ok]);
      const pubkeys = results.map((r) => (JSON.parse(r.out) as { pubkey0: string }).pubkey0);
      expect(pubkeys[0]).toMatch(/^0x[0-9a-f]{96}$/);
      expect(pubkeys[1]).toBe(pubkeys[0]);
      // Each key store opens with the password its path gave, and derives that validator 0.
      for (const [file, password] of [
        [envStore, PASSWORD],
        [promptStore, PROMPTED],
      ] as const) {
        const source = await openMnemonicKeyStore({ file, password });
        expect(await source.deriveSigningKey(0)).toHaveLength(32);
      }
      for (const r of results) expect(`${r.out}${r.err}`).not.toContain('museum');
    }, 60_000);

    it('leaves the mnemonic, any 3 of its words in a row, and the seed in no file at all', () => {
      const files = filesUnder(dir);
      // Exactly the two key stores were written: the scan below covers what the imports wrote.
      expect(files.map((f) => path.relative(dir, f)).sort()).toEqual([
        path.join('env', 'keystore.json'),
        path.join('prompt', 'keystore.json'),
      ]);
      const words = MNEMONIC.split(' ');
      const seed = bip39Seed(MNEMONIC);
      const forbidden = [
        MNEMONIC,
        ...words.slice(2).map((_, i) => words.slice(i, i + 3).join(' ')),
        seed.toString('hex'),
        seed.toString('base64'),
        PASSWORD,
        PROMPTED,
      ];
      for (const file of files) {
        const text = readFileSync(file, 'utf8').toLowerCase();
        for (const secret of forbidden) {
          expect([file, text.includes(secret.toLowerCase())]).toEqual([file, false]);
        }
        // Not even a 16-hex-digit slice of the seed: the key store holds ciphertext only.
        const seedHex = seed.toString('hex');
        for (let i = 0; i + 16 <= seedHex.length; i += 16) {
          expect([file, text.includes(seedHex.slice(i, i + 16))]).toEqual([file, false]);
        }
      }
    });
  });

  it('keys import without a file, a variable or a terminal is a usage error naming the three ways', async () => {
    const dir = tmp();
    const out = path.join(dir, 'keystore.json');
    const noMnemonic = await runWith(noTerminal(), 'keys', 'import', '--out', out);
    expect(noMnemonic.code).toBe(EXIT.usage);
    expect(noMnemonic.err.trim()).toBe(
      'error: No mnemonic given. Pass --mnemonic-file <file>, set DVT_MNEMONIC (for automation), or run the command in a terminal to type it at a hidden prompt.',
    );
    const noPassword = await runWith(
      noTerminal({ DVT_MNEMONIC: MNEMONIC }),
      'keys',
      'import',
      '--out',
      out,
    );
    expect(noPassword.code).toBe(EXIT.usage);
    expect(noPassword.err.trim()).toBe(
      'error: No key store password given. Pass --password-file <file>, set DVT_KEYSTORE_PASSWORD (for automation), or run the command in a terminal to type it at a hidden prompt.',
    );
    expect(noPassword.err).not.toContain('museum');
    expect(existsSync(out)).toBe(false);
  });

  it('keys import refuses two different prompted passwords, an empty one and a cancelled prompt', async () => {
    const out = path.join(tmp(), 'keystore.json');
    const differ = typing(MNEMONIC, 'first password', 'second password');
    const mismatch = await runWith(differ, 'keys', 'import', '--out', out);
    expect(mismatch.code).toBe(EXIT.usage);
    expect(mismatch.err.trim()).toBe(
      'error: The two key store passwords differ. Run the command again and type the same password twice.',
    );
    expect(differ.asked).toEqual([
      'Mnemonic (12 to 24 words; input hidden)',
      'Key store password (input hidden)',
      'Key store password again',
    ]);
    expect(mismatch.err).not.toMatch(/first|second/);

    const empty = await runWith(typing(MNEMONIC, '  '), 'keys', 'import', '--out', out);
    expect(empty.code).toBe(EXIT.usage);
    expect(empty.err).toContain('error: The key store password typed is empty.');

    // Ctrl-C at the real prompt: prompts reports the abort, the command stops without a file.
    prompts.inject([new Error('aborted')]);
    const cancelled = await runWith(
      { env: {}, interactive: true, askHidden },
      'keys',
      'import',
      '--out',
      out,
    );
    expect(cancelled.code).toBe(EXIT.usage);
    expect(cancelled.err.trim()).toBe('error: Cancelled: no mnemonic was typed.');
    expect(existsSync(out)).toBe(false);
  });

  it('keys import checks a typed mnemonic before asking for the password, without echoing it', async () => {
    const typo = typing(MNEMONIC.replace('exotic', 'zebra'), 'never asked');
    const bad = await runWith(typo, 'keys', 'import', '--out', path.join(tmp(), 'k.json'));
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err.trim()).toBe(
      'error: The mnemonic is not a valid BIP-39 English phrase. Check the word count, the spelling and the word order.',
    );
    expect(typo.asked).toHaveLength(1);
  });

  it('keys import prefers the option files over the variables', async () => {
    const dir = tmp();
    const passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, 'from the file\n');
    const out = path.join(dir, 'keystore.json');
    const imported = await runWith(
      noTerminal({ DVT_MNEMONIC: MNEMONIC, DVT_KEYSTORE_PASSWORD: 'from the environment' }),
      'keys',
      'import',
      '--password-file',
      passwordFile,
      '--out',
      out,
    );
    expect(imported.code).toBe(EXIT.ok);
    await expect(openMnemonicKeyStore({ file: out, password: 'from the file' })).resolves.toEqual(
      expect.objectContaining({ deriveSigningKey: expect.any(Function) as unknown }),
    );
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
