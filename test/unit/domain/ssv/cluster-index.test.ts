import {
  applyClusterEvent,
  createClusterIndex,
  currentClusterStruct,
  findValidatorCluster,
  foldClusterEvents,
  getIndexedCluster,
} from '../../../../domain/ssv/cluster-index.js';
import type { ClusterIndexState, SsvOwnerEvent } from '../../../../domain/ssv/cluster-index.js';
import type { ClusterJson } from '../../../../domain/ssv/cluster.js';
import { DvtError } from '../../../../domain/errors.js';

const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';
const OTHER = '0x00000000000000000000000000000000000000aa';
const IDS = [1, 2, 3, 4];
const CLUSTER_ID = '0x81592c3de184a3e2c0dcb5a261bc107bfa91f494-1-2-3-4';
const pk = (n: number): string => `0x${n.toString(16).padStart(96, '0')}`;
const struct = (
  validatorCount: number,
  balance: string,
  index = '0',
  networkFeeIndex = '0',
  active = true,
): ClusterJson => ({ validatorCount, networkFeeIndex, index, active, balance });

const added = (
  blockNumber: number,
  logIndex: number,
  key: number,
  cluster: ClusterJson,
): SsvOwnerEvent => ({
  name: 'ValidatorAdded',
  blockNumber,
  logIndex,
  owner: OWNER,
  operatorIds: IDS,
  publicKey: pk(key),
  cluster,
});

const fresh = (v2UpgradeBlock = 0): ClusterIndexState =>
  createClusterIndex({ owner: OWNER, v2UpgradeBlock });

function thrown(run: () => unknown): DvtError {
  try {
    run();
  } catch (error) {
    if (error instanceof DvtError) return error;
    throw error;
  }
  throw new Error('expected a DvtError');
}

