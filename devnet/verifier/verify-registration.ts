/**
 * The devnet's check of one SSV registration with every operator's private key
 * (specs/ssv-api-and-shares.md §9), including threshold signing over every minimal subset.
 *
 * Threshold signing, by default over all C(n, T) subsets (715 for 13 operators): each operator's
 * partial signature of a fixed message is made once from its decrypted share. The partials are
 * then shown to lie on one polynomial of degree T − 1 in G2: T of them are combined with Lagrange
 * coefficients at 0 and the result is verified (one pairing check) under the validator's public
 * key, and each of the other n − T partials must equal the value those T predict at its own x.
 * When that holds, any T partials interpolate that same polynomial, so every subset's Lagrange
 * combination is that verified signature: the check is exact for every subset, not a sample.
 * When it does not hold, every subset is combined on its own and compared with a valid signature
 * (BLS signatures are unique, so any other value is invalid), which names each failing subset.
 *
 * Measured on the 2-core development machine (load average 4–6): for 4/7/10/13 operators
 * (4/21/120/715 subsets) the threshold-signing step takes about 10/12/17/22 ms and the whole check
 * 0.15/0.3/0.35/0.6 s, mostly RSA decryption. Combining every subset one by one instead takes
 * 12/43/300/2900 ms (G2 scalar multiplication in WebAssembly): for 13 operators longer than the
 * devnet's event loop should stall per registration, so that path runs only when the partials are
 * inconsistent. `thresholdSigningSubsets: <number>` combines that many evenly spread subsets one
 * by one instead of the default `'all'` (a sample).
 */
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
  /**
   * Which T-subsets to threshold-sign: `'all'` (default) proves every one of the C(n, T); a
   * number combines that many subsets, spread evenly over all of them, one by one (a sample).
   */
  thresholdSigningSubsets?: 'all' | number;
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

/** Lagrange interpolation at x = 0 over the scalar field (one inversion per point). */
function interpolateAtZero(points: ReadonlyArray<{ x: bigint; y: bigint }>): bigint {
  let sum = 0n;
  for (const [i, { x, y }] of points.entries()) {
    let numerator = 1n;
    let denominator = 1n;
    for (const [j, { x: xj }] of points.entries()) {
      if (j === i) continue;
      numerator = mod(numerator * xj);
      denominator = mod(denominator * (xj - x));
    }
    sum = mod(sum + mod(numerator * inverse(denominator)) * y);
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
 * do not; and the partial signatures of every T-subset (or of a sample, when asked) combine in
 * G2 into a signature that verifies under `publicKey` (see {@link checkThresholdSigning}).
 *
 * Pure apart from CPU; never throws for a bad payload, it reports. Reasons name operators and
 * checks, never share values.
 */
export async function verifyRegistration(
  registration: RegistrationToVerify,
  { operatorPrivateKeys, thresholdSigningSubsets = 'all' }: VerifyRegistrationOptions,
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

  const signing = await checkThresholdSigning({
    operatorIds,
    partialSignatures: shares.map((share) => bls.sign(share.bytes, THRESHOLD_TEST_MESSAGE)),
    threshold,
    publicKey: validatorKey.toBytes(),
    message: THRESHOLD_TEST_MESSAGE,
    subsets: thresholdSigningSubsets,
  });
  if (signing.failing.length > 0) {
    reasons.push(describeSigningFailures(signing, threshold, n));
  }
  return report();
}

export interface CheckThresholdSigningParameters {
  /** Operator ids, ascending: the x of each share. */
  operatorIds: readonly number[];
  /** Each operator's partial signature of `message` (96-byte compressed G2), in id order. */
  partialSignatures: readonly Uint8Array[];
  threshold: number;
  /** The validator's public key (48-byte compressed G1). */
  publicKey: Uint8Array;
  message: Uint8Array;
  /** `'all'`: every T-subset, proven exactly; a number: that many subsets combined one by one. */
  subsets: 'all' | number;
}

export interface CheckThresholdSigningReturnType {
  /** How many T-subsets the verdict covers. */
  checked: number;
  /** The subsets (as operator ids) whose combination is not a valid signature. */
  failing: number[][];
}

/**
 * Threshold signing over the T-subsets of `partialSignatures` (see the file header for the
 * method). Pure apart from CPU; throws only for malformed signature bytes.
 */
export async function checkThresholdSigning({
  operatorIds,
  partialSignatures,
  threshold,
  publicKey,
  message,
  subsets,
}: CheckThresholdSigningParameters): Promise<CheckThresholdSigningReturnType> {
  if (typeof herumi.deserializeHexStrToSecretKey !== 'function') {
    await herumi.init(herumi.BLS12_381);
  }
  const n = operatorIds.length;
  const xs = operatorIds.map(BigInt);
  const partials = partialSignatures.map((bytes) =>
    herumi.deserializeHexStrToSignature(bytesToHex(bytes).slice(2)),
  );
  /** Lagrange combination of the partials `members`, evaluated at x = `at`. */
  const combine = (members: readonly number[], at = 0n): HerumiRecoverable => {
    const ids = members.map((i) => {
      const id = new herumi.Id();
      id.setStr(mod(xs[i]! - at).toString()); // decimal
      return id;
    });
    const combined = new herumi.Signature();
    combined.recover(
      members.map((i) => partials[i]!),
      ids,
    );
    return combined;
  };
  const verifies = (signature: HerumiRecoverable): boolean =>
    bls.verify(publicKey, message, hexToBytes(`0x${signature.serializeToHexStr()}`, 'sig', 96));

  const all = [...combinations(n, threshold)];
  const toIds = (subset: readonly number[]): number[] => subset.map((i) => operatorIds[i]!);
  if (subsets === 'all') {
    const base = all[0]!;
    const atZero = combine(base);
    const consistent =
      verifies(atZero) &&
      operatorIds.every(
        (_, i) =>
          base.includes(i) ||
          combine(base, xs[i]).serializeToHexStr() === partials[i]!.serializeToHexStr(),
      );
    if (consistent) return { checked: all.length, failing: [] };
  }
  const picked =
    subsets === 'all'
      ? all
      : [
          ...new Set(
            Array.from({ length: Math.min(Math.max(subsets, 1), all.length) }, (_, k) =>
              Math.round((k * (all.length - 1)) / Math.max(1, subsets - 1)),
            ),
          ),
        ].map((pick) => all[pick]!);
  // BLS signatures are unique: once one combination verifies, any other value is invalid.
  let valid: HerumiRecoverable | null = null;
  const failing: number[][] = [];
  for (const subset of picked) {
    const combined = combine(subset);
    const ok = valid
      ? combined.serializeToHexStr() === valid.serializeToHexStr()
      : verifies(combined);
    if (ok) valid ??= combined;
    else failing.push(toIds(subset));
  }
  return { checked: picked.length, failing };
}

/** One reason for the failing subsets: how many, an example, and the operators all of them share. */
export function describeSigningFailures(
  { checked, failing }: CheckThresholdSigningReturnType,
  threshold: number,
  n: number,
): string {
  const shared = failing[0]!.filter((id) => failing.every((subset) => subset.includes(id)));
  return (
    `threshold signing: ${failing.length} of ${checked} ${threshold}-of-${n} subsets do not ` +
    `combine into a valid signature (e.g. operators ${failing[0]!.join(',')})` +
    (failing.length < checked && shared.length > 0
      ? `; every failing subset includes operator ${shared.join(',')}`
      : '')
  );
}
