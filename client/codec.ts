/**
 * Encryption at rest: an AES-256-GCM payload codec with a key id, so the Temporal server (and its
 * database, backups and anyone reading histories) only ever holds ciphertext of workflow inputs,
 * results, activity arguments, memos, summaries and — through the failure converter — failure
 * messages and stack traces. It is a second line of defence: secrets never enter payloads at all
 * (STYLE.md rule 18).
 *
 * Encrypted payload layout (compatible with Temporal's encryption samples):
 * - metadata `encoding` = `binary/encrypted`, `encryption-key-id` = the keyring id of the key;
 * - data = 12-byte random IV ‖ AES-256-GCM ciphertext of the whole serialized Payload proto ‖
 *   16-byte GCM tag. No associated data.
 *
 * Rotation: encode always uses the keyring's `current` key; decode accepts every key the keyring
 * holds, so old keys stay in the keyring until every history encrypted with them is past
 * retention (docs/runbooks/codec-key-rotation.md).
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { DvtError } from '../domain/errors.js';

const { temporal } = proto;

/** `encoding` metadata of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the keyring id of the key that encrypted the payload. */
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
/** Key ids are safe in file names, logs and metadata. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const RUNBOOK = 'docs/runbooks/codec-key-rotation.md';

/**
 * The keys of the codec. Keys are node `KeyObject`s, so logging or JSON-serialising a keyring
 * never prints key material.
 */
export interface Keyring {
  /** Id of the key new payloads are encrypted with. */
  readonly current: string;
  /** Every key that may decrypt: the current one and older ones kept for older histories. */
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/** Where a keyring comes from: a file (a mounted secret) or an environment variable's value. */
export type KeyringSource =
  { file: string } | { envVar: string; env: Readonly<Record<string, string | undefined>> };

/**
 * The codec. Encode encrypts every payload with the current key and a fresh IV; decode decrypts
 * payloads marked `binary/encrypted` with the key their metadata names and passes every other
 * payload through unchanged (histories written before encryption was turned on stay readable).
 *
 * Decode throws `ERR_CONFIG` when the key id is not in the keyring and `ERR_INVALID_INPUT` when
 * the data was tampered with or is not this codec's layout.
 */
export function makeAesGcmCodec(keyring: Keyring): PayloadCodec {
  const currentKey = keyring.keys.get(keyring.current);
  if (currentKey === undefined) {
    throw new DvtError(
      'ERR_CONFIG',
      `The codec keyring has no key for current "${keyring.current}".`,
      {
        hint: `Add the key to "keys" or set "current" to one of its ids; see ${RUNBOOK}.`,
      },
    );
  }
  // A promise executor that throws rejects, so codec errors reject rather than throw.
  return {
    encode: (payloads) =>
      new Promise((resolve) =>
        resolve(payloads.map((p) => encryptPayload(p, keyring.current, currentKey))),
      ),
    decode: (payloads) =>
      new Promise((resolve) => resolve(payloads.map((p) => decryptPayload(p, keyring)))),
  };
}

export type AesGcmCodec = ReturnType<typeof makeAesGcmCodec>;

/**
 * Path of the module exporting the failure converter that moves failure messages and stack traces
 * into an (encrypted) payload. It is a path, not an object, because the SDK loads it twice: with
 * `require` in the worker and client, and into the workflow bundle (workflow code builds its own
 * failures in the sandbox). CommonJS so plain `require` loads it under Node 20, tsx and jest.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(
  new URL('./codec-failure-converter.cjs', import.meta.url),
);

/**
 * The data converter for `Client`, `Connection` users and `Worker.create({ dataConverter })`.
 * With a keyring: the AES-GCM codec and the encoding failure converter. Without (`null`): the
 * SDK defaults, payloads in plain JSON.
 *
 * A worker given `workflowsPath` bundles `failureConverterPath` itself; a prebuilt bundle must be
 * built with `bundleWorkflowCode({ failureConverterPath: FAILURE_CONVERTER_PATH })`, or failures
 * thrown by workflow code stay in plain text.
 */
export function dataConverterFor(keyring: Keyring | null): DataConverter {
  if (keyring === null) return {};
  return {
    payloadCodecs: [makeAesGcmCodec(keyring)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

const keyringSchema = z
  .object({
    current: z.string(),
    keys: z.record(z.string(), z.string()),
  })
  .superRefine((ring, ctx) => {
    const keyIdRule = 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"';
    if (!KEY_ID_PATTERN.test(ring.current)) {
      ctx.addIssue({ code: 'custom', path: ['current'], message: keyIdRule });
    } else if (!Object.hasOwn(ring.keys, ring.current)) {
      ctx.addIssue({
        code: 'custom',
        path: ['current'],
        message: `is "${ring.current}" but "keys" has no key with that id`,
      });
    }
    if (Object.keys(ring.keys).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['keys'], message: 'must hold at least one key' });
    }
    for (const [id, encoded] of Object.entries(ring.keys)) {
      if (!KEY_ID_PATTERN.test(id)) {
        ctx.addIssue({ code: 'custom', path: ['keys', id], message: `key id ${keyIdRule}` });
      }
      const length = base64Length(encoded);
      if (length !== KEY_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: ['keys', id],
          message:
            length === null
              ? 'is not base64'
              : `decodes to ${length} bytes; an AES-256 key is exactly ${KEY_BYTES}`,
        });
      }
    }
  });

