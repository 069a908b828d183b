// The trusted-node oracle on a real chain with the beacon simulator: it holds votes while stalled,
// votes MATCH for a clean super-node deposit (which then stakes and activates), and UNMATCH for a
// pubkey front-run with foreign credentials. Ingestion and votes run on explicit calls.
import { computeWithdrawalCredentials } from '../../../domain/beacon/withdrawal-credentials.js';
import { startBeaconSim, type BeaconSim } from '../../../devnet/beacon-sim/start-beacon-sim.js';
import { startOracle, type Oracle } from '../../../devnet/oracle/start-oracle.js';
import { depositDataRoot, read } from '../contracts/pool-helpers.js';
import {
  PRE_DEPOSIT_GWEI,
  directDeposit,
  http,
  signedDeposit,
  startPoolFixture,
  superNodeDeposit,
  superNodeStake,
  validatorKey,
  type ApiBody,
  type PoolFixture,
  type ValidatorJson,
} from './beacon-sim-helpers.js';

let f: PoolFixture;
let sim: BeaconSim;
let oracle: Oracle;
const nowMs = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  f = await startPoolFixture();
  sim = await startBeaconSim({
    rpcUrl: f.chain.rpcUrl,
    chainId: f.chain.chainId,
    depositContract: f.deployed.addresses.depositContract,
    fromBlock: f.deployed.deployBlock,
    pollMs: 0,
    now: () => nowMs,
  });
  oracle = startOracle({
    rpcUrl: f.chain.rpcUrl,
    chainId: f.chain.chainId,
    trustedNodeKeys: [f.trusted[0]],
    superNode: f.deployed.addresses.superNode,
    depositContract: f.deployed.addresses.depositContract,
    networkSettings: f.deployed.addresses.networkSettings,
    beaconUrl: sim.url,
    fromBlock: f.deployed.deployBlock,
    pollMs: 0,
    stalled: true,
  });
}, 180_000);

afterAll(async () => {
  await oracle?.stop();
  await sim?.stop();
  f?.provider.destroy();
  await f?.chain.stop();
});

const fork = (): `0x${string}` => sim.params.genesisForkVersion;
const pubkeyStatus = (pubkey: string) =>
  read<bigint>(f.pool.superNode, 'getSuperNodePubkeyStatus', pubkey);
const validator = (id: string) =>
  http<ApiBody<ValidatorJson>>(`${sim.url}/eth/v1/beacon/states/head/validators/${id}`);

describe('startOracle', () => {
  it('holds votes while stalled, then votes MATCH; the validator stakes and activates', async () => {
    const key = validatorKey(0);
    const pre = signedDeposit(key, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    await superNodeDeposit(f, pre);
    await sim.admin.ingestNow();
    sim.admin.advanceEpochs(1);

    expect(await oracle.voteNow()).toEqual([]);
    expect(await pubkeyStatus(pre.pubkey)).toBe(1n);

    oracle.setStalled(false);
    const votes = await oracle.voteNow();
    expect(votes).toEqual([
      expect.objectContaining({
        voter: f.trusted[0].address,
        pubkey: pre.pubkey,
        match: true,
        reasons: [],
      }),
    ]);
    expect(await pubkeyStatus(pre.pubkey)).toBe(2n);
    expect(await oracle.voteNow()).toEqual([]);

    await superNodeStake(f, key, fork());
    await sim.admin.ingestNow();
    sim.admin.advanceEpochs(1);
    expect((await validator(pre.pubkey)).body.data.status).toBe('pending_queued');
    sim.admin.advanceEpochs(3);
    expect((await validator(pre.pubkey)).body.data).toMatchObject({
      status: 'active_ongoing',
      balance: '32000000000',
      validator: { withdrawal_credentials: f.poolCredentials.toLowerCase() },
    });
  });

  it('votes UNMATCH for a pubkey front-run by a deposit with foreign credentials', async () => {
    const key = validatorKey(1);
    const foreign = computeWithdrawalCredentials({ address: f.outsider.address });
    await directDeposit(f, f.outsider, signedDeposit(key, foreign, PRE_DEPOSIT_GWEI, fork()));
    const pre = signedDeposit(key, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    await superNodeDeposit(f, pre);
    await sim.admin.ingestNow();
    sim.admin.advanceEpochs(1);
    expect((await validator(pre.pubkey)).body.data.validator.withdrawal_credentials).toBe(foreign);

    const votes = await oracle.voteNow();
    expect(votes).toEqual([
      expect.objectContaining({
        pubkey: pre.pubkey,
        match: false,
        reasons: [
          `a DepositEvent carries foreign credentials ${foreign}`,
          `the beacon validator has credentials ${foreign}`,
        ],
      }),
    ]);
    expect(await pubkeyStatus(pre.pubkey)).toBe(4n);
    expect(oracle.votes()).toHaveLength(2);
    expect(oracle.lastError()).toBeNull();
  });

  it('votes UNMATCH for a super-node deposit whose signature does not verify', async () => {
    const key = validatorKey(2);
    const genuine = signedDeposit(key, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    const forged = signedDeposit(validatorKey(3), f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    const bad = { ...genuine, signature: forged.signature };
    await superNodeDeposit(f, {
      ...bad,
      depositDataRoot: depositDataRoot({ ...bad, amountGwei: PRE_DEPOSIT_GWEI }),
    });
    const votes = await oracle.voteNow();
    expect(votes).toEqual([
      expect.objectContaining({
        pubkey: genuine.pubkey,
        match: false,
        reasons: ['the 1 ETH deposit signature does not verify under the deposit domain'],
      }),
    ]);
    expect(await pubkeyStatus(genuine.pubkey)).toBe(4n);
  });
});
