// `dvt-router devnet operator` and `devnet verifier` against a stub of the SSV API simulator: the
// arguments become exactly the admin body the simulator's route accepts (checked against its own
// schema), the simulator is found through the devnet's state.json, and every failure (bad
// arguments, no devnet, unknown operator, unreachable or malformed API) ends with the CLI's exit
// code for it and a message that says what to do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT } from '../../../client/cli.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { operatorAdminBodySchema } from '../../../devnet/ssv-api-sim/start-ssv-api-sim.js';

interface Recorded {
  method: string;
  url: string;
  body: unknown;
}

type Handler = (request: Recorded) => { status: number; body: unknown };

let server: Server;
let origin: string;
let requests: Recorded[];
let handler: Handler;

const OPERATOR = {
  id: 3,
  id_str: '3',
  name: 'Devnet operator 3',
  status: 'Active',
  is_active: 1,
  is_private: false,
  fee: '382640000000',
  validators_count: 2,
  performance: { '24h': 99.5, '30d': 99.6 },
};

const REPORT = {
  total: 2,
  valid: 1,
  invalid: 1,
  registrations: [
    {
      publicKey: `0x${'a1'.repeat(48)}`,
      owner: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      nonce: 0,
      operatorIds: [1, 2, 3, 4],
      valid: true,
      reasons: [],
      block: 41,
      logIndex: 0,
      transactionHash: `0x${'11'.repeat(32)}`,
      removed: null,
    },
    {
      publicKey: `0x${'b2'.repeat(48)}`,
      owner: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      nonce: 1,
      operatorIds: [1, 2, 3, 4],
      valid: false,
      reasons: ['signature: does not verify for owner 0x7099… and nonce 1'],
      block: 44,
      logIndex: 1,
      transactionHash: `0x${'22'.repeat(32)}`,
      removed: { block: 50, logIndex: 0 },
    },
  ],
};

/** What the simulator answers: the operator after the override, 404 for other ids. */
const simulatorLike: Handler = ({ method, url, body }) => {
  if (method === 'POST' && url === '/admin/operators/3') {
    const parsed = operatorAdminBodySchema.strict().safeParse(body);
    return parsed.success
      ? { status: 200, body: { ok: true } }
      : { status: 400, body: { error: { code: 400, message: 'bad body' } } };
  }
  if (method === 'POST' && url.startsWith('/admin/operators/')) {
    return { status: 404, body: { error: { code: 404, message: 'Operator 99 not found' } } };
  }
  if (method === 'GET' && url === '/api/v4/devnet/operators/3') {
    const override = requests.find((r) => r.method === 'POST')?.body as
      { status?: string | null; performance?: { '30d'?: number } | null } | undefined;
    return {
      status: 200,
      body: {
        ...OPERATOR,
        status: override?.status ?? 'Active',
        is_active: override?.status === 'Inactive' ? 0 : 1,
        performance: { ...OPERATOR.performance, ...override?.performance },
      },
    };
  }
  if (method === 'GET' && url === '/admin/verifier') return { status: 200, body: REPORT };
  return { status: 404, body: { error: { code: 404, message: `${url} not found` } } };
};

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const recorded = {
        method: request.method ?? '',
        url: request.url ?? '',
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      requests.push(recorded);
      const { status, body } = handler(recorded);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  handler = simulatorLike;
});

/** A devnet folder whose state.json points at `ssvApiUrl`. */
function devnetDir(ssvApiUrl: string = origin): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvt-devnet-cli-'));
  writeFileSync(
    path.join(dir, 'state.json'),
    JSON.stringify({ network: 'devnet', ssvApiUrl, ssvApiNetwork: 'devnet' }),
  );
  return dir;
}

const run = (...args: string[]): Promise<CliRun> => runCliCaptured(args);

const devnetRun = (...args: string[]) => run('--devnet-dir', devnetDir(), 'devnet', ...args);

describe('dvt-router devnet', () => {
  it('is listed in the help with its two commands', async () => {
    expect((await run()).out).toMatch(/^ {2}devnet\b/m);
    const { code, out } = await run('devnet', '--help');
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/^ {2}operator \[options\] <id>/m);
    expect(out).toMatch(/^ {2}verifier\b/m);
  });
});

