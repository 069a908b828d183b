import bls from '@chainsafe/bls';
import { deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';
import { keccak256, toUtf8Bytes } from 'ethers';

import { buildSharesPayload } from '../../../activities/keys/build-shares-payload.js';
import type { SharesPayload } from '../../../activities/keys/build-shares-payload.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import {
  checkThresholdSigning,
  describeSigningFailures,
  verifyRegistration,
} from '../../../devnet/verifier/verify-registration.js';
import { STAFI_MNEMONIC } from '../../fixtures/beacon-vectors.js';
import { makeOperators } from '../../fixtures/ssv-operators.js';
import type { TestOperator } from '../../fixtures/ssv-operators.js';

const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';
const OTHER_OWNER = '0x00000000219ab540356cBB839Cbe05303d7705Fa';
const key0 = deriveKeyFromMnemonic(STAFI_MNEMONIC, 'm/12381/3600/0/0/0');
const operators = makeOperators(13, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41]);
const privateKeys = new Map(operators.map((o) => [o.id, o.privateKeyPem]));

async function payloadFor(set: TestOperator[], ownerNonce = 4): Promise<SharesPayload> {
  return buildSharesPayload({ secretKey: key0, operators: set, ownerAddress: OWNER, ownerNonce });
}

function registration(
  payload: SharesPayload,
  overrides: Partial<{ owner: string; nonce: number }> = {},
) {
  return {
    owner: OWNER,
    nonce: payload.ownerNonce,
    publicKey: payload.publicKey,
    operatorIds: payload.operatorIds,
    sharesData: payload.sharesData,
    ...overrides,
  };
}

/** Replaces `length` bytes of the payload at byte `offset` with `bytes`. */
function patch(sharesData: string, offset: number, bytes: Uint8Array): string {
  const hex = bytesToHex(bytes).slice(2);
  return `${sharesData.slice(0, 2 + 2 * offset)}${hex}${sharesData.slice(2 + 2 * offset + hex.length)}`;
}

let four: SharesPayload;
beforeAll(async () => {
  four = await payloadFor(operators.slice(0, 4));
});

describe('verifyRegistration', () => {
  it('accepts a good 4-operator payload', async () => {
    await expect(
      verifyRegistration(registration(four), { operatorPrivateKeys: privateKeys }),
    ).resolves.toEqual({ valid: true, reasons: [] });
  });

  it('accepts a good 13-operator payload, checking all 715 subsets', async () => {
    const thirteen = await payloadFor(operators, 0);
    await expect(
      verifyRegistration(registration(thirteen), { operatorPrivateKeys: privateKeys }),
    ).resolves.toEqual({ valid: true, reasons: [] });
  });

  it('accepts a good 13-operator payload with a sample of subsets when asked to', async () => {
    const thirteen = await payloadFor(operators, 0);
    await expect(
      verifyRegistration(registration(thirteen), {
        operatorPrivateKeys: privateKeys,
        thresholdSigningSubsets: 3,
      }),
    ).resolves.toEqual({ valid: true, reasons: [] });
  });

  it('rejects a registration checked against the wrong nonce', async () => {
    const report = await verifyRegistration(registration(four, { nonce: 5 }), {
      operatorPrivateKeys: privateKeys,
    });
    expect(report).toEqual({
      valid: false,
      reasons: [`signature: does not verify for owner ${OWNER} and nonce 5`],
    });
  });

  it('rejects a payload signed over the lower-case owner', async () => {
    const lowercaseMessage = keccak256(toUtf8Bytes(`${OWNER.toLowerCase()}:4`));
    const signature = bls.sign(key0, Buffer.from(lowercaseMessage.slice(2), 'hex'));
    const report = await verifyRegistration(
      { ...registration(four), sharesData: patch(four.sharesData, 0, signature) },
      { operatorPrivateKeys: privateKeys },
    );
    expect(report.valid).toBe(false);
    expect(report.reasons).toEqual([`signature: does not verify for owner ${OWNER} and nonce 4`]);
  });

  it('rejects a payload registered by another owner', async () => {
    const report = await verifyRegistration(registration(four, { owner: OTHER_OWNER }), {
      operatorPrivateKeys: privateKeys,
    });
    expect(report.reasons).toEqual([
      `signature: does not verify for owner ${OTHER_OWNER} and nonce 4`,
    ]);
  });

  it('rejects a corrupted encrypted share, naming the operator', async () => {
    const offset = 96 + 48 * 4 + 256 * 2 + 10; // inside operator 5's ciphertext
    const report = await verifyRegistration(
      {
        ...registration(four),
        sharesData: patch(four.sharesData, offset, Uint8Array.of(0xff, 0x00, 0xff)),
      },
      { operatorPrivateKeys: privateKeys },
    );
    expect(report).toEqual({
      valid: false,
      reasons: ['share 5: RSA PKCS#1 v1.5 decryption failed'],
    });
  });

  it('rejects swapped ciphertexts: the decrypted shares no longer match their public keys', async () => {
    const other = await payloadFor(operators.slice(0, 4));
    const start = 96 + 48 * 4;
    const report = await verifyRegistration(
      {
        ...registration(four),
        // operator 2's ciphertext from another split of the same key, encrypted to operator 2
        sharesData: patch(
          four.sharesData,
          start,
          Buffer.from(other.sharesData.slice(2 + 2 * start, 2 + 2 * (start + 256)), 'hex'),
        ),
      },
      { operatorPrivateKeys: privateKeys },
    );
    expect(report.reasons).toEqual([
      'share 2: share public key does not match the decrypted share',
    ]);
  });

  it('rejects a truncated payload and unsorted operator ids', async () => {
    const truncated = await verifyRegistration(
      { ...registration(four), sharesData: four.sharesData.slice(0, -2) },
      { operatorPrivateKeys: privateKeys },
    );
    expect(truncated.reasons).toEqual(['length: sharesData is 1311 bytes; 4 operators need 1312.']);
    const unsorted = await verifyRegistration(
      { ...registration(four), operatorIds: [3, 2, 5, 7] },
      { operatorPrivateKeys: privateKeys },
    );
    expect(unsorted.reasons).toEqual([
      'operators: ids must be positive integers in strictly ascending order',
    ]);
  });

  it('reports an operator whose private key it does not hold', async () => {
    const report = await verifyRegistration(registration(four), {
      operatorPrivateKeys: new Map([...privateKeys].filter(([id]) => id !== 7)),
    });
    expect(report.reasons).toEqual(['share 7: no private key for operator 7']);
  });
});

