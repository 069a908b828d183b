import { defaultPayloadConverter } from '@temporalio/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKeyring } from '../../../client/codec.js';
import { startCodecServer, type CodecServer } from '../../../client/codec-server.js';
import {
  loadCodecServerConfig,
  startCodecServerFromEnv,
} from '../../../client/codec-server-main.js';

const KEY = Buffer.alloc(32, 0x5a).toString('base64');
const keyring = parseKeyring(JSON.stringify({ current: 'k1', keys: { k1: KEY } }), 'test keyring');
const UI = 'http://127.0.0.1:8233';
const TOKEN = 'operator-token-1234';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

let open: CodecServer;
let guarded: CodecServer;
const logged: { msg: string; fields: Record<string, unknown> }[] = [];

beforeAll(async () => {
  [open, guarded] = await Promise.all([
    startCodecServer({
      keyring,
      port: 0,
      host: '127.0.0.1',
      allowedOrigins: [UI, 'http://localhost:8233'],
      log: (msg, fields) => logged.push({ msg, fields }),
    }),
    startCodecServer({
      keyring,
      port: 0,
      host: '127.0.0.1',
      allowedOrigins: [UI],
      authToken: TOKEN,
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
});

function toJson(value: unknown): JsonPayload {
  const payload = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

async function post(
  server: CodecServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('codec server', () => {
  it('encodes and decodes payloads over HTTP in the proto JSON shape', async () => {
    const input = [toJson({ marker: 'HTTP-ROUND-TRIP' }), toJson(null)];
    const encodeResponse = await post(open, '/encode', { payloads: input });
    expect(encodeResponse.status).toBe(200);
    const encoded = (await encodeResponse.json()) as { payloads: JsonPayload[] };
    expect(encoded.payloads).toHaveLength(2);
    for (const payload of encoded.payloads) {
      expect(Buffer.from(payload.metadata.encoding ?? '', 'base64').toString()).toBe(
        'binary/encrypted',
      );
      expect(Buffer.from(payload.metadata['encryption-key-id'] ?? '', 'base64').toString()).toBe(
        'k1',
      );
      expect(Buffer.from(payload.data, 'base64').toString('latin1')).not.toContain('HTTP-ROUND');
    }

    // The CLI's --codec-endpoint template puts the namespace in the path.
    const decodeResponse = await post(open, '/default/decode', encoded, {
      Origin: UI,
      'X-Namespace': 'default',
    });
    expect(decodeResponse.status).toBe(200);
    expect(decodeResponse.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await decodeResponse.json()).toEqual({ payloads: input });
  });

  it('answers a preflight from an allowed origin with the CORS headers the Web UI needs', async () => {
    const response = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:8233',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'Content-Type, X-Namespace, Authorization',
    );
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('gives no CORS headers to another origin and refuses its requests', async () => {
    const preflight = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const response = await post(
      open,
      '/decode',
      { payloads: [] },
      { Origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('requires the bearer token when one is configured', async () => {
    const body = { payloads: [toJson('guarded')] };
    const missing = await post(guarded, '/encode', body);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await post(guarded, '/encode', body, { Authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    const right = await post(guarded, '/encode', body, { Authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);

    // Preflights carry no credentials and health checks need none.
    const preflight = await fetch(`${guarded.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
  });

  it('answers 400 with a clear message for malformed bodies', async () => {
    const notJson = await post(open, '/decode', '{"payloads": [');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: 'ERR_INVALID_INPUT',
      message: 'The body is not valid JSON.',
    });

    const wrongShape = await post(open, '/decode', { payloads: [{ data: 'not base64!' }] });
    expect(wrongShape.status).toBe(400);
    const { message } = (await wrongShape.json()) as { message: string };
    expect(message).toContain('payloads.0.data: must be base64');

    const noPayloads = await post(open, '/decode', { items: [] });
    expect(noPayloads.status).toBe(400);
  });

  it('answers 400 naming the key id for a payload of an unknown key, never key material', async () => {
    const other = parseKeyring(
      JSON.stringify({ current: 'k0', keys: { k0: Buffer.alloc(32, 1).toString('base64') } }),
      'other',
    );
    const server = await startCodecServer({ keyring: other, port: 0, allowedOrigins: [] });
    try {
      const encoded = (await (await post(server, '/encode', { payloads: [toJson(1)] })).json()) as {
        payloads: JsonPayload[];
      };
      const response = await post(open, '/decode', encoded);
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).toContain('key \\"k0\\"');
      expect(text).not.toContain(KEY);
    } finally {
      await server.close();
    }
  });

  it('serves /healthz, 404 for unknown paths and 405 for wrong methods', async () => {
    expect(await (await fetch(`${open.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${open.url}/nope`)).status).toBe(404);
    expect((await fetch(`${open.url}/decode`)).status).toBe(405);
  });

  it('logs requests without payload contents', async () => {
    await post(open, '/encode', { payloads: [toJson('LOG-MARKER')] });
    const lines = JSON.stringify(logged);
    expect(lines).toContain('"msg":"codec request"');
    expect(lines).not.toContain('LOG-MARKER');
    expect(lines).not.toContain(KEY);
  });
});

describe('codec server configuration', () => {
  it('applies the defaults', () => {
    expect(loadCodecServerConfig({ DVT_CODEC_KEYRING_FILE: '/run/secrets/k.json' })).toEqual({
      DVT_CODEC_KEYRING_FILE: '/run/secrets/k.json',
      DVT_CODEC_PORT: 8888,
      DVT_CODEC_HOST: '127.0.0.1',
      DVT_CODEC_ALLOWED_ORIGINS: ['http://127.0.0.1:8233', 'http://localhost:8233'],
    });
  });

  it('reports every bad variable with an example', () => {
    expect(() =>
      loadCodecServerConfig({
        DVT_CODEC_PORT: '70000',
        DVT_CODEC_ALLOWED_ORIGINS: 'http://ui:8080/path',
      }),
    ).toThrow(
      'Invalid codec server configuration:\n' +
        '  DVT_CODEC_KEYRING_FILE: Invalid input: expected string, received undefined (it is not set), e.g. DVT_CODEC_KEYRING_FILE=/run/secrets/codec-keyring.json\n' +
        '  DVT_CODEC_PORT: Too big: expected number to be <=65535 (got "70000"), e.g. DVT_CODEC_PORT=8888\n' +
        '  DVT_CODEC_ALLOWED_ORIGINS: each entry must be an origin like https://temporal-ui.example.com (got "http://ui:8080/path"), e.g. DVT_CODEC_ALLOWED_ORIGINS=http://127.0.0.1:8233,http://localhost:8233',
    );
  });

  it('starts from the environment with the keyring and token files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvt-codec-server-'));
    try {
      writeFileSync(
        join(dir, 'keyring.json'),
        JSON.stringify({ current: 'k1', keys: { k1: KEY } }),
      );
      writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
      const server = await startCodecServerFromEnv(
        {
          DVT_CODEC_KEYRING_FILE: join(dir, 'keyring.json'),
          DVT_CODEC_AUTH_TOKEN_FILE: join(dir, 'token'),
          DVT_CODEC_PORT: '0',
        },
        () => undefined,
      );
      try {
        const body = { payloads: [toJson('env')] };
        expect((await post(server, '/encode', body)).status).toBe(401);
        const ok = await post(server, '/encode', body, { Authorization: `Bearer ${TOKEN}` });
        expect(ok.status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
