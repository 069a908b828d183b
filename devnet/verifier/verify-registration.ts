import bls from '@chainsafe/bls';
import blsWasm from 'bls-eth-wasm';
import { keccak256, toUtf8Bytes } from 'ethers';
import forge from 'node-forge';

import {
  parseSharesData,
  sharesSignatureMessage,
  THRESHOLDS,
} from '../../activities/keys/shares-data.js';
import { bytesToHex, hexToBytes } from '../../domain/beacon/hex.js';

/** BLS12-381 scalar field order r. */
const R = 52435875175126190479447740508185965837690552500527637822603658699938581184513n;
const SHARE_PLAINTEXT = /^0x[0-9a-f]{64}$/;
/** What each share signs in the threshold check; any fixed 32 bytes would do. */
const THRESHOLD_TEST_MESSAGE = hexToBytes(
  keccak256(toUtf8Bytes('dvt-router devnet threshold signing check')),
  'message',
  32,
);

/** The fields of a `ValidatorAdded` event plus the nonce the SSV nodes expect for it. */
export interface RegistrationToVerify {
  owner: string;
  nonce: number;
  publicKey: string;
  operatorIds: readonly number[];
  sharesData: string;
}

export interface VerifyRegistrationOptions {
  /** Each operator's RSA private key as PEM (PKCS#1 or PKCS#8), by operator id. */
  operatorPrivateKeys: ReadonlyMap<number, string>;
  /** How many T-subsets to threshold-sign (spread over all subsets); default 3. */
  thresholdSigningSubsets?: number;
}

/** The verdict the SSV-node simulator acts on: valid only with no reasons. */
export interface RegistrationReport {
  valid: boolean;
  reasons: string[];
}

// bls-eth-wasm's typings omit the Id class and type recovery loosely; this is the slice we use.
interface HerumiId {
  setStr(s: string, base?: number): void;
}
type HerumiSignature = ReturnType<typeof blsWasm.deserializeHexStrToSignature>;
interface HerumiRecoverable {
  recover(signatures: HerumiSignature[], ids: HerumiId[]): void;
  serializeToHexStr(): string;
}
const herumi = blsWasm as unknown as Omit<typeof blsWasm, 'Signature'> & {
  Id: new () => HerumiId;
  Signature: new () => HerumiRecoverable;
};

const mod = (a: bigint): bigint => ((a % R) + R) % R;

function inverse(a: bigint): bigint {
  let [t, newT, r, newR] = [0n, 1n, R, mod(a)];
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return mod(t);
}

/** Lagrange interpolation at x = 0 over the scalar field. */
function interpolateAtZero(points: ReadonlyArray<{ x: bigint; y: bigint }>): bigint {
  let sum = 0n;
  for (const [i, { x, y }] of points.entries()) {
    let lambda = 1n;
    for (const [j, { x: xj }] of points.entries()) {
      if (j !== i) lambda = mod(lambda * xj * inverse(xj - x));
    }
    sum = mod(sum + lambda * y);
  }
  return sum;
}

function* combinations(size: number, k: number, start = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= size - k; i += 1) {
    for (const rest of combinations(size, k - 1, i + 1)) yield [i, ...rest];
  }
}

function scalarBytes(value: bigint): Uint8Array {
  return hexToBytes(`0x${value.toString(16).padStart(64, '0')}`, 'scalar', 32);
}

function decrypt(privateKeyPem: string, ciphertext: Uint8Array): string {
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  return key.decrypt(forge.util.binary.raw.encode(ciphertext), 'RSAES-PKCS1-V1_5');
}

/**
 * Checks an SSV registration the way SSV nodes do, plus what only a holder of every operator key
 * can prove (specs/ssv-api-and-shares.md §9): length; the BLS signature over
 * keccak256("<EIP-55 owner>:<nonce>"); every share decrypts (RSA PKCS#1 v1.5) to "0x" + 64
 * lower-case hex of a scalar in (0, r); every share key matches; every T-subset of shares
 * (x = operator id) interpolates to the same key whose public key is `publicKey`, T − 1 shares
 * do not; and T partial signatures, combined in G2, verify under `publicKey`.
 *
 * Pure apart from CPU; never throws for a bad payload, it reports. Reasons name operators and
 * checks, never share values.
 */
