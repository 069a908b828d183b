/**
 * SSV cluster rules as the devnet contracts implement them (specs/ssv-network-v2.md §2): the
 * cluster key, the stored cluster hash, the new-cluster struct and reading the latest struct from
 * a receipt's logs. Used by the devnet's tests and tools; the router has its own domain copy.
 */
import { solidityPackedKeccak256, type Interface, type Log } from 'ethers';

/** The `Cluster` tuple `(uint32,uint64,uint64,bool,uint256)` with bigint fields. */
export interface SsvCluster {
  validatorCount: bigint;
  networkFeeIndex: bigint;
  index: bigint;
  active: boolean;
  balance: bigint;
}

/** The only struct a brand-new cluster accepts (§2.1). */
export const NEW_SSV_CLUSTER: Readonly<SsvCluster> = Object.freeze({
  validatorCount: 0n,
  networkFeeIndex: 0n,
  index: 0n,
  active: true,
  balance: 0n,
});

/** §2.3: `keccak256(abi.encodePacked(owner, uint64[] ids))`; packed array elements are 32 bytes. */
export function ssvClusterKey(owner: string, operatorIds: readonly bigint[]): string {
  return solidityPackedKeccak256(['address', 'uint256[]'], [owner, operatorIds]);
}

/** §2.2: `keccak256(abi.encodePacked(validatorCount, networkFeeIndex, index, balance, active))`. */
export function ssvClusterHash(cluster: SsvCluster): string {
  return solidityPackedKeccak256(
    ['uint32', 'uint64', 'uint64', 'uint256', 'bool'],
    [
      cluster.validatorCount,
      cluster.networkFeeIndex,
      cluster.index,
      cluster.balance,
      cluster.active,
    ],
  );
}

/** The struct as a plain object from an ethers `Result` (or any tuple-like value). */
export function toSsvCluster(value: unknown): SsvCluster {
  const [validatorCount, networkFeeIndex, index, active, balance] = value as [
    bigint,
    bigint,
    bigint,
    boolean,
    bigint,
  ];
  return { validatorCount, networkFeeIndex, index, active, balance };
}

/**
 * The `cluster` argument of the last event in `logs` (in log order) that carries one, or null.
 * Only logs `networkInterface` can parse are considered.
 */
export function latestClusterFromLogs(
  networkInterface: Interface,
  logs: readonly Log[],
): SsvCluster | null {
  let latest: SsvCluster | null = null;
  for (const log of logs) {
    const parsed = networkInterface.parseLog(log);
    if (!parsed) continue;
    const index = parsed.fragment.inputs.findIndex((input) => input.name === 'cluster');
    if (index >= 0) latest = toSsvCluster(parsed.args[index]);
  }
  return latest;
}
