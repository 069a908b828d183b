// The simulated beacon node on a real Hardhat chain with the pectra-flavour pool: deposits made
// through StafiSuperNode with real BLS signatures appear, progress and activate; invalid first
// deposits are dropped; voluntary exits are checked under EIP-7044; EIP-7002 requests from the
// StafiWithdraw contract exit validators; filters, limits, syncing and fault injection. The
// simulator's clock is injected and moved with advanceEpochs; ingestion runs on ingestNow().
import { concat } from 'ethers';

import { signVoluntaryExit } from '../../../activities/keys/sign-voluntary-exit.js';
import { startBeaconSim, type BeaconSim } from '../../../devnet/beacon-sim/start-beacon-sim.js';
import { WITHDRAWAL_REQUEST_PREDEPLOY } from '../../../devnet/deploy/eip7002-predeploy.js';
import { depositDataRoot, read, send, withdrawCycleAt } from '../contracts/pool-helpers.js';
import {
  PRE_DEPOSIT_GWEI,
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
const nowMs = Date.UTC(2026, 0, 1);
const keyA = validatorKey(0);
const keyB = validatorKey(4);
const keyDropped = validatorKey(1);
const keyForged = validatorKey(2);
let pubkeyA: string;
let pubkeyB: string;

beforeAll(async () => {
  f = await startPoolFixture();
  sim = await startBeaconSim({
    rpcUrl: f.chain.rpcUrl,
    chainId: f.chain.chainId,
    depositContract: f.deployed.addresses.depositContract,
    eip7002Address: f.deployed.addresses.eip7002,
    fromBlock: f.deployed.deployBlock,
    pollMs: 0,
    now: () => nowMs,
  });
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  f?.provider.destroy();
  await f?.chain.stop();
});

const fork = (): `0x${string}` => sim.params.genesisForkVersion;
const validator = (id: string) =>
  http<ApiBody<ValidatorJson>>(`${sim.url}/eth/v1/beacon/states/head/validators/${id}`);

/** 1 ETH deposit → vote MATCH (1 of 2 trusted nodes) → 31 ETH stake, then ingested. */
async function depositVoteStake(secretKey: Uint8Array): Promise<string> {
  const pre = signedDeposit(secretKey, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
  await superNodeDeposit(f, pre);
  await send(f.pool.superNode, f.trusted[0], 'voteWithdrawCredentials', [[pre.pubkey], [true]]);
  await superNodeStake(f, secretKey, fork());
  await sim.admin.ingestNow();
  return pre.pubkey;
}

describe('chain identity', () => {
  it('publishes genesis, config spec and deposit contract as decimal strings and hex', async () => {
    const genesis = await http(`${sim.url}/eth/v1/beacon/genesis`);
    expect(genesis.body.data).toEqual({
      genesis_time: String(Math.floor(nowMs / 1000)),
      genesis_validators_root: sim.params.genesisValidatorsRoot,
      genesis_fork_version: '0x10000001',
    });
    const spec = await http<ApiBody<Record<string, string>>>(`${sim.url}/eth/v1/config/spec`);
    expect(spec.body.data).toMatchObject({
      GENESIS_FORK_VERSION: '0x10000001',
      CAPELLA_FORK_VERSION: '0x40000001',
      SECONDS_PER_SLOT: '1',
      SLOTS_PER_EPOCH: '4',
      SHARD_COMMITTEE_PERIOD: '4',
      MIN_VALIDATOR_WITHDRAWABILITY_DELAY: '4',
      DOMAIN_DEPOSIT: '0x03000000',
      DOMAIN_VOLUNTARY_EXIT: '0x04000000',
      DEPOSIT_CONTRACT_ADDRESS: f.deployed.addresses.depositContract.toLowerCase(),
      DEPOSIT_CHAIN_ID: String(f.chain.chainId),
      FAR_FUTURE_EPOCH: '18446744073709551615',
    });
    const contract = await http(`${sim.url}/eth/v1/config/deposit_contract`);
    expect(contract.body.data).toEqual({
      chain_id: String(f.chain.chainId),
      address: f.deployed.addresses.depositContract.toLowerCase(),
    });
    const fork = await http(`${sim.url}/eth/v1/beacon/states/head/fork`);
    expect(fork.body.data).toEqual({
      previous_version: '0x50000001',
      current_version: '0x60000001',
      epoch: '0',
    });
  });
});

describe('deposit ingestion and status progression', () => {
  it('shows a 1 ETH super-node deposit as pending, then as a pending_initialized validator', async () => {
    const pre = signedDeposit(keyA, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    pubkeyA = pre.pubkey;
    await superNodeDeposit(f, pre);
    const ingested = await sim.admin.ingestNow();
    expect(ingested.deposits).toBe(1);
    expect((await validator(pubkeyA)).body).toEqual({ code: 404, message: 'Validator not found' });
    const pending = await http<ApiBody<unknown[]>>(
      `${sim.url}/eth/v1/beacon/states/head/pending_deposits`,
    );
    expect(pending.body.data).toEqual([
      {
        pubkey: pubkeyA,
        withdrawal_credentials: f.poolCredentials.toLowerCase(),
        amount: '1000000000',
        signature: pre.signature,
        slot: '0',
      },
    ]);
    sim.admin.advanceEpochs(1);
    const response = await validator(pubkeyA);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      index: '0',
      balance: '1000000000',
      status: 'pending_initialized',
      validator: {
        pubkey: pubkeyA,
        withdrawal_credentials: f.poolCredentials.toLowerCase(),
        effective_balance: '1000000000',
        slashed: false,
        activation_eligibility_epoch: '18446744073709551615',
        activation_epoch: '18446744073709551615',
        exit_epoch: '18446744073709551615',
        withdrawable_epoch: '18446744073709551615',
      },
    });
    expect((await validator('0')).body.data.validator.pubkey).toBe(pubkeyA);
  });

  it('after the MATCH vote and the 31 ETH stake goes pending_queued, then active_ongoing', async () => {
    await send(f.pool.superNode, f.trusted[0], 'voteWithdrawCredentials', [[pubkeyA], [true]]);
    await superNodeStake(f, keyA, fork());
    await sim.admin.ingestNow();
    sim.admin.advanceEpochs(1); // epoch 2: top-up applied, eligible from epoch 3
    expect((await validator(pubkeyA)).body.data).toMatchObject({
      balance: '32000000000',
      status: 'pending_queued',
      validator: {
        effective_balance: '32000000000',
        activation_eligibility_epoch: '3',
        activation_epoch: '5',
      },
    });
    sim.admin.advanceEpochs(2);
    expect((await validator(pubkeyA)).body.data.status).toBe('pending_queued');
    sim.admin.advanceEpochs(1);
    expect((await validator(pubkeyA)).body.data.status).toBe('active_ongoing');
  });

  it('drops a first deposit whose signature is not by the pubkey, and records it in the report', async () => {
    const genuine = signedDeposit(keyDropped, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    const forged = signedDeposit(keyForged, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    const bad = { ...genuine, signature: forged.signature };
    await superNodeDeposit(f, {
      ...bad,
      depositDataRoot: depositDataRoot({ ...bad, amountGwei: PRE_DEPOSIT_GWEI }),
    });
    await sim.admin.ingestNow();
    sim.admin.advanceEpochs(1);
    expect((await validator(genuine.pubkey)).status).toBe(404);
    const report = await http<ApiBody<{ droppedDeposits: unknown[]; cursor: number }>>(
      `${sim.url}/admin/report`,
    );
    expect(report.body.data.droppedDeposits).toEqual([
      expect.objectContaining({
        pubkey: genuine.pubkey,
        amountGwei: '1000000000',
        reason: 'invalid deposit signature under the deposit domain',
      }),
    ]);
    expect(report.body.data.cursor).toBe((await f.provider.getBlockNumber()) + 1);
  });
});

describe('voluntary exits (§8.2 rules 1–4 and 6, EIP-7044 domain)', () => {
  const submit = (body: unknown) => http(`${sim.url}/eth/v1/beacon/pool/voluntary_exits`, { body });
  const exitOf = (epoch: bigint, capellaForkVersion = sim.params.capellaForkVersion) =>
    signVoluntaryExit({
      secretKey: keyA,
      epoch,
      validatorIndex: 0n,
      network: { capellaForkVersion, genesisValidatorsRoot: sim.params.genesisValidatorsRoot },
    });

  it('rejects exits before the shard committee period, dated in the future, or under the wrong domain', async () => {
    const epoch = sim.admin.currentEpoch(); // activation epoch 5, the current epoch
    expect(await submit(exitOf(epoch))).toEqual({
      status: 400,
      body: {
        code: 400,
        message: `Invalid voluntary exit: validator 0 has not been active long enough: exits are valid from epoch 9 (activation 5 + SHARD_COMMITTEE_PERIOD 4), current epoch ${epoch}`,
      },
    });
    sim.admin.advanceEpochs(4);
    const now = sim.admin.currentEpoch();
    expect((await submit(exitOf(now + 1n))).body.message).toBe(
      `Invalid voluntary exit: exit epoch ${now + 1n} is in the future (current epoch ${now})`,
    );
    expect((await submit(exitOf(now, sim.params.genesisForkVersion))).body.message).toBe(
      'Invalid voluntary exit: signature of the exit of validator 0 does not verify under the EIP-7044 voluntary-exit domain (CAPELLA_FORK_VERSION 0x40000001)',
    );
    expect((await submit({ message: { epoch: '1' }, signature: '0x00' })).status).toBe(400);
    expect((await validator('0')).body.data.status).toBe('active_ongoing');
  });

  it('accepts a correct exit, lists it in the pool and walks the validator to withdrawal_done', async () => {
    const epoch = sim.admin.currentEpoch();
    const exit = exitOf(epoch);
    expect(await submit(exit)).toEqual({ status: 200, body: null });
    expect((await http(`${sim.url}/eth/v1/beacon/pool/voluntary_exits`)).body.data).toEqual([exit]);
    expect((await submit(exit)).body.message).toBe(
      `Invalid voluntary exit: validator 0 has already initiated an exit (exit_epoch ${epoch + 2n})`,
    );
    expect((await validator('0')).body.data).toMatchObject({
      status: 'active_exiting',
      validator: { exit_epoch: String(epoch + 2n), withdrawable_epoch: String(epoch + 6n) },
    });
    sim.admin.advanceEpochs(2);
    expect((await validator('0')).body.data.status).toBe('exited_unslashed');
    sim.admin.advanceEpochs(4);
    expect((await validator('0')).body.data).toMatchObject({
      status: 'withdrawal_possible',
      balance: '32000000000',
    });
    const before = await f.provider.getBalance(f.deployed.addresses.withdraw);
    sim.admin.advanceEpochs(1);
    await sim.admin.ingestNow(); // pays the sweep to the credentials' address
    expect((await validator('0')).body.data).toMatchObject({
      status: 'withdrawal_done',
      balance: '0',
    });
    expect(await f.provider.getBalance(f.deployed.addresses.withdraw)).toBe(
      before + 32n * 10n ** 18n,
    );
  });
});

describe('EIP-7002 exits', () => {
  it('ignores a request from an address other than the credentials and exits on StafiWithdraw’s request', async () => {
    pubkeyB = await depositVoteStake(keyB);
    sim.admin.advanceEpochs(1 + 1 + 2 + 4); // applied, eligible, active, shard committee period
    const indexB = (await validator(pubkeyB)).body.data.index;
    expect((await validator(pubkeyB)).body.data.status).toBe('active_ongoing');

    await (
      await f.outsider.sendTransaction({
        to: WITHDRAWAL_REQUEST_PREDEPLOY,
        data: concat([pubkeyB, '0x0000000000000000']),
        value: 1n,
      })
    ).wait();
    expect((await sim.admin.ingestNow()).withdrawalRequests).toBe(1);
    expect((await validator(pubkeyB)).body.data.status).toBe('active_ongoing');
    expect(sim.admin.report().ignoredExitRequests).toEqual([
      expect.objectContaining({
        kind: 'eip7002',
        pubkey: pubkeyB,
        source: f.outsider.address.toLowerCase(),
        reason: `credentials ${f.poolCredentials.toLowerCase()} are not 0x01/0x02 for source ${f.outsider.address.toLowerCase()}`,
      }),
    ]);

    const latest = await f.provider.getBlock('latest');
    const previousCycle = withdrawCycleAt(BigInt(latest!.timestamp)) - 1n;
    expect(await read<bigint>(f.pool.withdraw, 'requestedValidatorExitCycle')).toBe(0n);
    await send(
      f.pool.withdraw,
      f.trusted[1],
      'requestValidatorExit',
      [previousCycle, [pubkeyB]],
      10n,
    );
    expect((await sim.admin.ingestNow()).withdrawalRequests).toBe(1);
    const epoch = sim.admin.currentEpoch();
    expect((await validator(indexB)).body.data).toMatchObject({
      status: 'active_exiting',
      validator: { exit_epoch: String(epoch + 2n) },
    });
  });
});

describe('validator queries', () => {
  const list = (query: string) =>
    http<ApiBody<ValidatorJson[]>>(`${sim.url}/eth/v1/beacon/states/head/validators${query}`);

  it('filters by id and by exact or coarse status, on GET and POST', async () => {
    const keyC = validatorKey(3);
    const pre = signedDeposit(keyC, f.poolCredentials, PRE_DEPOSIT_GWEI, fork());
    await superNodeDeposit(f, pre);
    await sim.admin.ingestNow();
    sim.admin.advanceEpochs(1);

    const all = await list('');
    expect(all.body.data.map((v) => v.status)).toEqual([
      'withdrawal_done',
      'active_exiting',
      'pending_initialized',
    ]);
    expect((await list('?status=active')).body.data.map((v) => v.index)).toEqual(['1']);
    expect((await list('?status=pending,withdrawal')).body.data.map((v) => v.index)).toEqual([
      '0',
      '2',
    ]);
    expect(
      (await list(`?id=${pubkeyB}&id=2&id=99&status=pending_initialized`)).body.data.map(
        (v) => v.index,
      ),
    ).toEqual(['2']);
    const post = await http<ApiBody<ValidatorJson[]>>(
      `${sim.url}/eth/v1/beacon/states/head/validators`,
      { body: { ids: ['0', pubkeyB], statuses: ['exited', 'active_exiting'] } },
    );
    expect(post.body.data.map((v) => v.index)).toEqual(['1']);
    const balances = await http<ApiBody<unknown[]>>(
      `${sim.url}/eth/v1/beacon/states/head/validator_balances?id=0,1`,
    );
    expect(balances.body.data).toEqual([
      { index: '0', balance: '0' },
      { index: '1', balance: '32000000000' },
    ]);
  });

  it('answers 414 above 64 ids on GET, 400 for bad ids, statuses and state ids, 404 for future states', async () => {
    const ids = Array.from({ length: 65 }, (_, i) => `id=${i}`).join('&');
    expect(await list(`?${ids}`)).toEqual({
      status: 414,
      body: { code: 414, message: 'Too many validator IDs: at most 64 on GET; use POST' },
    });
    expect((await list(`?${ids.split('&').slice(0, 64).join('&')}`)).status).toBe(200);
    expect((await list('?status=sleeping')).body).toEqual({
      code: 400,
      message: 'Invalid validator status: sleeping',
    });
    expect((await validator('0xzz')).body).toEqual({
      code: 400,
      message: 'Invalid validator ID: 0xzz',
    });
    expect((await http(`${sim.url}/eth/v1/beacon/states/later/validators`)).status).toBe(400);
    expect((await http(`${sim.url}/eth/v1/beacon/states/99999999/validators`)).body).toEqual({
      code: 404,
      message: 'State not found',
    });
    expect((await http(`${sim.url}/eth/v1/beacon/states/genesis/validators`)).body.data).toEqual(
      [],
    );
  });
});

describe('node status, syncing switch and fault injection', () => {
  it('reports the head and flips is_syncing and health through the admin API', async () => {
    const head = await http(`${sim.url}/eth/v1/beacon/headers/head`);
    expect(head.body.data).toMatchObject({
      canonical: true,
      header: { message: { slot: sim.admin.currentSlot().toString() } },
    });
    expect((await http(`${sim.url}/eth/v1/node/health`)).status).toBe(200);
    await http(`${sim.url}/admin/syncing`, { body: { syncing: true } });
    expect((await http(`${sim.url}/eth/v1/node/syncing`)).body.data).toMatchObject({
      is_syncing: true,
      sync_distance: '8',
      head_slot: sim.admin.currentSlot().toString(),
    });
    expect((await http(`${sim.url}/eth/v1/node/health`)).status).toBe(206);
    await http(`${sim.url}/admin/syncing`, { body: { syncing: false } });
    expect((await http(`${sim.url}/eth/v1/node/syncing`)).body.data).toMatchObject({
      is_syncing: false,
      sync_distance: '0',
    });
  });

  it('fails the next N requests under a path prefix, then serves again', async () => {
    const armed = await http(`${sim.url}/admin/faults`, {
      body: { pathPrefix: '/eth/v1/beacon/states', count: 2, status: 503 },
    });
    expect(armed.status).toBe(200);
    expect((await http(`${sim.url}/eth/v1/node/syncing`)).status).toBe(200);
    expect(await validator('0')).toEqual({
      status: 503,
      body: { code: 503, message: 'Injected fault' },
    });
    expect((await validator('0')).status).toBe(503);
    expect((await validator('0')).status).toBe(200);
    sim.admin.injectFault({ pathPrefix: '/eth/v1/beacon/genesis', count: 1, status: 404 });
    expect((await http(`${sim.url}/eth/v1/beacon/genesis`)).status).toBe(404);
    expect(
      (await http(`${sim.url}/admin/faults`, { body: { pathPrefix: 'x', count: 0 } })).status,
    ).toBe(400);
  });

  it('stalls a request until the client gives up', async () => {
    sim.admin.injectFault({ pathPrefix: '/eth/v1/node/health', count: 1, stallMs: 60_000 });
    await expect(
      http(`${sim.url}/eth/v1/node/health`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    expect(sim.admin.report().activeFaults).toEqual([]);
  });
});
