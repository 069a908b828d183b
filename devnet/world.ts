/**
 * The devnet world: everything dvt-router talks to, on 127.0.0.1, started in dependency order
 * and stopped in reverse. Used by `npm run devnet` (fixed ports) and by tests (free ports; several
 * worlds can run side by side). The description it returns is what `.devnet/state.json` holds.
 *
 * Accounts come from the public development mnemonic (`test test … junk`); they hold devnet ETH
 * only. Index 0 deploys and owns the contracts, 1 is the router (super node and SSV owner),
 * 2–4 are trusted nodes, 5–9 depositors, 10 a third party for tests.
 */
import { HDNodeWallet, Mnemonic, type JsonRpcProvider } from 'ethers';
import { startBeaconSim, type BeaconSim } from './beacon-sim/start-beacon-sim.js';
import { DEVNET_FORK_VERSIONS, DEVNET_GENESIS_VALIDATORS_ROOT } from './beacon-sim/params.js';
import { devnetProvider, startChain, type Chain } from './chain.js';
import { deployPool, type PoolAddresses, type WithdrawFlavour } from './deploy/pool.js';
import { deploySsv } from './deploy/ssv.js';
import { startDepositors, type Depositors } from './depositors.js';
import { startOracle, type Oracle } from './oracle/start-oracle.js';
import {
  operatorPrivateKeys,
  registerOperatorSet,
  type DevnetOperator,
} from './operators/register-operator-set.js';
import { startVerifier, type VerifierService } from './operators/verifier-service.js';
import { startSsvApiSim, type SsvApiSim } from './ssv-api-sim/start-ssv-api-sim.js';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server.js';

const ETHER = 10n ** 18n;

export const DEVNET_ACCOUNTS = {
  deployer: 0,
  router: 1,
  trustedNodes: [2, 3, 4],
  depositors: [5, 6, 7, 8, 9],
  thirdParty: 10,
} as const;

export interface DevnetOptions {
  /** Fixed ports (the one-command devnet); free ports when omitted. */
  ports?: {
    rpc?: number;
    beacon?: number;
    ssvApi?: number;
    temporal?: number;
    temporalUi?: number;
  };
  /** Start a Temporal dev server with the Web UI; default true. */
  temporal?: boolean;
  /** SQLite file for the Temporal dev server (persisted across restarts). */
  temporalDbFile?: string;
  withdrawFlavour?: WithdrawFlavour;
  /** Operators registered on SSVNetwork (at least 13); default 16. */
  operators?: number;
  /** Interval mining in ms next to automine, so per-block SSV fees accrue; default 1000. */
  blockIntervalMs?: number;
  /** ETH staked by depositors per tick and the tick interval; default 32 ETH every 10 s. */
  depositEthPerTick?: bigint;
  depositIntervalMs?: number;
  /** Stop depositing after this much; default 320 ETH. */
  depositTotalEth?: bigint;
  /** ETH staked into the pool right at start; default 0. */
  initialPoolEth?: bigint;
  /** Hold trusted-node votes (tests of the waiting state). */
  oracleStalled?: boolean;
  /** Beacon slot length in seconds; default 1. */
  secondsPerSlot?: number;
  /**
   * Blocks the simulators (beacon node, trusted-node oracle, verifier, SSV API) stay behind the
   * head, as a beacon node follows the execution chain at a distance: a reorg of fewer blocks is
   * invisible to them. Default 0 (they read to the head).
   */
  followBlocks?: number;
}

/** Everything a client needs to find the devnet; written to `.devnet/state.json`. No secrets. */
export interface DevnetState {
  network: 'devnet';
  chainId: number;
  executionRpcUrl: string;
  beaconUrl: string;
  /** Base URL of the SSV API simulator, without the `/api/v4/devnet` prefix. */
  ssvApiUrl: string;
  ssvApiNetwork: string;
  temporalAddress: string | null;
  temporalNamespace: string | null;
  temporalUiUrl: string | null;
  contracts: PoolAddresses & { ssvNetwork: string; ssvNetworkViews: string; ssvToken: string };
  withdrawFlavour: WithdrawFlavour;
  deployBlocks: { pool: number; ssv: number };
  beacon: { genesisForkVersion: string; capellaForkVersion: string; genesisValidatorsRoot: string };
  accounts: {
    deployer: string;
    router: string;
    trustedNodes: string[];
    depositors: string[];
    thirdParty: string;
  };
  /** HD path of each account under the public development mnemonic. */
  accountPath: string;
  operators: { id: number; fee: string; isPrivate: boolean; whitelisted: string[] }[];
}

export interface Devnet {
  state: DevnetState;
  provider: JsonRpcProvider;
  /** Account `index` of the development mnemonic, connected to the devnet provider. */
  wallet(index: number): HDNodeWallet;
  chain: Chain;
  beacon: BeaconSim;
  ssvApi: SsvApiSim;
  verifier: VerifierService;
  oracle: Oracle;
  depositors: Depositors;
  operators: readonly DevnetOperator[];
  temporal: TemporalDevServer | null;
  stop(): Promise<void>;
}

export const DEVNET_ACCOUNT_PATH = "m/44'/60'/0'/0/<index>";

