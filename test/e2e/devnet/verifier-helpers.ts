// Shared set-up for the devnet verifier and SSV API simulator tests: a Hardhat chain, the SSV
// contracts, a registered operator set whose keys the devnet holds, the router's owner account,
// keys activities over a real mnemonic key store, and registration helpers that take the cluster
// struct from the latest event as the router does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  Contract,
  HDNodeWallet,
  Mnemonic,
  type JsonRpcProvider,
  type TransactionReceipt,
} from 'ethers';

import { createKeysActivities } from '../../../activities/keys/index.js';
import type { KeysActivities } from '../../../activities/keys/index.js';
import type { SharesPayload } from '../../../activities/keys/build-shares-payload.js';
import {
  importMnemonic,
  openMnemonicKeyStore,
} from '../../../activities/keys/mnemonic-key-store.js';
import { PUBLIC_NETWORKS } from '../../../domain/beacon/network-params.js';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import { artifact, type Artifacts } from '../../../devnet/contracts/compile.js';
import { deploySsv, type DeploySsvReturnType } from '../../../devnet/deploy/ssv.js';
import { compileSsvContracts } from '../../../devnet/deploy/ssv-artifacts.js';
import {
  NEW_SSV_CLUSTER,
  latestClusterFromLogs,
  ssvClusterKey,
  type SsvCluster,
} from '../../../devnet/deploy/ssv-cluster.js';
import {
  registerOperatorSet,
  type DevnetOperator,
} from '../../../devnet/operators/register-operator-set.js';
import { STAFI_MNEMONIC } from '../../fixtures/beacon-vectors.js';

/** ETH sent with each registration: far above the devnet liquidation threshold. */
export const REGISTRATION_VALUE = 10n ** 17n;

export interface SsvDevnet {
  chain: Chain;
  provider: JsonRpcProvider;
  artifacts: Artifacts;
  deployed: DeploySsvReturnType;
  operators: DevnetOperator[];
  /** The router's cluster owner (whitelisted on some private operators). */
  owner: HDNodeWallet;
  /** Another funded account. */
  stranger: HDNodeWallet;
  /** Owner of every devnet operator. */
  operatorOwner: HDNodeWallet;
  /** SSVNetwork connected to `owner`. */
  network: Contract;
  /** SSVNetworkViews (read-only). */
  views: Contract;
  /** Keys activities that sign shares for `ownerAddress` (default: `owner`). */
  keysFor(ownerAddress?: string): KeysActivities;
  /** Operators usable by `owner`: public, or private with `owner` whitelisted. */
  usableOperators(): DevnetOperator[];
  /** Sends `registerValidator` with the struct of the latest event for that cluster. */
  register(
    payload: Pick<SharesPayload, 'publicKey' | 'operatorIds' | 'sharesData'>,
  ): Promise<TransactionReceipt>;
  /** Sends `removeValidator` with the latest struct. */
  remove(publicKey: string, operatorIds: readonly number[]): Promise<TransactionReceipt>;
  /** The struct the latest event gave the owner's cluster on `operatorIds`. */
  clusterOf(operatorIds: readonly number[]): SsvCluster;
  stop(): Promise<void>;
}

function account(provider: JsonRpcProvider, mnemonic: string, index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(
    Mnemonic.fromPhrase(mnemonic),
    `m/44'/60'/0'/0/${index}`,
  ).connect(provider);
}

/** Starts a chain, deploys SSV, registers 16 operators and opens a key store. */
export async function startSsvDevnet(): Promise<SsvDevnet> {
  const chain = await startChain();
  const provider = devnetProvider(chain.rpcUrl, chain.chainId);
  try {
    const artifacts = compileSsvContracts();
    const deployer = account(provider, chain.mnemonic, 0);
    const operatorOwner = account(provider, chain.mnemonic, 1);
    const owner = account(provider, chain.mnemonic, 2);
    const stranger = account(provider, chain.mnemonic, 3);
    const deployed = await deploySsv(deployer, { artifacts });
    const operators = await registerOperatorSet(operatorOwner, {
      ssvNetwork: deployed.ssvNetwork,
      whitelist: [owner.address],
      artifacts,
    });
    const network = new Contract(deployed.ssvNetwork, artifact(artifacts, 'SSVNetwork').abi, owner);
    const views = new Contract(
      deployed.ssvNetworkViews,
      artifact(artifacts, 'SSVNetworkViews').abi,
      provider,
    );

    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dvt-devnet-keys-')), 'keystore.json');
    const password = 'devnet-verifier-test';
    await importMnemonic({ mnemonic: STAFI_MNEMONIC, password, file, scryptN: 1024 });
    const keySource = await openMnemonicKeyStore({ file, password });
    const keysFor = (ownerAddress = owner.address): KeysActivities =>
      createKeysActivities({
        keySource,
        network: PUBLIC_NETWORKS.mainnet,
        config: { ssvOwnerAddress: ownerAddress },
      });

    const clusters = new Map<string, SsvCluster>();
    const clusterOf = (operatorIds: readonly number[]): SsvCluster =>
      clusters.get(ssvClusterKey(owner.address, operatorIds.map(BigInt))) ?? {
        ...NEW_SSV_CLUSTER,
      };
    const sendTx = async (
      method: string,
      args: readonly unknown[],
      operatorIds: readonly number[],
      value = 0n,
    ): Promise<TransactionReceipt> => {
      const response = await network.getFunction(method).send(...args, { value });
      const receipt = await response.wait();
      if (!receipt) throw new Error(`${method} has no receipt`);
      const latest = latestClusterFromLogs(network.interface, receipt.logs);
      if (latest) clusters.set(ssvClusterKey(owner.address, operatorIds.map(BigInt)), latest);
      return receipt;
    };

    return {
      chain,
      provider,
      artifacts,
      deployed,
      operators,
      owner,
      stranger,
      operatorOwner,
      network,
      views,
      keysFor,
      usableOperators: () =>
        operators.filter((o) => !o.isPrivate || o.whitelisted.includes(owner.address)),
      register: (payload) =>
        sendTx(
          'registerValidator',
          [
            payload.publicKey,
            payload.operatorIds,
            payload.sharesData,
            clusterOf(payload.operatorIds),
          ],
          payload.operatorIds,
          REGISTRATION_VALUE,
        ),
      remove: (publicKey, operatorIds) =>
        sendTx('removeValidator', [publicKey, operatorIds, clusterOf(operatorIds)], operatorIds),
      clusterOf,
      stop: async () => {
        provider.destroy();
        await chain.stop();
      },
    };
  } catch (error) {
    provider.destroy();
    await chain.stop();
    throw error;
  }
}

/** `{ id, publicKey }` of operators, as the keys activities take them. */
export function shareOperators(
  operators: readonly DevnetOperator[],
): { id: number; publicKey: string }[] {
  return operators.map(({ id, publicKey }) => ({ id, publicKey }));
}
