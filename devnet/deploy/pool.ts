/**
 * Deploys and wires the devnet's StaFi-compatible pool (specs/stafi-pool.md §13): a beacon deposit
 * contract, StafiStorage with every contract registered under the §1.2 key rule, NetworkSettings
 * with `0x01 ‖ 0×11 ‖ StafiWithdraw` credentials, NodeManager with the router's super nodes and the
 * trusted nodes, UserDeposit, SuperNode, StafiWithdraw in the chosen flavour, SuperNodeFeePool,
 * and the EIP-7002 predeploy mock. Pure function of its arguments: several devnets (on separate
 * chains) can be deployed side by side.
 */
import {
  Contract,
  ContractFactory,
  concat,
  getAddress,
  zeroPadValue,
  type BaseContract,
  type JsonRpcApiProvider,
  type Signer,
  type TransactionReceipt,
} from 'ethers';
import { artifact, type Artifacts } from '../contracts/compile.js';
import { installWithdrawalRequestPredeploy } from './eip7002-predeploy.js';
import { compilePoolContracts } from './pool-artifacts.js';
import {
  STAFI_STORAGE_INITIALISED_KEY,
  stafiContractAddressKey,
  stafiContractExistsKey,
  stafiContractNameKey,
  stafiOwnerRoleKey,
} from './stafi-storage-keys.js';

/** Which StafiWithdraw branch to reproduce (§9): index lists (`main`) or EIP-7002 (`pectra`). */
export type WithdrawFlavour = 'main' | 'pectra';

/** Addresses of a deployed pool, keyed as the devnet state file and tests use them. */
export interface PoolAddresses {
  depositContract: string;
  storage: string;
  userDeposit: string;
  networkSettings: string;
  nodeManager: string;
  superNode: string;
  withdraw: string;
  superNodeFeePool: string;
  eip7002: string;
}

/** Compiled contract name behind each address key. */
export function poolContractNames(
  withdrawFlavour: WithdrawFlavour,
): Readonly<Record<keyof PoolAddresses, string>> {
  return {
    depositContract: 'BeaconDepositContract',
    storage: 'StafiStorage',
    userDeposit: 'StafiUserDeposit',
    networkSettings: 'StafiNetworkSettings',
    nodeManager: 'StafiNodeManager',
    superNode: 'StafiSuperNode',
    withdraw: withdrawFlavour === 'main' ? 'StafiWithdrawMain' : 'StafiWithdrawPectra',
    superNodeFeePool: 'StafiSuperNodeFeePool',
    eip7002: 'WithdrawalRequestPredeployMock',
  };
}

/** Registry names (`contract.address ‖ name`) of the registered contracts. */
export const STAFI_REGISTRY_NAMES = {
  depositContract: 'ethDeposit',
  userDeposit: 'stafiUserDeposit',
  networkSettings: 'stafiNetworkSettings',
  nodeManager: 'stafiNodeManager',
  superNode: 'stafiSuperNode',
  withdraw: 'stafiWithdraw',
  superNodeFeePool: 'stafiSuperNodeFeePool',
} as const satisfies Partial<Record<keyof PoolAddresses, string>>;

/** What {@link deployPool} sets up: accounts, limits and the StafiWithdraw flavour. */
export interface DeployPoolParameters {
  /** Router super-node accounts (`setNodeSuper`). */
  superNodes: readonly string[];
  /** Trusted nodes (credential voters and ejection voters). */
  trustedNodes: readonly string[];
  withdrawFlavour: WithdrawFlavour;
  /** Lifetime pubkey limit per super node; default 50 (StaFi's constructor default). */
  superNodePubkeyLimit?: bigint;
  /** Vote threshold, 1e18-scaled; default 0.5e18. */
  consensusThreshold?: bigint;
  /** StafiWithdraw cycle limit in wei; default 100 ETH (15 ejections per cycle). */
  withdrawLimitPerCycle?: bigint;
  /** ETH the deployer stakes into UserDeposit through `deposit()`; default none. */
  initialPoolBalance?: bigint;
  /** EIP-7002 mock fee in wei; default 1 wei (the EIP minimum). */
  eip7002Fee?: bigint;
  /** Reuse an existing beacon deposit contract instead of deploying one. */
  depositContract?: string;
  /** Precompiled artifacts; default {@link compilePoolContracts}. */
  artifacts?: Artifacts;
}

/** A deployed pool: its addresses and the StafiWithdraw flavour it was deployed with. */
export interface DeployPoolReturnType {
  addresses: PoolAddresses;
  withdrawFlavour: WithdrawFlavour;
  /** Block number of the first deployment, where event scans may start. */
  deployBlock: number;
}

/**
 * Deploys the pool with `deployer` as the StaFi owner (super user) and returns its addresses. The
 * signer must be connected to a Hardhat node's JSON-RPC provider (the EIP-7002 mock is installed
 * with `hardhat_setCode`). Not idempotent: every call deploys a fresh suite (the predeploy mock is
 * overwritten in place).
 */