/**
 * Parses a keyring's JSON text: `{ "current": "<id>", "keys": { "<id>": "<base64 of 32 bytes>" } }`.
 * `origin` (a file path or a variable name) goes into error messages; key material never does —
 * not even JSON.parse's message, which quotes the text around a syntax error.
 */
export function parseKeyring(text: string, origin: string): Keyring {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw keyringError(origin, ['  (keyring): is not valid JSON']);
  }
  const parsed = keyringSchema.safeParse(json);
  if (!parsed.success) {
    throw keyringError(
      origin,
      parsed.error.issues.map((issue) => {
        const path = issue.path.map(String).join('.') || '(keyring)';
        return `  ${path}: ${issue.message}`;
      }),
    );
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, encoded] of Object.entries(parsed.data.keys)) {
    keys.set(id, createSecretKey(Buffer.from(encoded, 'base64')));
  }
  return Object.freeze({ current: parsed.data.current, keys });
}

/** Reads and validates a keyring from a file or an environment variable. Throws `ERR_CONFIG`. */
export function loadKeyring(source: KeyringSource): Keyring {
  if ('file' in source) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (cause) {
      throw new DvtError('ERR_CONFIG', `Cannot read the codec keyring file ${source.file}.`, {
        cause,
        hint: `Point it at a JSON keyring; create one as ${RUNBOOK} shows.`,
      });
    }
    return parseKeyring(text, source.file);
  }
  const value = source.env[source.envVar];
  if (value === undefined || value === '') {
    throw new DvtError('ERR_CONFIG', `${source.envVar} is not set.`, {
      hint: `Set it to a JSON keyring; create one as ${RUNBOOK} shows.`,
    });
  }
  return parseKeyring(value, source.envVar);
}

/**
 * A new keyring's JSON text holding one random key, current. For first set-up; to rotate, add a
 * key to the existing keyring instead (the old keys must stay).
 */
export function generateKeyring(id: string): string {
  if (!KEY_ID_PATTERN.test(id)) {
    throw new DvtError('ERR_INVALID_INPUT', `Key id "${id}" is not valid.`, {
      hint: 'Use 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-", e.g. 2026-11.',
    });
  }
  const keys = { [id]: randomBytes(KEY_BYTES).toString('base64') };
  return `${JSON.stringify({ current: id, keys }, null, 2)}\n`;
}

function encryptPayload(payload: Payload, keyId: string, key: KeyObject): Payload {
  const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    metadata: {
      encoding: Buffer.from(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA_KEY]: Buffer.from(keyId),
    },
    data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
  };
}

function decryptPayload(payload: Payload, keyring: Keyring): Payload {
  const metadata = payload.metadata ?? {};
  if (utf8(metadata.encoding) !== ENCRYPTED_ENCODING) return payload;
  const keyId = utf8(metadata[KEY_ID_METADATA_KEY]);
  if (keyId === undefined) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `An encrypted payload has no ${KEY_ID_METADATA_KEY} metadata; it was not written by this codec.`,
    );
  }
  const key = keyring.keys.get(keyId);
  if (key === undefined) {
    throw new DvtError(
      'ERR_CONFIG',
      `A payload is encrypted with key "${keyId}", which is not in the codec keyring (it holds ${[...keyring.keys.keys()].join(', ')}).`,
      {
        details: { keyId },
        hint: `Add key "${keyId}" back to the keyring's "keys" (keep "current" as it is) and restart; see ${RUNBOOK}.`,
      },
    );
  }
  const data = payload.data ?? new Uint8Array();
  if (data.length < IV_BYTES + TAG_BYTES) {
    throw tamperedError(keyId);
  }
  const iv = data.subarray(0, IV_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv);
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw tamperedError(keyId);
  }
  return temporal.api.common.v1.Payload.decode(plaintext);
}

function tamperedError(keyId: string): DvtError {
  return new DvtError(
    'ERR_INVALID_INPUT',
    `An encrypted payload (key "${keyId}") failed authentication: it was altered, truncated or encrypted with a different key of the same id.`,
    { details: { keyId } },
  );
}

function keyringError(origin: string, lines: string[]): DvtError {
  const expected = 'Expected {"current": "<id>", "keys": {"<id>": "<base64 of 32 random bytes>"}}.';
  return new DvtError(
    'ERR_CONFIG',
    `Invalid codec keyring in ${origin}:\n${lines.join('\n')}\n${expected}`,
    { details: { origin, invalid: lines.length }, hint: `See ${RUNBOOK}.` },
  );
}

/** Byte length of a strict (padded, standard alphabet) base64 string, or null if it is not one. */
function base64Length(value: string): number | null {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  return Buffer.from(value, 'base64').length;
}

function utf8(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes == null ? undefined : Buffer.from(bytes).toString('utf8');
}
