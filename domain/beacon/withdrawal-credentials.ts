import { DvtError } from '../errors.js';
import { bytesToHex, hexToBytes } from './hex.js';

/** `0x01` pays to an execution address; `0x02` is the compounding (Electra) variant. */
export type WithdrawalCredentialsPrefix = '0x01' | '0x02';

export interface ComputeWithdrawalCredentialsParameters {
  /** 20-byte execution address (any case; the checksum is not verified here). */
  address: string;
  /** Defaults to `0x01`, the type StaFi uses. */
  prefix?: WithdrawalCredentialsPrefix;
}

/**
 * Builds execution-address withdrawal credentials: `prefix ‖ 11 zero bytes ‖ address`
 * (specs/beacon-and-keys.md §3).
 *
 * Pure and deterministic. Errors: `ERR_INVALID_INPUT` when the address is not 20 bytes of hex.
 */
export function computeWithdrawalCredentials({
  address,
  prefix = '0x01',
}: ComputeWithdrawalCredentialsParameters): `0x${string}` {
  const addressBytes = hexToBytes(address, 'withdrawal address', 20);
  const credentials = new Uint8Array(32);
  credentials[0] = prefix === '0x01' ? 0x01 : 0x02;
  credentials.set(addressBytes, 12);
  return bytesToHex(credentials);
}

/**
 * Reads the execution address out of 0x01/0x02 withdrawal credentials.
 *
 * Pure. Errors: `ERR_INVALID_INPUT` when the credentials are not 32 bytes, not 0x01/0x02, or
 * bytes 1..12 are not zero.
 */
export function withdrawalAddressOf(withdrawalCredentials: string): `0x${string}` {
  const bytes = hexToBytes(withdrawalCredentials, 'withdrawal credentials', 32);
  if ((bytes[0] !== 0x01 && bytes[0] !== 0x02) || bytes.slice(1, 12).some((b) => b !== 0)) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `Withdrawal credentials ${withdrawalCredentials} are not of type 0x01 or 0x02.`,
      { details: { withdrawalCredentials } },
    );
  }
  return bytesToHex(bytes.slice(12));
}