export async function deployPool(
  deployer: Signer,
  params: DeployPoolParameters,
): Promise<DeployPoolReturnType> {
  const provider = jsonRpcProvider(deployer);
  const artifacts = params.artifacts ?? compilePoolContracts();
  const names = poolContractNames(params.withdrawFlavour);
  const deployBlock = (await provider.getBlockNumber()) + 1;
  const deploy = async (name: string, args: readonly unknown[] = []): Promise<string> => {
    const compiled = artifact(artifacts, name);
    const contract = await new ContractFactory(compiled.abi, compiled.bytecode, deployer).deploy(
      ...args,
    );
    await contract.waitForDeployment();
    return contract.getAddress();
  };
  const attach = (key: keyof PoolAddresses, address: string): Contract =>
    new Contract(address, artifact(artifacts, names[key]).abi, deployer);

  const depositContract =
    params.depositContract !== undefined
      ? getAddress(params.depositContract)
      : await deploy(names.depositContract);
  const storage = await deploy(names.storage);
  const withdraw = await deploy(names.withdraw, [storage]);
  const networkSettings = await deploy(names.networkSettings, [
    storage,
    withdrawalCredentialsFor(withdraw),
  ]);
  const nodeManager = await deploy(names.nodeManager, [storage]);
  const userDeposit = await deploy(names.userDeposit, [storage]);
  const superNode = await deploy(names.superNode, [storage]);
  const superNodeFeePool = await deploy(names.superNodeFeePool, [storage]);
  const eip7002 = await installWithdrawalRequestPredeploy(deployer, provider, {
    artifacts,
    fee: params.eip7002Fee ?? 1n,
  });
  const addresses: PoolAddresses = {
    depositContract,
    storage,
    userDeposit,
    networkSettings,
    nodeManager,
    superNode,
    withdraw,
    superNodeFeePool,
    eip7002,
  };

  // Registration happens while Storage is uninitialised (anyone may write), as StafiUpgrade does.
  const storageContract = attach('storage', storage);
  for (const [key, registryName] of Object.entries(STAFI_REGISTRY_NAMES)) {
    const address = addresses[key as keyof typeof STAFI_REGISTRY_NAMES];
    await send(storageContract, 'setBool', [stafiContractExistsKey(address), true]);
    await send(storageContract, 'setString', [stafiContractNameKey(address), registryName]);
    await send(storageContract, 'setAddress', [stafiContractAddressKey(registryName), address]);
  }
  await send(storageContract, 'setBool', [stafiOwnerRoleKey(await deployer.getAddress()), true]);
  await send(storageContract, 'setBool', [STAFI_STORAGE_INITIALISED_KEY, true]);

  const settings = attach('networkSettings', networkSettings);
  if (params.superNodePubkeyLimit !== undefined) {
    await send(settings, 'setSuperNodePubkeyLimit', [params.superNodePubkeyLimit]);
  }
  if (params.consensusThreshold !== undefined) {
    await send(settings, 'setNodeConsensusThreshold', [params.consensusThreshold]);
  }
  if (params.withdrawLimitPerCycle !== undefined) {
    await send(attach('withdraw', withdraw), 'setWithdrawLimitPerCycle', [
      params.withdrawLimitPerCycle,
    ]);
  }
  const manager = attach('nodeManager', nodeManager);
  for (const node of params.superNodes) await send(manager, 'setNodeSuper', [node, true]);
  for (const node of params.trustedNodes) await send(manager, 'setNodeTrusted', [node, true]);
  if (params.initialPoolBalance !== undefined && params.initialPoolBalance > 0n) {
    await send(attach('userDeposit', userDeposit), 'deposit', [], params.initialPoolBalance);
  }
  return { addresses, withdrawFlavour: params.withdrawFlavour, deployBlock };
}

/** `0x01 ‖ 11 zero bytes ‖ address`: execution-address withdrawal credentials. */
export function withdrawalCredentialsFor(address: string): string {
  return concat(['0x01', zeroPadValue(getAddress(address), 31)]);
}

function jsonRpcProvider(signer: Signer): JsonRpcApiProvider {
  const provider = signer.provider;
  if (provider === null || !('send' in provider) || typeof provider.send !== 'function') {
    throw new Error(
      'deployPool needs a signer connected to a JSON-RPC provider (e.g. devnetProvider(rpcUrl, chainId))',
    );
  }
  return provider as JsonRpcApiProvider;
}

async function send(
  contract: BaseContract,
  method: string,
  args: readonly unknown[],
  value?: bigint,
): Promise<TransactionReceipt> {
  const fn = contract.getFunction(method);
  const tx = value === undefined ? await fn.send(...args) : await fn.send(...args, { value });
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) {
    throw new Error(`deployPool: ${method} on ${await contract.getAddress()} did not succeed`);
  }
  return receipt;
}
