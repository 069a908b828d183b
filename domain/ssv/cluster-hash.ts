/**
 * The two keccak hashes of SSV clusters (ssv-network-v2.md §2.2–2.3). Uses ethers, so workflow code
 * must not import this file; activities and the devnet do. It lives in domain/ beside the other
 * cluster helpers because it is pure (no I/O), which is why the lint rule is lifted for this file.
 */
import { keccak256, solidityPacked } from 'ethers';
import { assertCluster, normalizeAddress, normalizeOperatorIds } from './cluster.js';
import type { Cluster } from './cluster.js';

/**
 * Cluster key ("cluster hash", the API's `clusterHash`, the oracle's clusterID):
 * `keccak256(abi.encodePacked(owner, operatorIds))`, each id padded to 32 bytes as Solidity packs
 * array elements. Ids are sorted ascending first, as the contract requires.
 */
export function clusterKeyHash(owner: string, operatorIds: readonly number[]): string {
  const ids = normalizeOperatorIds(operatorIds).map((id) => BigInt(id));
  return keccak256(
    solidityPacked(['address', 'uint256[]'], [normalizeAddress(owner, 'owner'), ids]),
  );
}

/**
 * The value the contract stores for a cluster:
 * `keccak256(abi.encodePacked(validatorCount, networkFeeIndex, index, balance, active))`, with
 * `balance` packed before `active` (unlike the ABI tuple order), 53 bytes in all.
 */
export function clusterDataHash(cluster: Cluster): string {
  assertCluster(cluster);
  return keccak256(
    solidityPacked(
      ['uint32', 'uint64', 'uint64', 'uint256', 'bool'],
      [
        cluster.validatorCount,
        cluster.networkFeeIndex,
        cluster.index,
        cluster.balance,
        cluster.active,
      ],
    ),
  );
}
