// `npm run contracts`: compile the devnet contracts into devnet/contracts/build (cached).
import { compileDevnetContracts } from './compile.js';

const artifacts = compileDevnetContracts();
console.log(
  `compiled ${Object.keys(artifacts).length} contracts: ${Object.keys(artifacts).join(', ')}`,
);
