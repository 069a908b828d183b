// Shared set-up for the beacon simulator and oracle e2e tests: a pectra-flavour pool on a fresh
// Hardhat node, BLS keys from a test mnemonic, and real signed 1 ETH / 31 ETH deposits.
import { deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';
import type { HDNodeWallet, JsonRpcProvider } from 'ethers';

import {
  PRE_DEPOSIT_GWEI,
  STAKE_GWEI,
  signDepositData,
} from '../../../activities/keys/sign-deposit-data.js';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import { compilePoolContracts } from '../../../devnet/deploy/pool-artifacts.js';
import { deployPool, type DeployPoolReturnType } from '../../../devnet/deploy/pool.js';
import {
  devnetWallet,
  poolContracts,
  read,
  send,
  type PoolContracts,
} from '../contracts/pool-helpers.js';

/** StaFi's eth-ssv-client test mnemonic (specs/beacon-and-keys.md §2.3); devnet keys only. */
export const TEST_MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video luggage awful next trophy engine forest price average husband exotic';

/** The signing key of validator `index` (`m/12381/3600/index/0/0`). */
export function validatorKey(index: number): Uint8Array {
  return deriveKeyFromMnemonic(TEST_MNEMONIC, `m/12381/3600/${index}/0/0`);
}

/** A deployed pool with its accounts. Trusted nodes: two, so one vote (1 of 2) decides. */
export interface PoolFixture {
  chain: Chain;
  provider: JsonRpcProvider;
  deployed: DeployPoolReturnType;
  pool: PoolContracts;
  deployer: HDNodeWallet;
  superNodeAccount: HDNodeWallet;
  trusted: [HDNodeWallet, HDNodeWallet];
  outsider: HDNodeWallet;
  poolCredentials: string;
}

/** Starts a chain and deploys the pectra-flavour pool with 300 ETH of user deposits. */
export async function startPoolFixture(): Promise<PoolFixture> {
  const chain = await startChain({ accounts: 10 });
  const provider = devnetProvider(chain.rpcUrl, chain.chainId);
  const wallet = (index: number): HDNodeWallet => devnetWallet(chain.mnemonic, index, provider);
  const deployer = wallet(0);
  const superNodeAccount = wallet(1);
  const trusted: [HDNodeWallet, HDNodeWallet] = [wallet(2), wallet(3)];
  const artifacts = compilePoolContracts();
  const deployed = await deployPool(deployer, {
    superNodes: [superNodeAccount.address],
    trustedNodes: trusted.map((t) => t.address),
    withdrawFlavour: 'pectra',
    initialPoolBalance: 300n * 10n ** 18n,
    artifacts,
  });
  const pool = poolContracts(deployed, artifacts, provider);
  const poolCredentials = await read<string>(pool.networkSettings, 'getWithdrawalCredentials');
  return {
    chain,
    provider,
    deployed,
    pool,
    deployer,
    superNodeAccount,
    trusted,
    outsider: wallet(5),
    poolCredentials,
  };
}

/** Signed deposit data for `secretKey` (the signer may differ from the pubkey's key to forge). */
export function signedDeposit(
  secretKey: Uint8Array,
  withdrawalCredentials: string,
  amountGwei: bigint,
  genesisForkVersion: `0x${string}`,
): ReturnType<typeof signDepositData> {
  return signDepositData({
    secretKey,
    withdrawalCredentials,
    amountGwei,
    network: { genesisForkVersion },
  });
}

/** SuperNode.deposit of one pubkey (1 ETH with the pool's credentials). */
export async function superNodeDeposit(
  f: PoolFixture,
  data: { pubkey: string; signature: string; depositDataRoot: string },
): Promise<void> {
  await send(f.pool.superNode, f.superNodeAccount, 'deposit', [
    [data.pubkey],
    [data.signature],
    [data.depositDataRoot],
  ]);
}

/** SuperNode.stake of one matched pubkey (31 ETH). */
export async function superNodeStake(
  f: PoolFixture,
  secretKey: Uint8Array,
  genesisForkVersion: `0x${string}`,
): Promise<void> {
  const data = signedDeposit(secretKey, f.poolCredentials, STAKE_GWEI, genesisForkVersion);
  await send(f.pool.superNode, f.superNodeAccount, 'stake', [
    [data.pubkey],
    [data.signature],
    [data.depositDataRoot],
  ]);
}

/** A direct deposit to the beacon deposit contract (e.g. a front-runner's). */
export async function directDeposit(
  f: PoolFixture,
  from: HDNodeWallet,
  data: {
    pubkey: string;
    withdrawalCredentials: string;
    signature: string;
    depositDataRoot: string;
    amountGwei: string;
  },
): Promise<void> {
  await send(
    f.pool.depositContract,
    from,
    'deposit',
    [data.pubkey, data.withdrawalCredentials, data.signature, data.depositDataRoot],
    BigInt(data.amountGwei) * 10n ** 9n,
  );
}

/** `ValidatorResponse` JSON (specs/beacon-and-keys.md §11). */
export interface ValidatorJson {
  index: string;
  balance: string;
  status: string;
  validator: {
    pubkey: string;
    withdrawal_credentials: string;
    effective_balance: string;
    slashed: boolean;
    activation_eligibility_epoch: string;
    activation_epoch: string;
    exit_epoch: string;
    withdrawable_epoch: string;
  };
}

/** The usual API body: `data`, or an error's `code` and `message`. */
export interface ApiBody<D = Record<string, unknown>> {
  data: D;
  code?: number;
  message?: string;
}

/** A JSON request to a simulator; the body is null for empty responses. */
export async function http<T = ApiBody>(
  url: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    ...(init.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

export { PRE_DEPOSIT_GWEI, STAKE_GWEI };
