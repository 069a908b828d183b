import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  dataConverterFor,
  ENCRYPTED_ENCODING,
  FAILURE_CONVERTER_PATH,
  generateKeyring,
  KEY_ID_METADATA_KEY,
  loadKeyring,
  makeAesGcmCodec,
  parseKeyring,
  type Keyring,
} from '../../../client/codec.js';
import { DvtError } from '../../../domain/errors.js';

const OLD_KEY = Buffer.alloc(32, 0x11).toString('base64');
const NEW_KEY = Buffer.alloc(32, 0x22).toString('base64');

function keyring(current: string, keys: Record<string, string>): Keyring {
  return parseKeyring(JSON.stringify({ current, keys }), 'test keyring');
}

function thrown(fn: () => unknown): DvtError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DvtError) return error;
    throw error;
  }
  throw new Error('expected a DvtError');
}

async function rejected(promise: Promise<unknown>): Promise<DvtError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DvtError) return error;
    throw error;
  }
  throw new Error('expected a DvtError');
}

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

const ring = keyring('2026-05', { '2026-05': OLD_KEY });
const codec = makeAesGcmCodec(ring);

describe('AES-GCM payload codec', () => {
  it('round-trips JSON, binary, null and large payloads exactly', async () => {
    const payloads: Payload[] = [
      defaultPayloadConverter.toPayload({ pubkey: '0xabc', amountGwei: '32000000000' }),
      defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
      defaultPayloadConverter.toPayload(null),
      defaultPayloadConverter.toPayload(undefined),
      defaultPayloadConverter.toPayload('x'.repeat(2 * 1024 * 1024)),
    ];
    const decoded = await codec.decode(await codec.encode(payloads));
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { pubkey: '0xabc', amountGwei: '32000000000' },
      new Uint8Array([0, 1, 2, 255]),
      null,
      undefined,
      'x'.repeat(2 * 1024 * 1024),
    ]);
    decoded.forEach((p, i) => {
      expect(text(p.metadata?.encoding)).toBe(text(payloads[i]?.metadata?.encoding));
    });
  });

  it('marks encrypted payloads with the encoding and the key id, and hides the plaintext', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload('SECRET-ISH')]);
    expect(Object.keys(encrypted?.metadata ?? {}).sort()).toEqual([
      'encoding',
      KEY_ID_METADATA_KEY,
    ]);
    expect(text(encrypted?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted?.metadata?.[KEY_ID_METADATA_KEY])).toBe('2026-05');
    expect(Buffer.from(encrypted?.data ?? []).toString('latin1')).not.toContain('SECRET-ISH');
  });

  it('uses a fresh IV, so the same input encrypts differently each time', async () => {
    const payload = defaultPayloadConverter.toPayload({ same: 'input' });
    const [a, b] = await codec.encode([payload, payload]);
    const [c] = await codec.encode([payload]);
    const data = [a, b, c].map((p) => Buffer.from(p?.data ?? []).toString('hex'));
    expect(new Set(data).size).toBe(3);
    expect(new Set(data.map((d) => d.slice(0, 24))).size).toBe(3);
  });

  it('refuses a payload whose ciphertext, IV or tag was altered', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload('amount 32')]);
    const data = Buffer.from(encrypted?.data ?? []);
    for (const index of [0, 12, data.length - 1]) {
      const altered = Buffer.from(data);
      altered[index] = (altered[index] ?? 0) ^ 0x01;
      const error = await rejected(codec.decode([{ ...encrypted, data: altered }]));
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.message).toBe(
        'An encrypted payload (key "2026-05") failed authentication: it was altered, truncated or encrypted with a different key of the same id.',
      );
    }
    const truncated = await rejected(codec.decode([{ ...encrypted, data: data.subarray(0, 20) }]));
    expect(truncated.code).toBe('ERR_INVALID_INPUT');
  });

  it('names an unknown key id and says to add the old key back', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(1)]);
    const other = makeAesGcmCodec(keyring('2026-11', { '2026-11': NEW_KEY }));
    const error = await rejected(other.decode([encrypted as Payload]));
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.details).toEqual({ keyId: '2026-05' });
    expect(error.message).toBe(
      'A payload is encrypted with key "2026-05", which is not in the codec keyring (it holds 2026-11). ' +
        'Add key "2026-05" back to the keyring\'s "keys" (keep "current" as it is) and restart; ' +
        'see docs/runbooks/codec-key-rotation.md.',
    );
  });

  it('keeps decoding old payloads after the current key is rotated', async () => {
    const before = makeAesGcmCodec(keyring('2026-05', { '2026-05': OLD_KEY, '2026-11': NEW_KEY }));
    const [old] = await before.encode([defaultPayloadConverter.toPayload('before rotation')]);

    const after = makeAesGcmCodec(keyring('2026-11', { '2026-05': OLD_KEY, '2026-11': NEW_KEY }));
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload('after rotation')]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA_KEY])).toBe('2026-11');

    const decoded = await after.decode([old as Payload, fresh as Payload]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      'before rotation',
      'after rotation',
    ]);
  });

  it('passes payloads that are not encrypted through decode unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload({ written: 'before encryption' });
    const [decoded] = await codec.decode([plain]);
    expect(decoded).toBe(plain);
  });

  it('refuses an encrypted payload without a key id', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(1)]);
    const error = await rejected(
      codec.decode([
        {
          metadata: { encoding: Buffer.from('binary/encrypted') },
          data: encrypted?.data ?? null,
        },
      ]),
    );
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toContain('no encryption-key-id metadata');
  });
});

