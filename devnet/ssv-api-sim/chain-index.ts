/**
 * The API simulator's indexer: polls every SSVNetwork log of the devnet chain in (block,
 * logIndex) order and folds it for all owners — operators (key, owner, whitelists, fee
 * declarations, removal), owner nonces (every `ValidatorAdded`, spec §4), the latest struct of
 * every cluster, and validators — and reads each operator's fee, validator count and flags from
 * the chain after every scan.
 */
import {
  AbiCoder,
  Contract,
  getAddress,
  hexlify,
  type Interface,
  type JsonRpcProvider,
} from 'ethers';

import { clusterKeyHash } from '../../domain/ssv/cluster-hash.js';
import { clusterJsonFromAbi } from '../../domain/ssv/cluster.js';
import { fetchSsvLogs, type SsvLog } from '../operators/ssv-network-logs.js';

/** What the index knows about an operator. */
export interface IndexedOperator {
  id: number;
  owner: string;
  /** Base64 PEM (the `abi.decode(string)` of `OperatorAdded.publicKey`). */
  publicKey: string;
  block: number;
  createdAt: string;
  updatedAt: string;
  removed: boolean;
  /** Bitmap whitelist (`OperatorMultipleWhitelistUpdated`/`Removed`), EIP-55. */
  whitelist: string[];
  whitelistingContract: string | null;
  declaredFee: string;
  previousFee: string;
  /** From `getOperatorById` after the latest scan. */
  chain: {
    fee: string;
    validatorCount: number;
    whitelistedAddress: string;
    isPrivate: boolean;
    isActive: boolean;
  };
}

/** The cluster struct with string big numbers. */
export interface IndexedClusterStruct {
  validatorCount: number;
  networkFeeIndex: string;
  index: string;
  active: boolean;
  balance: string;
}

/** A cluster, keyed by its hash `keccak256(abi.encodePacked(owner, ids))`. */
export interface IndexedCluster {
  /** Sequence number in order of first appearance, from 1. */
  id: number;
  clusterHash: string;
  owner: string;
  operatorIds: number[];
  struct: IndexedClusterStruct;
  createdBlock: number;
  updatedBlock: number;
  createdAt: string;
  updatedAt: string;
}

/** An owner account. */
export interface IndexedAccount {
  id: number;
  owner: string;
  /** Next nonce: every `ValidatorAdded` of the owner so far. */
  nonce: number;
  recipientAddress: string | null;
}

/** The latest registration of a validator public key. */
export interface IndexedValidator {
  publicKey: string;
  owner: string;
  operatorIds: number[];
  clusterHash: string;
  block: number;
  createdAt: string;
  updatedAt: string;
  removed: boolean;
}

/** Cluster, account and validator data: what lag injection freezes. */
export interface OwnerData {
  accounts: Map<string, IndexedAccount>;
  clusters: Map<string, IndexedCluster>;
  validators: Map<string, IndexedValidator>;
}

export interface SsvChainIndex {
  /** Scans to the head; serialised. */
  ingest(): Promise<void>;
  /** Resolves when no scan is running (without starting one). */
  settled(): Promise<void>;
  operators(): IndexedOperator[];
  /** Live owner data (the caller must not mutate it). */
  ownerData(): OwnerData;
  /** A deep copy of the owner data, for serving a stale snapshot. */
  snapshot(): OwnerData;
}

export interface MakeSsvChainIndexParameters {
  provider: JsonRpcProvider;
  ssvNetwork: string;
  networkInterface: Interface;
  fromBlock: number;
  /** Blocks to stay behind the head, as a beacon node follows the execution chain (a reorg shallower than this is never seen); default 0. */
  followBlocks?: number;
}

