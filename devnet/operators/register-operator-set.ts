/**
 * Seeds a devnet SSVNetwork with simulated operators whose RSA private keys the devnet holds, so
 * the verifier can decrypt every share: a mix of fees, some private operators, and whitelists
 * for the router's owner address on some of the private ones.
 */
import { Contract, type Signer, type TransactionReceipt } from 'ethers';

import { artifact, type Artifacts } from '../contracts/compile.js';
import { registerDevnetOperators } from '../deploy/ssv.js';
import { compileSsvContracts } from '../deploy/ssv-artifacts.js';
import { makeDevnetOperatorKeys, type MakeDevnetOperatorKeysOptions } from './operator-keys.js';

/** A registered devnet operator. `privateKeyPem` is non-enumerable (hidden from logs and JSON). */
export interface DevnetOperator {
  readonly id: number;
  /** Base64 PEM (the API `public_key`). */
  readonly publicKey: string;
  readonly privateKeyPem: string;
  /** ETH fee, wei per block. */
  readonly fee: bigint;
  readonly isPrivate: boolean;
  /** Addresses whitelisted (bitmap whitelist) for this operator; empty for public operators. */
  readonly whitelisted: readonly string[];
  /** Operator owner address. */
  readonly owner: string;
}

/**
 * ETH fees (wei per block) the default set cycles through: all multiples of 100,000 within the
 * devnet bounds, spread so that ordering by fee is meaningful.
 */
export const DEVNET_OPERATOR_FEES: readonly bigint[] = [
  1_770_000_000n,
  500_000_000n,
  3_000_000_000n,
  1_000_000_000n,
  2_200_000_000n,
  800_000_000n,
  4_000_000_000n,
  1_200_000_000n,
];

export interface RegisterOperatorSetParameters {
  ssvNetwork: string;
  /** Number of operators; at least 13 so a 13-operator cluster fits. Default 16. */
  count?: number;
  /**
   * 0-based positions in the set to register as private. Default every fifth (positions 3, 8,
   * 13, …).
   */
  privatePositions?: readonly number[];
  /**
   * Addresses (e.g. the router's SSV owner) to whitelist on private operators. By default they
   * are whitelisted on every private operator except the last, so the set also holds a private
   * operator the owner may not use.
   */
  whitelist?: readonly string[];
  /** Private positions whose operators get `whitelist`; overrides the default above. */
  whitelistedPositions?: readonly number[];
  /** Fee per position; default cycles {@link DEVNET_OPERATOR_FEES}. */
  fees?: readonly bigint[];
  /** Key cache options (see {@link makeDevnetOperatorKeys}). */
  keys?: MakeDevnetOperatorKeysOptions;
  artifacts?: Artifacts;
}

/**
 * Registers the operator set with `signer` as every operator's owner and returns the operators
 * in id order. Not idempotent: registering the same keys again on the same chain reverts
 * `OperatorAlreadyExists`; use a fresh chain or another key seed.
 */
export async function registerOperatorSet(
  signer: Signer,
  {
    ssvNetwork,
    count = 16,
    privatePositions,
    whitelist = [],
    whitelistedPositions,
    fees,
    keys: keyOptions = {},
    artifacts = compileSsvContracts(),
  }: RegisterOperatorSetParameters,
): Promise<DevnetOperator[]> {
  if (!Number.isSafeInteger(count) || count < 13) {
    throw new Error(`a devnet operator set needs at least 13 operators, got ${count}`);
  }
  const privateSet = new Set(
    privatePositions ?? Array.from({ length: count }, (_, i) => i).filter((i) => i % 5 === 3),
  );
  const privateSorted = [...privateSet].sort((a, b) => a - b);
  const whitelistedSet = new Set(whitelistedPositions ?? privateSorted.slice(0, -1));
  const keys = await makeDevnetOperatorKeys(count, keyOptions);
  const feeOf = (i: number): bigint =>
    fees?.[i] ?? DEVNET_OPERATOR_FEES[i % DEVNET_OPERATOR_FEES.length]!;

  const ids = await registerDevnetOperators(signer, {
    ssvNetwork,
    artifacts,
    operators: keys.map((key, i) => ({
      publicKey: key.publicKey,
      fee: feeOf(i),
      isPrivate: privateSet.has(i),
    })),
  });

  const whitelistIds = ids.filter((_, i) => privateSet.has(i) && whitelistedSet.has(i));
  if (whitelist.length > 0 && whitelistIds.length > 0) {
    const network = new Contract(ssvNetwork, artifact(artifacts, 'SSVNetwork').abi, signer);
    const response = (await network.getFunction('setOperatorsWhitelists')(whitelistIds, [
      ...whitelist,
    ])) as { wait(): Promise<TransactionReceipt | null> };
    await response.wait();
  }

  const owner = await signer.getAddress();
  return keys.map((key, i) => {
    const isPrivate = privateSet.has(i);
    const operator: Omit<DevnetOperator, 'privateKeyPem'> = {
      id: Number(ids[i]),
      publicKey: key.publicKey,
      fee: feeOf(i),
      isPrivate,
      whitelisted: isPrivate && whitelistedSet.has(i) ? [...whitelist] : [],
      owner,
    };
    Object.defineProperty(operator, 'privateKeyPem', {
      value: key.privateKeyPem,
      enumerable: false,
    });
    return Object.freeze(operator) as DevnetOperator;
  });
}

/** The operators' private keys by id, as {@link verifyRegistration} and the verifier take them. */
export function operatorPrivateKeys(
  operators: readonly Pick<DevnetOperator, 'id' | 'privateKeyPem'>[],
): ReadonlyMap<number, string> {
  return new Map(operators.map((operator) => [operator.id, operator.privateKeyPem]));
}
