// The devnet SSV-node simulator against a real chain (issue 4, devnet criterion): a shares payload
// built by the keys activities for a real derived validator key, registered with
// registerValidator, is proven valid by the operators' private keys; payloads signed for a wrong
// nonce or for another owner are accepted by the contract but reported invalid, and each of them
// still consumes the owner's nonce (specs/ssv-api-and-shares.md §4, §9).
import { inspect } from 'node:util';

import { getAddress } from 'ethers';

import {
  operatorPrivateKeys,
  type DevnetOperator,
} from '../../../devnet/operators/register-operator-set.js';
import {
  startVerifier,
  type VerificationRecord,
  type VerifierService,
} from '../../../devnet/operators/verifier-service.js';
import { shareOperators, startSsvDevnet, type SsvDevnet } from './verifier-helpers.js';

let devnet: SsvDevnet;
let verifier: VerifierService;

beforeAll(async () => {
  devnet = await startSsvDevnet();
  verifier = startVerifier({
    rpcUrl: devnet.chain.rpcUrl,
    chainId: devnet.chain.chainId,
    ssvNetwork: devnet.deployed.ssvNetwork,
    operators: operatorPrivateKeys(devnet.operators),
    fromBlock: devnet.deployed.deployBlock,
    pollMs: 0,
  });
}, 180_000);

afterAll(async () => {
  await verifier?.stop();
  await devnet?.stop();
});

/** Ingests up to the head and returns the record of `publicKey` (the latest one). */
async function recordOf(publicKey: string): Promise<VerificationRecord> {
  await verifier.ingestNow();
  const record = verifier.report().findLast((r) => r.publicKey === publicKey.toLowerCase());
  if (!record) throw new Error(`no verifier record for ${publicKey}`);
  return record;
}

/** ValidatorAdded events for `owner` on chain, counted directly from the logs. */
async function chainNonce(owner: string): Promise<number> {
  const logs = await devnet.network.queryFilter(
    devnet.network.filters.ValidatorAdded!(owner),
    devnet.deployed.deployBlock,
  );
  return logs.length;
}