/** BLS12-381 scalar field order r. */
const R = 52435875175126190479447740508185965837690552500527637822603658699938581184513n;
const MESSAGE = Buffer.from(keccak256(toUtf8Bytes('threshold test')).slice(2), 'hex');

function scalar(value: bigint): Uint8Array {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** Every k-subset of `items`, in lexicographic order. */
function subsetsOf<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((item, i) =>
    subsetsOf(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]),
  );
}

/**
 * Shamir shares of `key0` at x = id under a fixed polynomial of degree T − 1, and each share's
 * partial signature of MESSAGE; `corrupt` signs with share + 1 for that operator instead.
 */
function partialsFor(ids: readonly number[], threshold: number, corrupt?: number) {
  const coefficients = [BigInt(bytesToHex(key0))];
  for (let i = 1; i < threshold; i++) {
    coefficients.push(BigInt(keccak256(toUtf8Bytes(`coefficient ${i}`))) % R);
  }
  const share = (x: bigint): bigint => coefficients.reduceRight((acc, c) => (acc * x + c) % R, 0n);
  return ids.map((id) =>
    bls.sign(scalar((share(BigInt(id)) + (id === corrupt ? 1n : 0n)) % R), MESSAGE),
  );
}

describe('checkThresholdSigning', () => {
  const publicKey = bls.secretKeyToPublicKey(key0);
  const seven = [2, 3, 5, 7, 11, 13, 17];

  it('proves every one of the 715 9-of-13 subsets for consistent partials', async () => {
    const ids = operators.map((o) => o.id);
    await expect(
      checkThresholdSigning({
        operatorIds: ids,
        partialSignatures: partialsFor(ids, 9),
        threshold: 9,
        publicKey,
        message: MESSAGE,
        subsets: 'all',
      }),
    ).resolves.toEqual({ checked: 715, failing: [] });
  });

  it.each([
    ['inside the first T', 3],
    ['outside the first T', 17],
  ])(
    'fails exactly the subsets holding a bad partial signature (operator %s)',
    async (_where, bad) => {
      const result = await checkThresholdSigning({
        operatorIds: seven,
        partialSignatures: partialsFor(seven, 5, bad),
        threshold: 5,
        publicKey,
        message: MESSAGE,
        subsets: 'all',
      });
      const expected = subsetsOf(seven, 5).filter((subset) => subset.includes(bad));
      expect(result).toEqual({ checked: 21, failing: expected });
      expect(expected).toHaveLength(15);
      expect(describeSigningFailures(result, 5, 7)).toBe(
        `threshold signing: 15 of 21 5-of-7 subsets do not combine into a valid signature ` +
          `(e.g. operators ${expected[0]!.join(',')}); every failing subset includes operator ${bad}`,
      );
    },
  );

  it('fails every subset when the partials are consistent but sign for another key', async () => {
    const ids = [2, 3, 5, 7];
    const otherKey = bls.secretKeyToPublicKey(
      deriveKeyFromMnemonic(STAFI_MNEMONIC, 'm/12381/3600/1/0/0'),
    );
    const result = await checkThresholdSigning({
      operatorIds: ids,
      partialSignatures: partialsFor(ids, 3),
      threshold: 3,
      publicKey: otherKey,
      message: MESSAGE,
      subsets: 'all',
    });
    expect(result).toEqual({ checked: 4, failing: subsetsOf(ids, 3) });
    expect(describeSigningFailures(result, 3, 4)).toBe(
      'threshold signing: 4 of 4 3-of-4 subsets do not combine into a valid signature (e.g. operators 2,3,5)',
    );
  });

  it('combines only the sampled subsets when given a number', async () => {
    const result = await checkThresholdSigning({
      operatorIds: seven,
      partialSignatures: partialsFor(seven, 5, 2),
      threshold: 5,
      publicKey,
      message: MESSAGE,
      subsets: 3,
    });
    // Subsets 0, 10 and 20 of 21: the first two hold operator 2, the last does not.
    const all = subsetsOf(seven, 5);
    expect(result).toEqual({ checked: 3, failing: [all[0], all[10]] });
  });
});
