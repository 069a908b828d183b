/**
 * Worker configuration (STYLE.md rule 17; docs/configuration.md). Four layers, later ones
 * winning: the network preset (domain/networks.ts; for the devnet, the state file the devnet
 * wrote), one YAML file with nested readable keys, then `DVT_*` environment variables. One table,
 * `CONFIG_KEYS`, maps each YAML path to its variable; the merged variables are validated by one
 * zod schema and frozen into a `WorkerConfig` whose fields keep their `DVT_*` names.
 *
 * Every invalid value is reported with its YAML path, its variable, where the value came from,
 * what is wrong and an example. Secrets are never values here: the config holds paths to files
 * and the worker reads them at start-up. A secret value in the file (a key that names one, a raw
 * 32-byte hex key, a mnemonic) is refused, and no error message repeats one.
 */
import { readFileSync } from 'node:fs';
import { isAddress } from 'ethers';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { z } from 'zod';
import { DvtError } from '../domain/errors.js';
import {
  CONFIG_NETWORKS,
  isConfigNetwork,
  NETWORK_PRESETS,
  type PresetNetwork,
} from '../domain/networks.js';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'must be a 0x-prefixed 20-byte address', abort: true })
  .refine(isAddress, 'has mixed case but a wrong EIP-55 checksum; copy the address again');
const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const filePath = (what: string) =>
  z.string({ error: `must be the path of a file holding ${what}` }).min(1, {
    error: `must be the path of a file holding ${what}`,
  });
const decimalEth = z
  .string()
  .regex(/^\d+(\.\d{1,18})?$/, 'must be an ETH amount with at most 18 decimals, like 20 or 0.5');

const STAKE_DEADLINE_MESSAGE = 'must be a whole number of hours up to 8760, or off';

/** A whole number written in decimal digits (no sign, exponent or hex) within [min, max]. */
function wholeNumber(message: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^\d{1,16}$/, { error: message, abort: true })
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

/** A switch: `true`/`false` (the variables also take `1`/`0`). */
function flag(defaultValue: 'true' | 'false') {
  return z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(defaultValue)
    .transform((v) => v === 'true' || v === '1');
}

/**
 * A secret value read from the environment (`DVT_KEYSTORE_PASSWORD`). `reveal()` returns it; JSON,
 * string conversion and `util.inspect` show `[redacted]`, so a logged or serialised config never
 * carries it.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: pass it on, never log or format it. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue [redacted]';
  }
}

/** The default 1 ETH pre-deposit (StaFi's super node pulls exactly this), gwei. */
export const DEFAULT_DEPOSIT_GWEI = '1000000000';
/** The default 31 ETH stake (StaFi's super node pulls exactly this), gwei. */
export const DEFAULT_STAKE_GWEI = '31000000000';
/** The beacon deposit contract's minimum deposit: 1 ETH. */
const MIN_DEPOSIT_GWEI = 1_000_000_000n;
/** A validator's effective balance: the pre-deposit and the stake add up to it. */
const VALIDATOR_GWEI = 32_000_000_000n;

/** One deposit-contract amount: whole gwei, at least 1 ETH; normalised (no leading zeros). */
const depositGwei = z
  .string()
  .regex(/^\d{1,20}$/, {
    error: 'must be a whole number of gwei, like 1000000000 (1 ETH)',
    abort: true,
  })
  .transform((v) => BigInt(v).toString())
  .refine(
    (v) => BigInt(v) >= MIN_DEPOSIT_GWEI,
    'must be at least 1000000000 gwei (1 ETH), the deposit contract minimum',
  );

