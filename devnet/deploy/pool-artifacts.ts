/**
 * Compiles only the pool's Solidity (the beacon and StaFi folders), each folder cached on its own,
 * so the pool devnet does not depend on other devnet contracts compiling.
 */
import path from 'node:path';
import {
  CONTRACTS_SOURCE_DIR,
  compileDevnetContracts,
  type Artifacts,
} from '../contracts/compile.js';

/** Source folders (below `devnet/contracts/src/`) that the pool suite is built from. */
export const POOL_SOURCE_FOLDERS = ['beacon', 'stafi'] as const;

/**
 * The compiled beacon deposit contract, EIP-7002 mock and StaFi-compatible pool contracts, keyed by
 * contract name. Reads the per-folder artifact cache when the sources are unchanged.
 */
export function compilePoolContracts(): Artifacts {
  return Object.assign(
    {},
    ...POOL_SOURCE_FOLDERS.map((folder) =>
      compileDevnetContracts(path.join(CONTRACTS_SOURCE_DIR, folder)),
    ),
  ) as Artifacts;
}
