/**
 * Start-up check that every configured endpoint serves the same network (DESIGN.md principle:
 * fail before any write): the execution RPC's chain id, the beacon node's deposit contract
 * (`/eth/v1/config/deposit_contract`) and the SSV API network name must match what the router is
 * configured for (`checkNetworkAgreement`, pure: the caller fetches the inputs). Then
 * `checkSsvApiAgreement` asks the SSV API about something the chain also knows (operator owners),
 * so an API that indexes another network is caught even when its network segment is spelled right.
 */
import { DvtError } from '../../domain/errors.js';
import type { SsvApiClient } from '../ssv/ssv-api-client.js';
import type { SsvNetworkClient } from '../ssv/ssv-network-client.js';
import type { FieldLogger } from '../field-logger.js';

/** Parameters of {@link checkNetworkAgreement}. */
export interface CheckNetworkAgreementParameters {
  /** `eth_chainId` of the execution RPC. */
  executionChainId: number;
  /** The beacon node's deposit contract. */
  beacon: { chainId: string | number; address: string };
  /** The network segment of the SSV API URL (`mainnet`, `hoodi`). */
  ssvApiNetwork: string;
  /** What the router is configured for. */
  expected: { chainId: number; depositContract: string; ssvApiNetwork: string };
}

/**
 * Throws `ERR_NETWORK_MISMATCH` listing every disagreement and what to change; returns nothing
 * when all agree. Addresses compare case-insensitively.
 */
export function checkNetworkAgreement(params: CheckNetworkAgreementParameters): void {
  const { expected } = params;
  const problems: string[] = [];
  if (params.executionChainId !== expected.chainId) {
    problems.push(
      `the execution RPC is on chain ${params.executionChainId}, expected ${expected.chainId} (point EXECUTION_RPC_URL at a chain-${expected.chainId} node)`,
    );
  }
  if (String(params.beacon.chainId) !== String(expected.chainId)) {
    problems.push(
      `the beacon node's deposit contract is on chain ${String(params.beacon.chainId)}, expected ${expected.chainId} (point BEACON_URLS at a node of the same network)`,
    );
  }
  if (params.beacon.address.toLowerCase() !== expected.depositContract.toLowerCase()) {
    problems.push(
      `the beacon node's deposit contract is ${params.beacon.address}, expected ${expected.depositContract} (check BEACON_URLS and the network's deposit contract)`,
    );
  }
  if (params.ssvApiNetwork !== expected.ssvApiNetwork) {
    problems.push(
      `the SSV API network is "${params.ssvApiNetwork}", expected "${expected.ssvApiNetwork}" (set SSV_API_NETWORK=${expected.ssvApiNetwork})`,
    );
  }
  if (problems.length > 0) {
    throw new DvtError(
      'ERR_NETWORK_MISMATCH',
      `The configured endpoints disagree: ${problems.join('; ')}.`,
      {
        details: {
          executionChainId: params.executionChainId,
          beaconChainId: String(params.beacon.chainId),
          beaconDepositContract: params.beacon.address.toLowerCase(),
          ssvApiNetwork: params.ssvApiNetwork,
          expectedChainId: expected.chainId,
        },
        hint: 'Fix the endpoint URLs so all serve one network, then restart.',
      },
    );
  }
}

/** The endpoints a cross-check names (hosts only, never full URLs). */
export interface AgreementEndpoints {
  /** Host of the execution RPC. */
  executionRpc: string;
  /** Hosts of the beacon nodes. */
  beacon: readonly string[];
  /** Host of the SSV API. */
  ssvApi: string;
  /** The SSV API's network segment. */
  ssvApiNetwork: string;
  /** The SSVNetwork contract read on the execution chain. */
  ssvNetwork: string;
  /** The execution chain id. */
  chainId: number;
}

/** Parameters of {@link checkSsvApiAgreement}. */
export interface CheckSsvApiAgreementParameters {
  ssvApi: Pick<SsvApiClient, 'getOperator'>;
  ssvNetwork: Pick<SsvNetworkClient, 'getOperatorById'>;
  endpoints: AgreementEndpoints;
  /** Operators to compare; default 1, 2 and 3 (every network that has operators has these). */
  operatorIds?: readonly number[];
}

