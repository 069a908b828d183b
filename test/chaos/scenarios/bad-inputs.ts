/**
 * Scenario 6: a corpus of bad inputs, each of which must be refused with a clear error — a
 * DvtError with an `ERR_` code whose message names what is wrong (configs through loadConfig,
 * operator public keys, SSV API payloads), or, for the CLI, exit code 2 and a message on stderr
 * without a stack trace. Needs no devnet.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DvtError } from '../../../domain/errors.js';
import { parseOperatorPublicKey } from '../../../activities/keys/operator-public-key.js';
import { makeSsvApiClient } from '../../../activities/ssv/ssv-api-client.js';
import { loadConfig } from '../../../worker/config.js';
import type { ScenarioFigures } from '../scenario.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ADDRESS = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
/** The public development key of Hardhat account 0; a secret in shape only. */
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

interface Outcome {
  input: string;
  clear: boolean;
  detail: string;
}

/** A clear error: a DvtError with a code, a message that names `mustMention`, no internals. */
function judge(input: string, error: unknown, mustMention: string): Outcome {
  if (!(error instanceof DvtError)) {
    return { input, clear: false, detail: `not a DvtError: ${String(error).slice(0, 200)}` };
  }
  const message = error.message;
  const problems: string[] = [];
  if (!/^ERR_[A-Z_]+$/.test(error.code)) problems.push(`code ${error.code}`);
  if (!message.toLowerCase().includes(mustMention.toLowerCase())) {
    problems.push(`message does not mention "${mustMention}"`);
  }
  if (/\[object Object\]|\n\s+at /.test(message)) problems.push('message shows internals');
  if (message.includes(DEV_KEY.slice(2))) problems.push('message repeats the secret');
  return {
    input,
    clear: problems.length === 0,
    detail: problems.length ? `${problems.join('; ')}: ${message.slice(0, 300)}` : error.code,
  };
}

function expectThrow(input: string, fn: () => unknown, mustMention: string): Outcome {
  try {
    fn();
    return { input, clear: false, detail: 'accepted' };
  } catch (error) {
    return judge(input, error, mustMention);
  }
}

async function expectReject(
  input: string,
  fn: () => Promise<unknown>,
  mustMention: string,
): Promise<Outcome> {
  try {
    await fn();
    return { input, clear: false, detail: 'accepted' };
  } catch (error) {
    return judge(input, error, mustMention);
  }
}

