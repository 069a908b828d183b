/**
 * A codec server (Temporal's remote codec protocol) so the Temporal Web UI and CLI can show the
 * payloads the AES-GCM codec encrypted, to operators allowed to see them. It holds the keyring;
 * the Temporal server never does.
 *
 * Protocol: `POST /encode` and `POST /decode` (also under `/{namespace}/…`, the CLI's
 * `--codec-endpoint` template), body and answer `{ "payloads": [{ "metadata": { "<key>":
 * "<base64>" }, "data": "<base64>" }] }` — the proto3 JSON form of Payload. `GET /healthz` answers
 * without authentication.
 *
 * Access: CORS only for the configured UI origins (with credentials, so the UI's "include
 * cross-origin credentials" works); a POST carrying any other `Origin` is refused, so a page on
 * another site cannot use an operator's browser as a decryption oracle. With `authToken` set,
 * encode/decode need `Authorization: Bearer <token>`. Responses never contain key material, and
 * request logs hold counts, never payloads.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { DvtError } from '../domain/errors.js';
import { makeAesGcmCodec, type Keyring } from './codec.js';

export interface CodecServerParameters {
  keyring: Keyring;
  /** 0 picks a free port. */
  port: number;
  /** Defaults to loopback; a container passes 0.0.0.0 and puts access control in front. */
  host?: string;
  /** Browser origins allowed to call (the Web UI's), e.g. `http://127.0.0.1:8233`. */
  allowedOrigins: readonly string[];
  /** When set, encode/decode require `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** Largest request body accepted; defaults to 16 MiB. */
  maxBodyBytes?: number;
  /** Receives one line per request and server event; values in fields, never payloads. */
  log?: CodecServerLog;
}

export type CodecServerLog = (msg: string, fields: Record<string, unknown>) => void;

export interface CodecServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves once open requests are answered. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
const ROUTE = /^(?:\/[^/]+)?\/(encode|decode)\/?$/;

const base64 = z
  .string()
  .refine((v) => v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v), 'must be base64');
const bodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});

type JsonPayload = { metadata: Record<string, string>; data: string };

/** Starts the codec server; resolves once it listens. */
export async function startCodecServer({
  keyring,
  port,
  host = '127.0.0.1',
  allowedOrigins,
  authToken,
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  log = () => undefined,
}: CodecServerParameters): Promise<CodecServer> {
  const codec = makeAesGcmCodec(keyring);
  const origins = new Set(allowedOrigins);
  const tokenDigest = authToken === undefined ? null : digest(authToken);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const origin = req.headers.origin;
    const originAllowed = origin !== undefined && origins.has(origin);
    res.setHeader('Vary', 'Origin');
    if (originAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    const path = new URL(req.url ?? '/', 'http://codec.invalid').pathname;

    if (req.method === 'OPTIONS') {
      // A preflight carries no credentials; answer it for allowed origins only.
      if (originAllowed) {
        res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
      }
      return send(res, 204);
    }
    if (path === '/healthz') {
      return req.method === 'GET'
        ? sendJson(res, 200, { status: 'ok' })
        : methodNotAllowed(res, 'GET');
    }
    const route = ROUTE.exec(path);
    if (route === null) return sendError(res, 404, 'ERR_NOT_FOUND', `No route ${path}.`);
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST, OPTIONS');
    if (origin !== undefined && !originAllowed) {
      return sendError(res, 403, 'ERR_FORBIDDEN', `Origin ${origin} is not allowed.`);
    }
    if (tokenDigest !== null && !bearerMatches(req.headers.authorization, tokenDigest)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'ERR_UNAUTHORIZED', 'A valid bearer token is required.');
    }

    const body = await readBody(req, maxBodyBytes);
    if (body === null) {
      return sendError(res, 413, 'ERR_INVALID_INPUT', `The body exceeds ${maxBodyBytes} bytes.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 400, 'ERR_INVALID_INPUT', 'The body is not valid JSON.');
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) {
      const reasons = parsed.error.issues
        .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      return sendError(
        res,
        400,
        'ERR_INVALID_INPUT',
        `Expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}: ${reasons}.`,
      );
    }
    const payloads = parsed.data.payloads.map(fromJson);
    try {
      const out =
        route[1] === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      return sendJson(res, 200, { payloads: out.map(toJson) });
    } catch (error) {
      if (error instanceof DvtError) return sendError(res, 400, error.code, error.message);
      throw error;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) =>
        log('codec request', {
          method: req.method,
          path: req.url,
          status,
          origin: req.headers.origin ?? null,
          namespace: req.headers['x-namespace'] ?? null,
        }),
      (error: unknown) => {
        log('codec request failed', {
          method: req.method,
          path: req.url,
          error: error instanceof Error ? error.name : 'unknown',
        });
        if (!res.headersSent) sendError(res, 500, 'ERR_INTERNAL', 'Internal error.');
        else res.destroy();
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  log('codec server listening', {
    url,
    keyIds: [...keyring.keys.keys()],
    current: keyring.current,
  });

  let closing: Promise<void> | null = null;
  return {
    url,
    port: bound,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function fromJson(payload: z.output<typeof bodySchema>['payloads'][number]): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    metadata[key] = Buffer.from(value, 'base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value != null) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Compares digests, so neither the token's length nor its bytes leak through timing. */
function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The body, or null once it exceeds the limit (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number): number {
  res.writeHead(status).end();
  return status;
}

function sendJson(res: ServerResponse, status: number, body: unknown): number {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  return status;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): number {
  return sendJson(res, status, { error: code, message });
}

function methodNotAllowed(res: ServerResponse, allow: string): number {
  res.setHeader('Allow', allow);
  return sendError(res, 405, 'ERR_METHOD_NOT_ALLOWED', 'Method not allowed.');
}
