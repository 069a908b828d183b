/**
 * The commented config file `dvt-router init --network <network>` writes. Rendered from the same
 * key table the loader uses (`CONFIG_KEYS`), so every key the loader knows is in the template with
 * its meaning, its `DVT_*` variable and its default. Keys the network preset (or the devnet state
 * file) fills, and keys with defaults, are written as comments showing the value that applies;
 * the rest are written with values to replace. Secrets appear only as file paths.
 */
import { NETWORK_PRESETS, type ConfigNetwork, type NetworkPreset } from '../domain/networks.js';
import { CONFIG_KEYS, CONFIG_SECTIONS, type ConfigKey } from './config.js';

export interface RenderConfigTemplateOptions {
  /** The pool's StafiStorage address, for networks whose preset has none (hoodi). */
  readonly poolStorage?: string;
}

/** Where the devnet writes its state and the router's files (`npm run devnet`). */
const DEVNET_DIR = '.devnet';

/**
 * Keys the devnet state file fills (worker/config.ts `devnetDefaults`), with what a default
 * `npm run devnet` writes; addresses and blocks vary, so they are shown empty.
 */
const FROM_DEVNET_STATE: ReadonlyMap<string, string> = new Map([
  ['temporal.address', '127.0.0.1:7233'],
  ['temporal.namespace', 'default'],
  ['endpoints.executionRpc', 'http://127.0.0.1:8545'],
  ['endpoints.beacon', '[http://127.0.0.1:5052]'],
  ['endpoints.ssvApi', 'http://127.0.0.1:3300/api/v4'],
  ['endpoints.ssvApiNetwork', 'devnet'],
  ['contracts.poolStorage', ''],
  ['contracts.ssvNetwork', ''],
  ['contracts.ssvFromBlock', ''],
]);

/** Values written for required keys, as YAML text. */
function requiredValue(key: ConfigKey, network: ConfigNetwork): string | undefined {
  const devnet = network === 'devnet';
  switch (key.path) {
    case 'network':
      return network;
    case 'devnetState':
      return devnet ? `${DEVNET_DIR}/state.json` : undefined;
    case 'endpoints.executionRpc':
      return devnet ? undefined : 'http://127.0.0.1:8545';
    case 'endpoints.beacon':
      return devnet ? undefined : '[http://127.0.0.1:5052]';
    case 'secrets.signerKeyFile':
      return devnet ? `${DEVNET_DIR}/router/signer.key` : key.example;
    case 'secrets.keystoreFile':
      return devnet ? `${DEVNET_DIR}/router/keystore.json` : key.example;
    case 'secrets.keystorePasswordFile':
      return devnet ? `${DEVNET_DIR}/router/keystore-password` : key.example;
    default:
      return undefined;
  }
}

/** The value a public network's preset gives a key, as YAML text. */
function presetValue(key: ConfigKey, preset: NetworkPreset): string | undefined {
  switch (key.path) {
    case 'endpoints.ssvApi':
      return preset.ssvApiUrl;
    case 'endpoints.ssvApiNetwork':
      return preset.ssvApiNetwork;
    case 'contracts.ssvNetwork':
      return `"${preset.ssvNetwork}"`;
    case 'contracts.ssvFromBlock':
      return preset.ssvFromBlock === null ? undefined : String(preset.ssvFromBlock);
    case 'contracts.poolStorage':
      return preset.poolStorage === null ? undefined : `"${preset.poolStorage}"`;
    default:
      return undefined;
  }
}

interface Line {
  readonly comment: string;
  /** `key: value`; commented out when `active` is false. */
  readonly entry: string;
  readonly active: boolean;
}

