/**
 * The StaFi pool adapter (specs/stafi-pool.md): resolves the pool's contracts through
 * StafiStorage once, reads balances, credentials, pubkey statuses, limits, votes and ejections,
 * and builds the super node's deposit and stake `TxRequest`s. It never signs or sends.
 *
 * Idempotency: reads are side-effect free. Builders are pure encodings; callers first drop keys
 * already done on chain with {@link StafiPoolAdapter.filterNotDeposited} /
 * `filterStakeable` (the chain is the truth), and the engine's idempotency key covers the rest.
 * Errors: `ERR_CONFIG` (a contract is not registered, unknown StafiWithdraw branch),
 * `ERR_INVALID_INPUT` (malformed batch), `ERR_UPSTREAM_UNAVAILABLE` (RPC), `ERR_TX_REVERTED`.
 */
import {
  Contract,
  Interface,
  ZeroAddress,
  getAddress,
  hexlify,
  isCallException,
  isHexString,
  solidityPackedKeccak256,
  type Provider,
} from 'ethers';
import { DvtError } from '../../domain/errors.js';
import { formatAmount, parseAmount } from '../../domain/amounts.js';
import { pubkeyStatusFromContract, type PubkeyStatus } from '../../domain/plan/pubkey-status.js';
import {
  STAFI_NETWORK_SETTINGS_ABI,
  STAFI_STORAGE_ABI,
  STAFI_SUPER_NODE_ABI,
  STAFI_USER_DEPOSIT_ABI,
  STAFI_WITHDRAW_ABI,
} from '../abi/stafi.js';
import type { TxRequest } from '../chain/tx-engine.js';
import { makeRevertDecoder } from '../chain/revert.js';
import { mapConcurrent, readChain } from '../chain/chain-read.js';
import type {
  BuildBatchRequestParameters,
  PoolAdapter,
  PoolBalance,
  PoolPlanReads,
  PoolExitRequests,
} from './pool-adapter.js';

/** Registry names the router resolves (§1.2, §12 "Contract addresses are resolved at startup"). */
export const STAFI_CONTRACT_NAMES = {
  userDeposit: 'stafiUserDeposit',
  superNode: 'stafiSuperNode',
  networkSettings: 'stafiNetworkSettings',
  withdraw: 'stafiWithdraw',
  superNodeFeePool: 'stafiSuperNodeFeePool',
} as const;

/** Resolved StaFi contract addresses (checksummed). */
export type StafiContracts = Record<keyof typeof STAFI_CONTRACT_NAMES, string>;

/** `keccak256("contract.address" ‖ name)` (§1.2). */
export function stafiContractKey(name: string): string {
  return solidityPackedKeccak256(['string', 'string'], ['contract.address', name]);
}

/** What the StaFi super node pays per key, gwei (stafi-pool.md §3.3–3.4): fixed by the contract. */
const STAFI_SUPER_NODE_AMOUNTS_GWEI = { deposit: '1000000000', stake: '31000000000' };

/**
 * Refuses deposit and stake amounts the StaFi super node does not pay: deposit data signed for
 * another amount would make every deposit or stake revert (and the lifecycles halt).
 */
export function checkStafiAmounts(amounts: { depositGwei: string; stakeGwei: string }): void {
  const { deposit, stake } = STAFI_SUPER_NODE_AMOUNTS_GWEI;
  if (amounts.depositGwei === deposit && amounts.stakeGwei === stake) return;
  throw new DvtError(
    'ERR_CONFIG',
    `The StaFi super node pays exactly ${deposit} gwei per deposit and ${stake} gwei per stake, ` +
      `not ${amounts.depositGwei} and ${amounts.stakeGwei}.`,
    {
      details: { depositGwei: amounts.depositGwei, stakeGwei: amounts.stakeGwei },
      hint: 'Unset DVT_DEPOSIT_AMOUNT_GWEI and DVT_STAKE_AMOUNT_GWEI (router.depositAmountGwei, router.stakeAmountGwei) for a StaFi pool.',
    },
  );
}