describe('keyring', () => {
  it('rejects a current id that has no key, without printing key material', () => {
    const error = thrown(() => keyring('2026-11', { '2026-05': OLD_KEY }));
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toBe(
      'Invalid codec keyring in test keyring:\n' +
        '  current: is "2026-11" but "keys" has no key with that id\n' +
        'Expected {"current": "<id>", "keys": {"<id>": "<base64 of 32 random bytes>"}}. ' +
        'See docs/runbooks/codec-key-rotation.md.',
    );
    expect(error.message).not.toContain(OLD_KEY);
  });

  it('rejects a key of the wrong length and one that is not base64', () => {
    const short = Buffer.alloc(16, 0x33).toString('base64');
    const error = thrown(() => keyring('a', { a: OLD_KEY, b: short, c: 'not base64 at all!' }));
    expect(error.message).toContain('  keys.b: decodes to 16 bytes; an AES-256 key is exactly 32');
    expect(error.message).toContain('  keys.c: is not base64');
    for (const secret of [OLD_KEY, short, 'not base64 at all!']) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.details)).not.toContain(secret);
    }
  });

  it('rejects key ids outside [A-Za-z0-9._-]{1,64}', () => {
    const error = thrown(() => keyring('ok', { ok: OLD_KEY, 'bad id/with slash': NEW_KEY }));
    expect(error.message).toContain(
      '  keys.bad id/with slash: key id must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"',
    );
    expect(error.message).not.toContain(NEW_KEY);
    const long = thrown(() => keyring('x'.repeat(65), { ['x'.repeat(65)]: OLD_KEY }));
    expect(long.message).toContain('  current: must be 1–64 characters');
  });

  it('does not quote the text of a keyring that is not JSON', () => {
    const error = thrown(() => parseKeyring(`{"current": "a", "keys": {"a": "${OLD_KEY}"`, 'f'));
    expect(error.message.split('\n')[1]).toBe('  (keyring): is not valid JSON');
    expect(error.message).not.toContain(OLD_KEY);
  });

  it('never shows key material when logged or serialised', () => {
    const loaded = keyring('2026-05', { '2026-05': OLD_KEY });
    const shown = `${inspect(loaded, { depth: 10 })} ${JSON.stringify(loaded)}`;
    expect(shown).not.toContain(OLD_KEY);
    expect(shown).not.toContain(Buffer.alloc(32, 0x11).toString('hex'));
  });

  it('loads from a file and from an environment variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvt-codec-'));
    try {
      const file = join(dir, 'keyring.json');
      const json = generateKeyring('2026-11');
      writeFileSync(file, json);
      expect(loadKeyring({ file }).current).toBe('2026-11');
      const fromEnv = loadKeyring({
        envVar: 'DVT_CODEC_KEYRING',
        env: { DVT_CODEC_KEYRING: json },
      });
      expect([...fromEnv.keys.keys()]).toEqual(['2026-11']);
      const missing = thrown(() => loadKeyring({ file: join(dir, 'absent.json') }));
      expect(missing.code).toBe('ERR_CONFIG');
      expect(missing.message).toContain(
        `Cannot read the codec keyring file ${join(dir, 'absent.json')}.`,
      );
      const unset = thrown(() => loadKeyring({ envVar: 'DVT_CODEC_KEYRING', env: {} }));
      expect(unset.message).toContain('DVT_CODEC_KEYRING is not set.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates a keyring with one random 32-byte key that is current', () => {
    const a = JSON.parse(generateKeyring('2026-11')) as {
      current: string;
      keys: Record<string, string>;
    };
    const b = JSON.parse(generateKeyring('2026-11')) as typeof a;
    expect(a.current).toBe('2026-11');
    expect(Object.keys(a.keys)).toEqual(['2026-11']);
    expect(Buffer.from(a.keys['2026-11'] ?? '', 'base64')).toHaveLength(32);
    expect(a.keys['2026-11']).not.toBe(b.keys['2026-11']);
    expect(thrown(() => generateKeyring('no spaces')).code).toBe('ERR_INVALID_INPUT');
  });
});

describe('dataConverterFor', () => {
  it('adds the codec and the encoding failure converter with a keyring, nothing without', async () => {
    expect(dataConverterFor(null)).toEqual({});
    const converter = dataConverterFor(ring);
    expect(converter.payloadCodecs).toHaveLength(1);
    expect(converter.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    const { failureConverter } = (await import(FAILURE_CONVERTER_PATH)) as {
      failureConverter: { options: { encodeCommonAttributes: boolean } };
    };
    expect(failureConverter.options.encodeCommonAttributes).toBe(true);
  });
});