function configCorpus(dir: string): Outcome[] {
  const files = {
    DVT_SIGNER_KEY_FILE: path.join(dir, 'signer.key'),
    DVT_KEYSTORE_FILE: path.join(dir, 'keystore.json'),
    DVT_KEYSTORE_PASSWORD_FILE: path.join(dir, 'password'),
  };
  const base: Record<string, string> = {
    DVT_NETWORK: 'devnet',
    DVT_EXECUTION_RPC_URL: 'http://127.0.0.1:8545',
    DVT_BEACON_URLS: 'http://127.0.0.1:5052',
    DVT_SSV_API_URL: 'http://127.0.0.1:3300/api/v4',
    DVT_SSV_API_NETWORK: 'devnet',
    DVT_POOL_STORAGE: ADDRESS,
    DVT_SSV_NETWORK: ADDRESS,
    ...files,
  };
  const outcomes: Outcome[] = [];
  // The base must be valid, or the corpus proves nothing.
  try {
    loadConfig(base);
  } catch (error) {
    outcomes.push({ input: 'valid base config', clear: false, detail: String(error) });
  }
  const envCases: [string, Record<string, string | undefined>, string][] = [
    ['unknown network', { DVT_NETWORK: 'ropsten' }, 'DVT_NETWORK'],
    ['RPC URL not a URL', { DVT_EXECUTION_RPC_URL: 'localhost 8545' }, 'DVT_EXECUTION_RPC_URL'],
    ['RPC URL ftp scheme', { DVT_EXECUTION_RPC_URL: 'ftp://x.example' }, 'DVT_EXECUTION_RPC_URL'],
    ['empty beacon list', { DVT_BEACON_URLS: ',' }, 'DVT_BEACON_URLS'],
    ['beacon entry bad', { DVT_BEACON_URLS: 'http://a.example,nope' }, 'DVT_BEACON_URLS'],
    ['pool storage short', { DVT_POOL_STORAGE: '0x1234' }, 'DVT_POOL_STORAGE'],
    ['ssv network missing', { DVT_SSV_NETWORK: undefined }, 'DVT_SSV_NETWORK'],
    ['cluster size 5', { DVT_CLUSTER_SIZE: '5' }, 'DVT_CLUSTER_SIZE'],
    ['confirmations 0', { DVT_CONFIRMATIONS: '0' }, 'DVT_CONFIRMATIONS'],
    ['confirmations negative', { DVT_CONFIRMATIONS: '-3' }, 'DVT_CONFIRMATIONS'],
    ['reserve not a number', { DVT_RESERVE_ETH: 'lots' }, 'DVT_RESERVE_ETH'],
    ['runway 1.5 days', { DVT_TARGET_RUNWAY_DAYS: '1.5' }, 'DVT_TARGET_RUNWAY_DAYS'],
    ['max fee hex', { DVT_MAX_FEE_GWEI: '0x10' }, 'DVT_MAX_FEE_GWEI'],
    ['metrics port 70000', { DVT_METRICS_PORT: '70000' }, 'DVT_METRICS_PORT'],
    ['log level loud', { DVT_LOG_LEVEL: 'loud' }, 'DVT_LOG_LEVEL'],
    ['keystore file missing', { DVT_KEYSTORE_FILE: undefined }, 'DVT_KEYSTORE_FILE'],
    ['signer key in env', { DVT_SIGNER_KEY: DEV_KEY }, 'DVT_SIGNER_KEY'],
    [
      'ssv api network of another chain',
      { DVT_NETWORK: 'hoodi', DVT_SSV_API_NETWORK: 'mainnet' },
      'DVT_SSV_API_NETWORK',
    ],
    ['devnet state missing file', { DVT_DEVNET_STATE: path.join(dir, 'nope.json') }, 'nope.json'],
  ];
  for (const [name, patch, mention] of envCases) {
    const env: Record<string, string | undefined> = { ...base, ...patch };
    outcomes.push(expectThrow(`config: ${name}`, () => loadConfig(env), mention));
  }
  const yamlCases: [string, string, string][] = [
    ['yaml syntax error', 'network: [devnet\n', 'yaml'],
    ['yaml unknown key', 'network: devnet\nconfirmationz: 3\n', 'confirmationz'],
    ['yaml wrong type', 'network: devnet\ntransactions:\n  confirmations: many\n', 'confirmations'],
    ['yaml not a mapping', '- a\n- b\n', 'yaml'],
  ];
  yamlCases.forEach(([name, text, mention], i) => {
    const file = path.join(dir, `bad-${i}.yaml`);
    writeFileSync(file, text);
    outcomes.push(
      expectThrow(`config: ${name}`, () => loadConfig({ ...files }, { file }), mention),
    );
  });
  outcomes.push(
    expectThrow(
      'config: yaml file missing',
      () => loadConfig({}, { file: path.join(dir, 'absent.yaml') }),
      'absent.yaml',
    ),
  );
  return outcomes;
}