describe('devnet operator set', () => {
  it('registers at least 13 operators with mixed fees, private ones whitelisting the owner', async () => {
    const { operators, owner, views } = devnet;
    expect(operators.length).toBeGreaterThanOrEqual(13);
    expect(new Set(operators.map((o) => o.fee)).size).toBeGreaterThan(3);
    const privateOnes = operators.filter((o) => o.isPrivate);
    expect(privateOnes.length).toBeGreaterThanOrEqual(2);
    const whitelisted = privateOnes.filter((o) => o.whitelisted.includes(owner.address));
    expect(whitelisted.length).toBeGreaterThan(0);
    expect(whitelisted.length).toBeLessThan(privateOnes.length);

    for (const operator of operators) {
      const [, fee, , , isPrivate, isActive] = (await views.getFunction('getOperatorById')(
        operator.id,
      )) as [string, bigint, bigint, string, boolean, boolean];
      expect({ id: operator.id, fee, isPrivate, isActive }).toEqual({
        id: operator.id,
        fee: operator.fee,
        isPrivate: operator.isPrivate,
        isActive: true,
      });
    }
    const privateIds = privateOnes.map((o) => o.id);
    const onChainWhitelisted = (await views.getFunction('getWhitelistedOperators')(
      privateIds,
      owner.address,
    )) as bigint[];
    expect(onChainWhitelisted.map(Number)).toEqual(whitelisted.map((o) => o.id));
  });

  it('keeps private keys out of logs and JSON', () => {
    const operator = devnet.operators[0]!;
    expect(operator.privateKeyPem).toContain('PRIVATE KEY');
    const json = JSON.stringify(devnet.operators, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    expect(json).not.toContain('PRIVATE KEY');
    expect(inspect(devnet.operators, { depth: 5 })).not.toContain('PRIVATE KEY');
    expect(Object.keys(operator)).not.toContain('privateKeyPem');
  });
});

describe('verifier service: registrations of the router owner', () => {
  let cluster13: DevnetOperator[];
  let cluster4: DevnetOperator[];

  beforeAll(() => {
    const usable = devnet.usableOperators();
    cluster13 = usable.slice(0, 13);
    // Includes a private operator that whitelists the owner.
    cluster4 = usable
      .filter((o) => o.isPrivate)
      .slice(0, 1)
      .concat(usable.filter((o) => !o.isPrivate).slice(0, 3));
  });

  it('reports a keys-activities payload for a derived key valid on a 13-operator cluster (nonce 0)', async () => {
    const keys = devnet.keysFor();
    const payload = await keys.buildSharesPayload({
      keyIndex: 0,
      operators: shareOperators(cluster13),
      ownerNonce: 0,
    });
    const { pubkey } = await keys.deriveValidatorPubkey({ keyIndex: 0 });
    expect(payload.publicKey).toBe(pubkey);
    await devnet.register(payload);

    const record = await recordOf(payload.publicKey);
    expect(record).toMatchObject({
      owner: getAddress(devnet.owner.address),
      nonce: 0,
      operatorIds: cluster13.map((o) => o.id),
      valid: true,
      reasons: [],
      removed: null,
    });
    expect(verifier.nonceOf(devnet.owner.address)).toBe(1);
  });

  it('reports a payload signed with a wrong nonce invalid and still advances the nonce', async () => {
    const payload = await devnet.keysFor().buildSharesPayload({
      keyIndex: 1,
      operators: shareOperators(cluster4),
      ownerNonce: 5, // the nodes expect 1
    });
    await devnet.register(payload);

    const record = await recordOf(payload.publicKey);
    expect(record.nonce).toBe(1);
    expect(record.valid).toBe(false);
    expect(record.reasons).toEqual([
      `signature: does not verify for owner ${getAddress(devnet.owner.address)} and nonce 1`,
    ]);
    expect(verifier.nonceOf(devnet.owner.address)).toBe(2);
  });

  it('reports a payload built for another owner address invalid and still advances the nonce', async () => {
    const payload = await devnet.keysFor(devnet.stranger.address).buildSharesPayload({
      keyIndex: 2,
      operators: shareOperators(cluster4),
      ownerNonce: 2,
    });
    await devnet.register(payload);

    const record = await recordOf(payload.publicKey);
    expect(record).toMatchObject({
      nonce: 2,
      valid: false,
      owner: getAddress(devnet.owner.address),
    });
    expect(record.reasons).toHaveLength(1);
    expect(record.reasons[0]).toMatch(/^signature: does not verify/);
    expect(verifier.nonceOf(devnet.owner.address)).toBe(3);
  });

  it('accepts the next correct payload at the advanced nonce, matching the chain count', async () => {
    const payload = await devnet.keysFor().buildSharesPayload({
      keyIndex: 3,
      operators: shareOperators(cluster4),
      ownerNonce: 3,
    });
    await devnet.register(payload);

    const record = await recordOf(payload.publicKey);
    expect(record).toMatchObject({ nonce: 3, valid: true, reasons: [] });
    expect(verifier.nonceOf(devnet.owner.address)).toBe(await chainNonce(devnet.owner.address));
    expect(verifier.report().map((r) => r.nonce)).toEqual([0, 1, 2, 3]);
  });

  it('reports truncated shares invalid with the length reason', async () => {
    const payload = await devnet.keysFor().buildSharesPayload({
      keyIndex: 4,
      operators: shareOperators(cluster4),
      ownerNonce: 4,
    });
    // Keep the signature, truncate the shares: what a buggy payload builder might send.
    const truncated = { ...payload, sharesData: payload.sharesData.slice(0, -2) as `0x${string}` };
    await devnet.register(truncated);

    const record = await recordOf(payload.publicKey);
    expect(record.nonce).toBe(4);
    expect(record.valid).toBe(false);
    expect(record.reasons[0]).toMatch(/^length: sharesData is 1311 bytes; 4 operators need 1312/);
    expect(verifier.nonceOf(devnet.owner.address)).toBe(5);
  });

  it('tracks ValidatorRemoved without giving the nonce back', async () => {
    const [wrongNonce] = verifier.report().filter((r) => r.nonce === 1);
    await devnet.remove(wrongNonce!.publicKey, wrongNonce!.operatorIds);

    const record = await recordOf(wrongNonce!.publicKey);
    expect(record.removed).not.toBeNull();
    expect(record.removed!.block).toBeGreaterThan(record.block);
    expect(verifier.nonceOf(devnet.owner.address)).toBe(5);
    expect(await chainNonce(devnet.owner.address)).toBe(5);
  });

  it('counts nonces per owner: another owner starts at 0', async () => {
    const payload = await devnet.keysFor(devnet.stranger.address).buildSharesPayload({
      keyIndex: 5,
      operators: shareOperators(devnet.operators.filter((o) => !o.isPrivate).slice(0, 4)),
      ownerNonce: 0,
    });
    const network = devnet.network.connect(devnet.stranger) as typeof devnet.network;
    const response = await network
      .getFunction('registerValidator')
      .send(
        payload.publicKey,
        payload.operatorIds,
        payload.sharesData,
        { validatorCount: 0, networkFeeIndex: 0, index: 0, active: true, balance: 0 },
        { value: 10n ** 17n },
      );
    await response.wait();

    const record = await recordOf(payload.publicKey);
    expect(record).toMatchObject({
      owner: getAddress(devnet.stranger.address),
      nonce: 0,
      valid: true,
    });
    expect(verifier.nonceOf(devnet.stranger.address)).toBe(1);
    expect(verifier.nonceOf(devnet.owner.address)).toBe(5);
  });
});