export const configSchema = z
  .object({
    DVT_NETWORK: z
      .enum(CONFIG_NETWORKS, { error: 'must be mainnet, hoodi or devnet' })
      .default('devnet'),
    DVT_TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    DVT_TEMPORAL_NAMESPACE: z.string().min(1, 'must not be empty').default('default'),
    DVT_TASK_QUEUE: z.string().min(1, 'must not be empty').default('dvt-router'),
    DVT_EXECUTION_RPC_URL: url,
    DVT_BEACON_URLS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(url)
          .min(1, 'needs at least one beacon node URL')
          .refine((urls) => new Set(urls).size === urls.length, 'lists a URL twice'),
      ),
    DVT_SSV_API_URL: url,
    DVT_SSV_API_NETWORK: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be a lower-case network name like mainnet or hoodi')
      .default('devnet'),
    DVT_POOL_STORAGE: address,
    DVT_SSV_NETWORK: address,
    DVT_SIGNER_KEY_FILE: filePath('the router account private key'),
    /** Exactly one of the two validator key sources (the rule is in `superRefine`). */
    DVT_KEYSTORE_FILE: filePath('the EIP-2335 key store of the validator mnemonic').optional(),
    /** A directory of EIP-2335 keystores, one per validator signing key (keys made elsewhere). */
    DVT_KEYSTORE_DIR: z
      .string({ error: 'must be the path of a directory of EIP-2335 validator keystores' })
      .min(1, { error: 'must be the path of a directory of EIP-2335 validator keystores' })
      .optional(),
    /** Exactly one of the two password sources (the rule is in `superRefine`). */
    DVT_KEYSTORE_PASSWORD_FILE: filePath('the key store password').optional(),
    /** Environment only (automation); refused in the file; held as a {@link SecretValue}. */
    DVT_KEYSTORE_PASSWORD: z
      .string()
      .min(1, 'must not be empty')
      .transform((v) => new SecretValue(v))
      .optional(),
    DVT_RESERVE_ETH: decimalEth.default('20'),
    /** The pre-deposit and the stake of one validator, gwei; together 32 ETH (`superRefine`). */
    DVT_DEPOSIT_AMOUNT_GWEI: depositGwei.default(DEFAULT_DEPOSIT_GWEI),
    DVT_STAKE_AMOUNT_GWEI: depositGwei.default(DEFAULT_STAKE_GWEI),
    DVT_CLUSTER_SIZE: z
      .string()
      .refine((v) => ['4', '7', '10', '13'].includes(v), 'must be 4, 7, 10 or 13')
      .transform(Number)
      .default(4),
    DVT_TARGET_RUNWAY_DAYS: wholeNumber('must be a whole number of days above 0', 1).default(30),
    DVT_CONFIRMATIONS: wholeNumber('must be a whole number of blocks above 0', 1).default(1),
    DVT_POOL_MONITOR_INTERVAL_SECONDS: wholeNumber(
      'must be a whole number of seconds above 0',
      1,
    ).default(30),
    DVT_MAX_FEE_GWEI: wholeNumber('must be a whole number of gwei above 0', 1).default(200),
    /** Highest max fee of a time-critical transaction past its deadline (checked ≥ the cap). */
    DVT_MAX_FEE_PAST_DEADLINE_GWEI: wholeNumber(
      'must be a whole number of gwei above 0',
      1,
    ).default(1000),
    /**
     * Hours a stake waits for gas under the cap before it may go above it (up to the past-deadline
     * ceiling); 0: at once; `off`: never (null).
     */
    DVT_STAKE_DEADLINE_HOURS: z
      .string()
      .regex(/^(off|\d{1,4})$/, { error: STAKE_DEADLINE_MESSAGE, abort: true })
      .transform((v) => (v === 'off' ? null : Number(v)))
      .pipe(
        z
          .number()
          .int()
          .max(24 * 365, STAKE_DEADLINE_MESSAGE)
          .nullable(),
      )
      .default(24),
    /** Highest operator fee the router accepts, wei per block (SSV v2 ETH fees). */
    DVT_OPERATOR_FEE_CAP_WEI: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of wei per block')
      .default('10000000000'),
    /** Below this the SSV owner account cannot fund registrations; new onboarding pauses. */
    DVT_MIN_OWNER_BALANCE_ETH: decimalEth.default('0.1'),
    DVT_DRY_RUN: flag('false'),
    /**
     * Batching of deposits, SSV registrations and stakes (up to 16 per transaction, waiting a
     * short window for more). Off: one transaction per validator and write, e.g. while debugging.
     * Read by lifecycles the pool monitor starts after the worker (and its Schedule) restarted.
     */
    DVT_BATCHING: flag('true'),
    /**
     * How the router exits a validator it was asked to exit: `ssv` (exitValidator on SSVNetwork;
     * the operators sign) or `voluntary` (the router signs an EIP-7044 exit and posts it to the
     * beacon node). The pool's own EIP-7002 ejections are awaited, never sent, on either path.
     */
    DVT_EXIT_PATH: z
      .enum(['ssv', 'voluntary'], { error: 'must be ssv or voluntary' })
      .default('ssv'),
    DVT_SSV_FROM_BLOCK: wholeNumber('must be a block number (0 or more)', 0).default(0),
    /** Directory of the SSV owner-index snapshots; unset: the index is rebuilt at every start. */
    DVT_SSV_INDEX_DIR: z
      .string({ error: 'must be the path of a directory for the SSV index snapshots' })
      .min(1, { error: 'must be the path of a directory for the SSV index snapshots' })
      .optional(),
    /** Metrics (`/metrics`) and health (`/healthz`, `/readyz`) endpoint; port 0 turns it off. */
    DVT_METRICS_HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    DVT_METRICS_PORT: wholeNumber(
      'must be a port from 0 to 65535 (0 turns it off)',
      0,
      65_535,
    ).default(9464),
    DVT_LOG_LEVEL: z
      .enum(['trace', 'debug', 'info', 'warn', 'error'], {
        error: 'must be trace, debug, info, warn or error',
      })
      .default('info'),
    /** Keyring of the payload codec (AES-256-GCM); unset means payloads are not encrypted. */
    DVT_CODEC_KEYRING_FILE: filePath('the payload codec keyring').optional(),
  })
  .superRefine(
    (config, ctx) => {
      // Runs even when other values are invalid (so every problem is reported at once); the
      // values may then be unparsed, hence the defensive reads.
      const network: unknown = config.DVT_NETWORK;
      const ssvApiNetwork: unknown = config.DVT_SSV_API_NETWORK;
      if ((network === 'mainnet' || network === 'hoodi') && ssvApiNetwork !== network) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_SSV_API_NETWORK'],
          message: `must be ${network} when network is ${network}`,
          params: { example: network },
        });
      }
      // The key store password: from a file or from the environment, exactly one of them.
      const passwordFile: unknown = config.DVT_KEYSTORE_PASSWORD_FILE;
      const passwordEnv: unknown = config.DVT_KEYSTORE_PASSWORD;
      if (passwordFile === undefined && passwordEnv === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_KEYSTORE_PASSWORD_FILE'],
          message:
            'is required: the path of a file holding the key store password (never the password itself), or set DVT_KEYSTORE_PASSWORD in the environment instead',
        });
      } else if (passwordFile !== undefined && passwordEnv !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_KEYSTORE_PASSWORD_FILE'],
          message:
            'is set and so is DVT_KEYSTORE_PASSWORD; the key store password comes from one of them, so unset the other',
        });
      }
      // The validator keys: the mnemonic key store or a keystore directory, exactly one of them.
      const keystoreFile: unknown = config.DVT_KEYSTORE_FILE;
      const keystoreDir: unknown = config.DVT_KEYSTORE_DIR;
      if (keystoreFile === undefined && keystoreDir === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_KEYSTORE_FILE'],
          message:
            'is required: the path of the key store `dvt-router keys import` writes (never the mnemonic itself), or set DVT_KEYSTORE_DIR (secrets.keystoreDir) to a directory of EIP-2335 validator keystores instead',
        });
      } else if (keystoreFile !== undefined && keystoreDir !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_KEYSTORE_FILE'],
          message:
            'is set and so is DVT_KEYSTORE_DIR; the validator keys come from one of them (the mnemonic key store or the keystore directory), so unset the other',
        });
      }
      // The past-deadline ceiling is the cap's upper neighbour, never below it.
      const cap: unknown = config.DVT_MAX_FEE_GWEI;
      const ceiling: unknown = config.DVT_MAX_FEE_PAST_DEADLINE_GWEI;
      if (typeof cap === 'number' && typeof ceiling === 'number' && ceiling < cap) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_MAX_FEE_PAST_DEADLINE_GWEI'],
          message: `must be at least the fee cap DVT_MAX_FEE_GWEI (${cap} gwei), not ${ceiling}`,
          params: { example: String(Math.max(cap, 1000)) },
        });
      }
      // Pre-deposit + stake = one validator's 32 ETH; each is checked on its own above.
      const deposit: unknown = config.DVT_DEPOSIT_AMOUNT_GWEI;
      const stake: unknown = config.DVT_STAKE_AMOUNT_GWEI;
      const gwei = (v: unknown): bigint | undefined =>
        typeof v === 'string' && /^\d{1,20}$/.test(v) ? BigInt(v) : undefined;
      const depositGweiValue = gwei(deposit);
      const stakeGweiValue = gwei(stake);
      if (depositGweiValue !== undefined && depositGweiValue > VALIDATOR_GWEI - MIN_DEPOSIT_GWEI) {
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_DEPOSIT_AMOUNT_GWEI'],
          message:
            "must be at most 31000000000 gwei (31 ETH): deposit + stake make a validator's 32 ETH effective balance and the stake needs at least 1 ETH",
          params: { example: DEFAULT_DEPOSIT_GWEI },
        });
      } else if (
        depositGweiValue !== undefined &&
        stakeGweiValue !== undefined &&
        depositGweiValue >= MIN_DEPOSIT_GWEI &&
        depositGweiValue + stakeGweiValue !== VALIDATOR_GWEI
      ) {
        const wanted = (VALIDATOR_GWEI - depositGweiValue).toString();
        ctx.addIssue({
          code: 'custom',
          path: ['DVT_STAKE_AMOUNT_GWEI'],
          message: `must be ${wanted} gwei with a deposit of ${depositGweiValue} gwei: deposit + stake must equal 32000000000 gwei (32 ETH, a validator's effective balance), not ${depositGweiValue + stakeGweiValue}`,
          params: { example: wanted },
        });
      }
    },
    { when: () => true },
  );

