/**
 * Deploys the devnet's SSV Network v2.0.0 look-alike (specs/ssv-network-v2.md §14): an SSV token,
 * SSVNetwork (all state, all write and view selectors) and SSVNetworkViews (forwards reads), and
 * registers devnet operators the way the SSV SDK does (`abi.encode(string base64Pem)`). Pure
 * function of its arguments: several devnets (on separate chains) can be deployed side by side.
 */
import {
  AbiCoder,
  Contract,
  ContractFactory,
  type BaseContract,
  type Signer,
  type TransactionReceipt,
} from 'ethers';
import { artifact, type Artifacts } from '../contracts/compile.js';
import { compileSsvContracts } from './ssv-artifacts.js';

/** Governance parameters of a devnet SSVNetwork; wei (per block) and blocks unless noted. */
export interface SsvNetworkParameters {
  /** ETH network fee, wei per block per 32-ETH validator; a multiple of 100,000. */
  networkFee: bigint;
  /** Minimum ETH collateral of a cluster with validators, wei; a multiple of 100,000. */
  minimumLiquidationCollateral: bigint;
  /** Liquidation threshold period (`minimumBlocksBeforeLiquidation`), blocks. */
  liquidationThresholdPeriod: bigint;
  /** Per-operator ETH validator cap (`getValidatorsPerOperatorLimit`). */
  validatorsPerOperatorLimit: bigint;
  /** Highest operator ETH fee, wei per block; a multiple of 100,000. */
  operatorMaxFee: bigint;
  /** Lowest non-zero operator ETH fee, wei per block; a multiple of 100,000. */
  minimumOperatorEthFee: bigint;
  /** Largest fee increase per declaration, basis points. */
  operatorMaxFeeIncrease: bigint;
  /** Seconds between `declareOperatorFee` and the start of its execution window. */
  declareOperatorFeePeriod: bigint;
  /** Length of the execution window, seconds. */
  executeOperatorFeePeriod: bigint;
  /** Legacy SSV network fee, SSV wei per block per validator; a multiple of 10,000,000. */
  networkFeeSSV: bigint;
  /** Legacy minimum SSV collateral, SSV wei; a multiple of 10,000,000. */
  minimumLiquidationCollateralSSV: bigint;
  /** Legacy liquidation threshold period, blocks. */
  liquidationThresholdPeriodSSV: bigint;
  /** SSV tokens minted to the deployer (for seeding legacy clusters), SSV wei. */
  ssvTokenSupply: bigint;
}

/**
 * Devnet defaults: mainnet's April 2026 governance values (spec §9.6) where the spec gives them,
 * the 1,000-validator cap, mainnet-like fee periods, and round legacy SSV values.
 */
export const SSV_DEVNET_DEFAULTS: Readonly<SsvNetworkParameters> = Object.freeze({
  networkFee: 3_366_600_000n,
  minimumLiquidationCollateral: 324_862_599_900_000n,
  liquidationThresholdPeriod: 42_960n,
  validatorsPerOperatorLimit: 1_000n,
  operatorMaxFee: 5_336_500_000n,
  minimumOperatorEthFee: 10_000_000n,
  operatorMaxFeeIncrease: 1_000n,
  declareOperatorFeePeriod: 604_800n,
  executeOperatorFeePeriod: 604_800n,
  networkFeeSSV: 1_000_000_000n,
  minimumLiquidationCollateralSSV: 385_795_451_000_000_000n,
  liquidationThresholdPeriodSSV: 100_240n,
  ssvTokenSupply: 1_000_000n * 10n ** 18n,
});

/** Addresses of a deployed SSV devnet. */
export interface SsvAddresses {
  ssvNetwork: string;
  ssvNetworkViews: string;
  ssvToken: string;
}

export type DeploySsvParameters = Partial<SsvNetworkParameters> & {
  /** Precompiled artifacts (must contain the SSV contracts); compiled on demand otherwise. */
  artifacts?: Artifacts;
};

export interface DeploySsvReturnType extends SsvAddresses {
  /** The parameters the network was deployed with (defaults filled in). */
  parameters: Readonly<SsvNetworkParameters>;
  /** Block of the SSVNetwork deployment: where event scans start. */
  deployBlock: number;
}

/**
 * Deploys SSVToken, SSVNetwork (owned by `deployer`, the devnet DAO) and SSVNetworkViews. Not
 * idempotent: every call deploys fresh contracts. Throws when a transaction fails.
 */
