/**
 * The devnet world as `npm run devnet` starts it, twice side by side on free ports: every
 * endpoint answers, the contracts are deployed, the operators are registered, depositors fund
 * the pool, and the state description holds no secret.
 */
import { Contract } from 'ethers';
import { startDevnet, type Devnet } from '../../../devnet/world.js';

const ETHER = 10n ** 18n;
let first: Devnet;
let second: Devnet;

beforeAll(async () => {
  [first, second] = await Promise.all([
    startDevnet({ depositIntervalMs: 0, blockIntervalMs: 0 }),
    startDevnet({ temporal: false, depositIntervalMs: 0, blockIntervalMs: 0, operators: 13 }),
  ]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
});

async function json(url: string): Promise<unknown> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

describe('devnet world', () => {
  it('runs two worlds side by side on distinct ports', () => {
    const a = first.state;
    const b = second.state;
    expect(
      new Set([
        a.executionRpcUrl,
        a.beaconUrl,
        a.ssvApiUrl,
        b.executionRpcUrl,
        b.beaconUrl,
        b.ssvApiUrl,
      ]).size,
    ).toBe(6);
    expect(a.temporalAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(a.temporalUiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b.temporalAddress).toBeNull();
  });

  it('has code at every contract address and the registered operators on chain', async () => {
    for (const [name, address] of Object.entries(first.state.contracts) as [string, string][]) {
      const code = await first.provider.getCode(address);
      expect({ name, deployed: code.length > 2 }).toEqual({ name, deployed: true });
    }
    const ssv = new Contract(
      first.state.contracts.ssvNetwork,
      ['function getOperatorById(uint64) view returns (address,uint256,uint32,address,bool,bool)'],
      first.provider,
    );
    expect(first.state.operators).toHaveLength(16);
    const last = first.state.operators.at(-1);
    const onChain = (await ssv.getFunction('getOperatorById')(last?.id ?? 0)) as unknown[];
    expect(onChain[5]).toBe(true);
    expect(second.state.operators).toHaveLength(13);
    expect(
      first.state.operators.some(
        (o) => o.isPrivate && o.whitelisted.includes(first.state.accounts.router),
      ),
    ).toBe(true);
  });

  it('serves the beacon and SSV APIs for its own chain', async () => {
    const genesis = (await json(`${first.state.beaconUrl}/eth/v1/beacon/genesis`)) as {
      data: { genesis_fork_version: string };
    };
    expect(genesis.data.genesis_fork_version).toBe(first.state.beacon.genesisForkVersion);
    const depositContract = (await json(
      `${first.state.beaconUrl}/eth/v1/config/deposit_contract`,
    )) as { data: { chain_id: string; address: string } };
    expect(depositContract.data).toEqual({
      chain_id: String(first.state.chainId),
      address: first.state.contracts.depositContract.toLowerCase(),
    });
    const operators = (await json(
      `${second.state.ssvApiUrl}/api/v4/${second.state.ssvApiNetwork}/operators?perPage=100`,
    )) as { operators: unknown[] };
    expect(operators.operators).toHaveLength(13);
  });

  it('lets depositors fund the pool', async () => {
    const pool = new Contract(
      first.state.contracts.userDeposit,
      ['function getBalance() view returns (uint256)'],
      first.provider,
    );
    const before = (await pool.getFunction('getBalance')()) as bigint;
    await first.depositors.depositNow(64n * ETHER);
    expect((await pool.getFunction('getBalance')()) as bigint).toBe(before + 64n * ETHER);
  });

  it('describes itself without any private key', () => {
    const text = JSON.stringify(first.state);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toContain(first.chain.mnemonic);
    expect(text).not.toContain(first.wallet(1).privateKey.slice(2));
  });
});
