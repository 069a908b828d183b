/**
 * scripts/server-pids.sh, which scripts/test.sh's stray-process check runs: dummy processes whose
 * command lines look like each kind of server (they are `sleep`, renamed) must be listed, and
 * unrelated ones must not.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../scripts/server-pids.sh',
);
const SLEEP = execFileSync('bash', ['-c', 'command -v sleep']).toString().trim();

const dir = mkdtempSync(path.join(tmpdir(), 'dvt-server-pids-'));
/** Stands in for the OS temp dir the SDK downloads into. */
const sdkTmp = path.join(dir, 'tmp');
const bin = path.join(dir, 'bin');
const checkout = path.join(dir, 'checkout');
const marker = `DVT_TEST_RUN_ID=server-pids-${process.pid}`;

const children: ChildProcess[] = [];

/** A copy of `sleep` at `file`, so that a process runs under that path. */
function sleepAt(file: string): string {
  copyFileSync(SLEEP, file);
  chmodSync(file, 0o755);
  return file;
}

/** Starts `sleep 60` as `file`, with argv[0] set to `argv0`; with the run marker unless told. */
async function dummy(
  file: string,
  argv0: string = file,
  { marked = true }: { marked?: boolean } = {},
): Promise<number> {
  const env = { ...process.env, DVT_TEST_RUN_ID: marked ? marker.split('=')[1] : 'another-run' };
  const child = spawn(file, ['60'], { argv0, env, stdio: 'ignore' });
  children.push(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${file}`);
  // Listed only once the kernel shows the new command line.
  for (let i = 0; i < 100; i++) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith(`${argv0}\0`)) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${file} (pid ${pid}) did not show its command line`);
}

function serverPids(env: Record<string, string | undefined> = {}, mark = marker): number[] {
  const base = { ...process.env };
  delete base.TEMPORAL_CLI_PATH;
  delete base.TEMPORAL_TEST_SERVER_PATH;
  const output = execFileSync('bash', [SCRIPT, checkout, ...(mark ? [mark] : [])], {
    env: { ...base, TMPDIR: sdkTmp, ...env },
  }).toString();
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

let pids: Record<string, number>;

beforeAll(async () => {
  for (const d of [sdkTmp, bin, checkout]) mkdirSync(d, { recursive: true });
  const overrideCli = sleepAt(path.join(bin, 'my-temporal'));
  symlinkSync(overrideCli, path.join(bin, 'temporal-link'));
  pids = {
    javaTestServer: await dummy(
      SLEEP,
      'java -Xmx512m -cp /opt/lib/* io.temporal.testserver.TestServer',
    ),
    cachedDevServer: await dummy(
      SLEEP,
      '/elsewhere/.tools/temporal-cli/v1.5.1/temporal server start-dev',
    ),
    pathDevServer: await dummy(SLEEP, 'temporal server start-dev'),
    sdkCli: await dummy(sleepAt(path.join(sdkTmp, 'temporal-v1.5.1'))),
    sdkTestServer: await dummy(
      sleepAt(path.join(sdkTmp, 'temporal-test-server-sdk-typescript-1.24.0')),
    ),
    overrideCli: await dummy(overrideCli),
    overrideTestServer: await dummy(sleepAt(path.join(bin, 'my-test-server'))),
    hardhat: await dummy(
      SLEEP,
      `node ${checkout}/node_modules/hardhat/internal/cli/cli.js --config x node`,
    ),
    unrelated: await dummy(sleepAt(path.join(bin, 'unrelated'))),
    temporalClient: await dummy(SLEEP, 'temporal operator namespace list'),
    otherCheckoutHardhat: await dummy(
      SLEEP,
      `node /other/checkout/node_modules/hardhat/internal/cli/cli.js node`,
    ),
    otherRunTestServer: await dummy(SLEEP, 'java io.temporal.testserver.TestServer', {
      marked: false,
    }),
  };
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/server-pids.sh', () => {
  it('lists every kind of Temporal server and the checkout’s Hardhat node', () => {
    const listed = serverPids({
      TEMPORAL_CLI_PATH: path.join(bin, 'temporal-link'),
      TEMPORAL_TEST_SERVER_PATH: path.join(bin, 'my-test-server'),
    });
    expect(listed).toEqual(
      expect.arrayContaining([
        pids.javaTestServer,
        pids.cachedDevServer,
        pids.pathDevServer,
        pids.sdkCli,
        pids.sdkTestServer,
        pids.overrideCli,
        pids.overrideTestServer,
        pids.hardhat,
      ]),
    );
  });

  it('does not list unrelated processes, Temporal client commands or another checkout’s Hardhat', () => {
    const listed = serverPids({
      TEMPORAL_CLI_PATH: path.join(bin, 'temporal-link'),
      TEMPORAL_TEST_SERVER_PATH: path.join(bin, 'my-test-server'),
    });
    expect(listed).not.toContain(pids.unrelated);
    expect(listed).not.toContain(pids.temporalClient);
    expect(listed).not.toContain(pids.otherCheckoutHardhat);
  });

  it('matches an arbitrary binary only while it is named by an override variable', () => {
    const listed = serverPids();
    expect(listed).not.toContain(pids.overrideCli);
    expect(listed).not.toContain(pids.overrideTestServer);
  });

  it('leaves out servers without the run marker, and lists them when no marker is given', () => {
    expect(serverPids()).not.toContain(pids.otherRunTestServer);
    expect(serverPids({}, '')).toEqual(
      expect.arrayContaining([pids.otherRunTestServer, pids.javaTestServer]),
    );
  });
});
