/**
 * StafiStorage key rules (specs/stafi-pool.md §1.2–§1.4): contract registration records, the owner
 * role and the storage-initialised flag, as the devnet deploy writes them and a router reads them.
 */
import { id, solidityPackedKeccak256 } from 'ethers';

/** `keccak256("contract.address" ‖ name)`: the Storage key of a contract's current address. */
export function stafiContractAddressKey(name: string): string {
  return solidityPackedKeccak256(['string', 'string'], ['contract.address', name]);
}

/** `keccak256("contract.exists" ‖ address)`: true for registered network contracts. */
export function stafiContractExistsKey(address: string): string {
  return solidityPackedKeccak256(['string', 'address'], ['contract.exists', address]);
}

/** `keccak256("contract.name" ‖ address)`: the registered name of a contract address. */
export function stafiContractNameKey(address: string): string {
  return solidityPackedKeccak256(['string', 'address'], ['contract.name', address]);
}

/** `keccak256("access.role" ‖ "owner" ‖ address)`: the super-user (owner) flag. */
export function stafiOwnerRoleKey(address: string): string {
  return solidityPackedKeccak256(
    ['string', 'string', 'address'],
    ['access.role', 'owner', address],
  );
}

/** `keccak256("contract.storage.initialised")`: once true, only network contracts may write. */
export const STAFI_STORAGE_INITIALISED_KEY = id('contract.storage.initialised');

/** `keccak256("superNode.pubkey.status" ‖ pubkey)`: a super-node pubkey's status (0–4). */
export function stafiSuperNodePubkeyStatusKey(pubkey: string): string {
  return solidityPackedKeccak256(['string', 'bytes'], ['superNode.pubkey.status', pubkey]);
}
