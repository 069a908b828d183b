/**
 * The SSV `Cluster` struct (ssv-network-v2.md §2.1), its JSON form, and the human-readable cluster
 * id `<owner lowercase>-<id>-<id>-…` (§2.3, the subgraph's id). Pure and ethers-free; the keccak
 * hashes live in `cluster-hash.ts` so workflow code can import this file.
 */
import { DvtError } from '../errors.js';
import { assertNonNegativeAmount, formatAmount, parseAmount } from '../amounts.js';

/** Cluster struct as the contract takes it; amounts and indices as bigint. */
export interface Cluster {
  /** Validators currently registered (uint32). */
  validatorCount: number;
  /** Network-fee index at the last settlement, packed units (uint64). */
  networkFeeIndex: bigint;
  /** Sum of the operators' fee indices at the last settlement, packed units (uint64). */
  index: bigint;
  /** False once liquidated. */
  active: boolean;
  /** Balance as of the last settlement (not the live balance): wei, or SSV wei for a legacy cluster. */
  balance: bigint;
}

/** JSON-safe cluster struct: bigint fields as decimal strings. */
export interface ClusterJson {
  validatorCount: number;
  networkFeeIndex: string;
  index: string;
  active: boolean;
  balance: string;
}

/**
 * The `Cluster` tuple as ethers decodes it from an event or call, `(uint32, uint64, uint64, bool,
 * uint256)` in ABI order, in its JSON form.
 */
export function clusterJsonFromAbi(value: unknown): ClusterJson {
  const [validatorCount, networkFeeIndex, index, active, balance] = value as [
    bigint,
    bigint,
    bigint,
    boolean,
    bigint,
  ];
  return {
    validatorCount: Number(validatorCount),
    networkFeeIndex: networkFeeIndex.toString(),
    index: index.toString(),
    active,
    balance: balance.toString(),
  };
}

/** Which ledger holds the cluster: v2 ETH fees or the legacy SSV-token ledger (§1.4). */
export type ClusterVersion = 'eth' | 'ssv';

/** Valid cluster sizes: 3f + 1 operators with f = 1..4 (§10). */
export const CLUSTER_SIZES = [4, 7, 10, 13] as const;

/** One of the valid cluster sizes. */
export type ClusterSize = (typeof CLUSTER_SIZES)[number];

/** The only struct the contract accepts for a key that does not exist yet (§2.1). */
export const NEW_CLUSTER: Readonly<Cluster> = Object.freeze({
  validatorCount: 0,
  networkFeeIndex: 0n,
  index: 0n,
  active: true,
  balance: 0n,
});

const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** True when `size` is 4, 7, 10 or 13. */
export function isClusterSize(size: number): size is ClusterSize {
  return (CLUSTER_SIZES as readonly number[]).includes(size);
}

/** Lower-cases an address after checking it is 0x + 40 hex digits; throws `ERR_INVALID_INPUT`. */
export function normalizeAddress(address: string, field = 'address'): string {
  if (typeof address !== 'string' || !ADDRESS.test(address)) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} is not a 20-byte 0x-hex address.`, {
      details: { field, value: String(address).slice(0, 80) },
    });
  }
  return address.toLowerCase();
}

/**
 * Returns the operator ids sorted ascending, after checking they are positive integers, unique, and
 * a valid cluster size. The contract requires strictly ascending ids, so every on-chain list is
 * already in this form.
 */
export function normalizeOperatorIds(operatorIds: readonly number[]): number[] {
  const sorted = [...operatorIds].sort((a, b) => a - b);
  for (const id of sorted) {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `Operator id ${String(id)} is not a positive integer.`,
        {
          details: { operatorIds: operatorIds.join(',') },
        },
      );
    }
  }
  if (new Set(sorted).size !== sorted.length) {
    throw new DvtError('ERR_INVALID_INPUT', 'Operator ids contain duplicates.', {
      details: { operatorIds: operatorIds.join(',') },
    });
  }
  if (!isClusterSize(sorted.length)) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `A cluster has 4, 7, 10 or 13 operators, not ${sorted.length}.`,
      { details: { operatorIds: operatorIds.join(',') } },
    );
  }
  return sorted;
}

/**
 * Human-readable cluster id `<owner lowercase>-<id1>-<id2>-…` with ascending ids: the subgraph's id,
 * the `DvtCluster` search attribute value, and the key of the cluster index.
 */
export function clusterIdOf(owner: string, operatorIds: readonly number[]): string {
  return [normalizeAddress(owner, 'owner'), ...normalizeOperatorIds(operatorIds)].join('-');
}

/** Converts a cluster struct to its JSON form. */
export function clusterToJson(cluster: Cluster): ClusterJson {
  return {
    validatorCount: cluster.validatorCount,
    networkFeeIndex: formatAmount(cluster.networkFeeIndex, 'networkFeeIndex'),
    index: formatAmount(cluster.index, 'index'),
    active: cluster.active,
    balance: formatAmount(cluster.balance, 'balance'),
  };
}

/** Parses and range-checks a JSON cluster struct; throws `ERR_INVALID_INPUT` on a bad field. */
export function clusterFromJson(json: ClusterJson): Cluster {
  const cluster: Cluster = {
    validatorCount: json.validatorCount,
    networkFeeIndex: parseAmount(json.networkFeeIndex, 'cluster.networkFeeIndex'),
    index: parseAmount(json.index, 'cluster.index'),
    active: json.active,
    balance: parseAmount(json.balance, 'cluster.balance'),
  };
  assertCluster(cluster);
  return cluster;
}

/** Checks the struct fits the ABI types `(uint32,uint64,uint64,bool,uint256)`. */
export function assertCluster(cluster: Cluster): void {
  const { validatorCount, networkFeeIndex, index, active, balance } = cluster;
  if (!Number.isSafeInteger(validatorCount) || validatorCount < 0 || validatorCount > UINT32_MAX) {
    throw new DvtError('ERR_INVALID_INPUT', 'cluster.validatorCount is not a uint32.', {
      details: { validatorCount: String(validatorCount) },
    });
  }
  assertNonNegativeAmount(networkFeeIndex, 'cluster.networkFeeIndex');
  assertNonNegativeAmount(index, 'cluster.index');
  assertNonNegativeAmount(balance, 'cluster.balance');
  if (networkFeeIndex > UINT64_MAX || index > UINT64_MAX) {
    throw new DvtError('ERR_INVALID_INPUT', 'cluster index does not fit in uint64.', {
      details: { networkFeeIndex: networkFeeIndex.toString(), index: index.toString() },
    });
  }
  if (typeof active !== 'boolean') {
    throw new DvtError('ERR_INVALID_INPUT', 'cluster.active is not a boolean.');
  }
}