export type WorkerConfig = Readonly<z.output<typeof configSchema>>;
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** A variable the configuration reads: the schema's keys plus the devnet state file. */
export type ConfigVariable = keyof z.input<typeof configSchema> | 'DVT_DEVNET_STATE';

/** One setting: its YAML path, its variable, a documented default and an example. */
export interface ConfigKey {
  /** Dotted YAML path, e.g. `router.clusterSize`. */
  readonly path: string;
  readonly env: ConfigVariable;
  /** What the setting means, for the template and the docs. */
  readonly doc: string;
  /** The schema's default as YAML text; absent when the setting is required or has none. */
  readonly default?: string;
  /** A right value as YAML text. */
  readonly example: string;
  /** The same example as an environment value, when it differs. */
  readonly envExample?: string;
  /** Said after the example, e.g. whose address it is. */
  readonly exampleNote?: string;
  /** Accepts a YAML list (joined with commas for the variable). */
  readonly list?: true;
  /** Filled by the network preset or the devnet state file. */
  readonly preset?: true;
  /**
   * A secret value read from the environment only: refused in the file, left out of the
   * template, and never shown in a message.
   */
  readonly envOnly?: true;
}

/**
 * The one mapping between the YAML file and the `DVT_*` variables, in file order. It drives
 * parsing, error messages, the `init` template and the docs.
 */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    path: 'network',
    env: 'DVT_NETWORK',
    doc: 'mainnet, hoodi or devnet: picks the chain id, fork versions and contract addresses',
    default: 'devnet',
    example: 'hoodi',
  },
  {
    path: 'devnetState',
    env: 'DVT_DEVNET_STATE',
    doc: 'devnet only: the state file `npm run devnet` wrote; fills endpoints and addresses',
    example: '.devnet/state.json',
  },
  {
    path: 'temporal.address',
    env: 'DVT_TEMPORAL_ADDRESS',
    doc: 'Temporal frontend, host:port',
    default: '127.0.0.1:7233',
    example: 'temporal:7233',
    preset: true,
  },
  {
    path: 'temporal.namespace',
    env: 'DVT_TEMPORAL_NAMESPACE',
    doc: 'Temporal namespace',
    default: 'default',
    example: 'default',
    preset: true,
  },
  {
    path: 'temporal.taskQueue',
    env: 'DVT_TASK_QUEUE',
    doc: 'task queue the worker polls and the CLI starts workflows on',
    default: 'dvt-router',
    example: 'dvt-router',
  },
  {
    path: 'endpoints.executionRpc',
    env: 'DVT_EXECUTION_RPC_URL',
    doc: 'execution-layer JSON-RPC URL (must serve the network above)',
    example: 'http://127.0.0.1:8545',
    preset: true,
  },
  {
    path: 'endpoints.beacon',
    env: 'DVT_BEACON_URLS',
    doc: 'beacon node API URLs, tried in order',
    example: '[http://127.0.0.1:5052, http://backup:5052]',
    envExample: 'http://127.0.0.1:5052,http://backup:5052',
    list: true,
    preset: true,
  },
  {
    path: 'endpoints.ssvApi',
    env: 'DVT_SSV_API_URL',
    doc: 'SSV REST API v4 base URL, without the network segment',
    example: 'https://api.ssv.network/api/v4',
    preset: true,
  },
  {
    path: 'endpoints.ssvApiNetwork',
    env: 'DVT_SSV_API_NETWORK',
    doc: "the SSV API's network segment; must equal network on mainnet and hoodi",
    default: 'devnet',
    example: 'hoodi',
    preset: true,
  },
  {
    path: 'contracts.poolStorage',
    env: 'DVT_POOL_STORAGE',
    doc: "the pool's StafiStorage contract",
    example: '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0',
    exampleNote: "mainnet's",
    preset: true,
  },
  {
    path: 'contracts.ssvNetwork',
    env: 'DVT_SSV_NETWORK',
    doc: 'SSVNetwork proxy contract',
    example: '0x58410Bef803ECd7E63B23664C586A6DB72DAf59c',
    exampleNote: "hoodi's",
    preset: true,
  },
  {
    path: 'contracts.ssvFromBlock',
    env: 'DVT_SSV_FROM_BLOCK',
    doc: 'first block of the SSVNetwork event scan (its deployment block)',
    default: '0',
    example: '17507487',
    preset: true,
  },
  {
    path: 'ssv.indexCacheDir',
    env: 'DVT_SSV_INDEX_DIR',
    doc: 'directory of owner-index snapshots (resume the event scan after a restart); unset: rescan',
    example: '/var/lib/dvt-router/ssv-index',
  },
  {
    path: 'secrets.signerKeyFile',
    env: 'DVT_SIGNER_KEY_FILE',
    doc: 'file holding the router account private key (super node and SSV owner)',
    example: '/run/secrets/router-signer.key',
  },
  {
    path: 'secrets.keystoreFile',
    env: 'DVT_KEYSTORE_FILE',
    doc: 'EIP-2335 key store of the validator mnemonic (`dvt-router keys import` writes it); or keystoreDir, exactly one of them',
    example: '/var/lib/dvt-router/keystore.json',
  },
  {
    path: 'secrets.keystoreDir',
    env: 'DVT_KEYSTORE_DIR',
    doc: 'instead of keystoreFile: directory of EIP-2335 keystores of validator keys 0, 1, 2, … made elsewhere (e.g. staking-deposit-cli), same password',
    example: '/var/lib/dvt-router/validator_keys',
  },
  {
    path: 'secrets.keystorePasswordFile',
    env: 'DVT_KEYSTORE_PASSWORD_FILE',
    doc: 'file holding the key store password (or DVT_KEYSTORE_PASSWORD; exactly one of them)',
    example: '/run/secrets/keystore-password',
  },
  {
    path: 'secrets.keystorePassword',
    env: 'DVT_KEYSTORE_PASSWORD',
    doc: 'environment only, for automation: the key store password itself; refused in the file',
    example: '<the key store password>',
    envOnly: true,
  },
  {
    path: 'secrets.codecKeyringFile',
    env: 'DVT_CODEC_KEYRING_FILE',
    doc: 'payload codec keyring (AES-256-GCM); unset means payloads are not encrypted',
    example: '/run/secrets/codec-keyring.json',
  },
  {
    path: 'router.reserveEth',
    env: 'DVT_RESERVE_ETH',
    doc: 'ETH left in the pool for withdrawals',
    default: '20',
    example: '20',
  },
  {
    path: 'router.depositAmountGwei',
    env: 'DVT_DEPOSIT_AMOUNT_GWEI',
    doc: "a new validator's pre-deposit, whole gwei, at least 1 ETH; with the stake 32 ETH",
    default: DEFAULT_DEPOSIT_GWEI,
    example: DEFAULT_DEPOSIT_GWEI,
  },
  {
    path: 'router.stakeAmountGwei',
    env: 'DVT_STAKE_AMOUNT_GWEI',
    doc: "a validator's stake after the credentials vote, whole gwei; deposit + stake = 32 ETH",
    default: DEFAULT_STAKE_GWEI,
    example: DEFAULT_STAKE_GWEI,
  },
  {
    path: 'router.clusterSize',
    env: 'DVT_CLUSTER_SIZE',
    doc: 'operators per SSV cluster: 4, 7, 10 or 13',
    default: '4',
    example: '4',
  },
  {
    path: 'router.targetRunwayDays',
    env: 'DVT_TARGET_RUNWAY_DAYS',
    doc: 'days of fees clusters are funded for (top-up below a third of it)',
    default: '30',
    example: '30',
  },
  {
    path: 'router.poolMonitorIntervalSeconds',
    env: 'DVT_POOL_MONITOR_INTERVAL_SECONDS',
    doc: 'interval of the pool-monitor Schedule',
    default: '30',
    example: '30',
  },
  {
    path: 'router.operatorFeeCapWei',
    env: 'DVT_OPERATOR_FEE_CAP_WEI',
    doc: 'highest operator fee accepted, wei per block',
    default: '10000000000',
    example: '10000000000',
  },
  {
    path: 'router.minOwnerBalanceEth',
    env: 'DVT_MIN_OWNER_BALANCE_ETH',
    doc: 'below this balance of the router account new onboarding pauses',
    default: '0.1',
    example: '0.1',
  },
  {
    path: 'router.exitPath',
    env: 'DVT_EXIT_PATH',
    doc: 'ssv (exitValidator, the operators sign) or voluntary (EIP-7044 exit signed by the router)',
    default: 'ssv',
    example: 'ssv',
  },
  {
    path: 'router.batching',
    env: 'DVT_BATCHING',
    doc: 'true: up to 16 deposits, registrations or stakes per transaction; false: one each',
    default: 'true',
    example: 'true',
  },
  {
    path: 'router.dryRun',
    env: 'DVT_DRY_RUN',
    doc: 'true: plan and simulate, never send a transaction',
    default: 'false',
    example: 'false',
  },
  {
    path: 'transactions.confirmations',
    env: 'DVT_CONFIRMATIONS',
    doc: 'confirmations a transaction waits for',
    default: '1',
    example: '1',
  },
  {
    path: 'transactions.maxFeeGwei',
    env: 'DVT_MAX_FEE_GWEI',
    doc: 'gas fee cap in gwei',
    default: '200',
    example: '200',
  },
  {
    path: 'transactions.maxFeePastDeadlineGwei',
    env: 'DVT_MAX_FEE_PAST_DEADLINE_GWEI',
    doc: 'highest max fee of a time-critical transaction past its deadline, gwei (at least the cap)',
    default: '1000',
    example: '1000',
  },
  {
    path: 'transactions.stakeDeadlineHours',
    env: 'DVT_STAKE_DEADLINE_HOURS',
    doc: 'hours a stake waits for gas under the cap before it may go above it; 0: at once; off: never',
    default: '24',
    example: '24',
  },
  {
    path: 'observability.metricsHost',
    env: 'DVT_METRICS_HOST',
    doc: 'address the /metrics, /healthz and /readyz endpoint listens on',
    default: '127.0.0.1',
    example: '0.0.0.0',
  },
  {
    path: 'observability.metricsPort',
    env: 'DVT_METRICS_PORT',
    doc: 'port of that endpoint; 0 turns it off',
    default: '9464',
    example: '9464',
  },
  {
    path: 'observability.logLevel',
    env: 'DVT_LOG_LEVEL',
    doc: 'trace, debug, info, warn or error',
    default: 'info',
    example: 'info',
  },
];

