import { readFile } from 'node:fs/promises';

import { DvtError } from '../../domain/errors.js';

export interface ResolveSecretParameters {
  /** Human name of the secret for error messages, e.g. `DVT_KEYSTORE_PASSWORD`. */
  name: string;
  /** The secret given directly (an environment variable or a prompt answer). */
  value?: string | undefined;
  /** A file holding the secret (the `*_FILE` convention, e.g. a Docker or Kubernetes secret). */
  file?: string | undefined;
}

/**
 * Resolves a secret from exactly one of a value or a file. Leading and trailing whitespace is never
 * part of the secret, whichever the source: editors and `echo` end a file with a newline, and a
 * Kubernetes secret mounted as a variable keeps it. `dvt-router keys import` applies the same rule,
 * so a password works the same from a prompt, a file or the environment.
 *
 * Idempotent (reads only). Errors: `ERR_CONFIG` when both or neither source is given, when the
 * file cannot be read, or when the secret is empty. Messages name the source, never the secret.
 */
export async function resolveSecret({
  name,
  value,
  file,
}: ResolveSecretParameters): Promise<string> {
  if (value !== undefined && file !== undefined) {
    throw new DvtError('ERR_CONFIG', `Set either ${name} or ${name}_FILE, not both.`, {
      details: { secret: name },
    });
  }
  let secret: string;
  if (file !== undefined) {
    try {
      secret = (await readFile(file, 'utf8')).trim();
    } catch (cause) {
      throw new DvtError('ERR_CONFIG', `Cannot read ${name}_FILE at ${file}.`, {
        details: { secret: name, file },
        cause,
        hint: 'Check the path and that the worker may read it.',
      });
    }
  } else if (value !== undefined) {
    secret = value.trim();
  } else {
    throw new DvtError('ERR_CONFIG', `${name} is not set.`, {
      details: { secret: name },
      hint: `Set ${name}_FILE to a file holding it (e.g. /run/secrets/keystore-password) or ${name}.`,
    });
  }
  if (secret.length === 0) {
    throw new DvtError('ERR_CONFIG', `${name} is empty.`, { details: { secret: name } });
  }
  return secret;
}
