import { DvtError } from '../errors.js';

const HEX_PATTERN = /^0x([0-9a-fA-F]{2})*$/;

/**
 * Decodes a `0x`-prefixed hex string into bytes, optionally checking the byte length.
 *
 * Pure. Errors: `ERR_INVALID_INPUT` naming `field` when the text is not even-length 0x-hex or has
 * the wrong length. The offending value is never echoed, since callers may pass secret material.
 */
export function hexToBytes(hex: string, field: string, expectedLength?: number): Uint8Array {
  if (!HEX_PATTERN.test(hex)) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} must be 0x-prefixed hex of whole bytes.`, {
      details: { field },
    });
  }
  const bytes = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  }
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `${field} must be ${expectedLength} bytes, got ${bytes.length}.`,
      { details: { field, expectedLength, actualLength: bytes.length } },
    );
  }
  return bytes;
}

/** Encodes bytes as lower-case `0x`-prefixed hex. Pure. */
export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  let out = '0x';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out as `0x${string}`;
}

/** Concatenates byte arrays. Pure. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
