/**
 * Amounts inside domain functions are `bigint` wei (or SSV-token wei); they cross the workflow
 * boundary as decimal strings because bigint is not JSON (STYLE.md rule 11). These helpers are the
 * only place that converts between the two, and the place that formats amounts for reasons shown
 * to operators. Pure: no ethers, so workflow code may import it.
 */
import { DvtError } from './errors.js';

/** 1 ETH in wei. */
export const ETHER = 10n ** 18n;

/** 1 gwei in wei. */
export const GWEI = 10n ** 9n;

const DECIMAL_INTEGER = /^(0|[1-9][0-9]*)$/;

/**
 * Parses a non-negative decimal integer string (no sign, no exponent, no leading zeros) into a
 * bigint. Throws `ERR_INVALID_INPUT` naming `field` when the text is anything else.
 */
export function parseAmount(value: string, field: string): bigint {
  if (typeof value !== 'string' || !DECIMAL_INTEGER.test(value)) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} is not a decimal integer string.`, {
      details: { field, value: typeof value === 'string' ? value.slice(0, 80) : typeof value },
      hint: 'Pass amounts as base-10 strings of wei, e.g. "32000000000000000000".',
    });
  }
  return BigInt(value);
}

/** Serialises a non-negative bigint amount as a decimal string; throws on a negative value. */
export function formatAmount(value: bigint, field = 'amount'): string {
  if (value < 0n) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} is negative.`, {
      details: { field, value: value.toString() },
    });
  }
  return value.toString();
}

/**
 * Formats wei as ETH for human-readable reasons: `32 ETH`, `0.000449 ETH`. Trailing zeros are
 * dropped; at most `maxDecimals` decimals are kept (truncated, never rounded up).
 */
export function formatEth(wei: bigint, maxDecimals = 6): string {
  return `${formatUnits(wei, 18, maxDecimals)} ETH`;
}

/** Formats an integer amount with `decimals` implied decimals, truncated to `maxDecimals`. */
export function formatUnits(value: bigint, decimals: number, maxDecimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, '0').slice(0, maxDecimals);
  const trimmed = fraction.replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole.toString()}${trimmed === '' ? '' : `.${trimmed}`}`;
}

/** Throws `ERR_INVALID_INPUT` unless `value` is a non-negative safe integer. */
export function assertNonNegativeInteger(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} must be a non-negative integer.`, {
      details: { field, value: Number.isFinite(value) ? value : String(value) },
    });
  }
}

/** Throws `ERR_INVALID_INPUT` unless `value` is a non-negative bigint. */
export function assertNonNegativeAmount(value: bigint, field: string): void {
  if (typeof value !== 'bigint' || value < 0n) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} must be a non-negative bigint amount.`, {
      details: { field, value: String(value) },
    });
  }
}

/** `T` with every bigint replaced by its decimal string, recursively: the JSON form of a result. */
export type BigintsAsStrings<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? BigintsAsStrings<U>[]
    : T extends object
      ? { [K in keyof T]: BigintsAsStrings<T[K]> }
      : T;

/**
 * Copies a plain value (objects, arrays, primitives) with every bigint turned into its decimal
 * string, so a domain result can cross the workflow boundary or be shown in a query.
 */
export function bigintsToStrings<T>(value: T): BigintsAsStrings<T> {
  return convert(value) as BigintsAsStrings<T>;
}

function convert(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convert(item)]));
  }
  return value;
}
