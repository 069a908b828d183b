import { ByteVectorType, ContainerType, UintBigintType } from '@chainsafe/ssz';

// Consensus-specs phase0 containers (specs/beacon-and-keys.md §4.1, §8.1). uint64 fields use the
// bigint type because gwei amounts and FAR_FUTURE_EPOCH exceed 2^53.
const Bytes4 = new ByteVectorType(4);
const Bytes32 = new ByteVectorType(32);
const Bytes48 = new ByteVectorType(48);
const Bytes96 = new ByteVectorType(96);
const Uint64 = new UintBigintType(8);

/** `DepositMessage { pubkey, withdrawal_credentials, amount }` — what a deposit signature covers. */
export const DepositMessageType = new ContainerType(
  { pubkey: Bytes48, withdrawalCredentials: Bytes32, amount: Uint64 },
  { typeName: 'DepositMessage', jsonCase: 'snake' },
);

/** `DepositData { pubkey, withdrawal_credentials, amount, signature }` — the deposit contract input. */
export const DepositDataType = new ContainerType(
  { pubkey: Bytes48, withdrawalCredentials: Bytes32, amount: Uint64, signature: Bytes96 },
  { typeName: 'DepositData', jsonCase: 'snake' },
);

/** `ForkData { current_version, genesis_validators_root }`. */
export const ForkDataType = new ContainerType(
  { currentVersion: Bytes4, genesisValidatorsRoot: Bytes32 },
  { typeName: 'ForkData', jsonCase: 'snake' },
);

/** `SigningData { object_root, domain }`. */
export const SigningDataType = new ContainerType(
  { objectRoot: Bytes32, domain: Bytes32 },
  { typeName: 'SigningData', jsonCase: 'snake' },
);

/** `VoluntaryExit { epoch, validator_index }`. */
export const VoluntaryExitType = new ContainerType(
  { epoch: Uint64, validatorIndex: Uint64 },
  { typeName: 'VoluntaryExit', jsonCase: 'snake' },
);