/** What {@link checkSsvApiAgreement} found when it did not throw. */
export type SsvApiAgreement =
  /** The API and the chain agree on the owner of every operator in `compared`. */
  | { status: 'agree'; compared: number[] }
  /** The API did not answer (down, or a malformed body); nothing was compared. */
  | { status: 'unavailable'; reason: string }
  /** The API knows none of the sampled operators (or only removed ones): nothing to compare. */
  | { status: 'inconclusive'; reason: string };

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/**
 * Start-up check that the SSV API indexes the SSVNetwork contract of the execution chain: for a few
 * operator ids, the owner the API reports must be the owner `getOperatorById` returns on chain,
 * and an operator the API lists must exist on chain. Operators the API does not know, or reports
 * as removed or deleted, are not compared.
 *
 * Throws `ERR_NETWORK_MISMATCH` naming the three endpoints and every disagreement. An API that does
 * not answer is not an error here (`unavailable`): the worker can start and the API is retried
 * when it is needed. Chain read failures are thrown (nothing works without the RPC). Read-only.
 */
export async function checkSsvApiAgreement(
  params: CheckSsvApiAgreementParameters,
): Promise<SsvApiAgreement> {
  const { endpoints } = params;
  const ids = params.operatorIds ?? [1, 2, 3];
  const compared: number[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    let apiOperator: Awaited<ReturnType<SsvApiClient['getOperator']>>;
    try {
      apiOperator = await params.ssvApi.getOperator(id);
    } catch (error) {
      return {
        status: 'unavailable',
        reason: error instanceof Error ? error.message : String(error),
      };
    }
    if (apiOperator === null || apiOperator.status === 'Removed' || apiOperator.is_deleted) {
      continue;
    }
    const onChain = await params.ssvNetwork.getOperatorById(id);
    const apiOwner = apiOperator.owner_address.toLowerCase();
    const chainOwner = onChain.owner.toLowerCase();
    if (chainOwner === ZERO_ADDRESS) {
      problems.push(
        `operator ${id} is listed by the SSV API (owner ${apiOwner}) but does not exist on SSVNetwork ${endpoints.ssvNetwork}`,
      );
    } else if (chainOwner !== apiOwner) {
      problems.push(
        `operator ${id} is owned by ${apiOwner} on the SSV API but by ${chainOwner} on SSVNetwork ${endpoints.ssvNetwork}`,
      );
    }
    compared.push(id);
  }
  if (problems.length > 0) {
    throw new DvtError(
      'ERR_NETWORK_MISMATCH',
      `The SSV API ${endpoints.ssvApi} (network "${endpoints.ssvApiNetwork}") does not index the chain of the execution RPC ${endpoints.executionRpc} (chain ${endpoints.chainId}; beacon ${endpoints.beacon.join(', ')}): ${problems.join('; ')}.`,
      {
        details: {
          executionRpc: endpoints.executionRpc,
          beacon: endpoints.beacon.join(','),
          ssvApi: endpoints.ssvApi,
          ssvApiNetwork: endpoints.ssvApiNetwork,
          ssvNetwork: endpoints.ssvNetwork,
          chainId: endpoints.chainId,
          operatorsCompared: compared.join(','),
        },
        hint: 'Point SSV_API_URL/SSV_API_NETWORK at the API of the same network as EXECUTION_RPC_URL (or fix SSV_NETWORK), then restart.',
      },
    );
  }
  if (compared.length === 0) {
    return {
      status: 'inconclusive',
      reason: `the SSV API knows none of operators ${ids.join(', ')} (or only removed ones)`,
    };
  }
  return { status: 'agree', compared };
}

/**
 * {@link checkSsvApiAgreement} for the worker's start-up: throws on a mismatch, logs a warning when
 * the API is down or nothing could be compared (the worker still starts), an info line otherwise.
 */
export async function verifySsvApiAgreement(
  params: CheckSsvApiAgreementParameters,
  logger: FieldLogger | null,
): Promise<SsvApiAgreement> {
  const result = await checkSsvApiAgreement(params);
  const where = { ssvApi: params.endpoints.ssvApi, ssvApiNetwork: params.endpoints.ssvApiNetwork };
  if (result.status === 'agree') {
    logger?.info(
      { ...where, operatorsCompared: result.compared },
      'SSV API agrees with the chain on operator owners',
    );
  } else if (result.status === 'unavailable') {
    logger?.warn(
      { ...where, reason: result.reason },
      'SSV API unavailable at start-up; its network was not cross-checked',
    );
  } else {
    logger?.warn(
      { ...where, reason: result.reason },
      'SSV API network could not be cross-checked at start-up',
    );
  }
  return result;
}