export async function deploySsv(
  deployer: Signer,
  params: DeploySsvParameters = {},
): Promise<DeploySsvReturnType> {
  const { artifacts = compileSsvContracts(), ...overrides } = params;
  const parameters: SsvNetworkParameters = { ...SSV_DEVNET_DEFAULTS };
  for (const [key, value] of Object.entries(overrides) as [keyof SsvNetworkParameters, bigint][]) {
    if (value !== undefined) parameters[key] = value;
  }
  const deployerAddress = await deployer.getAddress();

  const token = await deployContract(deployer, artifacts, 'SSVToken', []);
  const ssvToken = await token.getAddress();
  if (parameters.ssvTokenSupply > 0n) {
    await send(token, 'mint', [deployerAddress, parameters.ssvTokenSupply]);
  }

  const network = await deployContract(deployer, artifacts, 'SSVNetwork', [
    {
      ssvToken,
      networkFee: parameters.networkFee,
      minimumLiquidationCollateral: parameters.minimumLiquidationCollateral,
      liquidationThresholdPeriod: parameters.liquidationThresholdPeriod,
      validatorsPerOperatorLimit: parameters.validatorsPerOperatorLimit,
      operatorMaxFee: parameters.operatorMaxFee,
      minimumOperatorEthFee: parameters.minimumOperatorEthFee,
      operatorMaxFeeIncrease: parameters.operatorMaxFeeIncrease,
      declareOperatorFeePeriod: parameters.declareOperatorFeePeriod,
      executeOperatorFeePeriod: parameters.executeOperatorFeePeriod,
      networkFeeSSV: parameters.networkFeeSSV,
      minimumLiquidationCollateralSSV: parameters.minimumLiquidationCollateralSSV,
      liquidationThresholdPeriodSSV: parameters.liquidationThresholdPeriodSSV,
    },
  ]);
  const ssvNetwork = await network.getAddress();
  const deployReceipt = await network.deploymentTransaction()?.wait();
  if (!deployReceipt) throw new Error('SSVNetwork deployment transaction has no receipt');

  const views = await deployContract(deployer, artifacts, 'SSVNetworkViews', [ssvNetwork]);
  return {
    ssvNetwork,
    ssvNetworkViews: await views.getAddress(),
    ssvToken,
    parameters: Object.freeze(parameters),
    deployBlock: deployReceipt.blockNumber,
  };
}

/**
 * `abi.encode(string)` of an operator's base64-PEM public key: the bytes `registerOperator` takes
 * and `OperatorAdded.publicKey` echoes (specs/ssv-api-and-shares.md §5.4).
 */
export function encodeOperatorPublicKey(base64Pem: string): string {
  return AbiCoder.defaultAbiCoder().encode(['string'], [base64Pem]);
}

/** One devnet operator to register. */
export interface DevnetOperatorSpec {
  /** Base64 of the operator's PEM public key (the API `public_key` string). */
  publicKey: string;
  /** ETH fee, wei per block; 0 or within [min, max] and a multiple of 100,000. */
  fee: bigint;
  /** Register as private (whitelisted owners only). */
  isPrivate?: boolean;
  /** Operator owner; the `signer` argument otherwise. */
  owner?: Signer;
}

export interface RegisterDevnetOperatorsParameters {
  ssvNetwork: string;
  operators: readonly DevnetOperatorSpec[];
  artifacts?: Artifacts;
}

/**
 * Registers `operators` in order and returns their ids (from `OperatorAdded`), in the same order.
 * Not idempotent: a key registered before reverts `OperatorAlreadyExists`.
 */
export async function registerDevnetOperators(
  signer: Signer,
  { ssvNetwork, operators, artifacts = compileSsvContracts() }: RegisterDevnetOperatorsParameters,
): Promise<bigint[]> {
  const abi = artifact(artifacts, 'SSVNetwork').abi;
  const ids: bigint[] = [];
  for (const operator of operators) {
    const network = new Contract(ssvNetwork, abi, operator.owner ?? signer);
    const receipt = await send(network, 'registerOperator', [
      encodeOperatorPublicKey(operator.publicKey),
      operator.fee,
      operator.isPrivate ?? false,
    ]);
    const added = receipt.logs
      .map((log) => network.interface.parseLog(log))
      .find((parsed) => parsed?.name === 'OperatorAdded');
    if (!added) throw new Error(`registerOperator sent no OperatorAdded (tx ${receipt.hash})`);
    ids.push(added.args.getValue('operatorId') as bigint);
  }
  return ids;
}

async function deployContract(
  deployer: Signer,
  artifacts: Artifacts,
  name: string,
  args: readonly unknown[],
): Promise<BaseContract> {
  const { abi, bytecode } = artifact(artifacts, name);
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract;
}

async function send(
  contract: BaseContract,
  method: string,
  args: readonly unknown[],
): Promise<TransactionReceipt> {
  const response = (await contract.getFunction(method)(...args)) as {
    wait(): Promise<TransactionReceipt | null>;
  };
  const receipt = await response.wait();
  if (!receipt) throw new Error(`${method} has no receipt`);
  return receipt;
}