/** Dependencies of {@link makeStafiPoolAdapter}. */
export interface StafiPoolAdapterDeps {
  provider: Provider;
  /** StafiStorage: the one stable entry point. */
  storageAddress: string;
  /** The router's super-node account (sender of deposit and stake). */
  superNodeAccount: string;
  /** Pool reserve kept for withdrawals, decimal wei. */
  reserveWei: string;
  /** Parallel `eth_call`s for many pubkeys; default 8. */
  concurrency?: number;
  /** Cycles scanned back when the pool has no ejection start cycle; default 20 (§9.2). */
  lookbackCycles?: number;
  /** First block of the pectra `RequestValidatorExit` log scan; default 0. */
  exitEventsFromBlock?: number;
  /** Block range per `eth_getLogs`; default 10,000. */
  logBlockRange?: number;
}

/**
 * Makes the StaFi adapter. Addresses are resolved on first use and cached; a failed resolution is
 * retried on the next call.
 */
export function makeStafiPoolAdapter(deps: StafiPoolAdapterDeps) {
  const { provider } = deps;
  const superNodeAccount = checkAddress(deps.superNodeAccount, 'superNodeAccount');
  const storageAddress = checkAddress(deps.storageAddress, 'storageAddress');
  const reserve = parseAmount(deps.reserveWei, 'reserveWei');
  const concurrency = deps.concurrency ?? 8;
  const lookbackCycles = deps.lookbackCycles ?? 20;
  const logBlockRange = deps.logBlockRange ?? 10_000;
  const decodeRevert = makeRevertDecoder([STAFI_SUPER_NODE_ABI, STAFI_WITHDRAW_ABI]);
  const superNodeInterface = new Interface(STAFI_SUPER_NODE_ABI);
  const withdrawInterface = new Interface(STAFI_WITHDRAW_ABI);
  const storage = new Contract(storageAddress, STAFI_STORAGE_ABI, provider);

  let contractsPromise: Promise<StafiContracts> | null = null;
  let flavourPromise: Promise<'main' | 'pectra'> | null = null;

  const read = <T>(what: string, fn: () => Promise<T>, details = {}): Promise<T> =>
    readChain({ what, details, decodeRevert }, fn);

  async function resolve(): Promise<StafiContracts> {
    const entries = await Promise.all(
      Object.entries(STAFI_CONTRACT_NAMES).map(async ([key, name]) => {
        const address = await read(
          'StafiStorage.getAddress',
          () =>
            storage.getFunction('getAddress').staticCall(stafiContractKey(name)) as Promise<string>,
          { name },
        );
        if (address === ZeroAddress) {
          throw new DvtError(
            'ERR_CONFIG',
            `StaFi contract ${name} is not registered in StafiStorage.`,
            {
              details: { storage: storageAddress, name },
              hint: 'Check the StafiStorage address (POOL_STORAGE_ADDRESS) and the network.',
            },
          );
        }
        return [key, getAddress(address)] as const;
      }),
    );
    return Object.fromEntries(entries) as StafiContracts;
  }

  /** The registered contract addresses, resolved once through StafiStorage. */
  function getContracts(): Promise<StafiContracts> {
    contractsPromise ??= resolve().catch((error: unknown) => {
      contractsPromise = null;
      throw error;
    });
    return contractsPromise;
  }

  async function contract(key: keyof StafiContracts): Promise<Contract> {
    const contracts = await getContracts();
    const abi = {
      userDeposit: STAFI_USER_DEPOSIT_ABI,
      superNode: STAFI_SUPER_NODE_ABI,
      networkSettings: STAFI_NETWORK_SETTINGS_ABI,
      withdraw: STAFI_WITHDRAW_ABI,
      superNodeFeePool: [],
    }[key];
    return new Contract(contracts[key], abi, provider);
  }

  /** An `eth_call` of a view; at `blockTag` when given, else at the latest block. */
  async function view<T>(
    key: keyof StafiContracts,
    method: string,
    args: unknown[] = [],
    blockTag?: number,
  ): Promise<T> {
    const target = await contract(key);
    return read(
      `${STAFI_CONTRACT_NAMES[key]}.${method}`,
      () =>
        target
          .getFunction(method)
          .staticCall(...args, ...(blockTag === undefined ? [] : [{ blockTag }])) as Promise<T>,
    );
  }

  async function getPubkeyStatuses(
    pubkeys: readonly string[],
    blockTag?: number,
  ): Promise<Record<string, PubkeyStatus>> {
    const keys = pubkeys.map((pubkey) => checkBytes(pubkey, 48, 'pubkey'));
    const superNode = await contract('superNode');
    const at = blockTag === undefined ? [] : [{ blockTag }];
    const statuses = await mapConcurrent(keys, concurrency, (pubkey) =>
      read(
        'stafiSuperNode.getSuperNodePubkeyStatus',
        () =>
          superNode
            .getFunction('getSuperNodePubkeyStatus')
            .staticCall(pubkey, ...at) as Promise<bigint>,
        { pubkey },
      ),
    );
    return Object.fromEntries(
      keys.map((key, i) => [key, pubkeyStatusFromContract(statuses[i] ?? -1n)]),
    );
  }

  async function filterByStatus(
    pubkeys: readonly string[],
    wanted: PubkeyStatus,
  ): Promise<string[]> {
    const statuses = await getPubkeyStatuses(pubkeys);
    return Object.keys(statuses).filter((pubkey) => statuses[pubkey] === wanted);
  }

  async function buildBatch(
    method: 'deposit' | 'stake',
    params: BuildBatchRequestParameters,
  ): Promise<TxRequest> {
    const { items, idempotencyKey } = params;
    if (items.length === 0) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `A super-node ${method} batch needs at least one key.`,
      );
    }
    if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0) {
      throw new DvtError('ERR_INVALID_INPUT', 'idempotencyKey must be a non-empty string.');
    }
    const pubkeys = items.map((item) => checkBytes(item.pubkey, 48, 'pubkey'));
    if (new Set(pubkeys).size !== pubkeys.length) {
      throw new DvtError('ERR_INVALID_INPUT', `A super-node ${method} batch repeats a pubkey.`, {
        details: { idempotencyKey },
      });
    }
    const signatures = items.map((item) => checkBytes(item.signature, 96, 'signature'));
    const roots = items.map((item) => checkBytes(item.depositDataRoot, 32, 'depositDataRoot'));
    const { superNode } = await getContracts();
    return {
      kind: `superNode.${method}`,
      idempotencyKey,
      from: superNodeAccount,
      to: superNode,
      data: superNodeInterface.encodeFunctionData(method, [pubkeys, signatures, roots]),
      valueWei: '0',
      ...(params.deadlineMs !== undefined ? { deadlineMs: params.deadlineMs } : {}),
    };
  }

  async function currentCycle(): Promise<number> {
    return Number(await view<bigint>('withdraw', 'currentWithdrawCycle'));
  }

  /**
   * Which StafiWithdraw branch is deployed (§9.4): `getEjectedValidatorsAtCycle` answers on
   * `main`; on `pectra` the selector is unknown (revert without data) and
   * `requestedValidatorExitCycle` answers instead.
   */
  function getWithdrawFlavour(): Promise<'main' | 'pectra'> {
    flavourPromise ??= (async (): Promise<'main' | 'pectra'> => {
      const withdraw = await contract('withdraw');
      const cycle = await currentCycle();
      const probe = async (method: string, args: unknown[]): Promise<boolean> => {
        try {
          await withdraw.getFunction(method).staticCall(...args);
          return true;
        } catch (error) {
          if (isCallException(error)) return false;
          throw new DvtError(
            'ERR_UPSTREAM_UNAVAILABLE',
            'Probing the StafiWithdraw branch failed.',
            {
              cause: error,
            },
          );
        }
      };
      if (await probe('getEjectedValidatorsAtCycle', [Math.max(0, cycle - 1)])) return 'main';
      if (await probe('requestedValidatorExitCycle', [])) return 'pectra';
      throw new DvtError(
        'ERR_CONFIG',
        'StafiWithdraw answers neither the main nor the pectra ABI.',
        {
          details: { withdraw: (await getContracts()).withdraw },
          hint: 'Check the StafiStorage address and that the pool is a StaFi deployment.',
        },
      );
    })().catch((error: unknown) => {
      flavourPromise = null;
      throw error;
    });
    return flavourPromise;
  }

  async function getExitRequests(params: { fromCycle?: number } = {}): Promise<PoolExitRequests> {
    const flavour = await getWithdrawFlavour();
    const current = await currentCycle();
    if (flavour === 'main') {
      const start = Number(await view<bigint>('withdraw', 'ejectedStartCycle'));
      const fromCycle =
        params.fromCycle ?? (start > 0 ? start : Math.max(0, current - lookbackCycles));
      const cycles = range(fromCycle, current);
      const withdraw = await contract('withdraw');
      const lists = await mapConcurrent(cycles, concurrency, (cycle) =>
        read(
          'stafiWithdraw.getEjectedValidatorsAtCycle',
          () =>
            withdraw.getFunction('getEjectedValidatorsAtCycle').staticCall(cycle) as Promise<
              bigint[]
            >,
          { cycle },
        ),
      );
      return {
        flavour,
        currentCycle: current,
        fromCycle,
        cycles: cycles
          .map((cycle, i) => ({
            cycle,
            validatorIndices: (lists[i] ?? []).map((v) => v.toString()),
          }))
          .filter((entry) => entry.validatorIndices.length > 0),
      };
    }
    const fromCycle = params.fromCycle ?? Math.max(0, current - lookbackCycles);
    const { withdraw } = await getContracts();
    const topic = withdrawInterface.getEvent('RequestValidatorExit')?.topicHash ?? '';
    const latest = await read('eth_blockNumber', () => provider.getBlockNumber());
    const byCycle = new Map<number, string[]>();
    for (let from = deps.exitEventsFromBlock ?? 0; from <= latest; from += logBlockRange) {
      const to = Math.min(latest, from + logBlockRange - 1);
      const logs = await read('eth_getLogs RequestValidatorExit', () =>
        provider.getLogs({ address: withdraw, topics: [topic], fromBlock: from, toBlock: to }),
      );
      for (const log of logs) {
        const parsed = withdrawInterface.parseLog(log);
        if (!parsed) continue;
        const cycle = Number(parsed.args.getValue('withdrawCycle') as bigint);
        if (cycle < fromCycle) continue;
        const keys = (parsed.args.getValue('ejectedValidators') as string[]).map((k) =>
          hexlify(k).toLowerCase(),
        );
        byCycle.set(cycle, [...(byCycle.get(cycle) ?? []), ...keys]);
      }
    }
    return {
      flavour,
      currentCycle: current,
      fromCycle,
      cycles: [...byCycle.entries()]
        .sort(([a], [b]) => a - b)
        .map(([cycle, pubkeys]) => ({ cycle, pubkeys })),
    };
  }

  /** The plan's reads at `blockTag` (latest when undefined). */
  function planReads(blockTag?: number): PoolPlanReads {
    return {
      /** `StafiUserDeposit.getBalance()` minus the configured reserve (floored at 0). */
      async getBalance(): Promise<PoolBalance> {
        const balance = await view<bigint>('userDeposit', 'getBalance', [], blockTag);
        return {
          balanceWei: formatAmount(balance),
          reserveWei: formatAmount(reserve),
          usableWei: formatAmount(balance > reserve ? balance - reserve : 0n),
        };
      },
      /** `getSuperNodePubkeyStatus` for many pubkeys, a bounded number in parallel. */
      getPubkeyStatuses: (pubkeys) => getPubkeyStatuses(pubkeys, blockTag),
      /** `StafiSuperNode.getSuperNodePubkeyCount(superNodeAccount)`: lifetime count (§3.3 rule 4). */
      async getPubkeyCount(): Promise<number> {
        return Number(
          await view<bigint>('superNode', 'getSuperNodePubkeyCount', [superNodeAccount], blockTag),
        );
      },
      /** `StafiNetworkSettings.getSuperNodePubkeyLimit()`. */
      async getPubkeyLimit(): Promise<number> {
        return Number(
          await view<bigint>('networkSettings', 'getSuperNodePubkeyLimit', [], blockTag),
        );
      },
      /** `StafiSuperNode.getSuperNodeDepositEnabled()`. */
      getDepositEnabled: () =>
        view<boolean>('superNode', 'getSuperNodeDepositEnabled', [], blockTag),
    };
  }

  return {
    getContracts,
    getWithdrawFlavour,
    ...planReads(),
    atBlock: (blockNumber: number): PoolPlanReads => planReads(blockNumber),

    /** `StafiNetworkSettings.getWithdrawalCredentials()`; must be exactly 32 bytes. */
    async getWithdrawalCredentials(): Promise<string> {
      const credentials = await view<string>('networkSettings', 'getWithdrawalCredentials');
      if (!isHexString(credentials, 32)) {
        throw new DvtError(
          'ERR_UPSTREAM_MALFORMED',
          'The pool withdrawal credentials are not 32 bytes.',
          {
            details: { credentials: String(credentials).slice(0, 80) },
          },
        );
      }
      return credentials.toLowerCase();
    },

    /** `StafiSuperNode.getPubkeyVoted(pubkey, voter)`. */
    async getPubkeyVoted(pubkey: string, voter: string): Promise<boolean> {
      return view<boolean>('superNode', 'getPubkeyVoted', [
        checkBytes(pubkey, 48, 'pubkey'),
        checkAddress(voter, 'voter'),
      ]);
    },

    /** Request of `StafiSuperNode.deposit` (1 ETH per key from the pool; not payable). */
    buildDepositRequest: (params: BuildBatchRequestParameters) => buildBatch('deposit', params),

    /** Request of `StafiSuperNode.stake` (31 ETH per key from the pool; not payable). */
    buildStakeRequest: (params: BuildBatchRequestParameters) => buildBatch('stake', params),

    /** Pubkeys with status 0 (never deposited): the only ones a deposit batch may carry. */
    filterNotDeposited: (pubkeys: readonly string[]) => filterByStatus(pubkeys, 'uninitial'),

    /** Pubkeys with status 2 (credentials matched): the only ones a stake batch may carry. */
    filterStakeable: (pubkeys: readonly string[]) => filterByStatus(pubkeys, 'match'),

    /**
     * Ejections per cycle: `main` reads `getEjectedValidatorsAtCycle` for each cycle from
     * `ejectedStartCycle()` (or current − lookback); `pectra` scans `RequestValidatorExit` logs.
     */
    getExitRequests,

    /** The registered `stafiSuperNodeFeePool` (the SSV fee recipient, §6). */
    async getFeePoolAddress(): Promise<string> {
      return (await getContracts()).superNodeFeePool;
    },
  } satisfies PoolAdapter & Record<string, unknown>;
}

/** The StaFi adapter: a {@link PoolAdapter} plus StaFi specifics (addresses, Withdraw branch). */
export type StafiPoolAdapter = ReturnType<typeof makeStafiPoolAdapter>;

function range(from: number, to: number): number[] {
  return from > to ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function checkAddress(value: string, field: string): string {
  try {
    return getAddress(value);
  } catch (cause) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} is not an address.`, {
      details: { field, value: String(value).slice(0, 80) },
      cause,
    });
  }
}

function checkBytes(value: string, length: number, field: string): string {
  if (!isHexString(value, length)) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} is not ${length} bytes of 0x-hex.`, {
      details: { field, value: String(value).slice(0, 100) },
    });
  }
  return value.toLowerCase();
}