export async function verifyRegistration(
  registration: RegistrationToVerify,
  { operatorPrivateKeys, thresholdSigningSubsets = 3 }: VerifyRegistrationOptions,
): Promise<RegistrationReport> {
  const reasons: string[] = [];
  const report = (): RegistrationReport => ({ valid: reasons.length === 0, reasons });
  const { owner, nonce, publicKey, operatorIds, sharesData } = registration;
  const n = operatorIds.length;
  const threshold = THRESHOLDS[n];
  if (threshold === undefined) {
    reasons.push(`operators: ${n} is not a valid cluster size (4, 7, 10, 13)`);
    return report();
  }
  if (
    operatorIds.some(
      (id, i) => !Number.isSafeInteger(id) || id < 1 || (i > 0 && id <= operatorIds[i - 1]!),
    )
  ) {
    reasons.push('operators: ids must be positive integers in strictly ascending order');
    return report();
  }
  let validatorKey: ReturnType<typeof bls.PublicKey.fromHex>;
  try {
    validatorKey = bls.PublicKey.fromBytes(hexToBytes(publicKey, 'publicKey', 48));
  } catch {
    reasons.push('publicKey: not a valid 48-byte BLS public key');
    return report();
  }
  let parsed: ReturnType<typeof parseSharesData>;
  try {
    parsed = parseSharesData(sharesData, n);
  } catch (error) {
    reasons.push(`length: ${(error as Error).message}`);
    return report();
  }

  try {
    const message = sharesSignatureMessage(owner, nonce);
    if (!bls.verify(validatorKey, message, parsed.signature)) {
      reasons.push(`signature: does not verify for owner ${owner} and nonce ${nonce}`);
    }
  } catch (error) {
    reasons.push(`signature: ${(error as Error).message}`);
  }

  const shares: Array<{ x: bigint; y: bigint; bytes: Uint8Array }> = [];
  for (const [i, id] of operatorIds.entries()) {
    const pem = operatorPrivateKeys.get(id);
    if (pem === undefined) {
      reasons.push(`share ${id}: no private key for operator ${id}`);
      continue;
    }
    let plaintext: string;
    try {
      plaintext = decrypt(pem, parsed.encryptedShares[i]!);
    } catch {
      reasons.push(`share ${id}: RSA PKCS#1 v1.5 decryption failed`);
      continue;
    }
    if (!SHARE_PLAINTEXT.test(plaintext)) {
      reasons.push(`share ${id}: plaintext is not "0x" + 64 lower-case hex characters`);
      continue;
    }
    const y = BigInt(plaintext);
    if (y === 0n || y >= R) {
      reasons.push(`share ${id}: secret is not in (0, r)`);
      continue;
    }
    const bytes = scalarBytes(y);
    if (bytesToHex(bls.secretKeyToPublicKey(bytes)) !== bytesToHex(parsed.sharePublicKeys[i]!)) {
      reasons.push(`share ${id}: share public key does not match the decrypted share`);
      continue;
    }
    shares.push({ x: BigInt(id), y, bytes });
  }
  if (shares.length !== n) return report();

  let secret: bigint | undefined;
  let subsetCount = 0;
  for (const subset of combinations(n, threshold)) {
    subsetCount += 1;
    const value = interpolateAtZero(subset.map((i) => shares[i]!));
    if (secret === undefined) secret = value;
    else if (value !== secret) {
      reasons.push(
        `reconstruction: operators ${subset.map((i) => operatorIds[i]).join(',')} give a different key`,
      );
      return report();
    }
  }
  if (secret === undefined || secret === 0n) {
    reasons.push('reconstruction: shares interpolate to zero');
    return report();
  }
  const secretBytes = scalarBytes(secret);
  if (bytesToHex(bls.secretKeyToPublicKey(secretBytes)) !== bytesToHex(validatorKey.toBytes())) {
    reasons.push(
      `reconstruction: the ${subsetCount} ${threshold}-of-${n} subsets give a key that is not ${publicKey}`,
    );
    return report();
  }
  if (interpolateAtZero(shares.slice(0, threshold - 1)) === secret) {
    reasons.push(`threshold: ${threshold - 1} shares already reveal the key`);
  }

  if (typeof herumi.deserializeHexStrToSecretKey !== 'function') {
    await herumi.init(herumi.BLS12_381);
  }
  const expected = bytesToHex(bls.sign(secretBytes, THRESHOLD_TEST_MESSAGE));
  const total = [...combinations(n, threshold)];
  const picks = new Set(
    Array.from({ length: Math.min(thresholdSigningSubsets, total.length) }, (_, k) =>
      Math.round((k * (total.length - 1)) / Math.max(1, thresholdSigningSubsets - 1)),
    ),
  );
  for (const pick of picks) {
    const subset = total[pick]!;
    const partials = subset.map((i) =>
      herumi.deserializeHexStrToSignature(
        bytesToHex(bls.sign(shares[i]!.bytes, THRESHOLD_TEST_MESSAGE)).slice(2),
      ),
    );
    const ids = subset.map((i) => {
      const id = new herumi.Id();
      id.setStr(String(operatorIds[i])); // decimal by default
      return id;
    });
    const combined = new herumi.Signature();
    combined.recover(partials, ids);
    const signature = `0x${combined.serializeToHexStr()}`;
    if (
      signature !== expected ||
      !bls.verify(validatorKey, THRESHOLD_TEST_MESSAGE, hexToBytes(signature, 'sig', 96))
    ) {
      reasons.push(
        `threshold signing: operators ${subset.map((i) => operatorIds[i]).join(',')} do not combine into a valid signature`,
      );
    }
  }
  return report();
}