export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => {
        console.error('devnet stop failed:', error instanceof Error ? error.message : error);
      });
    }
    stops.length = 0;
  };
  try {
    const temporalPromise =
      options.temporal === false
        ? Promise.resolve(null)
        : startTemporalDevServer({
            ...(options.ports?.temporal === undefined ? {} : { port: options.ports.temporal }),
            ...(options.ports?.temporalUi === undefined
              ? {}
              : { uiPort: options.ports.temporalUi }),
            ...(options.temporalDbFile === undefined ? {} : { dbFile: options.temporalDbFile }),
          });
    const chain = await startChain({
      ...(options.ports?.rpc === undefined ? {} : { port: options.ports.rpc }),
      blockIntervalMs: options.blockIntervalMs ?? 1000,
    });
    stops.push(() => chain.stop());
    const temporal = await temporalPromise;
    if (temporal) stops.push(() => temporal.stop());

    const provider = devnetProvider(chain.rpcUrl, chain.chainId);
    stops.push(() => Promise.resolve(provider.destroy()));
    const mnemonic = Mnemonic.fromPhrase(chain.mnemonic);
    const wallet = (index: number): HDNodeWallet =>
      HDNodeWallet.fromMnemonic(
        mnemonic,
        DEVNET_ACCOUNT_PATH.replace('<index>', String(index)),
      ).connect(provider);
    const deployer = wallet(DEVNET_ACCOUNTS.deployer);
    const router = wallet(DEVNET_ACCOUNTS.router);
    const trusted = DEVNET_ACCOUNTS.trustedNodes.map(wallet);
    const depositorWallets = DEVNET_ACCOUNTS.depositors.map(wallet);

    const pool = await deployPool(deployer, {
      superNodes: [router.address],
      trustedNodes: trusted.map((t) => t.address),
      withdrawFlavour: options.withdrawFlavour ?? 'main',
      ...(options.initialPoolEth ? { initialPoolBalance: options.initialPoolEth * ETHER } : {}),
    });
    const ssv = await deploySsv(deployer);
    const operators = await registerOperatorSet(deployer, {
      ssvNetwork: ssv.ssvNetwork,
      count: options.operators ?? 16,
      whitelist: [router.address],
    });

    const beacon = await startBeaconSim({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      depositContract: pool.addresses.depositContract,
      eip7002Address: pool.addresses.eip7002,
      ssvNetwork: ssv.ssvNetwork,
      fromBlock: pool.deployBlock,
      followBlocks: options.followBlocks ?? 0,
      ...(options.ports?.beacon === undefined ? {} : { port: options.ports.beacon }),
      ...(options.secondsPerSlot === undefined ? {} : { secondsPerSlot: options.secondsPerSlot }),
    });
    stops.push(() => beacon.stop());

    const verifier = startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      ssvNetwork: ssv.ssvNetwork,
      operators: operatorPrivateKeys(operators),
      fromBlock: ssv.deployBlock,
      followBlocks: options.followBlocks ?? 0,
    });
    stops.push(() => verifier.stop());

    const ssvApi = await startSsvApiSim({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      ssvNetwork: ssv.ssvNetwork,
      network: 'devnet',
      verifier,
      fromBlock: ssv.deployBlock,
      followBlocks: options.followBlocks ?? 0,
      ...(options.ports?.ssvApi === undefined ? {} : { port: options.ports.ssvApi }),
    });
    stops.push(() => ssvApi.stop());

    const oracle = startOracle({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      trustedNodeKeys: trusted,
      superNode: pool.addresses.superNode,
      depositContract: pool.addresses.depositContract,
      networkSettings: pool.addresses.networkSettings,
      beaconUrl: beacon.url,
      genesisForkVersion: beacon.params.genesisForkVersion,
      pollMs: 1000,
      stalled: options.oracleStalled ?? false,
      fromBlock: pool.deployBlock,
      followBlocks: options.followBlocks ?? 0,
    });
    stops.push(() => Promise.resolve(oracle.stop()));

    const depositors = startDepositors({
      wallets: depositorWallets,
      userDeposit: pool.addresses.userDeposit,
      amountWei: (options.depositEthPerTick ?? 32n) * ETHER,
      intervalMs: options.depositIntervalMs ?? 10_000,
      totalWei: (options.depositTotalEth ?? 320n) * ETHER,
    });
    stops.push(() => depositors.stop());

    const state: DevnetState = {
      network: 'devnet',
      chainId: chain.chainId,
      executionRpcUrl: chain.rpcUrl,
      beaconUrl: beacon.url,
      ssvApiUrl: ssvApi.origin,
      ssvApiNetwork: 'devnet',
      temporalAddress: temporal?.address ?? null,
      temporalNamespace: temporal?.namespace ?? null,
      temporalUiUrl: temporal?.uiUrl ?? null,
      contracts: {
        ...pool.addresses,
        ssvNetwork: ssv.ssvNetwork,
        ssvNetworkViews: ssv.ssvNetworkViews,
        ssvToken: ssv.ssvToken,
      },
      withdrawFlavour: pool.withdrawFlavour,
      deployBlocks: { pool: pool.deployBlock, ssv: ssv.deployBlock },
      beacon: {
        genesisForkVersion: beacon.params.genesisForkVersion ?? DEVNET_FORK_VERSIONS.genesis,
        capellaForkVersion: beacon.params.capellaForkVersion ?? DEVNET_FORK_VERSIONS.capella,
        genesisValidatorsRoot:
          beacon.params.genesisValidatorsRoot ?? DEVNET_GENESIS_VALIDATORS_ROOT,
      },
      accounts: {
        deployer: deployer.address,
        router: router.address,
        trustedNodes: trusted.map((t) => t.address),
        depositors: depositorWallets.map((d) => d.address),
        thirdParty: wallet(DEVNET_ACCOUNTS.thirdParty).address,
      },
      accountPath: DEVNET_ACCOUNT_PATH,
      operators: operators.map((o) => ({
        id: o.id,
        fee: o.fee.toString(),
        isPrivate: o.isPrivate,
        whitelisted: [...o.whitelisted],
      })),
    };
    return {
      state,
      provider,
      wallet,
      chain,
      beacon,
      ssvApi,
      verifier,
      oracle,
      depositors,
      operators,
      temporal,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
