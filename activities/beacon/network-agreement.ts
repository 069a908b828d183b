/**
 * Start-up check that every configured endpoint serves the same network (DESIGN.md principle:
 * fail before any write): the execution RPC's chain id, the beacon node's deposit contract
 * (`/eth/v1/config/deposit_contract`) and the SSV API network name must match what the router is
 * configured for. Pure: the caller fetches the inputs.
 */
import { DvtError } from '../../domain/errors.js';

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
