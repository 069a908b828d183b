import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createChainActivities } from '../../../activities/chain/index.js';
import type { TxEngine, TxPlan, TxRequest } from '../../../activities/chain/tx-engine.js';

const request: TxRequest = {
  kind: 'pool.deposit',
  idempotencyKey: 'batcher/pool.deposit/0xpool/1',
  from: '0x1111111111111111111111111111111111111111',
  to: '0x2222222222222222222222222222222222222222',
  data: '0x',
  valueWei: '1000000000000000000',
};

const plan: TxPlan = {
  gasLimit: '120000',
  baseFeeWei: '1000000000',
  decision: {
    action: 'send',
    maxFeePerGas: '3000000000',
    maxPriorityFeePerGas: '1000000000',
    aboveCap: false,
    reason: 'fees below the cap',
  },
};

/** An engine that plans and records whether anything tried to sign or send. */
function fakeEngine(): { engine: TxEngine; calls: string[] } {
  const calls: string[] = [];
  const engine = {
    plan: (r: TxRequest) => {
      calls.push(`plan ${r.kind}`);
      return Promise.resolve(plan);
    },
    sign: () => {
      calls.push('sign');
      return Promise.reject(new Error('must not sign'));
    },
    broadcast: () => {
      calls.push('broadcast');
      return Promise.reject(new Error('must not send'));
    },
  } as unknown as TxEngine;
  return { engine, calls };
}

type SignInput = Parameters<ReturnType<typeof createChainActivities>['signTransaction']>[0];

describe('dry-run chain activities', () => {
  it('simulate as usual and refuse to sign with ERR_DRY_RUN, never touching the signer', async () => {
    const { engine, calls } = fakeEngine();
    const activities = createChainActivities({ engine, dryRun: true });
    const env = new MockActivityEnvironment();

    await expect(
      env.run((r: TxRequest) => activities.planTransaction(r), request),
    ).resolves.toEqual(plan);
    const signing = env.run((input: SignInput) => activities.signTransaction(input), {
      request,
      nonce: 0,
      maxFeePerGas: '3000000000',
      maxPriorityFeePerGas: '1000000000',
      gasLimit: '120000',
    });
    await expect(signing).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(signing).rejects.toMatchObject({
      type: 'ERR_DRY_RUN',
      nonRetryable: true,
      message: expect.stringContaining('Dry run: pool.deposit simulated successfully') as unknown,
    });
    expect(calls).toEqual(['plan pool.deposit']);
  });

  it('sign normally when dry-run is off', async () => {
    const { engine, calls } = fakeEngine();
    const activities = createChainActivities({ engine });
    const env = new MockActivityEnvironment();
    await expect(
      env.run((input: SignInput) => activities.signTransaction(input), {
        request,
        nonce: 0,
        maxFeePerGas: '3000000000',
        maxPriorityFeePerGas: '1000000000',
        gasLimit: '120000',
      }),
    ).rejects.toThrow('must not sign');
    expect(calls).toEqual(['sign']);
  });
});
