import { pbkdf2Sync } from 'node:crypto';

/**
 * BIP-39 seed: PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" ‖ NFKD(passphrase), 2048, 64).
 * Returns a Buffer so the caller can zero it. Deterministic; does not validate the phrase.
 */
export function bip39Seed(mnemonic: string, passphrase = ''): Buffer {
  return pbkdf2Sync(
    Buffer.from(mnemonic.normalize('NFKD'), 'utf8'),
    Buffer.from(`mnemonic${passphrase.normalize('NFKD')}`, 'utf8'),
    2048,
    64,
    'sha512',
  );
}
