// Helpers for the SSV devnet contract tests: one deployment with operators, typed send/read
// wrappers, revert assertions and the cluster struct taken from the latest event (as the router
// does).
import { randomBytes } from 'node:crypto';
import {
  Contract,
  HDNodeWallet,
  Mnemonic,
  hexlify,
  toQuantity,
  type JsonRpcProvider,
  type TransactionReceipt,
} from 'ethers';
import { artifact, type Artifacts } from '../../../devnet/contracts/compile.js';
import {
  deploySsv,
  registerDevnetOperators,
  type SsvNetworkParameters,
} from '../../../devnet/deploy/ssv.js';
import { latestClusterFromLogs, type SsvCluster } from '../../../devnet/deploy/ssv-cluster.js';

/** Operator ETH fee used by the tests: 1.77 gwei per block (spec §9.7). */
export const OPERATOR_FEE = 1_770_000_000n;

export function wallet(provider: JsonRpcProvider, mnemonic: string, index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(
    Mnemonic.fromPhrase(mnemonic),
    `m/44'/60'/0'/0/${index}`,
  ).connect(provider);
}

/** A base64-PEM operator key in the §5.4 shape (fake 294-byte SPKI body; the chain never parses it). */
export function fakeOperatorKey(): string {
  const body = Buffer.concat([Buffer.from('30820122300d06092a', 'hex'), randomBytes(285)]);
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN RSA PUBLIC KEY-----\n${lines.join('\n')}\n-----END RSA PUBLIC KEY-----\n`;
  return Buffer.from(pem).toString('base64');
}

export function randomPubkey(): string {
  return hexlify(randomBytes(48));
}

/** `sharesData` of the size SSV nodes expect for `operators` operators (96 + 304·n bytes). */
export function randomShares(operators = 4): string {
  return hexlify(randomBytes(96 + 304 * operators));
}

export async function send(
  contract: Contract,
  method: string,
  args: readonly unknown[],
  value = 0n,
): Promise<TransactionReceipt> {
  const response = await contract.getFunction(method).send(...args, { value });
  const receipt = await response.wait();
  if (!receipt) throw new Error(`${method} has no receipt`);
  return receipt;
}

export async function read<T>(
  contract: Contract,
  method: string,
  args: readonly unknown[] = [],
): Promise<T> {
  return (await contract.getFunction(method).staticCall(...args)) as T;
}

/** Asserts that `eth_call` of `method` reverts with the custom error `name(args)`. */
export async function expectRevert(
  contract: Contract,
  method: string,
  args: readonly unknown[],
  name: string,
  errorArgs: readonly unknown[] = [],
  value = 0n,
): Promise<void> {
  await expect(contract.getFunction(method).staticCall(...args, { value })).rejects.toMatchObject({
    revert: { name, args: errorArgs },
  });
}

/** Mines `blocks` empty blocks in one call. */
export async function mine(provider: JsonRpcProvider, blocks: bigint): Promise<void> {
  await provider.send('hardhat_mine', [toQuantity(blocks)]);
}

/** The cluster struct of the last cluster event in the receipt; throws when there is none. */
export function clusterOf(network: Contract, receipt: TransactionReceipt): SsvCluster {
  const cluster = latestClusterFromLogs(network.interface, receipt.logs);
  if (!cluster) throw new Error(`no cluster event in tx ${receipt.hash}`);
  return cluster;
}

/** Events of `receipt` parsed with the network's ABI, in log order. */
export function eventsOf(
  network: Contract,
  receipt: TransactionReceipt,
): { name: string; args: readonly unknown[] }[] {
  return receipt.logs.flatMap((log) => {
    const parsed = network.interface.parseLog(log);
    return parsed ? [{ name: parsed.name, args: parsed.args.toArray(true) as unknown[] }] : [];
  });
}

export interface SsvFixture {
  network: Contract;
  views: Contract;
  token: Contract;
  operatorIds: bigint[];
  parameters: Readonly<SsvNetworkParameters>;
  /** Connects the network contract to another signer. */
  networkAs(signer: HDNodeWallet): Contract;
}

/** Deploys a fresh SSV devnet and registers `operatorCount` public operators owned by `operatorOwner`. */
export async function deployFixture(
  deployer: HDNodeWallet,
  operatorOwner: HDNodeWallet,
  artifacts: Artifacts,
  operatorCount = 8,
  overrides: Partial<SsvNetworkParameters> = {},
): Promise<SsvFixture> {
  const deployed = await deploySsv(deployer, { ...overrides, artifacts });
  const operatorIds = await registerDevnetOperators(operatorOwner, {
    ssvNetwork: deployed.ssvNetwork,
    operators: Array.from({ length: operatorCount }, () => ({
      publicKey: fakeOperatorKey(),
      fee: OPERATOR_FEE,
    })),
    artifacts,
  });
  const networkAbi = artifact(artifacts, 'SSVNetwork').abi;
  return {
    network: new Contract(deployed.ssvNetwork, networkAbi, deployer),
    views: new Contract(
      deployed.ssvNetworkViews,
      artifact(artifacts, 'SSVNetworkViews').abi,
      deployer,
    ),
    token: new Contract(deployed.ssvToken, artifact(artifacts, 'SSVToken').abi, deployer),
    operatorIds,
    parameters: deployed.parameters,
    networkAs: (signer) => new Contract(deployed.ssvNetwork, networkAbi, signer),
  };
}