describe('cluster index fold', () => {
  it('starts empty with nonce 0, no cursor and the new-cluster struct for any operator set', () => {
    const state = fresh();
    expect(state).toEqual({
      owner: OWNER.toLowerCase(),
      v2UpgradeBlock: 0,
      cursor: null,
      ownerNonce: 0,
      feeRecipient: null,
      clusters: {},
    });
    expect(currentClusterStruct(state, IDS)).toEqual({
      validatorCount: 0,
      networkFeeIndex: 0n,
      index: 0n,
      active: true,
      balance: 0n,
    });
  });

  it('records a registration: struct, validator, nonce 1, cursor, ETH ledger after the upgrade', () => {
    const state = applyClusterEvent(fresh(100), added(150, 3, 1, struct(1, '5000000000000000')));
    expect(state.ownerNonce).toBe(1);
    expect(state.cursor).toEqual({ blockNumber: 150, logIndex: 3 });
    expect(getIndexedCluster(state, [4, 3, 2, 1])).toEqual({
      clusterId: CLUSTER_ID,
      operatorIds: IDS,
      version: 'eth',
      cluster: struct(1, '5000000000000000'),
      validators: [pk(1)],
      exitRequested: [],
      reportedEffectiveBalance: null,
      updatedAt: { blockNumber: 150, logIndex: 3 },
    });
    expect(findValidatorCluster(state, pk(1).toUpperCase().replace('0X', '0x'))).toBe(CLUSTER_ID);
  });

  it('puts a cluster first registered before the v2 upgrade on the legacy SSV ledger until it migrates', () => {
    const legacy = applyClusterEvent(fresh(100), added(99, 0, 1, struct(1, '9000000000')));
    expect(getIndexedCluster(legacy, IDS)?.version).toBe('ssv');
    const migrated = applyClusterEvent(legacy, {
      name: 'ClusterMigratedToETH',
      blockNumber: 120,
      logIndex: 0,
      owner: OWNER,
      operatorIds: IDS,
      ethDeposited: '1000000000000000',
      ssvRefunded: '8000000000',
      effectiveBalance: 32,
      cluster: struct(1, '1000000000000000', '700', '300'),
    });
    expect(getIndexedCluster(migrated, IDS)).toMatchObject({
      version: 'eth',
      reportedEffectiveBalance: 32,
      cluster: struct(1, '1000000000000000', '700', '300'),
    });
  });

  it('keeps the later logIndex when a third party deposits in the same block as our registration', () => {
    // Our bulk registration (logs 4 and 5) and a stranger's deposit (log 6) in block 200.
    const state = foldClusterEvents(fresh(), [
      added(200, 4, 1, struct(2, '10000000000000000', '500', '100')),
      added(200, 5, 2, struct(2, '10000000000000000', '500', '100')),
      {
        name: 'ClusterDeposited',
        blockNumber: 200,
        logIndex: 6,
        owner: OWNER,
        operatorIds: IDS,
        value: '3000000000000000',
        cluster: struct(2, '13000000000000000', '500', '100'),
      },
    ]);
    expect(currentClusterStruct(state, IDS)).toEqual({
      validatorCount: 2,
      networkFeeIndex: 100n,
      index: 500n,
      active: true,
      balance: 13_000_000_000_000_000n,
    });
    expect(state.cursor).toEqual({ blockNumber: 200, logIndex: 6 });
    expect(getIndexedCluster(state, IDS)?.validators).toEqual([pk(1), pk(2)]);
  });

  it('rejects an event at the cursor or before it, even in a later call, with ERR_INVALID_INPUT', () => {
    const state = applyClusterEvent(fresh(), added(200, 5, 1, struct(1, '1')));
    const same = thrown(() => applyClusterEvent(state, added(200, 5, 2, struct(2, '1'))));
    expect(same.code).toBe('ERR_INVALID_INPUT');
    expect(same.message).toBe(
      'SSV event ValidatorAdded at block 200 log 5 is not after the index cursor block 200 log 5. Apply events once each, ordered by (blockNumber, logIndex).',
    );
    expect(() => applyClusterEvent(state, added(200, 4, 2, struct(2, '1')))).toThrow(
      'is not after the index cursor',
    );
    expect(() => applyClusterEvent(state, added(199, 9, 2, struct(2, '1')))).toThrow(
      'is not after the index cursor',
    );
    expect(applyClusterEvent(state, added(201, 0, 2, struct(2, '1'))).ownerNonce).toBe(2);
  });

  it('rejects an out-of-order batch without applying any of it', () => {
    const state = fresh();
    expect(() =>
      foldClusterEvents(state, [added(10, 1, 1, struct(1, '1')), added(9, 0, 2, struct(2, '1'))]),
    ).toThrow(
      'SSV event ValidatorAdded at block 9 log 0 is not after the index cursor block 10 log 1.',
    );
    expect(state.ownerNonce).toBe(0);
    expect(state.clusters).toEqual({});
  });

  it('counts every ValidatorAdded in the nonce: removed and malformed registrations too', () => {
    // Registration 1 is later removed; registration 2 carried garbage shares (the contract does
    // not check them, the SSV nodes reject it but still consume the nonce); 3 is good.
    const state = foldClusterEvents(fresh(), [
      added(10, 0, 1, struct(1, '100')),
      {
        name: 'ValidatorRemoved',
        blockNumber: 11,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        publicKey: pk(1),
        cluster: struct(0, '90'),
      },
      added(12, 0, 2, struct(1, '90')),
      added(13, 0, 3, struct(2, '90')),
    ]);
    expect(state.ownerNonce).toBe(3);
    expect(getIndexedCluster(state, IDS)?.validators).toEqual([pk(2), pk(3)]);
  });

  it("counts registrations across all of the owner's clusters in one nonce", () => {
    const state = foldClusterEvents(fresh(), [
      added(10, 0, 1, struct(1, '1')),
      { ...added(10, 1, 2, struct(1, '1')), operatorIds: [5, 6, 7, 8] } as SsvOwnerEvent,
    ]);
    expect(state.ownerNonce).toBe(2);
    expect(Object.keys(state.clusters).sort()).toEqual([
      CLUSTER_ID,
      '0x81592c3de184a3e2c0dcb5a261bc107bfa91f494-5-6-7-8',
    ]);
  });

  it('migrates a liquidated legacy cluster: ClusterMigratedToETH, then ClusterReactivated in the same transaction', () => {
    const state = foldClusterEvents(fresh(100), [
      added(50, 0, 1, struct(1, '9000000000')),
      {
        name: 'ClusterLiquidated',
        blockNumber: 60,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        cluster: struct(1, '0', '0', '0', false),
      },
      {
        name: 'ClusterMigratedToETH',
        blockNumber: 150,
        logIndex: 7,
        owner: OWNER,
        operatorIds: IDS,
        ethDeposited: '2000000000000000',
        ssvRefunded: '0',
        effectiveBalance: 32,
        cluster: struct(1, '2000000000000000', '90', '40'),
      },
      {
        name: 'ClusterReactivated',
        blockNumber: 150,
        logIndex: 8,
        owner: OWNER,
        operatorIds: IDS,
        cluster: struct(1, '2000000000000000', '90', '40'),
      },
    ]);
    expect(getIndexedCluster(state, IDS)).toMatchObject({
      version: 'eth',
      cluster: struct(1, '2000000000000000', '90', '40'),
      updatedAt: { blockNumber: 150, logIndex: 8 },
    });
  });

  it('tracks liquidation by a third party, a deposit while liquidated, and reactivation', () => {
    const liquidated = foldClusterEvents(fresh(), [
      added(10, 0, 1, struct(1, '100', '50', '20')),
      {
        name: 'ClusterLiquidated',
        blockNumber: 20,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        cluster: struct(1, '0', '0', '0', false),
      },
    ]);
    expect(currentClusterStruct(liquidated, IDS)).toMatchObject({
      active: false,
      balance: 0n,
      validatorCount: 1,
    });
    const reactivated = foldClusterEvents(liquidated, [
      {
        name: 'ClusterDeposited',
        blockNumber: 21,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        value: '70',
        cluster: struct(1, '70', '0', '0', false),
      },
      {
        name: 'ClusterReactivated',
        blockNumber: 22,
        logIndex: 1,
        owner: OWNER,
        operatorIds: IDS,
        cluster: struct(1, '170', '900', '400'),
      },
    ]);
    expect(getIndexedCluster(reactivated, IDS)?.cluster).toEqual(struct(1, '170', '900', '400'));
    expect(getIndexedCluster(reactivated, IDS)?.updatedAt).toEqual({
      blockNumber: 22,
      logIndex: 1,
    });
  });

  it('applies withdrawals and oracle balance updates as new snapshots', () => {
    const state = foldClusterEvents(fresh(), [
      added(10, 0, 1, struct(1, '100')),
      {
        name: 'ClusterWithdrawn',
        blockNumber: 11,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        value: '40',
        cluster: struct(1, '55', '5', '5'),
      },
      {
        name: 'ClusterBalanceUpdated',
        blockNumber: 12,
        logIndex: 2,
        owner: OWNER,
        operatorIds: IDS,
        oracleBlockNumber: 11,
        effectiveBalance: 33,
        cluster: struct(1, '50', '8', '8'),
      },
    ]);
    expect(getIndexedCluster(state, IDS)).toMatchObject({
      cluster: struct(1, '50', '8', '8'),
      reportedEffectiveBalance: 33,
    });
  });

  it('marks exit requests without changing the struct and forgets them on removal', () => {
    const exited = foldClusterEvents(fresh(), [
      added(10, 0, 1, struct(1, '100')),
      {
        name: 'ValidatorExited',
        blockNumber: 11,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        publicKey: pk(1),
      },
      {
        name: 'ValidatorExited',
        blockNumber: 11,
        logIndex: 1,
        owner: OWNER,
        operatorIds: IDS,
        publicKey: pk(1),
      },
    ]);
    expect(getIndexedCluster(exited, IDS)).toMatchObject({
      cluster: struct(1, '100'),
      exitRequested: [pk(1)],
    });
    const removed = applyClusterEvent(exited, {
      name: 'ValidatorRemoved',
      blockNumber: 12,
      logIndex: 0,
      owner: OWNER,
      operatorIds: IDS,
      publicKey: pk(1),
      cluster: struct(0, '90'),
    });
    expect(getIndexedCluster(removed, IDS)).toMatchObject({ validators: [], exitRequested: [] });
    expect(findValidatorCluster(removed, pk(1))).toBeUndefined();
  });

  it('keeps the last fee recipient, lower-cased', () => {
    const state = foldClusterEvents(fresh(), [
      {
        name: 'FeeRecipientAddressUpdated',
        blockNumber: 5,
        logIndex: 0,
        owner: OWNER,
        recipientAddress: '0x00000000000000000000000000000000000000BB',
      },
      {
        name: 'FeeRecipientAddressUpdated',
        blockNumber: 6,
        logIndex: 0,
        owner: OWNER,
        recipientAddress: '0x00000000000000000000000000000000000000CC',
      },
    ]);
    expect(state.feeRecipient).toBe('0x00000000000000000000000000000000000000cc');
    expect(state.cursor).toEqual({ blockNumber: 6, logIndex: 0 });
  });

  it("rejects another owner's event, events for unknown clusters or validators, and a double registration", () => {
    const state = applyClusterEvent(fresh(), added(10, 0, 1, struct(1, '1')));
    expect(() =>
      applyClusterEvent(state, {
        ...added(11, 0, 2, struct(1, '1')),
        owner: OTHER,
      }),
    ).toThrow('SSV event ValidatorAdded belongs to another owner.');
    expect(() =>
      applyClusterEvent(state, {
        name: 'ClusterDeposited',
        blockNumber: 11,
        logIndex: 0,
        owner: OWNER,
        operatorIds: [5, 6, 7, 8],
        value: '1',
        cluster: struct(0, '1'),
      }),
    ).toThrow(
      'SSV event ClusterDeposited at block 11 log 0 does not fit the index: cluster 0x81592c3de184a3e2c0dcb5a261bc107bfa91f494-5-6-7-8 was never registered. Rebuild the index from the SSVNetwork deployment block; events were missed or duplicated.',
    );
    expect(() =>
      applyClusterEvent(state, {
        name: 'ValidatorRemoved',
        blockNumber: 11,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        publicKey: pk(9),
        cluster: struct(0, '1'),
      }),
    ).toThrow(`validator ${pk(9)} is not in ${CLUSTER_ID}`);
    expect(() => applyClusterEvent(state, added(11, 0, 1, struct(2, '1')))).toThrow(
      `validator ${pk(1)} is already registered in ${CLUSTER_ID}`,
    );
  });

  it('rejects malformed fields: a short public key, a bad amount, a negative log index', () => {
    const state = fresh();
    expect(() =>
      applyClusterEvent(state, {
        ...added(1, 0, 1, struct(1, '1')),
        publicKey: '0x1234',
      } as SsvOwnerEvent),
    ).toThrow('Validator public key is not 48 bytes of 0x-hex.');
    expect(() => applyClusterEvent(state, added(1, 0, 1, struct(1, '-5')))).toThrow(
      'cluster.balance is not a decimal integer string.',
    );
    expect(() => applyClusterEvent(state, added(1, -1, 1, struct(1, '1')))).toThrow(
      'event.logIndex must be a non-negative integer.',
    );
  });

  it('never mutates its input and produces plain JSON that resumes identically', () => {
    const events = [
      added(10, 0, 1, struct(1, '100')),
      added(10, 1, 2, struct(2, '100')),
      {
        name: 'ValidatorExited',
        blockNumber: 12,
        logIndex: 0,
        owner: OWNER,
        operatorIds: IDS,
        publicKey: pk(2),
      } as SsvOwnerEvent,
    ];
    const start = fresh();
    const snapshot = JSON.stringify(start);
    const whole = foldClusterEvents(start, events);
    expect(JSON.stringify(start)).toBe(snapshot);
    const half = JSON.parse(
      JSON.stringify(foldClusterEvents(start, events.slice(0, 1))),
    ) as ClusterIndexState;
    expect(foldClusterEvents(half, events.slice(1))).toEqual(whole);
  });
});
