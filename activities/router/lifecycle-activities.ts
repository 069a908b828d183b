/**
 * The router's implementation of the lifecycle contract (activities/router/lifecycle-contract.ts):
 * what `validatorLifecycle` and `batcher` call. Built from the clients of the pool, SSV network,
 * SSV API, beacon node, the keys activities and the signer submission (DESIGN.md §3):
 *
 * - writes read the chain first and report effects already there as done (principle 1);
 * - inputs and outputs are public data; keys are used inside the keys activities only
 *   (principle 2), and no error text carries a secret;
 * - every transaction goes through the account's signer with an idempotency key (principle 3)
 *   and is simulated there before it is sent (principle 4);
 * - deposits, stakes, registrations and removals are batched, one transaction per batch
 *   (principle 6; lifecycle-batch.ts).
 */
import { getClient } from '@temporalio/activity';
import { DvtError } from '../../domain/errors.js';
import { clusterIdOf, normalizeOperatorIds } from '../../domain/ssv/cluster.js';
import { selectOperators as selectOperatorSet } from '../../domain/operators/select-operators.js';
import type { EligibilityPolicy } from '../../domain/operators/eligibility.js';
import {
  TASK_QUEUE,
  batchSubmit,
  wakeClusterKeeper,
  workflowIds,
} from '../../workflows/definitions.js';
import type { batcher } from '../../workflows/batcher.js';
import type { clusterKeeper } from '../../workflows/cluster-keeper.js';
import { withFailures } from '../failure.js';
import { mapConcurrent } from '../chain/chain-read.js';
import { toOperatorCandidate } from '../ssv/ssv-api-client.js';
import type {
  BatchActivities,
  BeaconValidatorStatus,
  BeaconValidatorView,
  ExitPath,
  LifecycleActivities,
  SelectOperatorsResult,
  SubmitBatchItemParameters,
} from './lifecycle-contract.js';
import { makeExecuteBatch } from './lifecycle-batch.js';
import { makeOwnerIndex } from '../ssv/cluster-index-sync.js';
import { errorData, type LifecycleActivityDeps } from './lifecycle-deps.js';

export type {
  LifecycleActivityDeps,
  LifecycleActivitySettings,
  OperatorPolicySettings,
} from './lifecycle-deps.js';

/** Beacon statuses at or after the start of an exit: an exit is not sent again. */
const EXITING: readonly BeaconValidatorStatus[] = [
  'active_exiting',
  'active_slashed',
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
];

/** A beacon refusal that passes with time: the validator is too young to exit. */
const TOO_YOUNG = /not been active long enough|SHARD_COMMITTEE_PERIOD|too young/i;

/**
 * Creates the router's lifecycle and batch activities (contract:
 * activities/router/lifecycle-contract.ts), wrapped by `withFailures` so DvtErrors leave as
 * ApplicationFailures typed by their code.
 *
 * Idempotency: every method is safe to retry. Reads are side-effect free; `executeBatch` and
 * `submitExit` read the chain (or the beacon node) first and send nothing for effects already
 * there; transactions carry the batch id / step key, which the signer deduplicates;
 * `submitBatchItem` and `notifyClusterKeeper` are signal-with-starts to business-keyed workflows.
 * `executeBatch`, `submitExit`, `submitBatchItem` and `notifyClusterKeeper` must run inside an
 * activity (they use the activity's Temporal client and heartbeat).
 *
 * Errors: `ERR_CONFIG` (settings disagree with the clients, or the `eip7002` exit path, which the
 * StaFi pool contract drives itself), `ERR_INVALID_INPUT` (a malformed call), and those of the
 * clients (`ERR_UPSTREAM_*`, `ERR_TX_*`, `ERR_KEYSTORE`, `ERR_VOLUNTARY_EXIT_REJECTED`).
 */
