/**
 * Builds every client the activities depend on from the configuration (the composition root's
 * first half; worker/main.ts is the second). Reads secrets here and nowhere else (from their files;
 * the key store password may come from the environment instead), and refuses to start when the
 * execution chain is not the configured network's (its preset chain id), or when the execution
 * chain, the beacon node and the SSV API disagree on the network.
 */
import { readFile } from 'node:fs/promises';
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
  type AgreementLogger,
} from '../activities/beacon/network-agreement.js';
import { openMnemonicKeyStore } from '../activities/keys/mnemonic-key-store.js';
import { resolveSecret } from '../activities/keys/resolve-secret.js';
import { makeStafiPoolAdapter } from '../activities/pool/stafi-adapter.js';
import { makeClusterIndexSync } from '../activities/ssv/cluster-index-sync.js';
import { makeSsvApiClient } from '../activities/ssv/ssv-api-client.js';
import { makeSsvNetworkClient } from '../activities/ssv/ssv-network-client.js';
import type { WorkerConfig } from './config.js';

export type Clients = Awaited<ReturnType<typeof makeClients>>;

async function readSecretFile(file: string, what: string, variable: string): Promise<string> {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    if (!value) throw new Error('empty file');
    return value;
  } catch (cause) {
    throw new DvtError('ERR_CONFIG', `Cannot read the ${what} from ${file}.`, {
      cause: cause instanceof Error ? new Error(cause.message.replace(file, '<file>')) : cause,
      hint: `Point ${variable} at a readable file holding it.`,
    });
  }
}

/**
 * The router's signer from its key file (connected to `provider` when given). Errors name the
 * file, never the key. The CLI uses it for the router's address only.
 */
export async function loadSigner(
  config: Pick<WorkerConfig, 'DVT_SIGNER_KEY_FILE'>,
  provider?: JsonRpcProvider,
): Promise<Wallet> {
  const key = await readSecretFile(config.DVT_SIGNER_KEY_FILE, 'signer key', 'DVT_SIGNER_KEY_FILE');
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

/** Options of {@link makeClients}. */
export interface MakeClientsOptions {
  /** Where the start-up checks log (an SSV API that could not be cross-checked is a warning). */
  logger?: AgreementLogger | null;
}

export async function makeClients(config: WorkerConfig, options: MakeClientsOptions = {}) {
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
      ssvNetwork: makeSsvNetworkClient({
        provider,
        ssvNetwork: config.DVT_SSV_NETWORK,
        owner: signer.address,
      }),
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

  const password = await keystorePassword(config);
  const keySource = await openMnemonicKeyStore({ file: config.DVT_KEYSTORE_FILE, password });
  const owner = signer.address;
  const pool = makeStafiPoolAdapter({
    provider,
    storageAddress: config.DVT_POOL_STORAGE,
    superNodeAccount: owner,
    reserveWei: parseEther(config.DVT_RESERVE_ETH).toString(),
  });
  const ssvNetwork = makeSsvNetworkClient({ provider, ssvNetwork: config.DVT_SSV_NETWORK, owner });
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
