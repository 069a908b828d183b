/**
 * The signer's gas deadline: a time-critical request past its deadline goes before requests that
 * wait for lower fees, and goes out above the fee cap; a stuck transaction is replaced above the
 * cap once a time-critical request waits behind its nonce. The chain is a fake whose planning uses
 * the real fee policy; the server is a real dev server, so deadlines run on the wall clock (the
 * fake `awaitTransaction` takes real time like the real one, which a time-skipping server would
 * turn into a busy loop).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ChainActivities } from '../../activities/chain/index.js';
import type { SignedTx, TxPlan, TxRequest } from '../../activities/chain/tx-engine.js';
import { decideFees, DEFAULT_GAS_POLICY, type GasPolicy } from '../../domain/tx/fee-policy.js';
import { signerStatus, submitTx } from '../../workflows/definitions.js';
import type { signer, SignerSettings, TxResult } from '../../workflows/signer.js';
import {
  allSettled,
  bundleWorkflows,
  createDevServerEnv,
  eventually,
} from '../helpers/temporal.js';
import { withWorker } from '../fixtures/monitor-world.js';

const GWEI = 1_000_000_000n;
const CAP = 100n * GWEI;
const CEILING = 400n * GWEI;
const policy: GasPolicy = { ...DEFAULT_GAS_POLICY, maxFeeCapWei: CAP, deadlineFeeCapWei: CEILING };
const settings: SignerSettings = {
  confirmations: 1,
  stuckAfterMs: 300,
  pollMs: 50,
  feeWaitMs: 400,
  replacementBumpBps: 1_250,
  maxFeeCapWei: CAP.toString(),
  maxFeePastDeadlineWei: CEILING.toString(),
};
const ACCOUNT = '0x00000000000000000000000000000000000000aa';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await allSettled([
    createDevServerEnv(),
    bundleWorkflows(fileURLToPath(new URL('../../workflows/index.ts', import.meta.url))),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

interface Signed {
  key: string;
  nonce: number;
  maxFeePerGas: bigint;
  atMs: number;
}

/**
 * A chain whose base fee the test sets. A version is mined when its max fee covers the base fee
 * and is above `minedAbove` (a congested mempool); else the await reports it stuck.
 */
function fakeChain() {
  const chain = {
    baseFee: 300n * GWEI,
    minedAbove: 0n,
    /** How far the planning worker's clock lags the workflow's. */
    plannerLagMs: 0,
    plans: 0,
    signed: [] as Signed[],
  };
  const byHash = new Map<string, Signed>();
  const activities: Pick<
    ChainActivities,
    | 'planTransaction'
    | 'readPendingNonce'
    | 'signTransaction'
    | 'broadcastTransaction'
    | 'awaitTransaction'
  > = {
    planTransaction: (request: TxRequest): Promise<TxPlan> => {
      chain.plans++;
      const decision = decideFees({
        baseFeeWei: chain.baseFee,
        policy,
        nowMs: Date.now() - chain.plannerLagMs,
        deadlineMs: request.deadlineMs,
      });
      return Promise.resolve({
        gasLimit: '100000',
        baseFeeWei: chain.baseFee.toString(),
        decision:
          decision.action === 'wait'
            ? decision
            : {
                action: 'send',
                maxFeePerGas: decision.fees.maxFeePerGas.toString(),
                maxPriorityFeePerGas: decision.fees.maxPriorityFeePerGas.toString(),
                aboveCap: decision.aboveCap,
                reason: decision.reason,
              },
      });
    },
    readPendingNonce: () => Promise.resolve(7),
    signTransaction: ({ request, nonce, maxFeePerGas, maxPriorityFeePerGas, gasLimit }) => {
      const signed: Signed = {
        key: request.idempotencyKey,
        nonce,
        maxFeePerGas: BigInt(maxFeePerGas),
        atMs: Date.now(),
      };
      chain.signed.push(signed);
      const hash = `0x${chain.signed.length.toString(16).padStart(64, '0')}`;
      byHash.set(hash, signed);
      const tx: SignedTx = {
        hash,
        raw: hash,
        nonce,
        maxFeePerGas,
        maxPriorityFeePerGas,
        gasLimit,
        calldataHash: '0x',
      };
      return Promise.resolve(tx);
    },
    broadcastTransaction: () => Promise.resolve('accepted'),
    awaitTransaction: async ({ versions, stuckAfterMs }) => {
      await delay(stuckAfterMs);
      const newest = versions[versions.length - 1];
      const signed = newest ? byHash.get(newest.hash) : undefined;
      if (!newest || !signed || signed.maxFeePerGas <= chain.minedAbove) {
        return { status: 'stuck', waitedMs: stuckAfterMs };
      }
      return {
        status: 'mined',
        hash: newest.hash,
        blockNumber: 100,
        confirmations: 1,
        gasUsed: '50000',
        effectiveGasPrice: chain.baseFee.toString(),
      };
    },
  };
  return { chain, activities };
}

const request = (name: string, deadlineMs?: number): TxRequest => ({
  kind: 'test.write',
  idempotencyKey: `test/${name}/${randomUUID()}`,
  from: ACCOUNT,
  to: '0x00000000000000000000000000000000000000bb',
  data: '0x',
  valueWei: '0',
  ...(deadlineMs === undefined ? {} : { deadlineMs }),
});

