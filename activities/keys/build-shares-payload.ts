import bls from '@chainsafe/bls';
import { KeySharesItem, SSVKeys } from 'ssv-keys';

import { DvtError } from '../../domain/errors.js';
import { bytesToHex } from '../../domain/beacon/hex.js';
import { parseOperatorPublicKey } from './operator-public-key.js';
import type { ShareOperator } from './operator-public-key.js';
import { THRESHOLDS, parseSharesData, sharesSignatureMessage } from './shares-data.js';

/** What `registerValidator` needs, plus the nonce the signature commits to. */
export interface SharesPayload {
  /** Validator BLS public key, 0x-hex. */
  publicKey: `0x${string}`;
  /** Operator ids in ascending order, as the transaction must list them. */
  operatorIds: number[];
  /** `signature ‖ sharePubKeys ‖ encryptedShares`, 0x-hex. */
  sharesData: `0x${string}`;
  /** Owner nonce the signature was made for. */
  ownerNonce: number;
}

export interface BuildSharesPayloadParameters {
  /** 32-byte validator secret key; not retained. */
  secretKey: Uint8Array;
  /** 4, 7, 10 or 13 operators with distinct ids, in any order. */
  operators: readonly ShareOperator[];
  /** The cluster owner (the address that sends `registerValidator`), any case. */
  ownerAddress: string;
  /** The owner's next nonce: the number of `ValidatorAdded` events it has ever emitted. */
  ownerNonce: number;
}

/**
 * Validates operators and returns them sorted by id. Errors: `ERR_INVALID_INPUT` for a count that
 * is not 3f+1 in {4, 7, 10, 13} or for duplicate or non-positive ids; `ERR_OPERATOR_KEY_INVALID`
 * naming the first operator whose key is unusable.
 */
export function checkShareOperators(operators: readonly ShareOperator[]): ShareOperator[] {
  if (THRESHOLDS[operators.length] === undefined) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `An SSV cluster needs 4, 7, 10 or 13 operators, got ${operators.length}.`,
      { details: { operatorCount: operators.length } },
    );
  }
  const sorted = [...operators].sort((a, b) => a.id - b.id);
  sorted.forEach((operator, i) => {
    if (!Number.isSafeInteger(operator.id) || operator.id < 1) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `Operator id ${operator.id} is not a positive integer.`,
        {
          details: { operatorId: operator.id },
        },
      );
    }
    if (i > 0 && sorted[i - 1]?.id === operator.id) {
      throw new DvtError('ERR_INVALID_INPUT', `Operator ${operator.id} is listed twice.`, {
        details: { operatorId: operator.id },
      });
    }
  });
  for (const operator of sorted) parseOperatorPublicKey(operator);
  return sorted;
}

/** A list of 16 or more small numbers: a key as bytes (`12, 34, …`, `0c:22:…`, `0c 22 …`). */
const BYTE_LIST = /(?:[0-9a-fA-F]{1,3}[\s,:;]+){15,}[0-9a-fA-F]{1,3}/;

/**
 * Whether text could hold key material in some encoding. A 32-byte key is 64 hex, 44 base64 or
 * about 77 decimal characters: any run of 20 or more hex/base64(url)/decimal characters that is not
 * plain letters counts, as does a run of 32 or more letters (no word is that long) and a byte list.
 * Class names like `PrivateKeyFormatError` stay quotable.
 */
function mayHoldKey(text: string): boolean {
  for (const run of text.match(/[A-Za-z0-9+/=_-]{20,}/g) ?? []) {
    if (/[^A-Za-z]/.test(run) || run.length >= 32) return true;
  }
  return BYTE_LIST.test(text);
}

/** An error's name or message as our error may quote it: `undefined` when it may hold a key. */
function quotable(text: string): string | undefined {
  return mayHoldKey(text) ? undefined : text.slice(0, 200);
}

// ssv-keys exceptions may keep the private key on a property (PrivateKeyFormatError) or quote it
// in their message, so only a name and message free of anything key-like survive into our error;
// never the cause.
function libraryFailure(error: unknown, publicKey: string): DvtError {
  const name = quotable(error instanceof Error ? error.name : '') || 'Error';
  const text = quotable(error instanceof Error ? error.message : '');
  const said =
    text === undefined ? ` (${name}; its message is withheld: it may quote key material)` : '';
  return new DvtError(
    'ERR_SHARES_PAYLOAD',
    `Building the SSV shares of ${publicKey} failed${text ? ` (${name}: ${text})` : said}.`,
    {
      details: { pubkey: publicKey, libraryError: name },
    },
  );
}