/** Sections of the file, in order, with what they hold. */
export const CONFIG_SECTIONS: Readonly<Record<string, string>> = {
  temporal: 'Temporal service the worker connects to',
  endpoints: 'the network endpoints; all must serve the configured network',
  contracts: 'contract addresses; the mainnet and hoodi presets know most of them',
  ssv: "the worker's SSV owner index",
  secrets: 'secrets are files, never values: give their paths',
  router: 'what the router does',
  transactions: 'how transactions are sent',
  observability: 'metrics, health and logs',
};

const KEY_BY_PATH = new Map(CONFIG_KEYS.map((key) => [key.path, key]));
const KEY_BY_ENV = new Map(CONFIG_KEYS.map((key) => [key.env, key]));

/** Where a value came from, for error messages. */
type Source =
  | { readonly kind: 'env' }
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'preset'; readonly network: PresetNetwork }
  | { readonly kind: 'devnet'; readonly file: string };

interface Layered {
  readonly values: Record<string, string>;
  readonly sources: Record<string, Source>;
}

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

/** The variables a public network's preset fills. */
export function presetDefaults(network: PresetNetwork): Record<string, string> {
  const preset = NETWORK_PRESETS[network];
  return {
    DVT_SSV_API_URL: preset.ssvApiUrl,
    DVT_SSV_API_NETWORK: preset.ssvApiNetwork,
    DVT_SSV_NETWORK: preset.ssvNetwork,
    ...(preset.ssvFromBlock === null ? {} : { DVT_SSV_FROM_BLOCK: String(preset.ssvFromBlock) }),
    ...(preset.poolStorage === null ? {} : { DVT_POOL_STORAGE: preset.poolStorage }),
  };
}

