/**
 * A JSON-RPC proxy that injects faults between the router and the execution node, for tests and
 * the chaos suite: errors before forwarding, responses dropped after the node processed the
 * call (the "lost response after broadcast" case), and added latency. Deterministic for a seed.
 * Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Share of calls answered with HTTP 503 without reaching the node (0–1). */
  failRate?: number;
  /** Share of calls forwarded to the node whose response is then dropped (0–1). */
  dropResponseRate?: number;
  /** Only these methods get faults; all when omitted. */
  methods?: readonly string[];
  /** Drop the response of the first N calls of these methods, whatever the rates. */
  dropFirst?: { method: string; count: number };
  delayMs?: number;
  seed?: number;
}

export interface FaultCounts {
  calls: number;
  failed: number;
  dropped: number;
}

export interface FaultyRpcProxy {
  url: string;
  counts: FaultCounts;
  setPlan(plan: FaultPlan): void;
  stop(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, so a fault sequence can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function methodsOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
    return (Array.isArray(parsed) ? parsed : [parsed]).map((c) => c.method ?? '');
  } catch {
    return [];
  }
}

export async function startFaultyRpcProxy(
  upstreamUrl: string,
  initial: FaultPlan = {},
): Promise<FaultyRpcProxy> {
  let plan = initial;
  let random = prng(plan.seed ?? 1);
  let droppedFirst = 0;
  const counts: FaultCounts = { calls: 0, failed: 0, dropped: 0 };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      counts.calls++;
      const methods = methodsOf(body);
      const targeted = !plan.methods || methods.some((m) => (plan.methods ?? []).includes(m));
      if (plan.delayMs) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
      if (targeted && random() < (plan.failRate ?? 0)) {
        counts.failed++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('injected fault');
        return;
      }
      const upstream = await fetch(upstreamUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await upstream.text();
      const dropForced =
        plan.dropFirst !== undefined &&
        methods.includes(plan.dropFirst.method) &&
        droppedFirst < plan.dropFirst.count;
      if (dropForced || (targeted && random() < (plan.dropResponseRate ?? 0))) {
        if (dropForced) droppedFirst++;
        counts.dropped++;
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end('proxy error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setPlan(next) {
      plan = next;
      random = prng(next.seed ?? 1);
      droppedFirst = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
