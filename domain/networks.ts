/**
 * Network presets: what the router knows about each network it can run on, so that a
 * configuration names a network and leaves out the addresses (docs/configuration.md). Pure data
 * taken from /work/shared/specs; the devnet has no static preset, its values come from the state
 * file the devnet writes. A preset only fills defaults: the config file and the environment may
 * override any of them, and the start-up checks still compare the chain ids with what the
 * endpoints report.
 */
import { DvtError } from './errors.js';
import { PUBLIC_NETWORKS } from './beacon/network-params.js';

/** Networks a dvt-router configuration can name. */
export const CONFIG_NETWORKS = ['mainnet', 'hoodi', 'devnet'] as const;
export type ConfigNetwork = (typeof CONFIG_NETWORKS)[number];

/** A public network with static parameters. */
export type PresetNetwork = Exclude<ConfigNetwork, 'devnet'>;

/** What the router knows about a public network before it talks to any endpoint. */
export interface NetworkPreset {
  readonly name: PresetNetwork;
  /** Execution-layer chain id (`eth_chainId`, the beacon spec's `DEPOSIT_CHAIN_ID`). */
  readonly chainId: number;
  /** `GENESIS_FORK_VERSION`, fixes the deposit domain. */
  readonly genesisForkVersion: `0x${string}`;
  /** The beacon deposit contract. */
  readonly depositContract: `0x${string}`;
  /** SSVNetwork proxy (the "setter" contract). */
  readonly ssvNetwork: `0x${string}`;
  /** First block worth scanning for SSVNetwork events; `null` when the specs give none. */
  readonly ssvFromBlock: number | null;
  /** SSV REST API base URL without the network segment. */
  readonly ssvApiUrl: string;
  /** The SSV API's network path segment. */
  readonly ssvApiNetwork: string;
  /** StaFi's `StafiStorage` contract; `null` when the specs give none (the config must). */
  readonly poolStorage: `0x${string}` | null;
}

/** SSV REST API v4 (specs/ssv-api-and-shares.md §1); the network name is appended. */
const SSV_API_URL = 'https://api.ssv.network/api/v4';

/**
 * Presets of the public networks. Sources:
 * - chain id, genesis fork version, deposit contract: specs/beacon-and-keys.md §5 (the same
 *   values as `PUBLIC_NETWORKS`, which this reuses);
 * - SSVNetwork and its first block: specs/ssv-network-v2.md §0;
 * - SSV API URL and network names: specs/ssv-api-and-shares.md §1;
 * - StafiStorage: specs/stafi-pool.md §0.
 */
export const NETWORK_PRESETS: Readonly<Record<PresetNetwork, NetworkPreset>> = Object.freeze({
  mainnet: Object.freeze({
    name: 'mainnet',
    chainId: PUBLIC_NETWORKS.mainnet.chainId, // 1
    genesisForkVersion: PUBLIC_NETWORKS.mainnet.genesisForkVersion, // 0x00000000
    depositContract: PUBLIC_NETWORKS.mainnet.depositContract,
    // The proxy was upgraded in place to v2.0.0 (ETH fees); that the upgrade ran is [unverified]
    // in the spec, so the router reads getVersion() before it writes.
    ssvNetwork: '0xDD9BC35aE942eF0cFa76930954a156B3fF30a4E1',
    ssvFromBlock: 17_507_487,
    ssvApiUrl: SSV_API_URL,
    ssvApiNetwork: 'mainnet',
    poolStorage: '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0',
  }),
  hoodi: Object.freeze({
    name: 'hoodi',
    // Chain id and fork version are [unverified] in the spec: taken from several client configs,
    // not from a live node. The start-up check compares them with the endpoints.
    chainId: PUBLIC_NETWORKS.hoodi.chainId, // 560048
    genesisForkVersion: PUBLIC_NETWORKS.hoodi.genesisForkVersion, // 0x10000910
    depositContract: PUBLIC_NETWORKS.hoodi.depositContract,
    // From deployments/hoodi-prod/config.json and the ssv-sdk chain config; older addresses in
    // other files are superseded.
    ssvNetwork: '0x58410Bef803ECd7E63B23664C586A6DB72DAf59c',
    ssvFromBlock: null,
    ssvApiUrl: SSV_API_URL,
    ssvApiNetwork: 'hoodi',
    // The only testnet StafiStorage in the spec (0x126d3C08…) is on an unstated network
    // [unverified], so Hoodi has none and the configuration must name the pool.
    poolStorage: null,
  }),
});

/** Whether `name` is a network a configuration can name. */
export function isConfigNetwork(name: string): name is ConfigNetwork {
  return (CONFIG_NETWORKS as readonly string[]).includes(name);
}

/** Parameters of {@link checkExecutionChain}. */
export interface CheckExecutionChainParameters {
  /** The configured network. */
  network: ConfigNetwork;
  /** `eth_chainId` of the execution RPC. */
  chainId: number;
  /** Host (and port) of the execution RPC, never its full URL (it may carry an API key). */
  rpcHost: string;
}

/**
 * Refuses an execution RPC on another chain than the configured network's preset, before anything
 * else is read from it. The devnet has no static chain id; the beacon comparison covers it.
 *
 * Pure. Errors: `ERR_NETWORK_MISMATCH`.
 */
export function checkExecutionChain({
  network,
  chainId,
  rpcHost,
}: CheckExecutionChainParameters): void {
  if (network === 'devnet') return;
  const preset = NETWORK_PRESETS[network];
  if (chainId === preset.chainId) return;
  const known = CONFIG_NETWORKS.find(
    (name) => name !== 'devnet' && NETWORK_PRESETS[name].chainId === chainId,
  );
  throw new DvtError(
    'ERR_NETWORK_MISMATCH',
    `The RPC at ${rpcHost} is chain ${chainId}${known ? ` (${known})` : ''} but network is ${network} (${preset.chainId}).`,
    {
      details: { executionChainId: chainId, expectedChainId: preset.chainId, network },
      hint: `Point endpoints.executionRpc (DVT_EXECUTION_RPC_URL) at a ${network} node, or set network (DVT_NETWORK) to the network you mean.`,
    },
  );
}