export function createLifecycleActivities(deps: LifecycleActivityDeps) {
  const { pool, ssv, ssvApi, beacon, keys, submit, settings } = deps;
  const owner = ssv.owner.toLowerCase();
  if (settings.ownerAddress.toLowerCase() !== owner) {
    throw new DvtError(
      'ERR_CONFIG',
      `The SSV client owner ${ssv.owner} is not the configured owner ${settings.ownerAddress}.`,
      { details: { ssvOwner: ssv.owner, ownerAddress: settings.ownerAddress } },
    );
  }
  const taskQueue = settings.taskQueue ?? TASK_QUEUE;
  const freshIndex = deps.ownerIndex ?? makeOwnerIndex(deps.indexSync);
  const executeBatch = makeExecuteBatch(deps, freshIndex);

  function checkPool(poolAddress: string): void {
    if (poolAddress.toLowerCase() !== settings.pool.toLowerCase()) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `Pool ${poolAddress} is not the pool ${settings.pool} this worker serves.`,
        { details: { pool: poolAddress } },
      );
    }
  }

  let epochParameters: { slotsPerEpoch: bigint; shardCommitteePeriod: bigint } | undefined;

  async function readValidator(pubkey: string): Promise<BeaconValidatorView> {
    const validator = await beacon.getValidator(pubkey.toLowerCase());
    if (validator === null) return { found: false };
    const view = { found: true, index: validator.index, status: validator.status };
    if (validator.status !== 'active_ongoing') return { ...view, exitEligible: false };
    if (!epochParameters) {
      const spec = await beacon.getSpec();
      epochParameters = {
        slotsPerEpoch: BigInt(spec.SLOTS_PER_EPOCH ?? '32'),
        shardCommitteePeriod: BigInt(spec.SHARD_COMMITTEE_PERIOD ?? '256'),
      };
    }
    const { headSlot } = await beacon.getSyncing();
    const currentEpoch = BigInt(headSlot) / epochParameters.slotsPerEpoch;
    const eligibleAt =
      BigInt(validator.validator.activation_epoch) + epochParameters.shardCommitteePeriod;
    return { ...view, exitEligible: currentEpoch >= eligibleAt };
  }

  /** Temporal calls from an activity; a failure to reach the server is retryable. */
  async function temporal<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (errorData(error) !== null) throw error;
      throw new DvtError('ERR_UPSTREAM_UNAVAILABLE', `Temporal did not accept ${what}.`, {
        details: { what },
        cause: error,
      });
    }
  }

  async function exitThroughSsv(params: {
    pubkey: string;
    operatorIds: number[];
    idempotencyKey: string;
  }): Promise<{ alreadyDone: boolean; txHash?: string }> {
    const index = await freshIndex();
    const prepared = await ssv.exitValidator({
      index,
      operatorIds: params.operatorIds,
      publicKey: params.pubkey,
      idempotencyKey: params.idempotencyKey,
    });
    if (prepared.alreadyDone) return { alreadyDone: true };
    const result = await submit(prepared.request);
    if (result.status === 'failed' || result.status === 'reverted') {
      const why =
        result.status === 'failed'
          ? `${result.code}: ${result.message}`
          : `transaction ${result.hash} reverted: ${result.revert?.summary ?? 'no reason'}`;
      throw new DvtError(
        'ERR_TX_REVERTED',
        `SSV exitValidator of ${params.pubkey} failed: ${why}.`,
        {
          details: { pubkey: params.pubkey, idempotencyKey: params.idempotencyKey },
        },
      );
    }
    return { alreadyDone: false, txHash: result.hash };
  }

  async function voluntaryExit(params: {
    keyIndex: number;
    pubkey: string;
    validatorIndex: string;
  }): Promise<{ alreadyDone: boolean }> {
    if (settings.dryRun) {
      throw new DvtError(
        'ERR_DRY_RUN',
        `Dry run: the voluntary exit of validator ${params.validatorIndex} would be signed and ` +
          'posted now; nothing is signed in dry-run mode.',
        { details: { validatorIndex: params.validatorIndex, pubkey: params.pubkey } },
      );
    }
    const [spec, syncing] = await Promise.all([beacon.getSpec(), beacon.getSyncing()]);
    const slotsPerEpoch = BigInt(spec.SLOTS_PER_EPOCH ?? '32');
    const epoch = (BigInt(syncing.headSlot) / slotsPerEpoch).toString();
    const signed = await keys.signVoluntaryExit({
      keyIndex: params.keyIndex,
      epoch,
      validatorIndex: params.validatorIndex,
    });
    try {
      await beacon.submitVoluntaryExit(signed);
    } catch (error) {
      // Beacon nodes answer an accepted exit with 200 and an empty body, which the beacon client
      // reports as malformed; the validator's status is what counts.
      if (error instanceof DvtError && error.code === 'ERR_UPSTREAM_MALFORMED') {
        const view = await readValidator(params.pubkey);
        if (view.status !== undefined && EXITING.includes(view.status)) {
          return { alreadyDone: false };
        }
      }
      if (
        error instanceof DvtError &&
        error.code === 'ERR_VOLUNTARY_EXIT_REJECTED' &&
        TOO_YOUNG.test(String(error.details.nodeMessage ?? error.message))
      ) {
        throw new DvtError(
          'ERR_UPSTREAM_UNAVAILABLE',
          `Validator ${params.validatorIndex} cannot exit yet: it has not been active long enough.`,
          {
            details: { validatorIndex: params.validatorIndex, epoch },
            cause: error,
            hint: 'The exit is retried; the beacon chain accepts it after SHARD_COMMITTEE_PERIOD.',
          },
        );
      }
      throw error;
    }
    return { alreadyDone: false };
  }

  const lifecycle: LifecycleActivities = {
    async deriveValidatorPubkey({ keyIndex }) {
      const { pubkey } = await keys.deriveValidatorPubkey({ keyIndex });
      return { pubkey: pubkey.toLowerCase() };
    },

    async readPubkeyStatus({ pool: poolAddress, pubkey }) {
      checkPool(poolAddress);
      const key = pubkey.toLowerCase();
      const statuses = await pool.getPubkeyStatuses([key]);
      const status = statuses[key];
      if (status === undefined) {
        throw new DvtError('ERR_UPSTREAM_MALFORMED', `The pool returned no status for ${key}.`, {
          details: { pubkey: key },
        });
      }
      return { status };
    },

    async selectOperators({ avoidOperatorIds }): Promise<SelectOperatorsResult> {
      const [listing, limit, index] = await Promise.all([
        ssvApi.listOperators(),
        ssv.getValidatorsPerOperatorLimit(),
        freshIndex(),
      ]);
      const onChain = await mapConcurrent(listing.operators, 8, (operator) =>
        ssv.getOperatorById(operator.id),
      );
      const privateIds = onChain.filter((o) => o.isPrivate).map((o) => o.id);
      const whitelisted = new Set(
        privateIds.length > 0 ? await ssv.getWhitelistedOperators(privateIds) : [],
      );
      const candidates = listing.operators.map((operator, i) => {
        const facts = onChain[i];
        return toOperatorCandidate(operator, {
          owner,
          ...(facts === undefined ? {} : { onChain: facts }),
          whitelistedForOwner: whitelisted.has(operator.id),
        });
      });
      const policySettings = settings.operatorPolicy;
      const policy: EligibilityPolicy = {
        validatorsPerOperatorLimit: limit,
        feeCap: BigInt(policySettings.feeCapWei),
        ...(policySettings.capacityHeadroom === undefined
          ? {}
          : { capacityHeadroom: policySettings.capacityHeadroom }),
        ...(policySettings.allowList === undefined ? {} : { allowList: policySettings.allowList }),
        denyList: [...(policySettings.denyList ?? []), ...avoidOperatorIds],
      };
      const selection = selectOperatorSet({
        candidates,
        clusterSize: settings.clusterSize,
        policy,
        existingClusters: Object.values(index.clusters).map((entry) => ({
          operatorIds: entry.operatorIds,
          active: entry.cluster.active,
          version: entry.version,
        })),
      });
      if (!selection.ok) return { ok: false, reason: selection.reason };
      return {
        ok: true,
        operatorIds: selection.operatorIds,
        clusterId: clusterIdOf(owner, selection.operatorIds),
      };
    },

    readValidatorOnBeacon: ({ pubkey }) => readValidator(pubkey),

    async submitExit(params) {
      const path: ExitPath = params.path;
      if (path === 'eip7002') {
        throw new DvtError(
          'ERR_CONFIG',
          `The router cannot send an EIP-7002 exit for ${params.pubkey}: the StaFi pool contract sends those itself.`,
          {
            details: { pubkey: params.pubkey, path },
            hint: 'Set the lifecycle exit path to "ssv" or "voluntary".',
          },
        );
      }
      const view = await readValidator(params.pubkey);
      if (view.status !== undefined && EXITING.includes(view.status)) return { alreadyDone: true };
      if (path === 'ssv') {
        return exitThroughSsv({
          pubkey: params.pubkey.toLowerCase(),
          operatorIds: normalizeOperatorIds(params.operatorIds),
          idempotencyKey: params.idempotencyKey,
        });
      }
      if (!view.found || view.index !== params.validatorIndex) {
        throw new DvtError(
          'ERR_INVALID_INPUT',
          `The beacon node shows ${params.pubkey} as validator ${view.index ?? 'none'}, not ${params.validatorIndex}.`,
          { details: { pubkey: params.pubkey, validatorIndex: params.validatorIndex } },
        );
      }
      return voluntaryExit(params);
    },

    async notifyClusterKeeper({ owner: clusterOwner, operatorIds }) {
      const ids = normalizeOperatorIds(operatorIds);
      await temporal('the cluster keeper wake-up', () =>
        getClient().workflow.signalWithStart<typeof clusterKeeper, []>('clusterKeeper', {
          workflowId: workflowIds.cluster(clusterOwner, ids),
          taskQueue,
          args: [
            {
              owner: clusterOwner.toLowerCase(),
              operatorIds: ids,
              settings: settings.clusterKeeper,
            },
          ],
          signal: wakeClusterKeeper,
          signalArgs: [],
        }),
      );
    },

    async submitBatchItem({ kind, key, item, replyTo }: SubmitBatchItemParameters) {
      await temporal(`batch item ${item.itemKey}`, () =>
        getClient().workflow.signalWithStart<
          typeof batcher,
          [{ item: typeof item; replyTo: string }]
        >('batcher', {
          workflowId: workflowIds.batcher(kind, key),
          taskQueue,
          args: [{ kind, key, settings: settings.batcher }],
          signal: batchSubmit,
          signalArgs: [{ item, replyTo }],
        }),
      );
    },
  };

  const batch: BatchActivities = { executeBatch };

  return withFailures({ ...lifecycle, ...batch });
}

/** The router's lifecycle and batch activities. */
export type RouterLifecycleActivities = ReturnType<typeof createLifecycleActivities>;
