import { SigningDataType } from './ssz-types.js';

/**
 * `compute_signing_root(object, domain)` = hash_tree_root(SigningData(object_root, domain)),
 * given the object's hash_tree_root.
 *
 * Pure.
 */
export function computeSigningRoot(objectRoot: Uint8Array, domain: Uint8Array): Uint8Array {
  return SigningDataType.hashTreeRoot({ objectRoot, domain });
}
