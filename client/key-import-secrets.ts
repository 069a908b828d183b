/**
 * Where `dvt-router keys import` gets the mnemonic and the key store password, in this order: a
 * file named by an option; else an environment variable (`DVT_MNEMONIC`, `DVT_KEYSTORE_PASSWORD`;
 * for automation); else a hidden prompt when a person is at a terminal. Never from an argument.
 * Leading and trailing whitespace is never part of a secret (as in the worker's `resolveSecret`),
 * and no message here repeats one.
 */
import { readFile } from 'node:fs/promises';
import prompts from 'prompts';
import { normalizeMnemonic } from '../activities/keys/mnemonic-key-store.js';
import { DvtError } from '../domain/errors.js';

/** The environment variable `keys import` reads the mnemonic from (automation only). */
export const MNEMONIC_ENV = 'DVT_MNEMONIC';
/** The environment variable `keys import` and the worker read the key store password from. */
export const PASSWORD_ENV = 'DVT_KEYSTORE_PASSWORD';

/** What `keys import` may read besides its option files; tests pass their own. */
export interface SecretInput {
  /** Holds {@link MNEMONIC_ENV} and {@link PASSWORD_ENV} when they are set (`process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a person can answer a prompt: stdin is a terminal. */
  interactive: boolean;
  /** Asks for a hidden answer; `undefined` when the person cancels (Ctrl-C, Esc). */
  askHidden: (message: string) => Promise<string | undefined>;
}

/**
 * Asks with a masked `prompts` password prompt on stderr, so `--json` output on stdout stays
 * clean. Tests answer it with `prompts.inject`.
 */
export async function askHidden(message: string): Promise<string | undefined> {
  const answers = await prompts({
    type: 'password',
    name: 'value',
    message,
    stdout: process.stderr,
  });
  const value: unknown = answers.value;
  return typeof value === 'string' ? value : undefined;
}

/** The process's terminal and environment. */
export function terminalSecretInput(): SecretInput {
  return { env: process.env, interactive: process.stdin.isTTY === true, askHidden };
}

/** Options of `keys import` that name secret files. */
export interface ImportSecretOptions {
  mnemonicFile?: string | undefined;
  passwordFile?: string | undefined;
}

/** The resolved secrets; the caller passes them to `importMnemonic` and keeps them nowhere. */
export interface ImportSecrets {
  /** Single-spaced, checked BIP-39 phrase. */
  mnemonic: string;
  password: string;
}

/**
 * Resolves the mnemonic (checked before the password is asked for, so a typo fails early) and the
 * password. A prompted password is asked twice and must match.
 *
 * Errors, all `ERR_INVALID_INPUT` (exit 2): no source and no terminal (naming the three ways), an
 * unreadable or empty file, an empty answer or variable, a cancelled prompt, two different
 * passwords, an invalid mnemonic. The messages never contain a secret.
 */
export async function resolveImportSecrets(
  options: ImportSecretOptions,
  input: SecretInput,
): Promise<ImportSecrets> {
  const mnemonic = normalizeMnemonic(
    await resolveOne(options.mnemonicFile, input, {
      what: 'mnemonic',
      option: '--mnemonic-file',
      variable: MNEMONIC_ENV,
      question: 'Mnemonic (12 to 24 words; input hidden)',
    }),
  );
  const password = await resolveOne(options.passwordFile, input, {
    what: 'key store password',
    option: '--password-file',
    variable: PASSWORD_ENV,
    question: 'Key store password (input hidden)',
    confirm: 'Key store password again',
  });
  return { mnemonic, password };
}

interface SecretSource {
  what: string;
  option: string;
  variable: string;
  question: string;
  /** A second question whose answer must match the first. */
  confirm?: string;
}

async function resolveOne(
  file: string | undefined,
  input: SecretInput,
  source: SecretSource,
): Promise<string> {
  if (file !== undefined) return readSecretFile(file, source);
  const fromEnv = input.env[source.variable];
  if (fromEnv !== undefined && fromEnv !== '') {
    return nonEmpty(fromEnv, `${source.variable} holds only whitespace.`, source);
  }
  if (!input.interactive) {
    throw new DvtError('ERR_INVALID_INPUT', `No ${source.what} given.`, {
      hint:
        `Pass ${source.option} <file>, set ${source.variable} (for automation), or run ` +
        'the command in a terminal to type it at a hidden prompt.',
    });
  }
  const answer = await ask(input, source.question, source);
  if (source.confirm !== undefined && (await ask(input, source.confirm, source)) !== answer) {
    throw new DvtError('ERR_INVALID_INPUT', `The two ${source.what}s differ.`, {
      hint: 'Run the command again and type the same password twice.',
    });
  }
  return answer;
}

async function ask(input: SecretInput, question: string, source: SecretSource): Promise<string> {
  const answer = await input.askHidden(question);
  if (answer === undefined) {
    throw new DvtError('ERR_INVALID_INPUT', `Cancelled: no ${source.what} was typed.`);
  }
  return nonEmpty(answer, `The ${source.what} typed is empty.`, source);
}

function nonEmpty(value: string, message: string, source: SecretSource): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    throw new DvtError('ERR_INVALID_INPUT', message, {
      hint: `Give the ${source.what} by ${source.option}, ${source.variable} or the prompt.`,
    });
  }
  return trimmed;
}

async function readSecretFile(file: string, source: SecretSource): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    // The file's content never reaches the message; its path does.
    text = '';
  }
  if (text.trim() === '') {
    throw new DvtError('ERR_INVALID_INPUT', `Cannot read the ${source.what} from ${file}.`, {
      hint: `Point ${source.option} at a readable, non-empty file holding the ${source.what}.`,
    });
  }
  return text.trim();
}
