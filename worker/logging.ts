/**
 * The worker's logs: one JSON object per line (pino) at `DVT_LOG_LEVEL`, for our own code and for
 * everything the Temporal SDK logs — workflow `log.*` calls (with workflowId, runId, workflowType,
 * namespace, taskQueue), activity `log.*` calls (with activityId, activityType, workflowId,
 * attempt), the worker's own events and, forwarded, the native Core's warnings.
 *
 * Secrets never reach a line (STYLE.md rule 18): values under keys that name a secret (private
 * key, mnemonic, password, secret, key store, seed, token, …) are replaced by `[redacted]` at any
 * depth, the SDK's activity task token is dropped, byte arrays are reduced to their length, and
 * every http(s)/ws(s) URL — in fields, messages and error texts alike — is reduced to its host,
 * so credentials or API keys in a path or query never show. pino's own `redact` covers the same
 * keys as a second line.
 */
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { pino, type DestinationStream, type Logger } from 'pino';

/** Levels of `DVT_LOG_LEVEL`. */
export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The worker's logger (pino). */
export type AppLogger = Logger;

/** Parameters of {@link makeLogger}. */
export interface MakeLoggerParameters {
  level: LogLevelName;
  /** Where lines go; stdout (synchronously) by default. Tests pass a collector. */
  destination?: DestinationStream;
}

const REDACTED = '[redacted]';
/** Keys whose values are secrets, wherever they appear. */
const SECRET_KEY =
  /private.?key|signing.?key|secret|mnemonic|passw(?:or)?d|passphrase|keystore|seed|api.?key|token|authorization|cookie/i;
const SECRET_KEYS = ['privateKey', 'mnemonic', 'password', 'secret', 'keystore', 'seed'];
/** pino's redaction: the same keys at the top level and one level down. */
const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `*.${key}`)];
const WEB_URL = /\b(?:https?|wss?):\/\/[^\s"'<>)\]]+/gi;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi;
const MAX_DEPTH = 6;

/** Makes the worker's JSON logger. */
export function makeLogger({ level, destination }: MakeLoggerParameters): AppLogger {
  const options: pino.LoggerOptions = {
    level,
    name: 'dvt-router',
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => sanitize(arg, 0, new WeakSet())) as typeof args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const SDK_LEVELS: Readonly<Record<LogLevel, LogLevelName>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal Runtime's logger, writing through `logger`: the SDK's metadata (workflow or
 * activity context, `sdkComponent`) becomes fields of the JSON line, the SDK's message its `msg`.
 */
export function sdkLogger(logger: AppLogger): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = SDK_LEVELS[level] ?? 'info';
    if (!logger.isLevelEnabled(method)) return;
    // The activity task token is a capability (it completes the activity), not context.
    const fields: LogMetadata = { ...meta };
    delete fields.taskToken;
    logger[method](fields, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** The level of the native Core's logs for `level`: its INFO is chatty, so WARN unless debugging. */
export function coreLogLevel(level: LogLevelName): LogLevel {
  const levels: Readonly<Record<LogLevelName, LogLevel>> = {
    trace: 'TRACE',
    debug: 'DEBUG',
    info: 'WARN',
    warn: 'WARN',
    error: 'ERROR',
  };
  return levels[level];
}

/** `text` with every web URL reduced to its host and any other URL's credentials removed. */
export function redactUrls(text: string): string {
  return text.replace(WEB_URL, (url) => hostOfUrl(url)).replace(USERINFO, '$1');
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).host || 'invalid-url';
  } catch {
    return 'invalid-url';
  }
}

/** A copy of `value` safe to log (see the file header); the caller's objects are not changed. */
function sanitize(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactUrls(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    out.type = value.name;
    out.message = redactUrls(value.message);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') out.code = code;
    if (value.stack) out.stack = redactUrls(value.stack);
    if (value.cause !== undefined) out.cause = sanitize(value.cause, depth + 1, seen);
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : sanitize(item, depth + 1, seen);
  }
  return out;
}