/** Makes the index; nothing is read until the first `ingest()`. */
export function makeSsvChainIndex({
  provider,
  ssvNetwork,
  networkInterface,
  fromBlock,
  followBlocks = 0,
}: MakeSsvChainIndexParameters): SsvChainIndex {
  const network = new Contract(ssvNetwork, networkInterface, provider);
  const operators = new Map<number, IndexedOperator>();
  const data: OwnerData = { accounts: new Map(), clusters: new Map(), validators: new Map() };
  const blockTimes = new Map<number, string>();
  let nextBlock = fromBlock;
  let tail: Promise<void> = Promise.resolve();

  async function timeOf(block: number): Promise<string> {
    let time = blockTimes.get(block);
    if (time === undefined) {
      const header = await provider.getBlock(block);
      time = new Date(Number(header?.timestamp ?? 0) * 1000).toISOString();
      blockTimes.set(block, time);
    }
    return time;
  }

  function account(owner: string): IndexedAccount {
    const key = owner.toLowerCase();
    let entry = data.accounts.get(key);
    if (!entry) {
      entry = { id: data.accounts.size + 1, owner, nonce: 0, recipientAddress: null };
      data.accounts.set(key, entry);
    }
    return entry;
  }

  /** Synchronous, so a scan applies all of its logs or (on a read error before) none. */
  function apply(log: SsvLog): void {
    const args = log.args;
    const time = blockTimes.get(log.blockNumber) ?? new Date(0).toISOString();
    const ids = (): number[] => (args.getValue('operatorIds') as bigint[]).map(Number);
    switch (log.name) {
      case 'OperatorAdded': {
        const id = Number(args.getValue('operatorId') as bigint);
        const [publicKey] = AbiCoder.defaultAbiCoder().decode(
          ['string'],
          args.getValue('publicKey') as string,
        ) as unknown as [string];
        operators.set(id, {
          id,
          owner: getAddress(args.getValue('owner') as string),
          publicKey,
          block: log.blockNumber,
          createdAt: time,
          updatedAt: time,
          removed: false,
          whitelist: [],
          whitelistingContract: null,
          declaredFee: '0',
          previousFee: '0',
          chain: {
            fee: (args.getValue('fee') as bigint).toString(),
            validatorCount: 0,
            whitelistedAddress: '0x0000000000000000000000000000000000000000',
            isPrivate: false,
            isActive: true,
          },
        });
        return;
      }
      case 'OperatorRemoved':
        update(Number(args.getValue('operatorId') as bigint), time, (o) => {
          o.removed = true;
        });
        return;
      case 'OperatorMultipleWhitelistUpdated':
      case 'OperatorMultipleWhitelistRemoved': {
        const addresses = (args.getValue('whitelistAddresses') as string[]).map((a) =>
          getAddress(a),
        );
        for (const id of ids()) {
          update(id, time, (o) => {
            const kept = o.whitelist.filter((a) => !addresses.includes(a));
            o.whitelist =
              log.name === 'OperatorMultipleWhitelistUpdated' ? [...kept, ...addresses] : kept;
          });
        }
        return;
      }
      case 'OperatorWhitelistingContractUpdated': {
        const contract = getAddress(args.getValue('whitelistingContract') as string);
        for (const id of ids()) {
          update(id, time, (o) => {
            o.whitelistingContract = BigInt(contract) === 0n ? null : contract;
          });
        }
        return;
      }
      case 'OperatorFeeDeclared':
        update(Number(args.getValue('operatorId') as bigint), time, (o) => {
          o.declaredFee = (args.getValue('fee') as bigint).toString();
        });
        return;
      case 'OperatorFeeDeclarationCancelled':
        update(Number(args.getValue('operatorId') as bigint), time, (o) => {
          o.declaredFee = '0';
        });
        return;
      case 'OperatorFeeExecuted':
        update(Number(args.getValue('operatorId') as bigint), time, (o) => {
          o.previousFee = o.chain.fee;
          o.declaredFee = '0';
        });
        return;
      case 'FeeRecipientAddressUpdated':
        account(getAddress(args.getValue('owner') as string)).recipientAddress = getAddress(
          args.getValue('recipientAddress') as string,
        );
        return;
    }
    const clusterArg = log.fragment.inputs.findIndex((input) => input.name === 'cluster');
    if (clusterArg < 0) return;
    const owner = getAddress(args.getValue('owner') as string);
    const operatorIds = ids();
    const clusterHash = clusterKeyHash(owner, operatorIds);
    const struct: IndexedClusterStruct = clusterJsonFromAbi(args[clusterArg]);
    const existing = data.clusters.get(clusterHash);
    data.clusters.set(clusterHash, {
      id: existing?.id ?? data.clusters.size + 1,
      clusterHash,
      owner,
      operatorIds,
      struct,
      createdBlock: existing?.createdBlock ?? log.blockNumber,
      updatedBlock: log.blockNumber,
      createdAt: existing?.createdAt ?? time,
      updatedAt: time,
    });
    if (log.name === 'ValidatorAdded') {
      // Every ValidatorAdded consumes a nonce, valid or not (spec §4).
      account(owner).nonce += 1;
    }
    if (log.name === 'ValidatorAdded' || log.name === 'ValidatorRemoved') {
      const publicKey = hexlify(args.getValue('publicKey') as string).toLowerCase();
      const previous = data.validators.get(publicKey);
      data.validators.set(publicKey, {
        publicKey,
        owner,
        operatorIds,
        clusterHash,
        block:
          log.name === 'ValidatorAdded' ? log.blockNumber : (previous?.block ?? log.blockNumber),
        createdAt: log.name === 'ValidatorAdded' ? time : (previous?.createdAt ?? time),
        updatedAt: time,
        removed: log.name === 'ValidatorRemoved',
      });
    }
  }

  function update(id: number, time: string, change: (operator: IndexedOperator) => void): void {
    const operator = operators.get(id);
    if (!operator) return;
    change(operator);
    operator.updatedAt = time;
  }

  async function refreshOperators(): Promise<void> {
    for (const operator of operators.values()) {
      const [, fee, validatorCount, whitelistedAddress, isPrivate, isActive] =
        (await network.getFunction('getOperatorById')(operator.id)) as [
          string,
          bigint,
          bigint,
          string,
          boolean,
          boolean,
        ];
      operator.chain = {
        fee: fee.toString(),
        validatorCount: Number(validatorCount),
        whitelistedAddress: getAddress(whitelistedAddress),
        isPrivate,
        isActive,
      };
    }
  }

  async function scan(): Promise<void> {
    const head = (await provider.getBlockNumber()) - followBlocks;
    if (head >= nextBlock) {
      const logs = await fetchSsvLogs(provider, {
        ssvNetwork,
        networkInterface,
        fromBlock: nextBlock,
        toBlock: head,
      });
      for (const block of new Set(logs.map((log) => log.blockNumber))) await timeOf(block);
      for (const log of logs) apply(log);
      nextBlock = head + 1;
    }
    await refreshOperators();
  }

  return {
    ingest() {
      const run = tail.then(scan);
      tail = run.catch(() => undefined);
      return run;
    },
    settled: () => tail,
    operators: () => [...operators.values()].sort((a, b) => a.id - b.id),
    ownerData: () => data,
    snapshot: () => structuredClone(data),
  };
}
