import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port handed out: above the registered services most machines run. */
const LOWEST = 10_000;
const ATTEMPTS = 50;
/** Ports this process handed out: never handed out twice (a caller may not have bound it yet). */
const handedOut = new Set<number>();

/**
 * The OS's ephemeral range (Linux `ip_local_port_range`, else the IANA default). The kernel gives
 * ports from it to outgoing connections, so a server port picked there can be taken by any client
 * socket between two uses: a worker restarted on its old metrics port then fails with EADDRINUSE.
 */
export function ephemeralPortRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return { low, high };
  } catch {
    // not Linux: the IANA dynamic range below
  }
  return { low: 49_152, high: 65_535 };
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, below the ephemeral range (see
 * {@link ephemeralPortRange}) so that no outgoing connection takes it while a server is down
 * between two starts, and never one this process handed out before. Falls back to a port the OS
 * picks when none below the range is free.
 */
export async function freePort(): Promise<number> {
  const { low } = ephemeralPortRange();
  const span = low - LOWEST;
  for (let attempt = 0; span > 0 && attempt < ATTEMPTS; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * span);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  return listenOnce(0);
}

async function canListen(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}

/** Listens on `port` (0: the OS picks) on 127.0.0.1, closes, and returns the port. */
function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}
