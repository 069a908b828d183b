/**
 * The codec server as a process (`tsx client/codec-server-main.ts`, later `dvt-router
 * codec-server`): reads its configuration from the environment, logs JSON lines to stdout and
 * stops gracefully on SIGINT/SIGTERM. The keyring and the token come from files only.
 *
 * - DVT_CODEC_KEYRING_FILE (required): the keyring, as docs/runbooks/codec-key-rotation.md shows.
 * - DVT_CODEC_PORT (8888), DVT_CODEC_HOST (127.0.0.1; 0.0.0.0 in a container).
 * - DVT_CODEC_ALLOWED_ORIGINS: comma-separated Web UI origins allowed by CORS.
 * - DVT_CODEC_AUTH_TOKEN_FILE (optional): a file holding the bearer token callers must send.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DvtError } from '../domain/errors.js';
import { loadKeyring } from './codec.js';
import { startCodecServer, type CodecServer, type CodecServerLog } from './codec-server.js';

const EXAMPLES: Record<string, string> = {
  DVT_CODEC_KEYRING_FILE: '/run/secrets/codec-keyring.json',
  DVT_CODEC_PORT: '8888',
  DVT_CODEC_HOST: '127.0.0.1',
  DVT_CODEC_ALLOWED_ORIGINS: 'http://127.0.0.1:8233,http://localhost:8233',
  DVT_CODEC_AUTH_TOKEN_FILE: '/run/secrets/codec-token',
};

const origin = z
  .string()
  .refine(isOrigin, 'each entry must be an origin like https://temporal-ui.example.com');

export const codecServerConfigSchema = z.object({
  DVT_CODEC_KEYRING_FILE: z.string().min(1),
  DVT_CODEC_PORT: z.coerce.number().int().min(0).max(65_535).default(8888),
  DVT_CODEC_HOST: z.string().min(1).default('127.0.0.1'),
  DVT_CODEC_ALLOWED_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  DVT_CODEC_AUTH_TOKEN_FILE: z.string().min(1).optional(),
});

export type CodecServerConfig = Readonly<z.output<typeof codecServerConfigSchema>>;

/** Parses the codec server's variables; one `ERR_CONFIG` lists every bad one with an example. */
export function loadCodecServerConfig(
  env: Readonly<Record<string, string | undefined>>,
): CodecServerConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(codecServerConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = codecServerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(config)');
      const got = input[key];
      const received = got === undefined ? 'it is not set' : `got "${got}"`;
      const example = EXAMPLES[key] ? `, e.g. ${key}=${EXAMPLES[key]}` : '';
      return `  ${key}: ${issue.message} (${received})${example}`;
    });
    throw new DvtError('ERR_CONFIG', `Invalid codec server configuration:\n${lines.join('\n')}`, {
      details: { invalid: parsed.error.issues.length },
    });
  }
  return Object.freeze(parsed.data);
}

/** Loads the configuration, keyring and token, and starts the server. */
export async function startCodecServerFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  log: CodecServerLog = logLine,
): Promise<CodecServer> {
  const config = loadCodecServerConfig(env);
  const keyring = loadKeyring({ file: config.DVT_CODEC_KEYRING_FILE });
  const authToken =
    config.DVT_CODEC_AUTH_TOKEN_FILE === undefined
      ? undefined
      : readToken(config.DVT_CODEC_AUTH_TOKEN_FILE);
  if (authToken === undefined) {
    log('codec server has no auth token; put it behind an authenticating proxy', {});
  }
  return startCodecServer({
    keyring,
    port: config.DVT_CODEC_PORT,
    host: config.DVT_CODEC_HOST,
    allowedOrigins: config.DVT_CODEC_ALLOWED_ORIGINS,
    ...(authToken === undefined ? {} : { authToken }),
    log,
  });
}

/** Runs the server until SIGINT or SIGTERM, then closes it (open requests are answered first). */
export async function runCodecServerProcess(
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const server = await startCodecServerFromEnv(env);
  await new Promise<void>((resolve, reject) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logLine('codec server stopping', { signal });
      server.close().then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  logLine('codec server stopped', {});
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw new DvtError('ERR_CONFIG', `Cannot read the codec auth token file ${file}.`, {
      cause,
      hint: 'Point DVT_CODEC_AUTH_TOKEN_FILE at a file holding the token, or unset it.',
    });
  }
  if (token === '') {
    throw new DvtError('ERR_CONFIG', `The codec auth token file ${file} is empty.`, {
      hint: 'Write a random token into it, e.g. `openssl rand -hex 32`.',
    });
  }
  return token;
}

function logLine(msg: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }));
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCodecServerProcess(process.env).then(
    () => process.exit(0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(JSON.stringify({ msg: 'codec server failed', error: message }));
      process.exit(1);
    },
  );
}
