/**
 * A second fault layer in front of devnet/faulty-rpc-proxy.ts, for what that proxy does not do
 * per method: slow answers of chosen methods (slow receipts) and stalls that outlast the client's
 * patience (the request is held, then its connection closed: a time-out). Deterministic for a
 * seed. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './scenario.js';

export interface SlowRpcPlan {
  /** Extra latency (ms) for calls of these methods. */
  slowMethods?: Readonly<Record<string, number>>;
  /** Share of calls (0–1) held for `stallMs` and then cut off without an answer. */
  stallRate?: number;
  stallMs?: number;
  seed?: number;
}

export interface SlowRpc {
  url: string;
  counts: { slowed: number; stalled: number };
  setPlan(plan: SlowRpcPlan): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSlowRpc(upstreamUrl: string): Promise<SlowRpc> {
  let plan: SlowRpcPlan = {};
  let random = seededRandom(1);
  const counts = { slowed: 0, stalled: 0 };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      let methods: string[] = [];
      try {
        const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
        methods = (Array.isArray(parsed) ? parsed : [parsed]).map((c) => c.method ?? '');
      } catch {
        // forwarded as is; the node answers the parse error
      }
      const delay = Math.max(0, ...methods.map((m) => plan.slowMethods?.[m] ?? 0));
      if (delay > 0) {
        counts.slowed++;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      if (random() < (plan.stallRate ?? 0)) {
        counts.stalled++;
        await new Promise((resolve) => setTimeout(resolve, plan.stallMs ?? 10_000));
        req.socket.destroy();
        return;
      }
      const upstream = await fetch(upstreamUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await upstream.text();
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end('proxy error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setPlan(next) {
      plan = next;
      random = seededRandom(next.seed ?? 1);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
