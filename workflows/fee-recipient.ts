/**
 * feeRecipient — one per SSV owner (`fee-recipient/<owner>`). Each round: read the pool's fee pool
 * (StaFi `stafiSuperNodeFeePool`), make the owner's SSV fee recipient equal to it (the activity
 * reads the current recipient first and sends `setFeeRecipientAddress` only when it differs), then
 * sleep; continue-as-new after a bounded number of rounds. A failed round is shown in `status`
 * and retried next round.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/router/monitor-contract.js';
import { CHAIN_WRITE, READ } from './activity-presets.js';
import { feeRecipientStatus, type FeeRecipientStatus } from './definitions.js';

/** Cadence of the fee-recipient check. */
export interface FeeRecipientSettings {
  checkIntervalMs: number;
  roundsPerRun: number;
}

/** Input of {@link feeRecipient}. */
export interface FeeRecipientInput {
  pool: string;
  owner: string;
  settings: FeeRecipientSettings;
  /** Carried across continue-as-new. */
  carried?: { rounds: number };
}

const read = proxyActivities<MonitorActivities>(READ);
const write = proxyActivities<MonitorActivities>(CHAIN_WRITE);

/** Keeps the owner's SSV fee recipient equal to the pool's fee pool. */
export async function feeRecipient(input: FeeRecipientInput): Promise<never> {
  const { pool, owner, settings } = input;
  const { workflowId, runId } = workflowInfo();
  const status: FeeRecipientStatus = {
    rounds: input.carried?.rounds ?? 0,
    recipient: null,
    lastAction: null,
    lastError: null,
  };
  setHandler(feeRecipientStatus, () => status);

  for (let round = 0; round < settings.roundsPerRun; round++) {
    try {
      const recipient = await read.readFeePool({ pool });
      status.recipient = recipient;
      // Unique per round: a later drift (someone else changed it) must send a new transaction.
      const result = await write.setFeeRecipient({
        owner,
        recipient,
        idempotencyKey: `${workflowId}/${runId}/${round}`,
      });
      if (result.action === 'skipped') {
        status.lastAction = `unchanged: ${result.reason}`;
      } else if (result.tx.status === 'mined') {
        status.lastAction = `set to ${recipient} in ${result.tx.hash}`;
        log.info('SSV fee recipient set', { owner, recipient, hash: result.tx.hash });
      } else {
        throw ApplicationFailure.create({
          type: result.tx.status === 'failed' ? result.tx.code : 'ERR_TX_REVERTED',
          message: `setting the fee recipient of ${owner} to ${recipient} did not succeed (${result.tx.status})`,
          nonRetryable: true,
        });
      }
      status.lastError = null;
    } catch (error) {
      status.lastError = describe(error);
      log.warn('fee recipient round failed; retrying next round', { error: status.lastError });
    }
    status.rounds++;
    await sleep(settings.checkIntervalMs);
  }
  return continueAsNew<typeof feeRecipient>({ ...input, carried: { rounds: status.rounds } });
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
  return `${type}${cause instanceof Error ? cause.message : String(cause)}`;
}