export interface LoadConfigOptions {
  /** YAML config file; when absent, `DVT_CONFIG_FILE` names it; without either, env only. */
  readonly file?: string;
}

/**
 * Parses the worker configuration: preset (or devnet state file) < YAML file < `DVT_*`
 * environment. Reads the YAML and the devnet state file; never reads the secret files, only
 * checks that their paths are set. Throws one `ERR_CONFIG` error listing every problem, each
 * with the YAML path, the variable, the source of the value, the reason and an example.
 */
export function loadConfig(env: ConfigEnv, options: LoadConfigOptions = {}): WorkerConfig {
  const fromEnv = definedOnly(env);
  const problems = envSecretProblems(fromEnv);
  const file = options.file ?? fromEnv.DVT_CONFIG_FILE;
  const fileLayer = file === undefined ? undefined : readConfigFile(file);
  if (fileLayer?.fatal) throw invalid([...problems, ...fileLayer.problems]);
  problems.push(...(fileLayer?.problems ?? []));

  const values: Record<string, string> = {};
  const sources: Record<string, Source> = {};
  const layer = (add: Record<string, string>, source: (key: string) => Source): void => {
    for (const [key, value] of Object.entries(add)) {
      values[key] = value;
      sources[key] = source(key);
    }
  };

  const network = fromEnv.DVT_NETWORK ?? fileLayer?.values.DVT_NETWORK ?? 'devnet';
  const statePath = fromEnv.DVT_DEVNET_STATE ?? fileLayer?.values.DVT_DEVNET_STATE;
  if (isConfigNetwork(network) && network !== 'devnet') {
    layer(presetDefaults(network), () => ({ kind: 'preset', network }));
  }
  if (statePath !== undefined && network === 'devnet') {
    layer(devnetDefaults(statePath), () => ({ kind: 'devnet', file: statePath }));
  } else if (statePath !== undefined && isConfigNetwork(network)) {
    problems.push(
      `  devnetState (DVT_DEVNET_STATE): is set but network is ${network}; the devnet state file only configures network devnet, so remove one of them`,
    );
  }
  if (fileLayer) layer(fileLayer.values, (key) => fileLayer.sources[key] as Source);
  layer(fromEnv, () => ({ kind: 'env' }));
  delete values.DVT_DEVNET_STATE;
  delete values.DVT_CONFIG_FILE;

  const parsed = configSchema.safeParse(values);
  if (parsed.success && problems.length === 0) return Object.freeze(parsed.data);
  const issues = parsed.success ? [] : parsed.error.issues;
  // With an unknown network no preset applied, so only the network itself is worth reporting.
  const relevant =
    isConfigNetwork(network) && !fileLayer?.reported.has('DVT_NETWORK')
      ? issues
      : issues.filter((issue) => issue.path[0] === 'DVT_NETWORK');
  const seen = new Set<string>(fileLayer?.reported);
  for (const issue of relevant) {
    const variable = String(issue.path[0] ?? '');
    if (seen.has(variable)) continue;
    seen.add(variable);
    problems.push(issueLine(issue, variable, { values, sources, network, file }));
  }
  throw invalid(problems);
}

