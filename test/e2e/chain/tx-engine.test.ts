/**
 * The transaction engine and the signer workflow against a real Hardhat node and a real Temporal
 * dev server, with faults injected between the worker and the node.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Contract } from 'ethers';
import { ContractFactory, HDNodeWallet, Mnemonic, type JsonRpcProvider } from 'ethers';
import { createChainActivities } from '../../../activities/chain/index.js';
import { makeRevertDecoder } from '../../../activities/chain/revert.js';
import { makeTxEngine, type TxRequest } from '../../../activities/chain/tx-engine.js';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import { compileSources, type ContractArtifact } from '../../../devnet/contracts/compile.js';
import { startFaultyRpcProxy, type FaultyRpcProxy } from '../../../devnet/faulty-rpc-proxy.js';
import { DEFAULT_GAS_POLICY } from '../../../domain/tx/fee-policy.js';
import { signerStatus, submitTx, workflowIds } from '../../../workflows/definitions.js';
import type { signer, SignerSettings, TxResult } from '../../../workflows/signer.js';
import {
  bundleWorkflows,
  createDevServerEnv,
  createTestWorker,
  eventually,
  stopTestWorkers,
} from '../../helpers/temporal.js';

const COUNTER = `// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;
contract Counter {
  error TooBig(uint256 value);
  uint256 public value;
  function bump(uint256 by) external {
    if (by > 10) revert TooBig(by);
    value += by;
  }
}
`;

const GWEI = 1_000_000_000n;
const settings: SignerSettings = {
  confirmations: 1,
  stuckAfterMs: 1500,
  pollMs: 100,
  feeWaitMs: 1000,
  replacementBumpBps: 1250,
  maxFeeCapWei: (500n * GWEI).toString(),
};

let chain: Chain;
let proxy: FaultyRpcProxy;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let direct: JsonRpcProvider;
let counter: Contract;
let account: string;
const taskQueue = `tx-engine-${randomUUID()}`;

beforeAll(async () => {
  const [startedChain, startedEnv, bundle] = await Promise.all([
    startChain(),
    createDevServerEnv(),
    bundleWorkflows(fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url))),
  ]);
  chain = startedChain;
  env = startedEnv;
  proxy = await startFaultyRpcProxy(chain.rpcUrl);
  direct = devnetProvider(chain.rpcUrl, chain.chainId);

  const mnemonic = Mnemonic.fromPhrase(chain.mnemonic);
  const deployer = HDNodeWallet.fromMnemonic(mnemonic, "m/44'/60'/0'/0/0").connect(direct);
  const routerKey = HDNodeWallet.fromMnemonic(mnemonic, "m/44'/60'/0'/0/1");
  account = routerKey.address;

  const artifact = compileSources({ 'Counter.sol': COUNTER }).Counter as ContractArtifact;
  counter = (await new ContractFactory(
    artifact.abi,
    artifact.bytecode,
    deployer,
  ).deploy()) as Contract;
  await counter.waitForDeployment();

  const engine = makeTxEngine({
    provider: devnetProvider(proxy.url, chain.chainId),
    chainId: chain.chainId,
    signers: new Map([[account.toLowerCase(), routerKey.connect(null)]]),
    decodeRevert: makeRevertDecoder([artifact.abi]),
    policy: DEFAULT_GAS_POLICY,
  });
  worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createChainActivities({ engine }),
  });
  running = worker.run();
});

afterAll(async () => {
  await stopTestWorkers();
  await running?.catch(() => undefined);
  await proxy?.stop();
  direct?.destroy();
  await chain?.stop();
  await env?.teardown();
});

async function bumpRequest(by: number, key = randomUUID()): Promise<TxRequest> {
  return {
    kind: 'counter.bump',
    idempotencyKey: `test/${key}`,
    from: account,
    to: await counter.getAddress(),
    data: counter.interface.encodeFunctionData('bump', [by]),
    valueWei: '0',
  };
}

async function submit(request: TxRequest): Promise<TxResult> {
  return env.client.workflow.executeUpdateWithStart(submitTx, {
    args: [request],
    updateId: request.idempotencyKey,
    startWorkflowOperation: new WithStartWorkflowOperation<typeof signer>('signer', {
      workflowId: workflowIds.signer(chain.chainId, account),
      taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ chainId: chain.chainId, account, settings }],
    }),
  });
}

const counterValue = async (): Promise<bigint> =>
  (await counter.connect(direct).getFunction('value')()) as bigint;
const sentCount = (): Promise<number> => direct.getTransactionCount(account, 'latest');

describe('transaction engine and signer workflow', () => {
  afterEach(() => proxy.setPlan({}));

  it('does not send a transaction twice when the response to its broadcast is lost', async () => {
    const [valueBefore, sentBefore] = [await counterValue(), await sentCount()];
    proxy.setPlan({ dropFirst: { method: 'eth_sendRawTransaction', count: 1 } });

    const result = await submit(await bumpRequest(1));

    expect(proxy.counts.dropped).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ status: 'mined', replacements: 0 });
    expect(await counterValue()).toBe(valueBefore + 1n);
    expect(await sentCount()).toBe(sentBefore + 1);
  });

  it('returns a would-be revert as a named, non-retryable error and sends nothing', async () => {
    const sentBefore = await sentCount();
    await expect(submit(await bumpRequest(11))).rejects.toMatchObject({
      cause: {
        type: 'ERR_TX_REVERTED',
        nonRetryable: true,
        message: 'counter.bump simulation reverted: TooBig(11).',
      },
    });
    expect(await sentCount()).toBe(sentBefore);
  });

  it('replaces a transaction stuck below the base fee with a fee-bumped one at the same nonce', async () => {
    const [valueBefore, sentBefore] = [await counterValue(), await sentCount()];
    await direct.send('evm_setAutomine', [false]);
    await direct.send('hardhat_setNextBlockBaseFeePerGas', [`0x${(100n * GWEI).toString(16)}`]);
    try {
      const request = await bumpRequest(2);
      const pending = submit(request);
      const handle = env.client.workflow.getHandle(workflowIds.signer(chain.chainId, account));
      const firstHash = await eventually(async () => {
        const status = await handle.query(signerStatus);
        const hash =
          status.current?.idempotencyKey === request.idempotencyKey
            ? status.current.hashes[0]
            : undefined;
        return hash && (await direct.getTransaction(hash)) ? hash : undefined;
      });
      await direct.send('evm_setIntervalMining', [200]);

      const result = await pending;
      if (result.status === 'failed') throw new Error(result.message);

      expect(result.status).toBe('mined');
      expect(result.replacements).toBeGreaterThanOrEqual(1);
      expect(result.hash).not.toBe(firstHash);
      expect(await direct.getTransactionReceipt(firstHash)).toBeNull();
      expect(await counterValue()).toBe(valueBefore + 2n);
      expect(await sentCount()).toBe(sentBefore + 1);
    } finally {
      await direct.send('evm_setIntervalMining', [0]);
      await direct.send('evm_setAutomine', [true]);
    }
  });

  it('gets every write done exactly once through an RPC that fails 30% of calls', async () => {
    const [valueBefore, sentBefore] = [await counterValue(), await sentCount()];
    proxy.setPlan({ failRate: 0.3, seed: 7 });
    const requests = await Promise.all([1, 2, 3, 4, 5].map((by) => bumpRequest(by)));

    const results = await Promise.all(requests.map((request) => submit(request)));
    const again = await submit(requests[0] as TxRequest);

    expect(proxy.counts.failed).toBeGreaterThan(0);
    expect(results.map((r) => r.status)).toEqual(['mined', 'mined', 'mined', 'mined', 'mined']);
    expect(new Set(results.map((r) => (r.status === 'failed' ? -1 : r.nonce))).size).toBe(5);
    expect(again).toEqual(results[0]);
    expect(await counterValue()).toBe(valueBefore + 15n);
    expect(await sentCount()).toBe(sentBefore + 5);
  });

  it('does not take a mined-then-reorged transaction for a foreign one at its nonce', async () => {
    // A reorg lands between the engine's reads: the receipt read already sees the chain without
    // the block, while a nonce read at the head would still count the transaction. Before the
    // fix, the engine reported `nonce-taken` and the signer moved to the next nonce for ever.
    const key = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(chain.mnemonic), "m/44'/60'/0'/0/2");
    const provider = devnetProvider(chain.rpcUrl, chain.chainId);
    const readReceipt = provider.getTransactionReceipt.bind(provider);
    let reorgTo: string | null = null;
    provider.getTransactionReceipt = async (hash) => {
      if (reorgTo) {
        await direct.send('evm_revert', [reorgTo]);
        reorgTo = null;
      }
      return readReceipt(hash);
    };
    const engine = makeTxEngine({
      provider,
      chainId: chain.chainId,
      signers: new Map([[key.address.toLowerCase(), key.connect(null)]]),
      decodeRevert: makeRevertDecoder([counter.interface.fragments]),
      policy: DEFAULT_GAS_POLICY,
    });
    const request = { ...(await bumpRequest(2)), from: key.address };
    const planned = await engine.plan(request);
    if (planned.decision.action !== 'send') throw new Error('expected a send decision');
    const nonce = await engine.pendingNonce(key.address);
    const signed = await engine.sign(request, nonce, planned.decision, planned.gasLimit);
    await direct.send('evm_setAutomine', [false]);
    try {
      const snapshot = (await direct.send('evm_snapshot', [])) as string;
      await engine.broadcast(signed.raw);
      await direct.send('evm_mine', []);
      expect(await engine.check(request, nonce, [signed.hash], 2)).toMatchObject({
        status: 'mined',
        confirmations: 1,
      });

      reorgTo = snapshot;
      const afterReorg = await engine.check(request, nonce, [signed.hash], 2);

      expect(reorgTo).toBeNull();
      expect(afterReorg).toEqual({ status: 'pending', inMempool: false });
      // What the signer's await does next: send the same bytes again; they are mined once.
      await engine.broadcast(signed.raw);
      await direct.send('evm_mine', []);
      await direct.send('evm_mine', []);
      expect(await engine.check(request, nonce, [signed.hash], 2)).toMatchObject({
        status: 'mined',
        confirmations: 2,
        hash: signed.hash,
      });
      expect(await direct.getTransactionCount(key.address, 'latest')).toBe(nonce + 1);
    } finally {
      await direct.send('evm_setAutomine', [true]);
      provider.destroy();
    }
  });
});
