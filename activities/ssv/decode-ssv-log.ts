/**
 * Decodes SSVNetwork logs into the owner index's event type (domain/ssv/cluster-index.ts). The
 * shares bytes of `ValidatorAdded` are not kept: the index does not need them and they are large.
 */
import { Interface, hexlify, type Log } from 'ethers';
import { clusterJsonFromAbi } from '../../domain/ssv/cluster.js';
import type { SsvOwnerEvent } from '../../domain/ssv/cluster-index.js';
import { SSV_NETWORK_EVENTS_ABI } from '../abi/ssv-network.js';

/** The SSVNetwork events the owner index folds. */
export const SSV_OWNER_EVENT_NAMES = [
  'ValidatorAdded',
  'ValidatorRemoved',
  'ValidatorExited',
  'ClusterDeposited',
  'ClusterWithdrawn',
  'ClusterLiquidated',
  'ClusterReactivated',
  'ClusterMigratedToETH',
  'ClusterBalanceUpdated',
  'FeeRecipientAddressUpdated',
] as const;

const eventsInterface = new Interface(SSV_NETWORK_EVENTS_ABI);

/** topic0 of every folded event. */
export const SSV_OWNER_EVENT_TOPICS: readonly string[] = SSV_OWNER_EVENT_NAMES.map(
  (name) => eventsInterface.getEvent(name)?.topicHash ?? '',
);

interface Args {
  getValue(name: string): unknown;
}

const ids = (args: Args): number[] => (args.getValue('operatorIds') as bigint[]).map(Number);
const key = (args: Args): string => hexlify(args.getValue('publicKey') as string).toLowerCase();

/**
 * The index event of one log, or null for a log that is not a folded SSVNetwork event (another
 * event, or a log removed by a reorg).
 */
export function decodeSsvOwnerLog(log: Log): SsvOwnerEvent | null {
  if (log.removed) return null;
  const parsed = eventsInterface.parseLog(log);
  if (!parsed) return null;
  const args = parsed.args as unknown as Args;
  const position = { blockNumber: log.blockNumber, logIndex: log.index };
  const owner = (args.getValue('owner') as string).toLowerCase();
  switch (parsed.name) {
    case 'ValidatorAdded':
    case 'ValidatorRemoved':
      return {
        name: parsed.name,
        ...position,
        owner,
        operatorIds: ids(args),
        publicKey: key(args),
        cluster: clusterJsonFromAbi(args.getValue('cluster')),
      };
    case 'ValidatorExited':
      return {
        name: parsed.name,
        ...position,
        owner,
        operatorIds: ids(args),
        publicKey: key(args),
      };
    case 'ClusterDeposited':
    case 'ClusterWithdrawn':
      return {
        name: parsed.name,
        ...position,
        owner,
        operatorIds: ids(args),
        value: (args.getValue('value') as bigint).toString(),
        cluster: clusterJsonFromAbi(args.getValue('cluster')),
      };
    case 'ClusterLiquidated':
    case 'ClusterReactivated':
      return {
        name: parsed.name,
        ...position,
        owner,
        operatorIds: ids(args),
        cluster: clusterJsonFromAbi(args.getValue('cluster')),
      };
    case 'ClusterMigratedToETH':
      return {
        name: parsed.name,
        ...position,
        owner,
        operatorIds: ids(args),
        ethDeposited: (args.getValue('ethDeposited') as bigint).toString(),
        ssvRefunded: (args.getValue('ssvRefunded') as bigint).toString(),
        effectiveBalance: Number(args.getValue('effectiveBalance')),
        cluster: clusterJsonFromAbi(args.getValue('cluster')),
      };
    case 'ClusterBalanceUpdated':
      return {
        name: parsed.name,
        ...position,
        owner,
        operatorIds: ids(args),
        oracleBlockNumber: Number(args.getValue('blockNum')),
        effectiveBalance: Number(args.getValue('effectiveBalance')),
        cluster: clusterJsonFromAbi(args.getValue('cluster')),
      };
    case 'FeeRecipientAddressUpdated':
      return {
        name: parsed.name,
        ...position,
        owner,
        recipientAddress: (args.getValue('recipientAddress') as string).toLowerCase(),
      };
    default:
      return null;
  }
}