function invalid(lines: readonly string[]): DvtError {
  return new DvtError('ERR_CONFIG', `Invalid configuration:\n${lines.join('\n')}`, {
    details: { invalid: lines.length },
  });
}

function issueLine(
  issue: z.core.$ZodIssue,
  variable: string,
  context: Layered & { network: string; file: string | undefined },
): string {
  const key = KEY_BY_ENV.get(variable as ConfigVariable);
  const name = key ? `${key.path} (${variable})` : variable;
  const value = context.values[variable];
  const source = context.sources[variable];
  let reason = issue.message;
  // A cross-field rule (custom issue) says itself what is wrong, set or not.
  if (value === undefined && issue.code !== 'custom') {
    reason = missingReason(variable, context.network);
  } else if (variable === 'DVT_BEACON_URLS' && typeof issue.path[1] === 'number') {
    reason = `entry ${issue.path[1] + 1} ${issue.message}`;
  }
  let got = key?.default === undefined ? 'it is not set' : `the default ${key.default} applies`;
  if (value === '' && key?.list) got = `got an empty list${from(source, variable)}`;
  else if (value !== undefined && key?.envOnly) got = `set${from(source, variable)}; not shown`;
  else if (value !== undefined) got = `got "${shown(value, variable)}"${from(source, variable)}`;
  const params =
    issue.code === 'custom' ? (issue.params as { example?: string } | undefined) : undefined;
  const asEnv = source?.kind === 'env' || (context.file === undefined && source?.kind !== 'file');
  const example = key ? `, e.g. ${exampleText(key, asEnv, params?.example)}` : '';
  return `  ${name}: ${reason} (${got})${example}`;
}

/** A right value for `key`, written the way its source is written. */
function exampleText(key: ConfigKey, asEnv: boolean, value?: string): string {
  const note = value === undefined && key.exampleNote ? ` (${key.exampleNote})` : '';
  if (asEnv) return `${key.env}=${value ?? key.envExample ?? key.example}${note}`;
  return `${key.path.split('.').at(-1) ?? key.path}: ${value ?? key.example}${note}`;
}

function missingReason(variable: string, network: string): string {
  if (variable === 'DVT_POOL_STORAGE' && network === 'hoodi') {
    return 'is required: the hoodi preset knows no StaFi pool, so name its StafiStorage contract';
  }
  if (variable === 'DVT_POOL_STORAGE' || variable === 'DVT_SSV_NETWORK') {
    return network === 'devnet'
      ? 'is required (set it, or devnetState to fill it from a running devnet)'
      : 'is required';
  }
  if (variable.endsWith('_FILE')) {
    return 'is required: the path of a file holding the secret (never the secret itself)';
  }
  return 'is required';
}

function from(source: Source | undefined, variable: string): string {
  switch (source?.kind) {
    case 'env':
      return ` from env ${variable}`;
    case 'file':
      return ` at ${source.file}:${source.line}`;
    case 'preset':
      return ` from the ${source.network} preset`;
    case 'devnet':
      return ` from the devnet state file ${source.file}`;
    default:
      return '';
  }
}

function definedOnly(env: ConfigEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('DVT_') && value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Secrets: recognised so they can be refused and never repeated.

const HEX_KEY = /(?:0x)?[0-9a-fA-F]{64}/;
const HEX_KEY_RUN = /(?<![0-9a-zA-Z])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])/;