/** Runs a signer served by `activities` for the duration of `body`. */
function withSigner<T>(
  activities: ReturnType<typeof fakeChain>['activities'],
  body: (
    submit: (r: TxRequest) => Promise<TxResult>,
    status: () => Promise<{ queued: string[] }>,
  ) => Promise<T>,
): Promise<T> {
  return withWorker(env, bundle, activities, async (taskQueue) => {
    const handle = await env.client.workflow.start<typeof signer>('signer', {
      taskQueue,
      workflowId: `signer/test/${randomUUID()}`,
      args: [{ chainId: 31337, account: ACCOUNT, settings }],
    });
    return body(
      (r) => handle.executeUpdate(submitTx, { args: [r] }),
      () => handle.query(signerStatus),
    );
  });
}

describe('signer gas deadline', () => {
  it('sends a time-critical request first and above the cap once its deadline passes; the rest wait for lower fees', async () => {
    const { chain, activities } = fakeChain();
    await withSigner(activities, async (submit, status) => {
      const patient = submit(request('patient'));
      await eventually(async () => ((await status()).queued.length === 1 ? true : undefined));
      const deadlineMs = Date.now() + 2_500;
      const urgent = submit(request('urgent', deadlineMs));
      await eventually(async () => ((await status()).queued.length === 2 ? true : undefined));
      expect(chain.signed).toEqual([]);

      const urgentResult = await urgent;
      expect(urgentResult).toMatchObject({ status: 'mined', aboveCap: true, nonce: 7 });
      expect(chain.signed).toHaveLength(1);
      expect(chain.signed[0]?.key).toMatch(/^test\/urgent\//);
      expect(chain.signed[0]?.atMs).toBeGreaterThanOrEqual(deadlineMs);
      // Above the cap: the policy's quote at 300 gwei of base fee (2 × 300 + 1 gwei), clamped
      // to the past-deadline ceiling.
      expect(chain.signed[0]?.maxFeePerGas).toBe(CEILING);
      expect((await status()).queued).toHaveLength(1);

      chain.baseFee = 10n * GWEI;
      const patientResult = await patient;
      expect(patientResult).toMatchObject({ status: 'mined', aboveCap: false, nonce: 8 });
      expect(chain.signed.map((s) => s.key.split('/')[1])).toEqual(['urgent', 'patient']);
      expect(chain.signed[1]?.maxFeePerGas).toBeLessThanOrEqual(CAP);
    });
  });

  it('replaces a stuck transaction above the cap only once a time-critical request waits behind its nonce', async () => {
    const { chain, activities } = fakeChain();
    // Base fee 95 gwei: the first version goes out clamped to the cap (100 gwei), and only a
    // version above the cap is mined.
    chain.baseFee = 95n * GWEI;
    chain.minedAbove = CAP;
    await withSigner(activities, async (submit) => {
      const stuck = submit(request('stuck'));
      await eventually(() => Promise.resolve(chain.signed.length === 1 ? true : undefined));
      expect(chain.signed[0]?.maxFeePerGas).toBe(CAP);
      const deadlineMs = Date.now() + 2_000;
      const urgent = submit(request('urgent', deadlineMs));

      const stuckResult = await stuck;
      expect(stuckResult).toMatchObject({ status: 'mined', nonce: 7, replacements: 1 });
      const [first, replacement] = chain.signed;
      expect(replacement?.key).toBe(first?.key);
      expect(replacement?.nonce).toBe(7);
      // Not replaced before the deadline (the bump would break the cap), then at the market
      // quote above it (2 × 95 + 1 gwei), not one 12.5 % step at a time.
      expect(replacement?.atMs).toBeGreaterThanOrEqual(deadlineMs);
      expect(replacement?.maxFeePerGas).toBe(191n * GWEI);

      const urgentResult = await urgent;
      expect(urgentResult).toMatchObject({ status: 'mined', nonce: 8, aboveCap: true });
      expect(chain.signed[2]?.key).toMatch(/^test\/urgent\//);
    });
  });

  it('past its deadline waits, without a busy loop, while even the base fee is above the ceiling; the workflow clock decides', async () => {
    const { chain, activities } = fakeChain();
    chain.baseFee = 500n * GWEI;
    // The planning worker's clock lags by a minute: it alone would never see the deadline pass.
    chain.plannerLagMs = 60_000;
    await withSigner(activities, async (submit, status) => {
      const deadlineMs = Date.now() + 500;
      const urgent = submit(request('urgent', deadlineMs));
      await eventually(async () => ((await status()).queued.length === 1 ? true : undefined));
      const other = submit(request('other-urgent', deadlineMs));
      await eventually(async () => ((await status()).queued.length === 2 ? true : undefined));
      await delay(2_500);
      // About one plan per feeWaitMs (400 ms) since the deadline, nothing signed.
      expect(chain.signed).toEqual([]);
      expect(chain.plans).toBeLessThan(20);

      chain.baseFee = 300n * GWEI;
      expect(await urgent).toMatchObject({ status: 'mined', aboveCap: true, nonce: 7 });
      expect(await other).toMatchObject({ status: 'mined', aboveCap: true, nonce: 8 });
      expect(chain.signed.map((s) => s.maxFeePerGas)).toEqual([CEILING, CEILING]);
    });
  });
});
