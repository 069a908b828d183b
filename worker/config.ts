/**
 * Worker configuration: one zod schema, parsed once from the environment into a frozen object
 * (STYLE.md rule 17). Every invalid value is reported with its variable name, what is wrong and an
 * example. Secrets are never values here: the config holds paths to files (`*_FILE`) and the
 * worker reads them at start-up.
 *
 * For the devnet, `DVT_DEVNET_STATE=.devnet/state.json` fills endpoints and addresses from the
 * state file the devnet wrote; explicit variables still win.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DvtError } from '../domain/errors.js';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');
const url = z.string().url('must be a URL');
const positiveInt = z.coerce.number().int().positive();
const decimalEth = z.string().regex(/^\d+(\.\d{1,18})?$/, 'must be an ETH amount like 20 or 0.5');

const EXAMPLES: Record<string, string> = {
  DVT_TEMPORAL_ADDRESS: '127.0.0.1:7233',
  DVT_EXECUTION_RPC_URL: 'http://127.0.0.1:8545',
  DVT_BEACON_URLS: 'http://127.0.0.1:5052,http://backup:5052',
  DVT_SSV_API_URL: 'https://api.ssv.network/api/v4',
  DVT_POOL_STORAGE: '0x0000000000000000000000000000000000000000',
  DVT_SSV_NETWORK: '0xDD9BC35aE942eF0cFa76930954a156B3fF30a4E1',
  DVT_SIGNER_KEY_FILE: '/run/secrets/router-signer.key',
  DVT_KEYSTORE_FILE: '/var/lib/dvt-router/keystore.json',
  DVT_KEYSTORE_PASSWORD_FILE: '/run/secrets/keystore-password',
  DVT_RESERVE_ETH: '20',
  DVT_CLUSTER_SIZE: '4',
  DVT_METRICS_PORT: '9464',
  DVT_LOG_LEVEL: 'info',
  DVT_CODEC_KEYRING_FILE: '/run/secrets/codec-keyring.json',
};

export const configSchema = z
  .object({
    DVT_NETWORK: z.enum(['mainnet', 'hoodi', 'devnet']).default('devnet'),
    DVT_TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    DVT_TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    DVT_TASK_QUEUE: z.string().min(1).default('dvt-router'),
    DVT_EXECUTION_RPC_URL: url,
    DVT_BEACON_URLS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(url).min(1, 'needs at least one beacon node URL')),
    DVT_SSV_API_URL: url,
    DVT_SSV_API_NETWORK: z.string().min(1).default('devnet'),
    DVT_POOL_STORAGE: address,
    DVT_SSV_NETWORK: address,
    DVT_SIGNER_KEY_FILE: z.string().min(1),
    DVT_KEYSTORE_FILE: z.string().min(1),
    DVT_KEYSTORE_PASSWORD_FILE: z.string().min(1),
    DVT_RESERVE_ETH: decimalEth.default('20'),
    DVT_CLUSTER_SIZE: z.coerce
      .number()
      .refine((n) => [4, 7, 10, 13].includes(n), 'must be 4, 7, 10 or 13')
      .default(4),
    DVT_TARGET_RUNWAY_DAYS: positiveInt.default(30),
    DVT_CONFIRMATIONS: positiveInt.default(1),
    DVT_POOL_MONITOR_INTERVAL_SECONDS: positiveInt.default(30),
    DVT_MAX_FEE_GWEI: positiveInt.default(200),
    /** Highest operator fee the router accepts, wei per block (SSV v2 ETH fees). */
    DVT_OPERATOR_FEE_CAP_WEI: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of wei per block, e.g. 10000000000')
      .default('10000000000'),
    /** Below this the SSV owner account cannot fund registrations; new onboarding pauses. */
    DVT_MIN_OWNER_BALANCE_ETH: decimalEth.default('0.1'),
    DVT_DRY_RUN: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    DVT_SSV_FROM_BLOCK: z.coerce.number().int().min(0).default(0),
    /** Metrics (`/metrics`) and health (`/healthz`, `/readyz`) endpoint; port 0 turns it off. */
    DVT_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    DVT_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
    DVT_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    /** Keyring of the payload codec (AES-256-GCM); unset means payloads are not encrypted. */
    DVT_CODEC_KEYRING_FILE: z.string().min(1).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.DVT_NETWORK === 'mainnet' && config.DVT_SSV_API_NETWORK !== 'mainnet') {
      ctx.addIssue({
        code: 'custom',
        path: ['DVT_SSV_API_NETWORK'],
        message: `is ${config.DVT_SSV_API_NETWORK} but DVT_NETWORK is mainnet; set it to mainnet`,
      });
    }
  });

export type WorkerConfig = Readonly<z.output<typeof configSchema>>;
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Defaults taken from the devnet's state file, for variables the environment does not set. */
export function devnetDefaults(statePath: string): Record<string, string> {
  let state: {
    executionRpcUrl: string;
    beaconUrl: string;
    ssvApiUrl: string;
    ssvApiNetwork: string;
    temporalAddress: string | null;
    temporalNamespace: string | null;
    contracts: { storage: string; ssvNetwork: string };
    deployBlocks: { ssv: number };
  };
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as typeof state;
  } catch (cause) {
    throw new DvtError('ERR_CONFIG', `Cannot read the devnet state file ${statePath}.`, {
      cause,
      hint: 'Start the devnet with `npm run devnet` first, or unset DVT_DEVNET_STATE.',
    });
  }
  return {
    DVT_NETWORK: 'devnet',
    DVT_EXECUTION_RPC_URL: state.executionRpcUrl,
    DVT_BEACON_URLS: state.beaconUrl,
    DVT_SSV_API_URL: `${state.ssvApiUrl}/api/v4`,
    DVT_SSV_API_NETWORK: state.ssvApiNetwork,
    DVT_POOL_STORAGE: state.contracts.storage,
    DVT_SSV_NETWORK: state.contracts.ssvNetwork,
    DVT_SSV_FROM_BLOCK: String(state.deployBlocks.ssv),
    ...(state.temporalAddress ? { DVT_TEMPORAL_ADDRESS: state.temporalAddress } : {}),
    ...(state.temporalNamespace ? { DVT_TEMPORAL_NAMESPACE: state.temporalNamespace } : {}),
  };
}

/**
 * Parses the worker configuration. Throws one `ERR_CONFIG` error listing every invalid variable
 * with the reason and an example value.
 */
export function loadConfig(env: ConfigEnv): WorkerConfig {
  const fromDevnet = env.DVT_DEVNET_STATE ? devnetDefaults(env.DVT_DEVNET_STATE) : {};
  const input = { ...fromDevnet, ...definedOnly(env) };
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(config)');
      const got = input[key as keyof typeof input];
      const received = got === undefined ? 'it is not set' : `got "${got}"`;
      const example = EXAMPLES[key] ? `, e.g. ${key}=${EXAMPLES[key]}` : '';
      return `  ${key}: ${issue.message} (${received})${example}`;
    });
    throw new DvtError('ERR_CONFIG', `Invalid configuration:\n${lines.join('\n')}`, {
      details: { invalid: parsed.error.issues.length },
    });
  }
  return Object.freeze(parsed.data);
}

function definedOnly(env: ConfigEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('DVT_') && value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
