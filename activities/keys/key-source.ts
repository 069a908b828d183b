/**
 * Where validator signing keys come from. Implementations hold their secret material privately
 * (in a closure, never on an enumerable property) so that logging or serialising a key source
 * shows nothing secret.
 */
export interface KeySource {
  /**
   * Derives the 32-byte BLS signing key of validator `index` (EIP-2334 path
   * `m/12381/3600/<index>/0/0`). Deterministic. The caller owns the returned bytes and should
   * zero them after use. Errors: `ERR_INVALID_INPUT` for an index outside 0..2^32−1,
   * `ERR_KEYSTORE` when the source cannot produce that key.
   */
  deriveSigningKey(index: number): Promise<Uint8Array>;
}

/** The EIP-2334 signing-key path of validator `index`. */
export function signingKeyPath(index: number): string {
  return `m/12381/3600/${index}/0/0`;
}