/** Twelve to twenty-four short lower-case words: the shape of a BIP-39 mnemonic. */
function looksLikeMnemonic(value: string): boolean {
  const words = value.trim().split(/\s+/);
  return words.length >= 12 && words.length <= 24 && words.every((w) => /^[a-z]{3,8}$/.test(w));
}

const URL_VARIABLES = new Set(['DVT_EXECUTION_RPC_URL', 'DVT_BEACON_URLS', 'DVT_SSV_API_URL']);

/** A value as an error message may show it: keys, mnemonics and URL credentials removed. */
function shown(value: string, variable: string): string {
  if (looksLikeMnemonic(value)) return '<hidden: looks like a mnemonic>';
  let out = value.replace(new RegExp(HEX_KEY.source, 'g'), '<hidden>');
  if (URL_VARIABLES.has(variable)) {
    // Credentials in the user-info part, and long tokens (API keys) anywhere.
    out = out
      .replace(/\/\/[^/@\s]*@/g, '//<hidden>@')
      .replace(/[A-Za-z0-9_-]{20,}/g, (m) => (/\d/.test(m) && /[a-z]/i.test(m) ? '<hidden>' : m));
  }
  return out.length > 120 ? `${out.slice(0, 117)}...` : out;
}

interface SecretKind {
  readonly what: string;
  readonly key: string;
}

/** The secret a key name stands for, when it names a secret value rather than a file. */
function secretKind(name: string): SecretKind | undefined {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (/(file|files|path)$/.test(n)) return undefined;
  if (/(password|passphrase|passwd|pwd)$/.test(n)) {
    return { what: 'password', key: 'secrets.keystorePasswordFile' };
  }
  if (/(mnemonic|seed|phrase)$/.test(n)) {
    return {
      what: 'mnemonic (import it with `dvt-router keys import`)',
      key: 'secrets.keystoreFile',
    };
  }
  if (/(keyring|codeckey)$/.test(n)) return { what: 'keyring', key: 'secrets.codecKeyringFile' };
  if (/(privatekey|signerkey|secretkey)$|^key$|^pk$|^signer$/.test(n)) {
    return { what: 'private key', key: 'secrets.signerKeyFile' };
  }
  if (/(secret|token|apikey)$/.test(n)) return { what: 'secret', key: 'secrets.*File' };
  return undefined;
}

function secretKeyLine(path: string, kind: SecretKind, where: string): string {
  const target = KEY_BY_PATH.get(kind.key);
  const set = target ? `${target.path} (${target.env})` : 'the matching secrets.*File key';
  return `  ${path}${where}: secret values are not accepted in the config file; put the ${kind.what} in a file only the router can read and set ${set} to its path (the value is not shown)`;
}

const WORKER_SECRET_FILES = new Set([
  'secrets.signerKeyFile',
  'secrets.keystoreFile',
  'secrets.keystorePasswordFile',
]);

/** `DVT_*` variables that hold one of the worker's secrets instead of a file path are refused. */
function envSecretProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const variable of Object.keys(env)) {
    if (KEY_BY_ENV.has(variable as ConfigVariable)) continue;
    const kind = secretKind(variable.replace(/^DVT_/, ''));
    // Only the worker's own secrets: other tools may read theirs from the environment (the codec
    // keyring from DVT_CODEC_KEYRING, for one).
    if (!kind || !WORKER_SECRET_FILES.has(kind.key)) continue;
    const target = KEY_BY_PATH.get(kind.key);
    const set = target ? `${target.env} (${target.path})` : 'the matching *_FILE variable';
    problems.push(
      `  ${variable}: secret values are not read from the environment; put the ${kind.what} in a file only the router can read and set ${set} to its path (the value is not shown)`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The YAML file.

interface FileLayer extends Layered {
  readonly problems: string[];
  /** Variables whose file value had the wrong shape, already reported. */
  readonly reported: ReadonlySet<string>;
  /** Syntax errors: the file's values cannot be trusted. */
  readonly fatal: boolean;
}

function readConfigFile(file: string): FileLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new DvtError('ERR_CONFIG', `Cannot read the config file ${file}.`, {
      cause,
      hint: 'Write one with `dvt-router init --network <network>`, or point --config / DVT_CONFIG_FILE at it.',
    });
  }
  return parseConfigYaml(text, file);
}

/**
 * Maps a YAML config text to `DVT_*` values and the line each came from. Reports unknown keys
 * (with a suggestion), secret values, wrong shapes and syntax errors; never echoes a secret.
 */
