import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { DvtError } from '../../domain/errors.js';

const PEM_PATTERN =
  /^-----BEGIN RSA PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END RSA PUBLIC KEY-----\s*$/;

/** An SSV operator as the shares builder needs it. */
export interface ShareOperator {
  /** On-chain operator id; also the Shamir x-coordinate of its share. */
  id: number;
  /** The API `public_key` / on-chain string: base64 of an `RSA PUBLIC KEY` PEM wrapping SPKI DER. */
  publicKey: string;
}

function invalid(id: number, reason: string, cause?: unknown): DvtError {
  return new DvtError(
    'ERR_OPERATOR_KEY_INVALID',
    `Operator ${id} public key is invalid: ${reason}.`,
    {
      details: { operatorId: id },
      cause,
      hint: 'Exclude this operator or re-read its key from the SSVNetwork contract.',
    },
  );
}

/**
 * Parses and checks an operator's RSA key (specs/ssv-api-and-shares.md §5.4): base64 of a PEM
 * with `-----BEGIN RSA PUBLIC KEY-----` framing whose body is SubjectPublicKeyInfo DER (PKCS#1
 * DER is accepted as eth-ssv-client does); the key must be RSA-2048, since the SSV node splits
 * the ciphertext area into 256-byte slots.
 *
 * Pure. Errors: `ERR_OPERATOR_KEY_INVALID` naming the operator id.
 */
export function parseOperatorPublicKey({ id, publicKey }: ShareOperator): KeyObject {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(publicKey)) {
    throw invalid(id, 'not base64');
  }
  const pem = Buffer.from(publicKey, 'base64').toString('utf8');
  const match = PEM_PATTERN.exec(pem);
  if (!match?.[1]) {
    throw invalid(id, 'the decoded text is not an "RSA PUBLIC KEY" PEM');
  }
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    try {
      key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    } catch (cause) {
      throw invalid(id, 'the DER body is neither SubjectPublicKeyInfo nor PKCS#1', cause);
    }
  }
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) {
    throw invalid(
      id,
      `expected an RSA-2048 key, got ${key.asymmetricKeyType ?? 'unknown'}-${key.asymmetricKeyDetails?.modulusLength ?? '?'}`,
    );
  }
  return key;
}

/**
 * Encodes an RSA public key the way SSV publishes operator keys: base64 of a PEM with
 * `RSA PUBLIC KEY` framing around SPKI DER, 64-character lines and a trailing newline. Pure.
 */
export function encodeOperatorPublicKey(key: KeyObject): string {
  const body = key.export({ format: 'der', type: 'spki' }).toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN RSA PUBLIC KEY-----\n${lines.join('\n')}\n-----END RSA PUBLIC KEY-----\n`;
  return Buffer.from(pem, 'utf8').toString('base64');
}
