import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG_KEYS, configSchema, loadConfig } from '../../../worker/config.js';
import type { ConfigEnv } from '../../../worker/config.js';
import { renderConfigTemplate } from '../../../worker/config-template.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dvt-config-file-'));
let files = 0;

/** Writes `text` to a fresh file and returns its path. */
function write(text: string, name = `config-${(files += 1)}.yaml`): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function messageOf(file: string, env: ConfigEnv = {}): string {
  try {
    loadConfig(env, { file });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

/** Problem lines of an `Invalid configuration` message. */
function linesOf(message: string): string[] {
  return message.split('\n').filter((line) => line.startsWith('  '));
}

// Secret values used in the inputs below; no error message may contain any of them.
const PRIVATE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const MNEMONIC = 'test test test test test test test test test test test junk';
const PASSWORD = 'hunter2-correct-horse';
const SECRETS = [PRIVATE_KEY, PRIVATE_KEY.slice(2), PRIVATE_KEY.slice(2, 40), MNEMONIC, PASSWORD];

/**
 * A valid hoodi file, one section per line so that each case below knows its line numbers:
 * 1 network, 2 temporal, 3 endpoints, 4 contracts, 5 secrets, 6 router, 7 transactions,
 * 8 observability.
 */
const SECTIONS = {
  network: 'network: hoodi',
  temporal: 'temporal: { address: "temporal:7233", namespace: staking }',
  endpoints:
    'endpoints: { executionRpc: "https://rpc.hoodi.example", beacon: ["http://beacon-a:5052", "http://beacon-b:5052"] }',
  contracts: 'contracts: { poolStorage: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }',
  secrets:
    'secrets: { signerKeyFile: /run/secrets/router-signer.key, keystoreFile: /var/lib/dvt-router/keystore.json, keystorePasswordFile: /run/secrets/keystore-password }',
  router: 'router: { reserveEth: "20", clusterSize: 7, targetRunwayDays: 45, dryRun: true }',
  transactions: 'transactions: { confirmations: 2, maxFeeGwei: 150 }',
  observability: 'observability: { metricsHost: 0.0.0.0, metricsPort: 9464, logLevel: debug }',
};
type Section = keyof typeof SECTIONS;

/** The valid file with some sections replaced (`null` drops one) and extra lines at the end. */
function hoodi(change: Partial<Record<Section, string | null>> = {}, extra = ''): string {
  const lines = (Object.keys(SECTIONS) as Section[])
    .map((section) => (section in change ? change[section] : SECTIONS[section]))
    .filter((line): line is string => line !== null);
  return `${lines.join('\n')}\n${extra}`;
}

interface Case {
  /** The file's text. */
  yaml: string;
  env?: ConfigEnv;
  /** Exact problem lines; `F` stands for the file's path. */
  lines: string[];
  /** When set, the message has exactly these many problem lines. */
  count?: number;
}

const cases: Array<[string, Case]> = [
  [
    'a malformed address',
    {
      yaml: hoodi({ contracts: 'contracts: { poolStorage: "0x1234" }' }),
      lines: [
        `contracts.poolStorage (DVT_POOL_STORAGE): must be a 0x-prefixed 20-byte address (got "0x1234" at F:4), e.g. poolStorage: 0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0 (mainnet's)`,
      ],
      count: 1,
    },
  ],
  [
    'an address whose EIP-55 checksum is wrong',
    {
      yaml: hoodi({
        contracts: 'contracts: { poolStorage: "0xE7f1725E7734CE288F8367e1Bb143E90bb3F0512" }',
      }),
      lines: [
        `contracts.poolStorage (DVT_POOL_STORAGE): has mixed case but a wrong EIP-55 checksum; copy the address again (got "0xE7f1725E7734CE288F8367e1Bb143E90bb3F0512" at F:4), e.g. poolStorage: 0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0 (mainnet's)`,
      ],
      count: 1,
    },
  ],
  [
    'a URL without a scheme',
    {
      yaml: hoodi({
        endpoints: 'endpoints: { executionRpc: "rpc.hoodi.example:8545", beacon: [http://b:5052] }',
      }),
      lines: [
        'endpoints.executionRpc (DVT_EXECUTION_RPC_URL): must be an http:// or https:// URL (got "rpc.hoodi.example:8545" at F:3), e.g. executionRpc: http://127.0.0.1:8545',
      ],
      count: 1,
    },
  ],
  [
    'an empty beacon list',
    {
      yaml: hoodi({ endpoints: 'endpoints: { executionRpc: "https://rpc.example", beacon: [] }' }),
      lines: [
        'endpoints.beacon (DVT_BEACON_URLS): needs at least one beacon node URL (got an empty list at F:3), e.g. beacon: [http://127.0.0.1:5052, http://backup:5052]',
      ],
      count: 1,
    },
  ],
  [
    'a beacon entry that is not a URL',
    {
      yaml: hoodi({
        endpoints: 'endpoints: { executionRpc: "https://rpc.example", beacon: [http://a:5052, b] }',
      }),
      lines: [
        'endpoints.beacon (DVT_BEACON_URLS): entry 2 must be an http:// or https:// URL (got "http://a:5052,b" at F:3), e.g. beacon: [http://127.0.0.1:5052, http://backup:5052]',
      ],
      count: 1,
    },
  ],
  [
    'a cluster size SSV does not allow',
    {
      yaml: hoodi({ router: 'router: { clusterSize: 5 }' }),
      lines: [
        'router.clusterSize (DVT_CLUSTER_SIZE): must be 4, 7, 10 or 13 (got "5" at F:6), e.g. clusterSize: 4',
      ],
      count: 1,
    },
  ],
  [
    'a negative runway',
    {
      yaml: hoodi({ router: 'router: { targetRunwayDays: -3 }' }),
      lines: [
        'router.targetRunwayDays (DVT_TARGET_RUNWAY_DAYS): must be a whole number of days above 0 (got "-3" at F:6), e.g. targetRunwayDays: 30',
      ],
      count: 1,
    },
  ],
  [
    'a port that is not a number',
    {
      yaml: hoodi({ observability: 'observability: { metricsPort: nine }' }),
      lines: [
        'observability.metricsPort (DVT_METRICS_PORT): must be a port from 0 to 65535 (0 turns it off) (got "nine" at F:8), e.g. metricsPort: 9464',
      ],
      count: 1,
    },
  ],
  [
    'a port out of range',
    {
      yaml: hoodi({ observability: 'observability: { metricsPort: 65536 }' }),
      lines: [
        'observability.metricsPort (DVT_METRICS_PORT): must be a port from 0 to 65535 (0 turns it off) (got "65536" at F:8), e.g. metricsPort: 9464',
      ],
      count: 1,
    },
  ],
  [
    'a zero fee cap',
    {
      yaml: hoodi({ transactions: 'transactions: { maxFeeGwei: 0 }' }),
      lines: [
        'transactions.maxFeeGwei (DVT_MAX_FEE_GWEI): must be a whole number of gwei above 0 (got "0" at F:7), e.g. maxFeeGwei: 200',
      ],
      count: 1,
    },
  ],
  [
    'a past-deadline fee ceiling below the fee cap',
    {
      yaml: hoodi({
        transactions: 'transactions: { maxFeeGwei: 300, maxFeePastDeadlineGwei: 250 }',
      }),
      lines: [
        'transactions.maxFeePastDeadlineGwei (DVT_MAX_FEE_PAST_DEADLINE_GWEI): must be at least the fee cap DVT_MAX_FEE_GWEI (300 gwei), not 250 (got "250" at F:7), e.g. maxFeePastDeadlineGwei: 1000',
      ],
      count: 1,
    },
  ],
  [
    'a stake deadline in fractions of an hour',
    {
      yaml: hoodi({ transactions: 'transactions: { stakeDeadlineHours: 1.5 }' }),
      lines: [
        'transactions.stakeDeadlineHours (DVT_STAKE_DEADLINE_HOURS): must be a whole number of hours up to 8760, or off (got "1.5" at F:7), e.g. stakeDeadlineHours: 24',
      ],
      count: 1,
    },
  ],
  [
    'a reserve with more decimals than wei has (a YAML number, not rounded)',
    {
      yaml: hoodi({ router: 'router: { reserveEth: 0.1234567890123456789 }' }),
      lines: [
        'router.reserveEth (DVT_RESERVE_ETH): must be an ETH amount with at most 18 decimals, like 20 or 0.5 (got "0.1234567890123456789" at F:6), e.g. reserveEth: 20',
      ],
      count: 1,
    },
  ],
  [
    'batching that is not a boolean',
    {
      yaml: hoodi({ router: 'router: { batching: sometimes }' }),
      lines: [
        'router.batching (DVT_BATCHING): must be true or false (got "sometimes" at F:6), e.g. batching: true',
      ],
      count: 1,
    },
  ],
  [
    'a dry run that is not a boolean',
    {
      yaml: hoodi({ router: 'router: { dryRun: yes }' }),
      lines: [
        'router.dryRun (DVT_DRY_RUN): must be true or false (got "yes" at F:6), e.g. dryRun: false',
      ],
      count: 1,
    },
  ],
  [
    'an unknown log level',
    {
      yaml: hoodi({ observability: 'observability: { logLevel: verbose }' }),
      lines: [
        'observability.logLevel (DVT_LOG_LEVEL): must be trace, debug, info, warn or error (got "verbose" at F:8), e.g. logLevel: info',
      ],
      count: 1,
    },
  ],
  [
    'a Temporal address without a port',
    {
      yaml: hoodi({ temporal: 'temporal: { address: temporal }' }),
      lines: [
        'temporal.address (DVT_TEMPORAL_ADDRESS): must be host:port (got "temporal" at F:2), e.g. address: temporal:7233',
      ],
      count: 1,
    },
  ],
  [
    'a misspelt key, with the right one suggested',
    {
      yaml: hoodi({ router: 'router: { clustersize: 7 }' }),
      lines: ['unknown key router.clustersize (F:6); did you mean router.clusterSize?'],
      count: 1,
    },
  ],
  [
    'a key in the wrong section, with its section suggested',
    {
      yaml: hoodi({ router: 'router: { logLevel: debug }' }),
      lines: ['unknown key router.logLevel (F:6); did you mean observability.logLevel?'],
      count: 1,
    },
  ],
  [
    'an unknown key far from any known one, with the known keys listed',
    {
      yaml: hoodi({ transactions: 'transactions: { gasStrategy: fast }' }),
      lines: [
        'unknown key transactions.gasStrategy (F:7); known keys under transactions: confirmations, maxFeeGwei, maxFeePastDeadlineGwei, stakeDeadlineHours',
      ],
      count: 1,
    },
  ],
  [
    'a key written as its environment variable',
    {
      yaml: hoodi({}, 'DVT_MAX_FEE_GWEI: 3\n'),
      lines: [
        'unknown key DVT_MAX_FEE_GWEI (F:9); in the file DVT_MAX_FEE_GWEI is written transactions.maxFeeGwei',
      ],
      count: 1,
    },
  ],
  [
    'an unknown network, and nothing else',
    {
      yaml: hoodi({ network: 'network: holesky', contracts: null }),
      lines: [
        'network (DVT_NETWORK): must be mainnet, hoodi or devnet (got "holesky" at F:1), e.g. network: hoodi',
      ],
      count: 1,
    },
  ],
  [
    'a YAML syntax error, by line and column',
    {
      yaml: 'network: hoodi\nendpoints:\n  executionRpc: https://rpc.example\n beacon: [http://b:5052]\n',
      lines: ['F:4:1: YAML syntax error: All mapping items must start at the same column'],
    },
  ],
  [
    'a key given twice',
    {
      yaml: hoodi({}, 'network: mainnet\n'),
      lines: ['F:9:1: YAML syntax error: Map keys must be unique'],
      count: 1,
    },
  ],
  [
    'a file that is not a mapping',
    {
      yaml: '- network: hoodi\n',
      lines: ['F:1: must be a mapping of settings (got a list), e.g. network: hoodi'],
      count: 1,
    },
  ],
  [
    'a raw private key, refused without being repeated',
    {
      yaml: hoodi({
        secrets: `secrets: { signerKey: ${PRIVATE_KEY}, keystoreFile: /k, keystorePasswordFile: /p }`,
      }),
      lines: [
        'F:5: holds what looks like a raw private key (32 bytes of hex); secret values are not accepted in the config file: put it in a file only the router can read and set secrets.signerKeyFile (DVT_SIGNER_KEY_FILE) to its path (the value is not shown)',
        'secrets.signerKey (F:5): secret values are not accepted in the config file; put the private key in a file only the router can read and set secrets.signerKeyFile (DVT_SIGNER_KEY_FILE) to its path (the value is not shown)',
        'secrets.signerKeyFile (DVT_SIGNER_KEY_FILE): is required: the path of a file holding the secret (never the secret itself) (it is not set), e.g. signerKeyFile: /run/secrets/router-signer.key',
      ],
      count: 3,
    },
  ],
  [
    'a raw private key pasted where a file path belongs, or in a comment',
    {
      yaml: hoodi(
        {
          secrets: `secrets: { signerKeyFile: "${PRIVATE_KEY.slice(2)}", keystoreFile: /k, keystorePasswordFile: /p }`,
        },
        `# old key ${PRIVATE_KEY}\n`,
      ),
      lines: [
        'F:5: holds what looks like a raw private key (32 bytes of hex); secret values are not accepted in the config file: put it in a file only the router can read and set secrets.signerKeyFile (DVT_SIGNER_KEY_FILE) to its path (the value is not shown)',
        'F:9: holds what looks like a raw private key (32 bytes of hex); secret values are not accepted in the config file: put it in a file only the router can read and set secrets.signerKeyFile (DVT_SIGNER_KEY_FILE) to its path (the value is not shown)',
      ],
      count: 2,
    },
  ],
  [
    'a mnemonic, refused without being repeated',
    {
      yaml: hoodi({}, `mnemonic: ${MNEMONIC}\n`),
      lines: [
        'F:9: holds what looks like a mnemonic; secret values are not accepted in the config file: import it into a key store with `dvt-router keys import` and set secrets.keystoreFile (DVT_KEYSTORE_FILE) to its path (the value is not shown)',
        'mnemonic (F:9): secret values are not accepted in the config file; put the mnemonic (import it with `dvt-router keys import`) in a file only the router can read and set secrets.keystoreFile (DVT_KEYSTORE_FILE) to its path (the value is not shown)',
      ],
      count: 2,
    },
  ],
  [
    'a password instead of a password file',
    {
      yaml: hoodi({
        secrets: `secrets: { signerKeyFile: /s, keystoreFile: /k, password: ${PASSWORD} }`,
      }),
      lines: [
        'secrets.password (F:5): secret values are not accepted in the config file; put the password in a file only the router can read and set secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE) to its path (the value is not shown)',
        'secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE): is required: the path of a file holding the key store password (never the password itself), or set DVT_KEYSTORE_PASSWORD in the environment instead (it is not set), e.g. keystorePasswordFile: /run/secrets/keystore-password',
      ],
      count: 2,
    },
  ],
  [
    'the environment-only key store password written in the file',
    {
      yaml: hoodi({
        secrets: `secrets: { signerKeyFile: /s, keystoreFile: /k, keystorePassword: "${PASSWORD}" }`,
      }),
      lines: [
        'secrets.keystorePassword (F:5): secret values are not accepted in the config file; put the password in a file only the router can read and set secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE) to its path (the value is not shown)',
        'secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE): is required: the path of a file holding the key store password (never the password itself), or set DVT_KEYSTORE_PASSWORD in the environment instead (it is not set), e.g. keystorePasswordFile: /run/secrets/keystore-password',
      ],
      count: 2,
    },
  ],
  [
    'a password file in the file and a password in the environment',
    {
      yaml: hoodi(),
      env: { DVT_KEYSTORE_PASSWORD: PASSWORD },
      lines: [
        'secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE): is set and so is DVT_KEYSTORE_PASSWORD; the key store password comes from one of them, so unset the other (got "/run/secrets/keystore-password" at F:5), e.g. keystorePasswordFile: /run/secrets/keystore-password',
      ],
      count: 1,
    },
  ],
  [
    'a secret value in the environment',
    {
      yaml: hoodi(),
      env: { DVT_SIGNER_PRIVATE_KEY: PRIVATE_KEY },
      lines: [
        'DVT_SIGNER_PRIVATE_KEY: secret values are not read from the environment; put the private key in a file only the router can read and set DVT_SIGNER_KEY_FILE (secrets.signerKeyFile) to its path (the value is not shown)',
      ],
      count: 1,
    },
  ],
  [
    'an invalid environment override, naming the variable as the source',
    {
      yaml: hoodi(),
      env: { DVT_CLUSTER_SIZE: '6' },
      lines: [
        'router.clusterSize (DVT_CLUSTER_SIZE): must be 4, 7, 10 or 13 (got "6" from env DVT_CLUSTER_SIZE), e.g. DVT_CLUSTER_SIZE=4',
      ],
      count: 1,
    },
  ],
  [
    'mainnet with the hoodi SSV API',
    {
      yaml: hoodi({
        network: 'network: mainnet',
        endpoints:
          'endpoints: { executionRpc: "https://rpc.example", beacon: [http://b:5052], ssvApiNetwork: hoodi }',
        contracts: null,
      }),
      lines: [
        'endpoints.ssvApiNetwork (DVT_SSV_API_NETWORK): must be mainnet when network is mainnet (got "hoodi" at F:3), e.g. ssvApiNetwork: mainnet',
      ],
      count: 1,
    },
  ],
  [
    'a missing execution endpoint',
    {
      yaml: hoodi({ endpoints: 'endpoints: { beacon: [http://b:5052] }' }),
      lines: [
        'endpoints.executionRpc (DVT_EXECUTION_RPC_URL): is required (it is not set), e.g. executionRpc: http://127.0.0.1:8545',
      ],
      count: 1,
    },
  ],
  [
    'a missing key store path',
    {
      yaml: hoodi({ secrets: 'secrets: { signerKeyFile: /s, keystorePasswordFile: /p }' }),
      lines: [
        'secrets.keystoreFile (DVT_KEYSTORE_FILE): is required: the path of the key store `dvt-router keys import` writes (never the mnemonic itself), or set DVT_KEYSTORE_DIR (secrets.keystoreDir) to a directory of EIP-2335 validator keystores instead (it is not set), e.g. keystoreFile: /var/lib/dvt-router/keystore.json',
      ],
      count: 1,
    },
  ],
  [
    'both validator key sources, the key store and a keystore directory',
    {
      yaml: hoodi({
        secrets:
          'secrets: { signerKeyFile: /s, keystoreFile: /k, keystoreDir: /v, keystorePasswordFile: /p }',
      }),
      lines: [
        'secrets.keystoreFile (DVT_KEYSTORE_FILE): is set and so is DVT_KEYSTORE_DIR; the validator keys come from one of them (the mnemonic key store or the keystore directory), so unset the other (got "/k" at F:5), e.g. keystoreFile: /var/lib/dvt-router/keystore.json',
      ],
      count: 1,
    },
  ],
  [
    'a keystore directory in the environment beside the key store in the file',
    {
      yaml: hoodi(),
      env: { DVT_KEYSTORE_DIR: '/var/lib/dvt-router/validator_keys' },
      lines: [
        'secrets.keystoreFile (DVT_KEYSTORE_FILE): is set and so is DVT_KEYSTORE_DIR; the validator keys come from one of them (the mnemonic key store or the keystore directory), so unset the other (got "/var/lib/dvt-router/keystore.json" at F:5), e.g. keystoreFile: /var/lib/dvt-router/keystore.json',
      ],
      count: 1,
    },
  ],
  [
    'hoodi without a pool, which its preset does not know',
    {
      yaml: hoodi({ contracts: null }),
      lines: [
        "contracts.poolStorage (DVT_POOL_STORAGE): is required: the hoodi preset knows no StaFi pool, so name its StafiStorage contract (it is not set), e.g. poolStorage: 0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0 (mainnet's)",
      ],
      count: 1,
    },
  ],
  [
    'a mapping where a single value is expected',
    {
      yaml: hoodi({ temporal: 'temporal: { address: { host: temporal, port: 7233 } }' }),
      lines: [
        'temporal.address (DVT_TEMPORAL_ADDRESS): must be a single value, not a mapping (at F:2), e.g. address: temporal:7233',
      ],
      count: 1,
    },
  ],
  [
    'a list where a single value is expected',
    {
      yaml: hoodi({
        endpoints:
          'endpoints: { executionRpc: [http://a:8545, http://b:8545], beacon: [http://b:5052] }',
      }),
      lines: [
        'endpoints.executionRpc (DVT_EXECUTION_RPC_URL): must be a single value, not a list (at F:3), e.g. executionRpc: http://127.0.0.1:8545',
      ],
      count: 1,
    },
  ],
  [
    'a section that is not a mapping',
    {
      yaml: hoodi({ transactions: 'transactions: 5' }),
      lines: [
        'transactions: must be a mapping of settings (got a number at F:7), e.g. transactions: { confirmations: 1 }',
      ],
      count: 1,
    },
  ],
  [
    'a devnet state file on another network',
    {
      yaml: hoodi({}, 'devnetState: .devnet/state.json\n'),
      lines: [
        'devnetState (DVT_DEVNET_STATE): is set but network is hoodi; the devnet state file only configures network devnet, so remove one of them',
      ],
      count: 1,
    },
  ],
];

describe('loadConfig with a YAML file', () => {
  it('has a table of at least 22 invalid configurations', () => {
    expect(cases.length).toBeGreaterThanOrEqual(22);
  });

  it.each(cases)('reports %s with path, variable, reason and example', (_label, c) => {
    const file = write(c.yaml);
    const message = messageOf(file, c.env);
    const lines = linesOf(message);
    expect(message.startsWith('Invalid configuration:\n')).toBe(true);
    for (const line of c.lines) expect(lines).toContain(`  ${line.replaceAll('F:', `${file}:`)}`);
    if (c.count !== undefined) expect(lines).toHaveLength(c.count);
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });

  it('loads a valid hoodi file with readable nested keys', () => {
    const file = write(`# hoodi router
network: hoodi
temporal:
  address: temporal:7233
  namespace: staking
  taskQueue: dvt-router-hoodi
endpoints:
  executionRpc: https://rpc.hoodi.example
  beacon:
    - http://beacon-a:5052
    - http://beacon-b:5052
contracts:
  poolStorage: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
  ssvFromBlock: 12345
secrets:
  signerKeyFile: /run/secrets/router-signer.key
  keystoreFile: /var/lib/dvt-router/keystore.json
  keystorePasswordFile: /run/secrets/keystore-password
  codecKeyringFile: /run/secrets/codec-keyring.json
router:
  reserveEth: "12.5"
  depositAmountGwei: 2000000000
  stakeAmountGwei: 30000000000
  clusterSize: 7
  targetRunwayDays: 45
  poolMonitorIntervalSeconds: 60
  operatorFeeCapWei: "20000000000"
  minOwnerBalanceEth: 0.5
  exitPath: voluntary
  batching: false
  dryRun: true
transactions:
  confirmations: 2
  maxFeeGwei: 150
  maxFeePastDeadlineGwei: 600
  stakeDeadlineHours: 6
observability:
  metricsHost: 0.0.0.0
  metricsPort: 0
  logLevel: debug
`);
    const config = loadConfig({}, { file });
    expect(config).toEqual({
      DVT_NETWORK: 'hoodi',
      DVT_TEMPORAL_ADDRESS: 'temporal:7233',
      DVT_TEMPORAL_NAMESPACE: 'staking',
      DVT_TASK_QUEUE: 'dvt-router-hoodi',
      DVT_EXECUTION_RPC_URL: 'https://rpc.hoodi.example',
      DVT_EXIT_PATH: 'voluntary',
      DVT_BEACON_URLS: ['http://beacon-a:5052', 'http://beacon-b:5052'],
      DVT_SSV_API_URL: 'https://api.ssv.network/api/v4',
      DVT_SSV_API_NETWORK: 'hoodi',
      DVT_POOL_STORAGE: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      DVT_SSV_NETWORK: '0x58410Bef803ECd7E63B23664C586A6DB72DAf59c',
      DVT_SSV_FROM_BLOCK: 12345,
      DVT_SIGNER_KEY_FILE: '/run/secrets/router-signer.key',
      DVT_KEYSTORE_FILE: '/var/lib/dvt-router/keystore.json',
      DVT_KEYSTORE_PASSWORD_FILE: '/run/secrets/keystore-password',
      DVT_CODEC_KEYRING_FILE: '/run/secrets/codec-keyring.json',
      DVT_RESERVE_ETH: '12.5',
      DVT_DEPOSIT_AMOUNT_GWEI: '2000000000',
      DVT_STAKE_AMOUNT_GWEI: '30000000000',
      DVT_CLUSTER_SIZE: 7,
      DVT_TARGET_RUNWAY_DAYS: 45,
      DVT_POOL_MONITOR_INTERVAL_SECONDS: 60,
      DVT_OPERATOR_FEE_CAP_WEI: '20000000000',
      DVT_MIN_OWNER_BALANCE_ETH: '0.5',
      DVT_BATCHING: false,
      DVT_DRY_RUN: true,
      DVT_CONFIRMATIONS: 2,
      DVT_MAX_FEE_GWEI: 150,
      DVT_MAX_FEE_PAST_DEADLINE_GWEI: 600,
      DVT_STAKE_DEADLINE_HOURS: 6,
      DVT_METRICS_HOST: '0.0.0.0',
      DVT_METRICS_PORT: 0,
      DVT_LOG_LEVEL: 'debug',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lets DVT_* variables override the file, and finds the file through DVT_CONFIG_FILE', () => {
    const file = write(hoodi());
    const config = loadConfig({
      DVT_CONFIG_FILE: file,
      DVT_CLUSTER_SIZE: '13',
      DVT_BEACON_URLS: 'http://env-beacon:5052',
      DVT_DRY_RUN: 'false',
    });
    expect(config).toMatchObject({
      DVT_NETWORK: 'hoodi',
      DVT_TEMPORAL_NAMESPACE: 'staking',
      DVT_CLUSTER_SIZE: 13,
      DVT_BEACON_URLS: ['http://env-beacon:5052'],
      DVT_DRY_RUN: false,
      DVT_TARGET_RUNWAY_DAYS: 45,
    });
  });

  it('takes the validator keys from secrets.keystoreDir instead of secrets.keystoreFile', () => {
    const file = write(
      hoodi({
        secrets:
          'secrets: { signerKeyFile: /s, keystoreDir: /var/lib/dvt-router/validator_keys, keystorePasswordFile: /p }',
      }),
    );
    const config = loadConfig({}, { file });
    expect(config.DVT_KEYSTORE_DIR).toBe('/var/lib/dvt-router/validator_keys');
    expect(config.DVT_KEYSTORE_FILE).toBeUndefined();
  });

  it("leaves other tools' secrets in the environment alone", () => {
    const file = write(hoodi());
    expect(loadConfig({ DVT_CODEC_KEYRING: '{"keys":[]}' }, { file }).DVT_NETWORK).toBe('hoodi');
  });

  it('prefers the file given as an option over DVT_CONFIG_FILE', () => {
    const file = write(hoodi());
    expect(loadConfig({ DVT_CONFIG_FILE: '/nonexistent.yaml' }, { file }).DVT_NETWORK).toBe(
      'hoodi',
    );
  });

  it('fills contract addresses and the SSV API from the network preset, the file winning', () => {
    const mainnet = loadConfig(
      {},
      {
        file: write(
          hoodi({
            network: 'network: mainnet',
            endpoints:
              'endpoints: { executionRpc: "https://rpc.example", beacon: [http://b:5052] }',
            contracts: null,
          }),
        ),
      },
    );
    expect(mainnet).toMatchObject({
      DVT_POOL_STORAGE: '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0',
      DVT_SSV_NETWORK: '0xDD9BC35aE942eF0cFa76930954a156B3fF30a4E1',
      DVT_SSV_FROM_BLOCK: 17_507_487,
      DVT_SSV_API_URL: 'https://api.ssv.network/api/v4',
      DVT_SSV_API_NETWORK: 'mainnet',
    });
    const hoodiConfig = loadConfig(
      {},
      {
        file: write(
          hoodi({
            contracts:
              'contracts: { poolStorage: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", ssvNetwork: "0x95401dc811bb5740090279Ba06cfA8fcF6113778" }',
          }),
        ),
      },
    );
    expect(hoodiConfig).toMatchObject({
      DVT_SSV_NETWORK: '0x95401dc811bb5740090279Ba06cfA8fcF6113778',
      DVT_SSV_FROM_BLOCK: 0,
      DVT_SSV_API_NETWORK: 'hoodi',
    });
  });

  it('names the config file and what to do when it cannot be read', () => {
    expect(messageOf('/nonexistent/dvt-router.yaml')).toBe(
      'Cannot read the config file /nonexistent/dvt-router.yaml. Write one with `dvt-router init --network <network>`, or point --config / DVT_CONFIG_FILE at it.',
    );
  });

  it('accepts an empty file and sections left empty', () => {
    const config = loadConfig(
      {
        DVT_EXECUTION_RPC_URL: 'http://127.0.0.1:8545',
        DVT_BEACON_URLS: 'http://127.0.0.1:5052',
        DVT_SIGNER_KEY_FILE: '/s',
        DVT_KEYSTORE_FILE: '/k',
        DVT_KEYSTORE_PASSWORD_FILE: '/p',
      },
      { file: write('network: mainnet\nrouter:\ntransactions:\n  # nothing yet\n') },
    );
    expect(config.DVT_NETWORK).toBe('mainnet');
    expect(config.DVT_CLUSTER_SIZE).toBe(4);
  });

  it('never repeats a secret from the file or the environment in its message', () => {
    const file = write(
      [
        'network: hoodi',
        `signerKey: ${PRIVATE_KEY}`,
        `privateKey: "${PRIVATE_KEY.slice(2)}"`,
        `mnemonic: ${MNEMONIC}`,
        `secrets: { password: ${PASSWORD}, keystorePassword: "${PASSWORD}", signerKeyFile: ${PRIVATE_KEY} }`,
        `contracts: { poolStorage: ${PRIVATE_KEY}, ssvNetwork: "${MNEMONIC}" }`,
        `endpoints: { executionRpc: "https://user:${PASSWORD}@rpc.example/v3/0123456789abcdef0123456789abcdef", beacon: ["${PRIVATE_KEY}"] }`,
        `router: { reserveEth: ${PRIVATE_KEY} }`,
        '',
      ].join('\n'),
    );
    const message = messageOf(file, {
      DVT_KEYSTORE_PASSWORD: PASSWORD,
      DVT_MNEMONIC: MNEMONIC,
      DVT_CLUSTER_SIZE: PRIVATE_KEY,
    });
    expect(linesOf(message).length).toBeGreaterThanOrEqual(10);
    for (const secret of [...SECRETS, '0123456789abcdef0123456789abcdef']) {
      expect(message).not.toContain(secret);
    }
    // A broken file is reported by its syntax error, still without the key on that line.
    const broken = messageOf(write(`network: hoodi\n signerKey: ${PRIVATE_KEY}\n  x: [\n`));
    expect(broken).toContain('YAML syntax error');
    for (const secret of SECRETS) expect(broken).not.toContain(secret);
  });
});

describe('renderConfigTemplate', () => {
  const secretPaths = {
    DVT_SIGNER_KEY_FILE: undefined,
    DVT_KEYSTORE_FILE: undefined,
    DVT_KEYSTORE_PASSWORD_FILE: undefined,
  };

  it('writes a mainnet config that loads as written, the preset filling the addresses', () => {
    const file = write(renderConfigTemplate('mainnet'), 'mainnet.yaml');
    expect(loadConfig(secretPaths, { file })).toMatchObject({
      DVT_NETWORK: 'mainnet',
      DVT_POOL_STORAGE: '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0',
      DVT_SSV_NETWORK: '0xDD9BC35aE942eF0cFa76930954a156B3fF30a4E1',
      DVT_SSV_API_NETWORK: 'mainnet',
      DVT_SIGNER_KEY_FILE: '/run/secrets/router-signer.key',
      DVT_CLUSTER_SIZE: 4,
    });
  });

  it('writes a hoodi config that asks for the pool address, and loads once it is given', () => {
    const file = write(renderConfigTemplate('hoodi'), 'hoodi.yaml');
    expect(linesOf(messageOf(file))).toEqual([
      "  contracts.poolStorage (DVT_POOL_STORAGE): is required: the hoodi preset knows no StaFi pool, so name its StafiStorage contract (it is not set), e.g. poolStorage: 0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0 (mainnet's)",
    ]);
    const pool = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
    const complete = write(renderConfigTemplate('hoodi', { poolStorage: pool }), 'hoodi-2.yaml');
    expect(loadConfig({}, { file: complete })).toMatchObject({
      DVT_NETWORK: 'hoodi',
      DVT_POOL_STORAGE: pool,
      DVT_SSV_NETWORK: '0x58410Bef803ECd7E63B23664C586A6DB72DAf59c',
    });
    expect(loadConfig({ DVT_POOL_STORAGE: pool }, { file }).DVT_POOL_STORAGE).toBe(pool);
  });

  it('writes a devnet config that takes endpoints and addresses from the state file', () => {
    const statePath = write(
      JSON.stringify({
        executionRpcUrl: 'http://127.0.0.1:18545',
        beaconUrl: 'http://127.0.0.1:15052',
        ssvApiUrl: 'http://127.0.0.1:13300',
        ssvApiNetwork: 'devnet',
        temporalAddress: '127.0.0.1:17233',
        temporalNamespace: 'default',
        contracts: {
          storage: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
          ssvNetwork: '0x95401dc811bb5740090279Ba06cfA8fcF6113778',
        },
        deployBlocks: { ssv: 43 },
      }),
      'state.json',
    );
    const file = write(renderConfigTemplate('devnet'), 'devnet.yaml');
    expect(loadConfig({ DVT_DEVNET_STATE: statePath }, { file })).toMatchObject({
      DVT_NETWORK: 'devnet',
      DVT_EXECUTION_RPC_URL: 'http://127.0.0.1:18545',
      DVT_BEACON_URLS: ['http://127.0.0.1:15052'],
      DVT_SSV_API_URL: 'http://127.0.0.1:13300/api/v4',
      DVT_TEMPORAL_ADDRESS: '127.0.0.1:17233',
      DVT_POOL_STORAGE: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      DVT_SSV_FROM_BLOCK: 43,
      DVT_SIGNER_KEY_FILE: '.devnet/router/signer.key',
    });
  });

  it.each(['mainnet', 'hoodi', 'devnet'] as const)(
    'explains every key in the %s template, with its variable',
    (network) => {
      const text = renderConfigTemplate(network);
      const lines = text.split('\n');
      for (const key of CONFIG_KEYS) {
        if (key.path === 'devnetState' && network !== 'devnet') continue;
        // An environment-only secret has no place in the file, not even as a comment.
        if (key.envOnly) {
          expect(text).not.toMatch(new RegExp(`\\b${key.path.split('.').at(-1) ?? ''}\\b`));
          continue;
        }
        const leaf = key.path.split('.').at(-1) ?? key.path;
        const at = lines.findIndex((line) => new RegExp(`^(  )?(# )?${leaf}:`).test(line));
        expect([key.path, at >= 0]).toEqual([key.path, true]);
        // The comment block right above the key explains it and names its variable.
        const above: string[] = [];
        for (let i = at - 1; i >= 0 && /^\s*# /.test(lines[i] ?? ''); i -= 1) {
          above.unshift((lines[i] ?? '').replace(/^\s*# /, ''));
        }
        expect(above.join(' ')).toContain(`${key.doc.slice(1)} [${key.env}`);
      }
      expect(text.split('\n').every((line) => line.length <= 100)).toBe(true);
    },
  );
});

describe('the key table', () => {
  it('maps every schema variable, with defaults equal to the schema defaults', () => {
    const variables = Object.keys(configSchema.shape).sort();
    expect(
      CONFIG_KEYS.map((k) => k.env)
        .filter((env) => env !== 'DVT_DEVNET_STATE')
        .sort(),
    ).toEqual(variables);
    const defaults = configSchema.parse({
      DVT_EXECUTION_RPC_URL: 'http://a',
      DVT_BEACON_URLS: 'http://b',
      DVT_SSV_API_URL: 'http://c',
      DVT_POOL_STORAGE: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      DVT_SSV_NETWORK: '0x95401dc811bb5740090279Ba06cfA8fcF6113778',
      DVT_SIGNER_KEY_FILE: '/s',
      DVT_KEYSTORE_FILE: '/k',
      DVT_KEYSTORE_PASSWORD_FILE: '/p',
    }) as Record<string, unknown>;
    for (const key of CONFIG_KEYS.filter((k) => k.default !== undefined)) {
      expect([key.env, String(defaults[key.env])]).toEqual([key.env, key.default]);
    }
  });

  it('every key and variable is documented in docs/configuration.md', () => {
    const docs = readFileSync(path.resolve('docs/configuration.md'), 'utf8');
    for (const key of CONFIG_KEYS) {
      expect([key.path, docs.includes(`\`${key.path}\``)]).toEqual([key.path, true]);
      expect([key.env, docs.includes(`\`${key.env}\``)]).toEqual([key.env, true]);
    }
  });
});