function operatorKeyCorpus(): Outcome[] {
  const pem = (body: string, label = 'RSA PUBLIC KEY'): string =>
    Buffer.from(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`).toString('base64');
  const der = (key: ReturnType<typeof generateKeyPairSync>['publicKey']): string =>
    key.export({ format: 'der', type: 'spki' }).toString('base64');
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
  const cases: [string, string][] = [
    ['empty', ''],
    ['not base64', 'not base64!'],
    ['base64 of text', Buffer.from('hello operator').toString('base64')],
    [
      'PUBLIC KEY framing',
      pem(der(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey), 'PUBLIC KEY'),
    ],
    ['garbage DER', pem(Buffer.from('garbage garbage garbage').toString('base64'))],
    ['RSA-1024', pem(der(rsa1024))],
    ['EC P-256', pem(der(ec))],
    ['hex instead of base64', `0x${'ab'.repeat(64)}`],
  ];
  return cases.map(([name, publicKey]) =>
    expectThrow(
      `operator key: ${name}`,
      () => parseOperatorPublicKey({ id: 7, publicKey }),
      'Operator 7',
    ),
  );
}

/** An SSV API that answers every request with `answer`. */
async function apiCorpus(): Promise<Outcome[]> {
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  const server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = makeSsvApiClient({
    baseUrl: `http://127.0.0.1:${port}/api/v4`,
    network: 'devnet',
    retries: 1,
    backoffMs: 1,
    timeoutMs: 2000,
  });
  const owner = ADDRESS;
  const cases: [string, { status: number; body: string }, () => Promise<unknown>][] = [
    ['operators: not JSON', { status: 200, body: '{"operators": [' }, () => client.listOperators()],
    ['operators: no wrapper', { status: 200, body: '[]' }, () => client.listOperators()],
    [
      'operators: pagination as strings',
      { status: 200, body: '{"operators":[],"pagination":{"pages":"1","total":"x"}}' },
      () => client.listOperators(),
    ],
    [
      'operators: 500 forever',
      { status: 500, body: '{"error":"boom"}' },
      () => client.listOperators(),
    ],
    [
      'operator: wrong types',
      { status: 200, body: '{"id":"7","fee":7}' },
      () => client.getOperator(7),
    ],
    [
      'account: nonce as text',
      { status: 200, body: '{"data":{"nonce":"seven"}}' },
      () => client.getAccountNonce(owner),
    ],
    ['account: empty body', { status: 200, body: '' }, () => client.getAccountNonce(owner)],
    ['cluster: not a hash', { status: 200, body: '{}' }, () => client.getCluster('0x1234')],
    [
      'cluster: balance as number',
      { status: 200, body: '{"cluster":{"clusterId":"0x00","balance":1}}' },
      () => client.getCluster(`0x${'11'.repeat(32)}`),
    ],
    [
      'cluster: 429 forever',
      { status: 429, body: '{}' },
      () => client.getCluster(`0x${'11'.repeat(32)}`),
    ],
  ];
  const outcomes: Outcome[] = [];
  try {
    for (const [name, reply, call] of cases) {
      answer = reply;
      outcomes.push(
        await expectReject(
          `ssv api: ${name}`,
          call,
          name.startsWith('cluster: not') ? 'clusterHash' : 'SSV API',
        ),
      );
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return outcomes;
}

/** `node bin/dvt-router.js …` must exit 2 with a message on stderr and no stack trace. */
async function cliCorpus(dir: string): Promise<Outcome[]> {
  const cases: [string, string[], Record<string, string>][] = [
    ['unknown command', ['frobnicate'], {}],
    ['unknown option', ['status', '--frob'], {}],
    ['exit without a validator', ['validators', 'exit'], {}],
    [
      'init with a bad network',
      ['init', '--network', 'ropsten', '-o', path.join(dir, 'x.yaml')],
      {},
    ],
    ['worker with a bad config', ['worker'], { DVT_CONFIRMATIONS: 'zero', DVT_NETWORK: 'devnet' }],
    ['keys import without --out', ['keys', 'import', '--password-file', path.join(dir, 'pw')], {}],
  ];
  const outcomes: Outcome[] = [];
  for (const [name, args, env] of cases) {
    const { code, stderr } = await run(args, env);
    const problems: string[] = [];
    if (code !== 2) problems.push(`exit code ${code}`);
    if (stderr.trim().length < 10) problems.push('no message on stderr');
    if (/\n\s+at .+:\d+:\d+/.test(stderr)) problems.push('stack trace on stderr');
    outcomes.push({
      input: `cli: ${name}`,
      clear: problems.length === 0,
      detail: problems.length ? `${problems.join('; ')}: ${stderr.slice(0, 300)}` : 'exit 2',
    });
  }
  return outcomes;
}

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const cleanEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('DVT_') && value !== undefined) cleanEnv[key] = value;
    }
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'dvt-router.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...cleanEnv, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

export async function badInputs(figures: ScenarioFigures): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvt-chaos-inputs-'));
  try {
    const outcomes = [
      ...configCorpus(dir),
      ...operatorKeyCorpus(),
      ...(await apiCorpus()),
      ...(await cliCorpus(dir)),
    ];
    figures.badInputs = outcomes.length;
    for (const outcome of outcomes.filter((o) => !o.clear)) {
      figures.violations.push(
        `bad input without a clear error — ${outcome.input}: ${outcome.detail}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