/**
 * Splits a validator key into Shamir shares for the sorted operators (x = operator id), encrypts
 * each share to its operator's RSA key, signs `"<EIP-55 owner>:<nonce>"` with the validator key
 * and assembles `sharesData` with ssv-keys 1.1.0; then re-parses the layout and checks it.
 *
 * Not deterministic (fresh polynomial and RSA padding each call) but any result is equally valid
 * for the same nonce, so retrying is safe until the registration is mined.
 * Errors: `ERR_INVALID_INPUT`, `ERR_OPERATOR_KEY_INVALID` (see {@link checkShareOperators}),
 * `ERR_SHARES_PAYLOAD` when ssv-keys fails or its output does not have the expected layout.
 */
export async function buildSharesPayload({
  secretKey,
  operators,
  ownerAddress,
  ownerNonce,
}: BuildSharesPayloadParameters): Promise<SharesPayload> {
  const sorted = checkShareOperators(operators);
  sharesSignatureMessage(ownerAddress, ownerNonce);
  const publicKey = bytesToHex(bls.secretKeyToPublicKey(secretKey));
  const ssvOperators = sorted.map(({ id, publicKey: operatorKey }) => ({ id, operatorKey }));
  const privateKey = bytesToHex(secretKey);
  let payload: { publicKey: string; operatorIds: number[]; sharesData: string };
  let sharePublicKeys: string[];
  try {
    // A fresh SSVKeys per call: it keeps the last threshold (with the key) on the instance.
    const ssvKeys = new SSVKeys();
    const threshold = await ssvKeys.createThreshold(privateKey, ssvOperators);
    sharePublicKeys = threshold.shares.map((share) => share.publicKey.toLowerCase());
    const encryptedShares = await ssvKeys.encryptShares(ssvOperators, threshold.shares);
    // ssv-keys declares the result as `any`; the layout check below validates it.
    payload = (await new KeySharesItem().buildPayload(
      { publicKey, operators: ssvOperators, encryptedShares },
      { ownerAddress, ownerNonce, privateKey },
    )) as { publicKey: string; operatorIds: number[]; sharesData: string };
  } catch (error) {
    throw libraryFailure(error, publicKey);
  }
  const parsed = parseSharesData(payload.sharesData, sorted.length);
  const layoutOk =
    payload.publicKey.toLowerCase() === publicKey &&
    payload.operatorIds.join(',') === sorted.map((o) => o.id).join(',') &&
    parsed.sharePublicKeys.every((key, i) => bytesToHex(key) === sharePublicKeys[i]) &&
    bls.verify(
      bls.PublicKey.fromHex(publicKey),
      sharesSignatureMessage(ownerAddress, ownerNonce),
      bls.Signature.fromBytes(parsed.signature),
    );
  if (!layoutOk) {
    throw new DvtError(
      'ERR_SHARES_PAYLOAD',
      `The SSV shares of ${publicKey} have a wrong layout.`,
      {
        details: { pubkey: publicKey },
        hint: 'This is a bug in the shares builder; do not register this payload.',
      },
    );
  }
  return {
    publicKey,
    operatorIds: sorted.map((o) => o.id),
    sharesData: payload.sharesData.toLowerCase() as `0x${string}`,
    ownerNonce,
  };
}

export interface BuildBulkSharesPayloadsParameters extends Omit<
  BuildSharesPayloadParameters,
  'secretKey'
> {
  /** Validator keys in registration order; key j is signed with `ownerNonce + j`. */
  secretKeys: readonly Uint8Array[];
}

/**
 * Builds payloads for one `bulkRegisterValidator` call: key j signs nonce `ownerNonce + j`, in
 * array order, as SSV nodes expect (specs/ssv-api-and-shares.md §4). Errors: as
 * {@link buildSharesPayload}.
 */
export async function buildBulkSharesPayloads({
  secretKeys,
  ...common
}: BuildBulkSharesPayloadsParameters): Promise<SharesPayload[]> {
  const payloads: SharesPayload[] = [];
  for (const [j, secretKey] of secretKeys.entries()) {
    payloads.push(
      await buildSharesPayload({ ...common, secretKey, ownerNonce: common.ownerNonce + j }),
    );
  }
  return payloads;
}
