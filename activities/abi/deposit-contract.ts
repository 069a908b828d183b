/** The beacon deposit contract fragments the router reads (specs/beacon-and-keys.md). */
export const DEPOSIT_CONTRACT_ABI = [
  'function get_deposit_count() view returns (bytes)',
  'function get_deposit_root() view returns (bytes32)',
  'event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)',
] as const;