function lineFor(
  key: ConfigKey,
  network: ConfigNetwork,
  options: RenderConfigTemplateOptions,
): Line | undefined {
  const leaf = key.path.split('.').at(-1) ?? key.path;
  const about = (tag?: string): string =>
    `${key.doc[0]?.toUpperCase() ?? ''}${key.doc.slice(1)} [${key.env}${tag ? `; ${tag}` : ''}]`;
  if (key.path === 'devnetState' && network !== 'devnet') return undefined;
  // A secret value never belongs in the file, not even as a commented example.
  if (key.envOnly) return undefined;

  if (key.path === 'contracts.poolStorage' && options.poolStorage !== undefined) {
    return { comment: about(), entry: `${leaf}: "${options.poolStorage}"`, active: true };
  }
  const required = requiredValue(key, network);
  if (required !== undefined)
    return { comment: about(), entry: `${leaf}: ${required}`, active: true };

  const fromState = network === 'devnet' ? FROM_DEVNET_STATE.get(key.path) : undefined;
  if (fromState !== undefined) {
    const entry = fromState ? `${leaf}: ${fromState}` : `${leaf}:`;
    return { comment: about('from devnetState'), entry, active: false };
  }
  if (network !== 'devnet') {
    const value = presetValue(key, NETWORK_PRESETS[network]);
    if (value !== undefined) {
      return { comment: about(`${network} preset`), entry: `${leaf}: ${value}`, active: false };
    }
    if (key.path === 'contracts.poolStorage') {
      return {
        comment: about(`REQUIRED: the ${network} preset knows no StaFi pool; write its address`),
        entry: `${leaf}:`,
        active: true,
      };
    }
  }
  if (key.default !== undefined) {
    return { comment: about('default'), entry: `${leaf}: ${key.default}`, active: false };
  }
  return { comment: about('optional'), entry: `${leaf}: ${key.example}`, active: false };
}

/** Comment lines of at most 100 characters. */
function comment(text: string, indent: string): string[] {
  const width = 100 - indent.length - 2;
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines.map((line) => `${indent}# ${line}`);
}

function render(line: Line, indent: string): string[] {
  return [...comment(line.comment, indent), `${indent}${line.active ? '' : '# '}${line.entry}`];
}

/**
 * A fully commented YAML config for `network`. It loads with `loadConfig` as written (the secret
 * files must exist only when the worker starts), except on hoodi, whose pool address the operator
 * must fill in unless `options.poolStorage` gives it.
 */
export function renderConfigTemplate(
  network: ConfigNetwork,
  options: RenderConfigTemplateOptions = {},
): string {
  const out: string[] = [
    `# dvt-router configuration for ${network} (written by \`dvt-router init --network ${network}\`).`,
    '# Reference: docs/configuration.md.',
    '#',
    ...comment(
      `Precedence: ${network === 'devnet' ? 'the devnetState file' : 'the network preset'} < this file < DVT_* environment variables; each key names its variable in brackets. A commented "# key: value" line shows the value that applies when the key is left out (the default, or what the ${network === 'devnet' ? 'state file' : 'preset'} fills); uncomment it to change it.`,
      '',
    ),
    '#',
    '# Secrets are never written here: give the paths of files only the router can read. A private',
    '# key or a mnemonic anywhere in this file makes the router refuse to start.',
  ];
  if (network === 'devnet') {
    out.push(
      '#',
      `# For the local devnet: \`npm run devnet\` writes ${DEVNET_DIR}/state.json and the router's`,
      `# files under ${DEVNET_DIR}/router/; run from the repository root.`,
    );
  } else {
    const preset = NETWORK_PRESETS[network];
    out.push(
      '#',
      ...comment(
        `${network}: chain id ${preset.chainId}, genesis fork version ${preset.genesisForkVersion}, deposit contract ${preset.depositContract}. The worker refuses to start when an endpoint serves another network.`,
        '',
      ),
    );
  }
  for (const key of CONFIG_KEYS.filter((k) => !k.path.includes('.'))) {
    const line = lineFor(key, network, options);
    if (line) out.push('', ...render(line, ''));
  }
  for (const [section, about] of Object.entries(CONFIG_SECTIONS)) {
    out.push(
      '',
      ...comment(`${about[0]?.toUpperCase() ?? ''}${about.slice(1)}.`, ''),
      `${section}:`,
    );
    const lines = CONFIG_KEYS.filter((k) => k.path.startsWith(`${section}.`))
      .map((k) => lineFor(k, network, options))
      .filter((l): l is Line => l !== undefined);
    lines.forEach((line) => out.push(...render(line, '  ')));
  }
  return `${out.join('\n')}\n`;
}
