/**
 * Builds every client the activities depend on from the configuration (the composition root's
 * first half; worker/main.ts is the second). Reads secrets here and nowhere else (from their files;
 * the key store password may come from the environment instead), and refuses to start when the
 * execution chain is not the configured network's (its preset chain id), or when the execution
 * chain, the beacon node and the SSV API disagree on the network.
 */
import { JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { DvtError } from '../domain/errors.js';
import { checkExecutionChain } from '../domain/networks.js';
import {
  devnetNetworkParams,
  PUBLIC_NETWORKS,
  type NetworkParams,
} from '../domain/beacon/network-params.js';
import { makeBeaconClient } from '../activities/beacon/beacon-client.js';
import {
  checkNetworkAgreement,
  verifySsvApiAgreement,
} from '../activities/beacon/network-agreement.js';
import type { FieldLogger } from '../activities/field-logger.js';
import type { KeySource } from '../activities/keys/key-source.js';
import { openKeystoreDirectory } from '../activities/keys/keystore-directory.js';
import { openMnemonicKeyStore } from '../activities/keys/mnemonic-key-store.js';
import { resolveSecret } from '../activities/keys/resolve-secret.js';
import { checkStafiAmounts, makeStafiPoolAdapter } from '../activities/pool/stafi-adapter.js';
import { makeClusterIndexSync } from '../activities/ssv/cluster-index-sync.js';
import { makeSsvApiClient } from '../activities/ssv/ssv-api-client.js';
import { makeSsvNetworkClient } from '../activities/ssv/ssv-network-client.js';
import type { WorkerConfig } from './config.js';

export type Clients = Awaited<ReturnType<typeof makeClients>>;

/**
 * The router's signer from its key file (connected to `provider` when given). Errors name the
 * file, never the key. The CLI uses it for the router's address only.
 */
export async function loadSigner(
  config: Pick<WorkerConfig, 'DVT_SIGNER_KEY_FILE'>,
  provider?: JsonRpcProvider,
): Promise<Wallet> {
  const key = await resolveSecret({ name: 'DVT_SIGNER_KEY', file: config.DVT_SIGNER_KEY_FILE });
  try {
    return new Wallet(key.startsWith('0x') ? key : `0x${key}`, provider);
  } catch {
    // The key itself must never reach an error message.
    throw new DvtError(
      'ERR_CONFIG',
      `The signer key in ${config.DVT_SIGNER_KEY_FILE} is not a valid private key.`,
      {
        hint: 'The file must hold one 32-byte hex private key.',
      },
    );
  }
}

/**
 * The key store password from `DVT_KEYSTORE_PASSWORD_FILE` or `DVT_KEYSTORE_PASSWORD` (the config
 * allows exactly one). Errors (`ERR_CONFIG`) name the source, never the password.
 */
export function keystorePassword(
  config: Pick<WorkerConfig, 'DVT_KEYSTORE_PASSWORD_FILE' | 'DVT_KEYSTORE_PASSWORD'>,
): Promise<string> {
  return resolveSecret({
    name: 'DVT_KEYSTORE_PASSWORD',
    value: config.DVT_KEYSTORE_PASSWORD?.reveal(),
    file: config.DVT_KEYSTORE_PASSWORD_FILE,
  });
}

/**
 * The validator key source: the keystore directory when `DVT_KEYSTORE_DIR` is set, else the
 * mnemonic key store of `DVT_KEYSTORE_FILE` (the config requires exactly one). Both take the key
 * store password. Errors: `ERR_CONFIG` for the password source, `ERR_KEYSTORE` from the source.
 */
export async function openKeySource(
  config: Pick<
    WorkerConfig,
    | 'DVT_KEYSTORE_FILE'
    | 'DVT_KEYSTORE_DIR'
    | 'DVT_KEYSTORE_PASSWORD_FILE'
    | 'DVT_KEYSTORE_PASSWORD'
  >,
): Promise<KeySource> {
  if (config.DVT_KEYSTORE_DIR !== undefined) {
    return openKeystoreDirectory({
      dir: config.DVT_KEYSTORE_DIR,
      password: await keystorePassword(config),
    });
  }
  if (config.DVT_KEYSTORE_FILE === undefined) {
    throw new DvtError('ERR_CONFIG', 'No validator key source is configured.', {
      hint: 'Set DVT_KEYSTORE_FILE (a mnemonic key store) or DVT_KEYSTORE_DIR (a keystore directory).',
    });
  }
  return openMnemonicKeyStore({
    file: config.DVT_KEYSTORE_FILE,
    password: await keystorePassword(config),
  });
}

/** Options of {@link makeClients}. */
export interface MakeClientsOptions {
  /** Where the start-up checks log (an SSV API that could not be cross-checked is a warning). */
  logger?: FieldLogger | null;
}

export async function makeClients(config: WorkerConfig, options: MakeClientsOptions = {}) {
  // The pool is StaFi's: refuse amounts its super node does not pay before reading anything.
  checkStafiAmounts({
    depositGwei: config.DVT_DEPOSIT_AMOUNT_GWEI,
    stakeGwei: config.DVT_STAKE_AMOUNT_GWEI,
  });
  const provider = new JsonRpcProvider(config.DVT_EXECUTION_RPC_URL, undefined, {
    cacheTimeout: -1,
  });
  const chainId = Number((await provider.getNetwork()).chainId);
  // Before anything else is read from it: an RPC of another network fails here, by name.
  checkExecutionChain({
    network: config.DVT_NETWORK,
    chainId,
    rpcHost: new URL(config.DVT_EXECUTION_RPC_URL).host,
  });
  const signer = await loadSigner(config, provider);
  const ssvNetwork = makeSsvNetworkClient({
    provider,
    ssvNetwork: config.DVT_SSV_NETWORK,
    owner: signer.address,
  });
  const beacon = makeBeaconClient({ baseUrls: config.DVT_BEACON_URLS });
  const ssvApi = makeSsvApiClient({
    baseUrl: config.DVT_SSV_API_URL,
    network: config.DVT_SSV_API_NETWORK,
  });

  const [spec, genesis, depositContract] = await Promise.all([
    beacon.getSpec(),
    beacon.getGenesis(),
    beacon.getDepositContract(),
  ]);
  const network: NetworkParams =
    config.DVT_NETWORK === 'devnet'
      ? devnetNetworkParams({ spec, genesisValidatorsRoot: genesis.genesisValidatorsRoot })
      : PUBLIC_NETWORKS[config.DVT_NETWORK];
  checkNetworkAgreement({
    executionChainId: chainId,
    beacon: depositContract,
    ssvApiNetwork: config.DVT_SSV_API_NETWORK,
    expected: {
      chainId: network.chainId,
      depositContract: network.depositContract,
      ssvApiNetwork: config.DVT_SSV_API_NETWORK,
    },
  });
  // The SSV API must index this chain's SSVNetwork: operator owners on both must match. An API
  // that is down only warns (it is needed later, and retried then); a disagreement stops here.
  await verifySsvApiAgreement(
    {
      ssvApi: makeSsvApiClient({
        baseUrl: config.DVT_SSV_API_URL,
        network: config.DVT_SSV_API_NETWORK,
        retries: 1,
        timeoutMs: 5_000,
      }),
      ssvNetwork,
      endpoints: {
        executionRpc: new URL(config.DVT_EXECUTION_RPC_URL).host,
        beacon: config.DVT_BEACON_URLS.map((url) => new URL(url).host),
        ssvApi: new URL(config.DVT_SSV_API_URL).host,
        ssvApiNetwork: config.DVT_SSV_API_NETWORK,
        ssvNetwork: config.DVT_SSV_NETWORK,
        chainId,
      },
    },
    options.logger ?? null,
  );

  const keySource = await openKeySource(config);
  const owner = signer.address;
  const pool = makeStafiPoolAdapter({
    provider,
    storageAddress: config.DVT_POOL_STORAGE,
    superNodeAccount: owner,
    reserveWei: parseEther(config.DVT_RESERVE_ETH).toString(),
  });
  const clusterIndex = makeClusterIndexSync({
    provider,
    ssvNetwork: config.DVT_SSV_NETWORK,
    owner,
    fromBlock: config.DVT_SSV_FROM_BLOCK,
  });
  return {
    chainId,
    provider,
    signer,
    network,
    keySource,
    beacon,
    ssvApi,
    pool,
    ssvNetwork,
    clusterIndex,
  };
}
