/**
 * Reads SSVNetwork logs for the devnet's indexers (verifier, API simulator): one block range,
 * parsed with the devnet contract's ABI and ordered by (blockNumber, logIndex).
 */
import { Interface, type JsonRpcProvider, type LogDescription } from 'ethers';

import { artifact, type Artifacts } from '../contracts/compile.js';
import { compileSsvContracts } from '../deploy/ssv-artifacts.js';

/** A parsed SSVNetwork log and its position. */
export interface SsvLog {
  name: string;
  args: LogDescription['args'];
  fragment: LogDescription['fragment'];
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

/** The SSVNetwork ABI of the devnet contracts as an ethers `Interface`. */
export function ssvNetworkInterface(artifacts: Artifacts = compileSsvContracts()): Interface {
  return new Interface(artifact(artifacts, 'SSVNetwork').abi);
}

export interface FetchSsvLogsParameters {
  ssvNetwork: string;
  networkInterface: Interface;
  fromBlock: number;
  toBlock: number;
  /** Event names to keep (topic0 filter); all events when omitted. */
  events?: readonly string[];
}

/** Logs of `ssvNetwork` in [fromBlock, toBlock], parsed and sorted by (block, logIndex). */
export async function fetchSsvLogs(
  provider: JsonRpcProvider,
  { ssvNetwork, networkInterface, fromBlock, toBlock, events }: FetchSsvLogsParameters,
): Promise<SsvLog[]> {
  if (toBlock < fromBlock) return [];
  const topics =
    events === undefined
      ? []
      : [events.map((name) => networkInterface.getEvent(name)?.topicHash ?? name)];
  const logs = await provider.getLogs({ address: ssvNetwork, fromBlock, toBlock, topics });
  const parsed: SsvLog[] = [];
  for (const log of logs) {
    const description = networkInterface.parseLog(log);
    if (!description) continue;
    parsed.push({
      name: description.name,
      args: description.args,
      fragment: description.fragment,
      blockNumber: log.blockNumber,
      logIndex: log.index,
      transactionHash: log.transactionHash,
    });
  }
  return parsed.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}
