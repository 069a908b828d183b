/**
 * The one error base of dvt-router (STYLE.md rules 13–14). Every error has a stable string code
 * (`ERR_…`), typed details, an optional cause and a retry class. Activities turn a DvtError into
 * an ApplicationFailure whose `type` is the code, non-retryable when the code is permanent; retry
 * policies name codes, never class names. Messages never carry secrets.
 */

/** Every error code, with whether retrying the same call can succeed. */
export const errorCodes = {
  /** Configuration is missing or invalid; fix the config and restart. */
  ERR_CONFIG: { retryable: false },
  /** An input to a pure function or activity is malformed; a bug or bad data upstream. */
  ERR_INVALID_INPUT: { retryable: false },
  /** A remote endpoint failed in a way that may pass (timeout, 5xx, connection reset). */
  ERR_UPSTREAM_UNAVAILABLE: { retryable: true },
  /** A remote endpoint answered with data that fails validation. */
  ERR_UPSTREAM_MALFORMED: { retryable: true },
  /** An operator's RSA public key cannot be used to encrypt shares. */
  ERR_OPERATOR_KEY_INVALID: { retryable: false },
  /** The key store cannot be opened (missing file, wrong password, corrupt keystore). */
  ERR_KEYSTORE: { retryable: false },
  /** A transaction simulation or receipt reverted with a decoded, permanent reason. */
  ERR_TX_REVERTED: { retryable: false },
  /** A simulation reverted because chain state moved (e.g. a stale cluster struct); re-read and retry. */
  ERR_TX_STATE_CHANGED: { retryable: true },
  /** The node refused a signed transaction for a reason other than a known duplicate. */
  ERR_TX_REJECTED: { retryable: true },
  /** The signer account's nonce was used by a transaction the router did not send. */
  ERR_NONCE_CONFLICT: { retryable: false },
  /** The networks behind the configured endpoints disagree. */
  ERR_NETWORK_MISMATCH: { retryable: false },
  /** A lifecycle was asked to move between stages the state machine does not connect; a bug. */
  ERR_ILLEGAL_TRANSITION: { retryable: false },
  /** An SSV key-shares payload could not be built or failed its own layout check. */
  ERR_SHARES_PAYLOAD: { retryable: false },
  /** A remote endpoint refused the request itself (4xx other than not-found); fix the request. */
  ERR_UPSTREAM_REJECTED: { retryable: false },
  /** The beacon node refused a signed voluntary exit (400); its message says why. */
  ERR_VOLUNTARY_EXIT_REJECTED: { retryable: false },
  /** What an operator named (a validator, a workflow) does not exist. */
  ERR_NOT_FOUND: { retryable: false },
  /** Dry-run mode: the transaction was simulated and would be sent now; nothing is signed. */
  ERR_DRY_RUN: { retryable: false },
} as const satisfies Record<`ERR_${string}`, { retryable: boolean }>;

export type DvtErrorCode = keyof typeof errorCodes;

export interface DvtErrorOptions {
  /** Public identifiers that help an operator act (pubkey, tx hash, operator id, cluster). */
  details?: Record<string, string | number | boolean | null>;
  cause?: unknown;
  /** What to do about it, shown after the message. */
  hint?: string;
}

export class DvtError extends Error {
  override readonly name: string = 'DvtError';
  readonly code: DvtErrorCode;
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
  readonly hint: string | undefined;

  constructor(code: DvtErrorCode, message: string, options: DvtErrorOptions = {}) {
    super(options.hint ? `${message} ${options.hint}` : message, { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
    this.hint = options.hint;
  }

  get retryable(): boolean {
    return errorCodes[this.code].retryable;
  }
}

/** Codes a retry policy must not retry (for `nonRetryableErrorTypes`). */
export const NON_RETRYABLE_CODES: readonly DvtErrorCode[] = (
  Object.keys(errorCodes) as DvtErrorCode[]
).filter((code) => !errorCodes[code].retryable);
