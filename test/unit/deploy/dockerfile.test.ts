/**
 * The Dockerfile, checked without building it: pinned base images, a non-root user Kubernetes can
 * verify, the worker's health check, SIGTERM for a graceful stop, and a build context that never
 * carries secrets.
 */
import { readRepoFile } from './deploy-files.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined; comments and blank lines dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: Instruction | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === null)) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending) {
      pending.args = `${pending.args} ${body}`.trim();
    } else {
      const [keyword = '', ...rest] = body.split(/\s+/);
      pending = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: index + 1 };
    }
    if (!continued) {
      instructions.push(pending);
      pending = null;
    }
  });
  return instructions;
}

const instructions = parseDockerfile(readRepoFile('Dockerfile'));
const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
const finalStage = instructions.slice(lastFrom);

function final(keyword: string): Instruction[] {
  return finalStage.filter((i) => i.keyword === keyword);
}

/** The JSON array form of an instruction (exec form), e.g. ENTRYPOINT ["node", "x.js"]. */
function execForm(instruction: Instruction | undefined): string[] {
  if (!instruction) return [];
  return JSON.parse(instruction.args.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
}

describe('Dockerfile', () => {
  it('pins every base image to an exact version', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThan(0);
    const stages = new Set<string>();
    const unpinned: string[] = [];
    for (const from of froms) {
      const [image = '', as, stage] = from.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      if (as?.toUpperCase() === 'AS' && stage) stages.add(stage);
      if (stages.has(image)) continue;
      if (!/^[a-z0-9./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$/.test(image)) {
        unpinned.push(`line ${from.line}: ${image}`);
      }
    }
    expect(unpinned).toEqual([]);
  });

  it('runs Node 20.11 or later, as package.json "engines" asks', () => {
    const engines = (JSON.parse(readRepoFile('package.json')) as { engines: { node: string } })
      .engines.node;
    expect(engines).toContain('>=20.11 <21');
    for (const from of instructions.filter((i) => i.keyword === 'FROM')) {
      const match = /^node:(\d+)\.(\d+)\.(\d+)-/.exec(from.args);
      if (!match) continue;
      const [major, minor] = [Number(match[1]), Number(match[2])];
      expect(major === 20 ? minor >= 11 : major >= 22).toBe(true);
    }
  });

  it('runs as a numeric non-root user, so Kubernetes runAsNonRoot can check it', () => {
    const users = final('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    // Nothing after USER switches back.
    const userIndex = finalStage.lastIndexOf(users.at(-1) as Instruction);
    expect(finalStage.slice(userIndex + 1).some((i) => i.keyword === 'RUN')).toBe(false);
  });

  it("checks the worker's /healthz with node (no curl in slim images)", () => {
    const [healthcheck] = final('HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const command = execForm(healthcheck).join(' ');
    expect(command).toMatch(/^node -e /);
    expect(command).toContain("'9464'");
    expect(command).toContain('/healthz');
    expect(healthcheck?.args).toMatch(/--start-period=\d+s/);
  });

  it('gives the runtime user the SSV index snapshot directory', () => {
    const runs = final('RUN').map((i) => i.args);
    expect(runs).toContain(
      'mkdir -p /var/lib/dvt-router/ssv-index && chown -R 1000:1000 /var/lib/dvt-router',
    );
    expect(final('USER').at(-1)?.args).toBe('1000:1000');
  });

  it('stops with SIGTERM, which the worker drains on', () => {
    expect(final('STOPSIGNAL').map((i) => i.args)).toEqual(['SIGTERM']);
  });

  it('runs the dvt-router CLI, the worker by default', () => {
    const bin = (JSON.parse(readRepoFile('package.json')) as { bin: Record<string, string> }).bin;
    expect(execForm(final('ENTRYPOINT').at(-1))).toEqual(['node', bin['dvt-router']]);
    expect(execForm(final('CMD').at(-1))).toEqual(['worker']);
  });

  it('installs from package-lock.json without install scripts; tsx is a runtime dependency', () => {
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    const install = runs.find((r) => r.includes('npm ci'));
    expect(install).toContain('npm ci --ignore-scripts');
    const pkg = JSON.parse(readRepoFile('package.json')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.tsx).toBeDefined();
    expect(install).toContain('npm prune --omit=dev --ignore-scripts');
  });

  it('keeps secrets, local config and node_modules out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining([
        'secrets/',
        'config/',
        '**/*.key',
        '**/.env',
        'node_modules/',
        'dist/',
        '.git/',
      ]),
    );
  });
});
