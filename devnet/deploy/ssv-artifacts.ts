/**
 * Compiles only the devnet's SSV Network contracts (`devnet/contracts/src/ssv/`), cached on their
 * own, so the SSV devnet does not depend on other devnet contracts compiling.
 */
import path from 'node:path';
import {
  CONTRACTS_SOURCE_DIR,
  compileDevnetContracts,
  type Artifacts,
} from '../contracts/compile.js';

/** Source folder (below `devnet/contracts/src/`) of the SSV Network look-alike. */
export const SSV_SOURCE_FOLDER = 'ssv';

/**
 * The compiled SSVNetwork, SSVNetworkViews, SSVToken and SSVDevnetWhitelistingContract, keyed by
 * contract name. Reads the artifact cache when the sources are unchanged.
 */
export function compileSsvContracts(): Artifacts {
  return compileDevnetContracts(path.join(CONTRACTS_SOURCE_DIR, SSV_SOURCE_FOLDER));
}
