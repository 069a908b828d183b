import bls from '@chainsafe/bls';
import { deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';
import { generateKeyPairSync } from 'node:crypto';

import {
  buildBulkSharesPayloads,
  buildSharesPayload,
} from '../../../activities/keys/build-shares-payload.js';
import {
  encodeOperatorPublicKey,
  parseOperatorPublicKey,
} from '../../../activities/keys/operator-public-key.js';
import {
  parseSharesData,
  sharesDataLength,
  sharesSignatureMessage,
} from '../../../activities/keys/shares-data.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { DvtError } from '../../../domain/errors.js';
import { STAFI_MNEMONIC, STAFI_PUBKEY_0, STAFI_PUBKEY_1 } from '../../fixtures/beacon-vectors.js';
import { decryptShare, makeOperators } from '../../fixtures/ssv-operators.js';

const R = 52435875175126190479447740508185965837690552500527637822603658699938581184513n;
const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';
const key0 = deriveKeyFromMnemonic(STAFI_MNEMONIC, 'm/12381/3600/0/0/0');
const key1 = deriveKeyFromMnemonic(STAFI_MNEMONIC, 'm/12381/3600/1/0/0');
const operators13 = makeOperators(13, [3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987]);

const mod = (a: bigint) => ((a % R) + R) % R;
function inverse(a: bigint): bigint {
  let [t, newT, r, newR] = [0n, 1n, R, mod(a)];
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return mod(t);
}
/** Lagrange interpolation at 0 of shares (x = operator id). */
function interpolate(points: ReadonlyArray<{ x: bigint; y: bigint }>): bigint {
  return points.reduce((sum, { x, y }, i) => {
    const lambda = points.reduce(
      (acc, { x: xj }, j) => (j === i ? acc : mod(acc * xj * inverse(xj - x))),
      1n,
    );
    return mod(sum + lambda * y);
  }, 0n);
}

describe('operator public keys', () => {
  it('accepts base64 of an RSA PUBLIC KEY PEM wrapping SPKI DER (612 characters)', () => {
    const [operator] = makeOperators(1);
    expect(operator?.publicKey).toHaveLength(612);
    expect(Buffer.from(operator?.publicKey ?? '', 'base64').toString()).toMatch(
      /^-----BEGIN RSA PUBLIC KEY-----\nMIIBIjANBgkq/,
    );
    expect(parseOperatorPublicKey(operator!).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it.each([
    ['not base64', '!!!', 'Operator 7 public key is invalid: not base64.'],
    [
      'a PEM with another header',
      Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n').toString(
        'base64',
      ),
      'Operator 7 public key is invalid: the decoded text is not an "RSA PUBLIC KEY" PEM.',
    ],
    [
      'garbage DER',
      Buffer.from('-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n').toString(
        'base64',
      ),
      'Operator 7 public key is invalid: the DER body is neither SubjectPublicKeyInfo nor PKCS#1.',
    ],
    [
      'an RSA-1024 key',
      encodeOperatorPublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey),
      'Operator 7 public key is invalid: expected an RSA-2048 key, got rsa-1024.',
    ],
  ])('rejects %s naming the operator', (_label, publicKey, message) => {
    const error = (() => {
      try {
        parseOperatorPublicKey({ id: 7, publicKey });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as DvtError;
    expect(error).toBeInstanceOf(DvtError);
    expect(error.code).toBe('ERR_OPERATOR_KEY_INVALID');
    expect(error.details).toEqual({ operatorId: 7 });
    expect(error.message).toBe(
      `${message} Exclude this operator or re-read its key from the SSVNetwork contract.`,
    );
  });
});

describe('buildSharesPayload', () => {
  it.each([4, 7, 10, 13])(
    'builds a payload for %i operators that each operator can decrypt and that recombines',
    async (n) => {
      const operators = operators13.slice(0, n).reverse();
      const payload = await buildSharesPayload({
        secretKey: key0,
        operators,
        ownerAddress: OWNER.toLowerCase(),
        ownerNonce: 3,
      });
      const sortedIds = operators.map((o) => o.id).sort((a, b) => a - b);
      expect(payload.publicKey).toBe(STAFI_PUBKEY_0);
      expect(payload.operatorIds).toEqual(sortedIds);
      expect(payload.ownerNonce).toBe(3);
      expect((payload.sharesData.length - 2) / 2).toBe(sharesDataLength(n));

      const parsed = parseSharesData(payload.sharesData, n);
      // Signed over keccak256("<EIP-55 owner>:3") even though the owner came in lower case.
      expect(
        bls.verify(
          bls.PublicKey.fromHex(STAFI_PUBKEY_0),
          sharesSignatureMessage(OWNER, 3),
          parsed.signature,
        ),
      ).toBe(true);
      expect(
        bls.verify(
          bls.PublicKey.fromHex(STAFI_PUBKEY_0),
          sharesSignatureMessage(OWNER, 4),
          parsed.signature,
        ),
      ).toBe(false);

      const shares = sortedIds.map((id, i) => {
        const operator = operators.find((o) => o.id === id)!;
        const plaintext = decryptShare(operator.privateKeyPem, parsed.encryptedShares[i]!);
        expect(plaintext).toMatch(/^0x[0-9a-f]{64}$/);
        const secret = Buffer.from(plaintext.slice(2), 'hex');
        expect(bytesToHex(bls.secretKeyToPublicKey(secret))).toBe(
          bytesToHex(parsed.sharePublicKeys[i]!),
        );
        return { x: BigInt(id), y: BigInt(plaintext) };
      });
      const threshold = n - (n - 1) / 3;
      expect(interpolate(shares.slice(0, threshold))).toBe(BigInt(bytesToHex(key0)));
      expect(interpolate(shares.slice(-threshold))).toBe(BigInt(bytesToHex(key0)));
      expect(interpolate(shares.slice(0, threshold - 1))).not.toBe(BigInt(bytesToHex(key0)));
    },
  );

  it('signs consecutive nonces in a bulk build, key j with nonce + j', async () => {
    const payloads = await buildBulkSharesPayloads({
      secretKeys: [key0, key1],
      operators: operators13.slice(0, 4),
      ownerAddress: OWNER,
      ownerNonce: 7,
    });
    expect(payloads.map((p) => [p.publicKey, p.ownerNonce])).toEqual([
      [STAFI_PUBKEY_0, 7],
      [STAFI_PUBKEY_1, 8],
    ]);
    const signature = (i: number) => parseSharesData(payloads[i]!.sharesData, 4).signature;
    expect(
      bls.verify(
        bls.PublicKey.fromHex(STAFI_PUBKEY_1),
        sharesSignatureMessage(OWNER, 8),
        signature(1),
      ),
    ).toBe(true);
    expect(
      bls.verify(
        bls.PublicKey.fromHex(STAFI_PUBKEY_1),
        sharesSignatureMessage(OWNER, 7),
        signature(1),
      ),
    ).toBe(false);
  });

  it('names the operator whose key is invalid before splitting anything', async () => {
    const operators = [...operators13.slice(0, 3), { id: 42, publicKey: 'bm90IGEga2V5' }];
    await expect(
      buildSharesPayload({ secretKey: key0, operators, ownerAddress: OWNER, ownerNonce: 0 }),
    ).rejects.toMatchObject({
      code: 'ERR_OPERATOR_KEY_INVALID',
      details: { operatorId: 42 },
    });
  });

  it('refuses operator counts other than 4, 7, 10, 13 and duplicate ids', async () => {
    const base = { secretKey: key0, ownerAddress: OWNER, ownerNonce: 0 };
    await expect(
      buildSharesPayload({ ...base, operators: operators13.slice(0, 5) }),
    ).rejects.toThrow('An SSV cluster needs 4, 7, 10 or 13 operators, got 5.');
    const duplicate = [...operators13.slice(0, 3), operators13[0]!];
    await expect(buildSharesPayload({ ...base, operators: duplicate })).rejects.toThrow(
      'Operator 3 is listed twice.',
    );
  });

  it('refuses a negative nonce and an invalid owner', async () => {
    const base = { secretKey: key0, operators: operators13.slice(0, 4) };
    await expect(
      buildSharesPayload({ ...base, ownerAddress: OWNER, ownerNonce: -1 }),
    ).rejects.toThrow('Owner nonce -1 is not an integer >= 0.');
    await expect(
      buildSharesPayload({ ...base, ownerAddress: '0x1234', ownerNonce: 0 }),
    ).rejects.toThrow('Owner 0x1234 is not a valid address.');
  });
});

describe('parseSharesData', () => {
  it('rejects a payload whose length does not fit the operator count', () => {
    expect(() => parseSharesData(`0x${'00'.repeat(sharesDataLength(4))}`, 7)).toThrow(
      'sharesData is 1312 bytes; 7 operators need 2224.',
    );
  });
});
