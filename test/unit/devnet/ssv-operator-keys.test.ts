import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

import { parseOperatorPublicKey } from '../../../activities/keys/operator-public-key.js';
import { makeDevnetOperatorKeys } from '../../../devnet/operators/operator-keys.js';

const cacheFile = path.join(mkdtempSync(path.join(tmpdir(), 'dvt-op-keys-')), 'operator-keys.json');

describe('makeDevnetOperatorKeys', () => {
  it('generates RSA-2048 keys in the SSV base64-PEM format', async () => {
    const keys = await makeDevnetOperatorKeys(2, { seed: 'a', cacheFile });
    expect(keys).toHaveLength(2);
    for (const [i, key] of keys.entries()) {
      expect(key.publicKey).toHaveLength(612);
      expect(
        parseOperatorPublicKey({ id: i + 1, publicKey: key.publicKey }).asymmetricKeyDetails,
      ).toMatchObject({ modulusLength: 2048 });
      expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    }
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(2);
  });

  it('returns the cached keys for the same seed and extends the set on demand', async () => {
    const first = await makeDevnetOperatorKeys(2, { seed: 'a', cacheFile });
    const more = await makeDevnetOperatorKeys(3, { seed: 'a', cacheFile });
    expect(more.slice(0, 2).map((k) => k.publicKey)).toEqual(first.map((k) => k.publicKey));
    const other = await makeDevnetOperatorKeys(1, { seed: 'b', cacheFile });
    expect(first.map((k) => k.publicKey)).not.toContain(other[0]!.publicKey);
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, unknown[]>;
    expect(Object.keys(cache).sort()).toEqual(['a', 'b']);
    expect(cache.a).toHaveLength(3);
    expect(statSync(cacheFile).mode & 0o077).toBe(0);
  });

  it('keeps private keys out of inspection and JSON', async () => {
    const [key] = await makeDevnetOperatorKeys(1, { seed: 'a', cacheFile });
    expect(JSON.stringify(key)).not.toContain('PRIVATE KEY');
    expect(inspect(key)).not.toContain('PRIVATE KEY');
  });
});