describe('dvt-router devnet operator', () => {
  it('sends the status and performance as the admin route takes them, then shows the operator', async () => {
    const { code, out } = await devnetRun(
      'operator',
      '3',
      '--status',
      'inactive',
      '--performance30d',
      '12.5',
    );
    expect(code).toBe(EXIT.ok);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /admin/operators/3',
      'GET /api/v4/devnet/operators/3',
    ]);
    expect(requests[0]!.body).toEqual({ status: 'Inactive', performance: { '30d': 12.5 } });
    expect(out).toMatch(/^status\s+Inactive$/m);
    expect(out).toMatch(/^active\s+false$/m);
    expect(out).toMatch(/^performance 30d\s+12\.5$/m);
  });

  it('maps every --status choice and --hidden / --no-hidden onto the route fields', async () => {
    const cases: [string[], unknown][] = [
      [['--status', 'active'], { status: 'Active' }],
      [['--status', 'no-validators'], { status: 'No validators' }],
      [['--status', 'removed'], { status: 'Removed' }],
      [['--status', 'chain'], { status: null }],
      [
        ['--performance24h', '0', '--performance30d', '100'],
        { performance: { '24h': 0, '30d': 100 } },
      ],
      [['--hidden'], { hidden: true }],
      [['--no-hidden'], { hidden: false }],
      [['--reset'], { status: null, performance: null, hidden: false }],
    ];
    for (const [options, body] of cases) {
      requests = [];
      const { code, err } = await devnetRun('operator', '3', ...options);
      expect({ options, code, err }).toEqual({ options, code: EXIT.ok, err: '' });
      expect({ options, body: requests[0]?.body }).toEqual({ options, body });
      expect(operatorAdminBodySchema.strict().safeParse(requests[0]?.body).success).toBe(true);
    }
  });

  it('only reads the operator when no option changes it, and prints JSON with --json', async () => {
    const { code, out } = await run(
      '--json',
      '--devnet-dir',
      devnetDir(),
      'devnet',
      'operator',
      '3',
    );
    expect(code).toBe(EXIT.ok);
    expect(requests.map((r) => r.method)).toEqual(['GET']);
    expect(JSON.parse(out)).toEqual({ applied: null, operator: OPERATOR });
  });

  it('rejects bad arguments with exit code 2 before any request', async () => {
    const bad: [string[], RegExp][] = [
      [['operator', 'abc'], /"abc" is not an operator id\./],
      [['operator', '0'], /"0" is not an operator id\./],
      [['operator', '3', '--performance24h', '101'], /--performance24h 101 is not a percentage\./],
      [
        ['operator', '3', '--performance30d', 'high'],
        /--performance30d high is not a percentage\./,
      ],
      [['operator', '3', '--status', 'sleeping'], /argument 'sleeping' is invalid/],
      [['operator', '3', '--reset', '--status', 'active'], /cannot be used with option '--status/],
      [['operator'], /missing required argument 'id'/],
    ];
    for (const [args, message] of bad) {
      const { code, err } = await devnetRun(...args);
      expect({ args, code }).toEqual({ args, code: EXIT.usage });
      expect(err).toMatch(message);
    }
    expect(requests).toEqual([]);
  });

  it('names the missing state file when no devnet runs (exit 2)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dvt-devnet-cli-'));
    const { code, err } = await run(
      '--devnet-dir',
      dir,
      'devnet',
      'operator',
      '3',
      '--status',
      'inactive',
    );
    expect(code).toBe(EXIT.usage);
    expect(err).toContain(`No running devnet: cannot read ${path.join(dir, 'state.json')}.`);
    expect(err).toContain('npm run devnet');
  });

  it('reports an unknown operator as not found (exit 1) and a stopped simulator as unreachable (exit 3)', async () => {
    const missing = await devnetRun('operator', '99', '--status', 'inactive');
    expect(missing.code).toBe(EXIT.failed);
    expect(missing.err).toContain('POST /admin/operators/99: Operator 99 not found.');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await run(
      '--devnet-dir',
      devnetDir(`http://127.0.0.1:${port}`),
      'devnet',
      'operator',
      '3',
    );
    expect(down.code).toBe(EXIT.unavailable);
    expect(down.err).toContain(`Cannot reach the devnet SSV API at http://127.0.0.1:${port}.`);
  });
});

describe('dvt-router devnet verifier', () => {
  it('prints every checked registration with its verdict and reasons', async () => {
    const { code, out } = await devnetRun('verifier');
    expect(code).toBe(EXIT.ok);
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /admin/verifier']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^BLOCK\s+OWNER\s+NONCE\s+PUBKEY\s+OPERATORS\s+VALID\s+REMOVED\s+REASONS$/,
    );
    expect(lines[1]).toMatch(
      /^41\s+0x70997970…dc79c8\s+0\s+0xa1a1a1a1…a1a1a1\s+1,2,3,4\s+yes\s+-\s+-$/i,
    );
    expect(lines[2]).toMatch(/\s1\s.*\sNO\s+block 50\s+signature: does not verify/);
    expect(lines.at(-1)).toBe('2 registrations checked: 1 valid, 1 invalid.');
  });

  it('prints the report as JSON with --json', async () => {
    const { code, out } = await run('--json', '--devnet-dir', devnetDir(), 'devnet', 'verifier');
    expect(code).toBe(EXIT.ok);
    expect(JSON.parse(out)).toEqual(REPORT);
  });

  it('refuses a report of the wrong shape (exit 1)', async () => {
    handler = () => ({ status: 200, body: { total: 'two', registrations: [] } });
    const { code, err } = await devnetRun('verifier');
    expect(code).toBe(EXIT.failed);
    expect(err).toContain('The devnet SSV API sent a verifier report of an unexpected shape');
  });
});