function parseConfigYaml(text: string, file: string): FileLayer {
  const reported = new Set<string>();
  const problems: string[] = [];
  const values: Record<string, string> = {};
  const sources: Record<string, Source> = {};
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: { range?: unknown } | null | undefined): number => {
    const range = node?.range;
    return Array.isArray(range) && typeof range[0] === 'number'
      ? lineCounter.linePos(range[0]).line
      : 0;
  };

  // A raw key is refused wherever it stands, comments included, even in a broken file.
  text.split('\n').forEach((line, index) => {
    if (HEX_KEY_RUN.test(line)) {
      problems.push(
        `  ${file}:${index + 1}: holds what looks like a raw private key (32 bytes of hex); secret values are not accepted in the config file: put it in a file only the router can read and set secrets.signerKeyFile (DVT_SIGNER_KEY_FILE) to its path (the value is not shown)`,
      );
    }
  });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const message = shown(error.message.split('\n')[0] ?? error.code, '');
      problems.push(`  ${file}:${line}:${col}: YAML syntax error: ${message}`);
    }
    return { values, sources, problems, reported, fatal: true };
  }
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && looksLikeMnemonic(node.value)) {
        problems.push(
          `  ${file}:${lineOf(node)}: holds what looks like a mnemonic; secret values are not accepted in the config file: import it into a key store with \`dvt-router keys import\` and set secrets.keystoreFile (DVT_KEYSTORE_FILE) to its path (the value is not shown)`,
        );
      }
    },
  });

  const set = (key: ConfigKey, node: unknown, line: number): void => {
    const value = leafValue(doc, key, node, (reason) => {
      reported.add(key.env);
      problems.push(
        `  ${key.path} (${key.env}): ${reason} (at ${file}:${line}), e.g. ${exampleText(key, false)}`,
      );
    });
    if (value === undefined) return;
    values[key.env] = value;
    sources[key.env] = { kind: 'file', file, line };
  };
  const unknown = (path: string, line: number): void => {
    const leaf = path.split('.').at(-1) ?? path;
    const kind = secretKind(leaf);
    if (kind) {
      problems.push(secretKeyLine(path, kind, ` (${file}:${line})`));
      return;
    }
    const hint = suggestKey(path);
    problems.push(`  unknown key ${path} (${file}:${line})${hint ? `; ${hint}` : ''}`);
  };

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    return { values, sources, problems, reported, fatal: false };
  }
  if (!isMap(root)) {
    problems.push(
      `  ${file}:${lineOf(root)}: must be a mapping of settings (got ${describe(root)}), e.g. network: hoodi`,
    );
    return { values, sources, problems, reported, fatal: true };
  }
  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key);
    const leaf = KEY_BY_PATH.get(name);
    if (leaf && !leaf.envOnly) {
      set(leaf, pair.value, line);
      continue;
    }
    if (!(name in CONFIG_SECTIONS)) {
      unknown(name, line);
      continue;
    }
    const section = resolve(doc, pair.value);
    if (
      section === null ||
      section === undefined ||
      (isScalar(section) && section.value === null)
    ) {
      continue;
    }
    if (!isMap(section)) {
      const keys = CONFIG_KEYS.filter((k) => k.path.startsWith(`${name}.`));
      const first = keys[0];
      problems.push(
        `  ${name}: must be a mapping of settings (got ${describe(section)} at ${file}:${line}), e.g. ${name}: { ${first ? `${first.path.slice(name.length + 1)}: ${first.example}` : ''} }`,
      );
      continue;
    }
    for (const child of section.items) {
      const childName = isScalar(child.key) ? String(child.key.value) : '';
      const path = `${name}.${childName}`;
      const childLine = lineOf(child.key as Node);
      const key = KEY_BY_PATH.get(path);
      // An environment-only secret is refused here like any other secret value.
      if (key && !key.envOnly) set(key, child.value, childLine);
      else unknown(path, childLine);
    }
  }
  return { values, sources, problems, reported, fatal: false };
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return typeof node.value === 'string' ? 'a string' : `a ${typeof node.value}`;
  return 'nothing';
}

/** The variable's text for a YAML node, `undefined` when unset; reports wrong shapes. */
function leafValue(
  doc: Document,
  key: ConfigKey,
  raw: unknown,
  report: (reason: string) => void,
): string | undefined {
  const node = resolve(doc, raw);
  if (node === null || node === undefined) return undefined;
  if (isScalar(node)) return scalarText(node.value, node.source);
  if (isSeq(node)) {
    if (!key.list) {
      report('must be a single value, not a list');
      return undefined;
    }
    const items: string[] = [];
    for (const item of node.items) {
      const resolved = resolve(doc, item);
      const text = isScalar(resolved) ? scalarText(resolved.value, resolved.source) : undefined;
      if (text === undefined || isMap(resolved) || isSeq(resolved)) {
        report(`every entry must be a URL (entry ${items.length + 1} is ${describe(resolved)})`);
        return undefined;
      }
      items.push(text);
    }
    return items.join(',');
  }
  report(`must be a single value, not ${describe(node)}`);
  return undefined;
}

/** Numbers keep their source text, so 0.1234567890123456789 is not rounded by a float. */
function scalarText(value: unknown, source: string | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return source ?? String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return source;
}

// ---------------------------------------------------------------------------------------------
// Suggestions for unknown keys.

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** "did you mean …?" for an unknown path, or the list of keys where it stands. */
function suggestKey(path: string): string | undefined {
  const byEnv = KEY_BY_ENV.get(path as ConfigVariable);
  if (byEnv) return `in the file ${path} is written ${byEnv.path}`;
  const lower = path.toLowerCase();
  const leaf = lower.split('.').at(-1) ?? lower;
  const candidates = [
    ...CONFIG_KEYS.filter((k) => !k.envOnly).map((k) => k.path),
    ...Object.keys(CONFIG_SECTIONS),
  ];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const cLeaf = c.split('.').at(-1) ?? c;
    const distance = Math.min(editDistance(lower, c), editDistance(leaf, cLeaf) + 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(leaf.length / 4))) {
    return `did you mean ${best}?`;
  }
  const section = path.includes('.') ? path.split('.')[0] : undefined;
  const known = section
    ? CONFIG_KEYS.filter((k) => k.path.startsWith(`${section}.`) && !k.envOnly).map((k) =>
        k.path.slice(section.length + 1),
      )
    : [
        ...CONFIG_KEYS.filter((k) => !k.path.includes('.')).map((k) => k.path),
        ...Object.keys(CONFIG_SECTIONS),
      ];
  return `known keys${section ? ` under ${section}` : ''}: ${known.join(', ')}`;
}
