// The pool devnet on a real Hardhat node: the beacon deposit contract, the StaFi-compatible super
// node's deposit → vote → stake machine, the pool's access rules, both StafiWithdraw flavours across
// withdraw cycles, and the EIP-7002 predeploy mock. Every state change is a mined transaction;
// reverts are checked by their exact reason strings.
import {
  Contract,
  ContractFactory,
  concat,
  toBeHex,
  zeroPadValue,
  type HDNodeWallet,
} from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import type { Artifacts } from '../../../devnet/contracts/compile.js';
import { artifact } from '../../../devnet/contracts/compile.js';
import { WITHDRAWAL_REQUEST_PREDEPLOY } from '../../../devnet/deploy/eip7002-predeploy.js';
import { compilePoolContracts } from '../../../devnet/deploy/pool-artifacts.js';
import {
  deployPool,
  withdrawalCredentialsFor,
  type DeployPoolReturnType,
} from '../../../devnet/deploy/pool.js';
import { stafiContractAddressKey } from '../../../devnet/deploy/stafi-storage-keys.js';
import {
  DepositTreeSsz,
  advanceToMiddleOfNextCycle,
  depositDataRoot,
  depositValue,
  devnetWallet,
  argsOf,
  eventsOf,
  littleEndian64,
  poolContracts,
  randomKey,
  read,
  revertReason,
  send,
  type DepositInput,
  type PoolContracts,
} from './pool-helpers.js';

const ETH = 10n ** 18n;
const GWEI = 10n ** 9n;

// specs/beacon-and-keys.md §7.1 (StaFi eth-ssv-client vector, 12 ETH).
const GOLDEN: DepositInput = {
  pubkey:
    '0x907b4c58ab0de67fc9db9e91063ab7042dcb471fa751ee1294c81bf9190a40d74d04731c6e1b09e8ed1214f85341f112',
  withdrawalCredentials: '0x01000000000000000000000027d64dd9172e4b59a444817d30f7af8228f174cc',
  amountGwei: 12_000_000_000n,
  signature:
    '0xb9ddbb9c54c278c86a99f088cc56bcc73ac8a71bc3d988d0f8f92191d5fd452be88c882707d0cfd7953364daf95c4e2013f625b3e726b101a78e2c41924107980b79c5e69d0f0f4dcededfcef50d652e867509ade0c1442df2c5031309085571',
};
const GOLDEN_ROOT = '0xe39085854b63145f6cf52d73be61a78e4676d8548273593119bdcd2281f9e937';

let chain: Chain;
let provider: JsonRpcProvider;
let artifacts: Artifacts;
let deployer: HDNodeWallet;
let superNodeAccount: HDNodeWallet;
let trusted: HDNodeWallet[];
let user: HDNodeWallet;
let outsider: HDNodeWallet;
let mainPool: DeployPoolReturnType;
let pectraPool: DeployPoolReturnType;
let main: PoolContracts;
let pectra: PoolContracts;

beforeAll(async () => {
  chain = await startChain();
  provider = devnetProvider(chain.rpcUrl, chain.chainId);
  artifacts = compilePoolContracts();
  const wallet = (index: number): HDNodeWallet => devnetWallet(chain.mnemonic, index, provider);
  deployer = wallet(0);
  superNodeAccount = wallet(1);
  trusted = [wallet(2), wallet(3), wallet(4)];
  user = wallet(5);
  outsider = wallet(6);
  const common = {
    superNodes: [superNodeAccount.address],
    trustedNodes: trusted.map((node) => node.address),
    initialPoolBalance: 100n * ETH,
    artifacts,
  };
  mainPool = await deployPool(deployer, { ...common, withdrawFlavour: 'main' });
  pectraPool = await deployPool(deployer, { ...common, withdrawFlavour: 'pectra', eip7002Fee: 7n });
  main = poolContracts(mainPool, artifacts, provider);
  pectra = poolContracts(pectraPool, artifacts, provider);
}, 180_000);

afterAll(async () => {
  provider?.destroy();
  await chain?.stop();
});

/** Deposit data for `key` with the pool's credentials, as the router would build it. */
async function poolDeposit(
  pool: PoolContracts,
  key: { pubkey: string; signature: string },
  amountGwei: bigint,
): Promise<{ pubkey: string; signature: string; root: string }> {
  const withdrawalCredentials = await read<string>(
    pool.networkSettings,
    'getWithdrawalCredentials',
  );
  const root = depositDataRoot({ ...key, withdrawalCredentials, amountGwei });
  return { ...key, root };
}

async function superNodeDeposit(
  pool: PoolContracts,
  keys: readonly { pubkey: string; signature: string }[],
): Promise<Awaited<ReturnType<typeof send>>> {
  const data = await Promise.all(keys.map((key) => poolDeposit(pool, key, 1_000_000_000n)));
  return send(pool.superNode, superNodeAccount, 'deposit', [
    data.map((d) => d.pubkey),
    data.map((d) => d.signature),
    data.map((d) => d.root),
  ]);
}

async function stakeArgs(
  pool: PoolContracts,
  keys: readonly { pubkey: string; signature: string }[],
): Promise<[string[], string[], string[]]> {
  const data = await Promise.all(keys.map((key) => poolDeposit(pool, key, 31_000_000_000n)));
  return [data.map((d) => d.pubkey), data.map((d) => d.signature), data.map((d) => d.root)];
}

const status = (pool: PoolContracts, pubkey: string): Promise<bigint> =>
  read<bigint>(pool.superNode, 'getSuperNodePubkeyStatus', pubkey);

describe('beacon deposit contract', () => {
  let depositContract: Contract;
  const accepted: DepositInput[] = [];

  beforeAll(async () => {
    const compiled = artifact(artifacts, 'BeaconDepositContract');
    const deployed = await new ContractFactory(compiled.abi, compiled.bytecode, deployer).deploy();
    await deployed.waitForDeployment();
    depositContract = new Contract(await deployed.getAddress(), compiled.abi, provider);
  });

  const depositArgs = (input: DepositInput, root: string): unknown[] => [
    input.pubkey,
    input.withdrawalCredentials,
    input.signature,
    root,
  ];

  it('accepts the spec golden deposit and emits DepositEvent with little-endian amount and index', async () => {
    expect(depositDataRoot(GOLDEN)).toBe(GOLDEN_ROOT);
    expect(littleEndian64(await read<string>(depositContract, 'get_deposit_count'))).toBe(0n);

    const receipt = await send(
      depositContract,
      user,
      'deposit',
      depositArgs(GOLDEN, GOLDEN_ROOT),
      12n * ETH,
    );
    accepted.push(GOLDEN);

    const [event] = eventsOf(
      receipt,
      depositContract,
      await depositContract.getAddress(),
      'DepositEvent',
    );
    expect(event?.topic).toBe('0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5');
    expect(event?.args.toArray()).toEqual([
      GOLDEN.pubkey,
      GOLDEN.withdrawalCredentials,
      '0x007841cb02000000' /* 12e9 gwei = 0x02cb417800, little-endian */,
      GOLDEN.signature,
      '0x0000000000000000',
    ]);
    expect(littleEndian64(event?.args.getValue('amount') as string)).toBe(12_000_000_000n);
    expect(littleEndian64(await read<string>(depositContract, 'get_deposit_count'))).toBe(1n);
  });

  it('increments the count and keeps get_deposit_root equal to hash_tree_root(List[DepositData, 2**32])', async () => {
    for (const amountGwei of [1_000_000_000n, 31_000_000_000n, 32_000_000_000n]) {
      const input: DepositInput = {
        ...randomKey(),
        withdrawalCredentials: zeroPadValue(user.address, 32),
        amountGwei,
      };
      const receipt = await send(
        depositContract,
        user,
        'deposit',
        depositArgs(input, depositDataRoot(input)),
        amountGwei * GWEI,
      );
      const [event] = eventsOf(
        receipt,
        depositContract,
        await depositContract.getAddress(),
        'DepositEvent',
      );
      expect(littleEndian64(event?.args.getValue('index') as string)).toBe(BigInt(accepted.length));
      expect(littleEndian64(event?.args.getValue('amount') as string)).toBe(amountGwei);
      accepted.push(input);
      expect(littleEndian64(await read<string>(depositContract, 'get_deposit_count'))).toBe(
        BigInt(accepted.length),
      );
    }
    const expectedRoot = DepositTreeSsz.hashTreeRoot(accepted.map(depositValue));
    expect(await read<string>(depositContract, 'get_deposit_root')).toBe(
      `0x${Buffer.from(expectedRoot).toString('hex')}`,
    );
  });

  it('rejects a deposit whose deposit_data_root does not match the recomputed root', async () => {
    const wrongAmountRoot = depositDataRoot({ ...GOLDEN, amountGwei: 1_000_000_000n });
    expect(
      await revertReason(
        send(depositContract, user, 'deposit', depositArgs(GOLDEN, wrongAmountRoot), 12n * ETH),
      ),
    ).toBe('DepositContract: reconstructed DepositData does not match supplied deposit_data_root');
    expect(littleEndian64(await read<string>(depositContract, 'get_deposit_count'))).toBe(
      BigInt(accepted.length),
    );
  });

  it.each([
    [
      'a 47-byte pubkey',
      { pubkey: GOLDEN.pubkey.slice(0, -2) },
      12n * ETH,
      'DepositContract: invalid pubkey length',
    ],
    [
      '31-byte credentials',
      { withdrawalCredentials: GOLDEN.withdrawalCredentials.slice(0, -2) },
      12n * ETH,
      'DepositContract: invalid withdrawal_credentials length',
    ],
    [
      'a 95-byte signature',
      { signature: GOLDEN.signature.slice(0, -2) },
      12n * ETH,
      'DepositContract: invalid signature length',
    ],
    ['less than 1 ETH', {}, ETH - GWEI, 'DepositContract: deposit value too low'],
    [
      'a value that is not whole gwei',
      {},
      12n * ETH + 1n,
      'DepositContract: deposit value not multiple of gwei',
    ],
  ] as const)('rejects %s with the spec reason', async (_case, change, value, reason) => {
    const input = { ...GOLDEN, ...change };
    expect(
      await revertReason(
        send(depositContract, user, 'deposit', depositArgs(input, GOLDEN_ROOT), value),
      ),
    ).toBe(reason);
  });

  it('answers ERC-165 for itself and the deposit interface only', async () => {
    expect(await read<boolean>(depositContract, 'supportsInterface', '0x01ffc9a7')).toBe(true);
    // IDepositContract id = deposit ^ get_deposit_root ^ get_deposit_count selectors.
    const depositInterfaceId = toBeHex((0x22895118 ^ 0xc5f2892f ^ 0x621fd130) >>> 0, 4);
    expect(await read<boolean>(depositContract, 'supportsInterface', depositInterfaceId)).toBe(
      true,
    );
    expect(await read<boolean>(depositContract, 'supportsInterface', '0xffffffff')).toBe(false);
  });
});

describe('pool wiring', () => {
  it('resolves every contract through Storage and sets the spec defaults', async () => {
    const registered: [string, string][] = [
      ['stafiUserDeposit', mainPool.addresses.userDeposit],
      ['stafiSuperNode', mainPool.addresses.superNode],
      ['stafiNetworkSettings', mainPool.addresses.networkSettings],
      ['stafiNodeManager', mainPool.addresses.nodeManager],
      ['stafiWithdraw', mainPool.addresses.withdraw],
      ['stafiSuperNodeFeePool', mainPool.addresses.superNodeFeePool],
      ['ethDeposit', mainPool.addresses.depositContract],
    ];
    for (const [name, address] of registered) {
      expect([
        name,
        await read<string>(main.storage, 'getAddress', stafiContractAddressKey(name)),
      ]).toEqual([name, address]);
    }
    expect(await read<string>(main.networkSettings, 'getWithdrawalCredentials')).toBe(
      concat(['0x01', '0x0000000000000000000000', mainPool.addresses.withdraw.toLowerCase()]),
    );
    expect(withdrawalCredentialsFor(mainPool.addresses.withdraw)).toBe(
      await read<string>(main.networkSettings, 'getWithdrawalCredentials'),
    );
    expect(await read<bigint>(main.networkSettings, 'getNodeConsensusThreshold')).toBe(ETH / 2n);
    expect(await read<bigint>(main.networkSettings, 'getSuperNodePubkeyLimit')).toBe(50n);
    expect(await read<bigint>(main.nodeManager, 'getTrustedNodeCount')).toBe(3n);
    expect(await read<bigint>(main.nodeManager, 'getSuperNodeCount')).toBe(1n);
    expect(
      await read<boolean>(main.nodeManager, 'getSuperNodeExists', superNodeAccount.address),
    ).toBe(true);
    expect(await read<boolean>(main.superNode, 'getSuperNodeDepositEnabled')).toBe(true);
    expect(await read<bigint>(main.userDeposit, 'getBalance')).toBe(100n * ETH);
    // Storage is initialised: only registered network contracts may write any more.
    expect(
      await revertReason(
        send(main.storage, deployer, 'setAddress', [
          stafiContractAddressKey('stafiSuperNode'),
          outsider.address,
        ]),
      ),
    ).toBe('Invalid or outdated network contract');
    // Two pools deployed side by side share nothing but the predeploy.
    expect(pectraPool.addresses.storage).not.toBe(mainPool.addresses.storage);
    expect(pectraPool.addresses.eip7002).toBe(WITHDRAWAL_REQUEST_PREDEPLOY);
  });
});

describe('super node deposit, credentials vote and stake', () => {
  it('stakes 31 ETH after a MATCH vote, moving the pubkey 0 → 1 → 2 → 3', async () => {
    const key = randomKey();
    const poolBefore = await read<bigint>(main.userDeposit, 'getBalance');
    expect(await status(main, key.pubkey)).toBe(0n);

    const deposited = await superNodeDeposit(main, [key]);
    expect(await status(main, key.pubkey)).toBe(1n);
    expect(await read<bigint>(main.userDeposit, 'getBalance')).toBe(poolBefore - ETH);
    const [depositEvent] = eventsOf(
      deposited,
      main.depositContract,
      mainPool.addresses.depositContract,
      'DepositEvent',
    );
    expect(depositEvent?.args.getValue('withdrawal_credentials')).toBe(
      withdrawalCredentialsFor(mainPool.addresses.withdraw),
    );
    expect(littleEndian64(depositEvent?.args.getValue('amount') as string)).toBe(1_000_000_000n);
    expect(
      eventsOf(deposited, main.superNode, mainPool.addresses.superNode, 'Deposited').map(argsOf),
    ).toEqual([[superNodeAccount.address, key.pubkey, key.signature]]);
    expect(
      eventsOf(deposited, main.superNode, mainPool.addresses.superNode, 'SetPubkeyStatus').map(
        argsOf,
      ),
    ).toEqual([[key.pubkey, 1n]]);
    expect(
      eventsOf(deposited, main.userDeposit, mainPool.addresses.userDeposit, 'ExcessWithdrawn').map(
        argsOf,
      ),
    ).toEqual([[mainPool.addresses.superNode, ETH, expect.any(BigInt)]]);

    const args = await stakeArgs(main, [key]);
    expect(await revertReason(send(main.superNode, superNodeAccount, 'stake', args))).toBe(
      'pubkey status unmatch',
    );

    // 3 trusted nodes, threshold 0.5: one vote (1e18 < 1.5e18) does not decide, two do.
    const [first, second, third] = trusted as [HDNodeWallet, HDNodeWallet, HDNodeWallet];
    await send(main.superNode, first, 'voteWithdrawCredentials', [[key.pubkey], [true]]);
    expect(await status(main, key.pubkey)).toBe(1n);
    expect(await read<boolean>(main.superNode, 'getPubkeyVoted', key.pubkey, first.address)).toBe(
      true,
    );
    expect(await read<boolean>(main.superNode, 'getPubkeyVoted', key.pubkey, second.address)).toBe(
      false,
    );
    expect(
      await revertReason(
        send(main.superNode, first, 'voteWithdrawCredentials', [[key.pubkey], [true]]),
      ),
    ).toBe('Member has already voted to withdrawCredentials');
    const decided = await send(main.superNode, second, 'voteWithdrawCredentials', [
      [key.pubkey],
      [true],
    ]);
    expect(
      eventsOf(decided, main.superNode, mainPool.addresses.superNode, 'SetPubkeyStatus').map(
        argsOf,
      ),
    ).toEqual([[key.pubkey, 2n]]);
    // A late vote for the other side counts but changes nothing.
    await send(main.superNode, third, 'voteWithdrawCredentials', [[key.pubkey], [false]]);
    expect(await status(main, key.pubkey)).toBe(2n);

    const staked = await send(main.superNode, superNodeAccount, 'stake', args);
    expect(await status(main, key.pubkey)).toBe(3n);
    expect(await read<bigint>(main.userDeposit, 'getBalance')).toBe(poolBefore - 32n * ETH);
    const [stakeDeposit] = eventsOf(
      staked,
      main.depositContract,
      mainPool.addresses.depositContract,
      'DepositEvent',
    );
    expect(littleEndian64(stakeDeposit?.args.getValue('amount') as string)).toBe(31_000_000_000n);
    expect(
      eventsOf(staked, main.superNode, mainPool.addresses.superNode, 'Staked').map(argsOf),
    ).toEqual([[superNodeAccount.address, key.pubkey]]);
    expect(await revertReason(send(main.superNode, superNodeAccount, 'stake', args))).toBe(
      'pubkey status unmatch',
    );
  });

  it('never stakes when credentials were voted UNMATCH, and the key cannot be deposited again', async () => {
    const key = randomKey();
    await superNodeDeposit(main, [key]);
    const [first, second] = trusted as [HDNodeWallet, HDNodeWallet];
    await send(main.superNode, first, 'voteWithdrawCredentials', [[key.pubkey], [false]]);
    await send(main.superNode, second, 'voteWithdrawCredentials', [[key.pubkey], [false]]);
    expect(await status(main, key.pubkey)).toBe(4n);
    expect(
      await revertReason(
        send(main.superNode, superNodeAccount, 'stake', await stakeArgs(main, [key])),
      ),
    ).toBe('pubkey status unmatch');
    expect(await revertReason(superNodeDeposit(main, [key]))).toBe('pubkey status unmatch');
  });

  it('admits only super nodes to deposit/stake and trusted nodes to vote, with equal-length arrays', async () => {
    const key = await poolDeposit(main, randomKey(), 1_000_000_000n);
    const one = [[key.pubkey], [key.signature], [key.root]];
    expect(await revertReason(send(main.superNode, outsider, 'deposit', one))).toBe(
      'Invalid super node',
    );
    expect(await revertReason(send(main.superNode, outsider, 'stake', one))).toBe(
      'Invalid super node',
    );
    expect(
      await revertReason(
        send(main.superNode, outsider, 'voteWithdrawCredentials', [[key.pubkey], [true]]),
      ),
    ).toBe('Invalid trusted node');
    expect(
      await revertReason(
        send(main.superNode, superNodeAccount, 'deposit', [[key.pubkey], [], [key.root]]),
      ),
    ).toBe('params len err');
    expect(
      await revertReason(
        send(main.superNode, trusted[0] as HDNodeWallet, 'voteWithdrawCredentials', [
          [key.pubkey],
          [true, false],
        ]),
      ),
    ).toBe('params len err');
  });

  it('refuses deposits while the super-node deposit flag is off', async () => {
    await send(main.superNode, deployer, 'setSuperNodeDepositEnabled', [false]);
    expect(await revertReason(superNodeDeposit(main, [randomKey()]))).toBe(
      'super node deposits are currently disabled',
    );
    await send(main.superNode, deployer, 'setSuperNodeDepositEnabled', [true]);
    expect(
      await revertReason(send(main.superNode, outsider, 'setSuperNodeDepositEnabled', [false])),
    ).toBe('Account is not a super user');
  });

  it('enforces the lifetime pubkey limit, counting UNMATCH and staked keys', async () => {
    const count = await read<bigint>(
      main.superNode,
      'getSuperNodePubkeyCount',
      superNodeAccount.address,
    );
    expect(count).toBe(2n); // the MATCH→staked key and the UNMATCH key above
    await send(main.networkSettings, deployer, 'setSuperNodePubkeyLimit', [count + 1n]);
    expect(await revertReason(superNodeDeposit(main, [randomKey(), randomKey()]))).toBe(
      'pubkey amount over limit',
    );
    const last = randomKey();
    await superNodeDeposit(main, [last]);
    expect(
      await read<bigint>(main.superNode, 'getSuperNodePubkeyCount', superNodeAccount.address),
    ).toBe(count + 1n);
    expect(
      await read<string>(main.superNode, 'getSuperNodePubkeyAt', superNodeAccount.address, count),
    ).toBe(last.pubkey);
    expect(await revertReason(superNodeDeposit(main, [randomKey()]))).toBe(
      'pubkey amount over limit',
    );
    await send(main.networkSettings, deployer, 'setSuperNodePubkeyLimit', [50n]);
  });

  it('fails a deposit batch the pool cannot pay, and the admin cheat drains and refills the pool', async () => {
    const balance = await read<bigint>(main.userDeposit, 'getBalance');
    await send(main.userDeposit, deployer, 'devnetDrain', [balance - ETH / 2n, outsider.address]);
    expect(await read<bigint>(main.userDeposit, 'getBalance')).toBe(ETH / 2n);
    expect(await revertReason(superNodeDeposit(main, [randomKey()]))).toBe(
      'Insufficient balance for withdrawal',
    );
    await send(main.userDeposit, deployer, 'devnetRefill', [], balance - ETH / 2n);
    expect(await read<bigint>(main.userDeposit, 'getBalance')).toBe(balance);
    expect(
      await revertReason(send(main.userDeposit, outsider, 'devnetDrain', [1n, outsider.address])),
    ).toBe('Account is not a super user');
  });

  it('lets only the registered SuperNode withdraw from UserDeposit', async () => {
    for (const caller of [outsider, deployer, superNodeAccount]) {
      expect(
        await revertReason(
          send(main.userDeposit, caller, 'withdrawExcessBalanceForSuperNode', [ETH]),
        ),
      ).toBe('Invalid or outdated contract');
    }
    const userDeposit = await send(main.userDeposit, user, 'deposit', [], 2n * ETH);
    expect(
      eventsOf(
        userDeposit,
        main.userDeposit,
        mainPool.addresses.userDeposit,
        'DepositReceived',
      ).map(argsOf),
    ).toEqual([[user.address, 2n * ETH, expect.any(BigInt)]]);
  });
});

describe('StafiWithdraw (main): index-based ejections per cycle', () => {
  it('stores an ejection list for the previous cycle once a majority votes, and rolls over daily', async () => {
    const current = await advanceToMiddleOfNextCycle(provider);
    expect(await read<bigint>(main.withdraw, 'currentWithdrawCycle')).toBe(current);
    const previous = current - 1n;
    const list = [101n, 102n];
    const [first, second, third] = trusted as [HDNodeWallet, HDNodeWallet, HDNodeWallet];

    expect(
      await revertReason(
        send(main.withdraw, first, 'notifyValidatorExit', [current, previous, list]),
      ),
    ).toBe('cycle not match');
    expect(
      await revertReason(
        send(main.withdraw, first, 'notifyValidatorExit', [previous, previous, list]),
      ),
    ).toBe('cycle not match');
    expect(
      await revertReason(
        send(main.withdraw, first, 'notifyValidatorExit', [previous, previous - 1n, []]),
      ),
    ).toBe('length not match');
    // 100 ETH per cycle allows 100 × 3 / 20 = 15 ejections.
    const sixteen = Array.from({ length: 16 }, (_, i) => BigInt(i));
    expect(
      await revertReason(
        send(main.withdraw, first, 'notifyValidatorExit', [previous, previous - 1n, sixteen]),
      ),
    ).toBe('length not match');
    expect(
      await revertReason(
        send(main.withdraw, outsider, 'notifyValidatorExit', [previous, previous - 1n, list]),
      ),
    ).toBe('Invalid trusted node');

    await send(main.withdraw, first, 'notifyValidatorExit', [previous, previous - 1n, list]);
    expect(await read<bigint[]>(main.withdraw, 'getEjectedValidatorsAtCycle', previous)).toEqual(
      [],
    );
    expect(
      await revertReason(
        send(main.withdraw, first, 'notifyValidatorExit', [previous, previous - 1n, list]),
      ),
    ).toBe('duplicate vote');
    const executed = await send(main.withdraw, second, 'notifyValidatorExit', [
      previous,
      previous - 1n,
      list,
    ]);
    expect(
      eventsOf(executed, main.withdraw, mainPool.addresses.withdraw, 'NotifyValidatorExit').map(
        argsOf,
      ),
    ).toEqual([[previous, previous - 1n, list]]);
    expect(await read<bigint[]>(main.withdraw, 'getEjectedValidatorsAtCycle', previous)).toEqual(
      list,
    );
    expect(await read<bigint>(main.withdraw, 'ejectedValidatorsAtCycle', previous, 1n)).toBe(102n);
    expect(await read<bigint>(main.withdraw, 'ejectedStartCycle')).toBe(previous - 1n);
    expect(
      await revertReason(
        send(main.withdraw, third, 'notifyValidatorExit', [previous, previous - 1n, list]),
      ),
    ).toBe('already dealed');

    const next = await advanceToMiddleOfNextCycle(provider);
    expect(next).toBe(current + 1n);
    expect(
      await revertReason(
        send(main.withdraw, first, 'notifyValidatorExit', [previous, previous - 1n, [103n]]),
      ),
    ).toBe('cycle not match');
    await send(main.withdraw, first, 'notifyValidatorExit', [current, previous, [103n]]);
    await send(main.withdraw, third, 'notifyValidatorExit', [current, previous, [103n]]);
    expect(await read<bigint[]>(main.withdraw, 'getEjectedValidatorsAtCycle', current)).toEqual([
      103n,
    ]);
    expect(await read<bigint>(main.withdraw, 'ejectedStartCycle')).toBe(previous);
  });
});

describe('StafiWithdraw (pectra): EIP-7002 exits requested by the contract', () => {
  it('sends one 56-byte full-exit request per pubkey, paying the predeploy fee and refunding the executor', async () => {
    const current = await advanceToMiddleOfNextCycle(provider);
    const previous = current - 1n;
    const pubkeys = [randomKey().pubkey, randomKey().pubkey];
    const [first, second, third] = trusted as [HDNodeWallet, HDNodeWallet, HDNodeWallet];
    expect(
      await revertReason(
        send(pectra.withdraw, first, 'requestValidatorExit', [current, pubkeys], 100n),
      ),
    ).toBe('cycle not match');

    await send(pectra.withdraw, first, 'requestValidatorExit', [previous, pubkeys], 5n);
    expect(
      await revertReason(
        send(pectra.withdraw, first, 'requestValidatorExit', [previous, pubkeys], 5n),
      ),
    ).toBe('duplicate vote');
    const predeployBefore = await provider.getBalance(WITHDRAWAL_REQUEST_PREDEPLOY);
    const executed = await send(
      pectra.withdraw,
      second,
      'requestValidatorExit',
      [previous, pubkeys],
      100n,
    );

    const requests = executed.logs.filter(
      (log) => log.address.toLowerCase() === WITHDRAWAL_REQUEST_PREDEPLOY.toLowerCase(),
    );
    expect(requests.map((log) => [log.topics.length, log.data])).toEqual(
      pubkeys.map((pubkey) => [
        0,
        concat([pectraPool.addresses.withdraw.toLowerCase(), pubkey, '0x0000000000000000']),
      ]),
    );
    expect(await provider.getBalance(WITHDRAWAL_REQUEST_PREDEPLOY)).toBe(predeployBefore + 2n * 7n);
    // The first voter's 5 wei stay in the contract; the executor's remaining 86 wei are refunded.
    expect(await provider.getBalance(pectraPool.addresses.withdraw)).toBe(5n);
    expect(
      eventsOf(
        executed,
        pectra.withdraw,
        pectraPool.addresses.withdraw,
        'RequestValidatorExit',
      ).map(argsOf),
    ).toEqual([[previous, pubkeys]]);
    expect(await read<bigint>(pectra.withdraw, 'requestedValidatorExitCycle')).toBe(previous);
    expect(
      await revertReason(
        send(pectra.withdraw, third, 'requestValidatorExit', [previous, [pubkeys[0]]], 100n),
      ),
    ).toBe('already requested cycle');

    await advanceToMiddleOfNextCycle(provider);
    await send(pectra.withdraw, first, 'requestValidatorExit', [current, pubkeys], 0n);
    expect(
      await revertReason(
        send(pectra.withdraw, third, 'requestValidatorExit', [current, pubkeys], 13n),
      ),
    ).toBe('fee is too high');
  });

  it('does not have the main branch index list, so a router can probe the flavour', async () => {
    const probe = new Contract(
      pectraPool.addresses.withdraw,
      artifact(artifacts, 'StafiWithdrawMain').abi,
      provider,
    );
    await expect(read(probe, 'getEjectedValidatorsAtCycle', 0n)).rejects.toMatchObject({
      code: 'CALL_EXCEPTION',
      data: '0x',
    });
  });
});

describe('EIP-7002 predeploy mock', () => {
  const call = (data: string, value = 0n, from?: string): Promise<string> =>
    provider.call({ to: WITHDRAWAL_REQUEST_PREDEPLOY, data, value, ...(from ? { from } : {}) });

  it('returns the 32-byte fee on empty calldata, at least 1 wei, and the admin can change it', async () => {
    expect(await call('0x')).toBe(toBeHex(7n, 32));
    const sent = await deployer.sendTransaction({
      to: WITHDRAWAL_REQUEST_PREDEPLOY,
      data: toBeHex(0n, 32),
    });
    await sent.wait();
    expect(await call('0x')).toBe(toBeHex(1n, 32));
    await expect(
      outsider.sendTransaction({ to: WITHDRAWAL_REQUEST_PREDEPLOY, data: toBeHex(9n, 32) }),
    ).rejects.toMatchObject({ reason: 'invalid request' });
    await expect(call('0x', 1n)).rejects.toMatchObject({ reason: 'fee getter takes no value' });
    await (
      await deployer.sendTransaction({ to: WITHDRAWAL_REQUEST_PREDEPLOY, data: toBeHex(7n, 32) })
    ).wait();
  });

  it('accepts exactly 56 bytes with msg.value ≥ fee and logs source ‖ pubkey ‖ amount', async () => {
    const pubkey = randomKey().pubkey;
    const request = concat([pubkey, toBeHex(32_000_000_000n, 8)]);
    await expect(call(request, 6n)).rejects.toMatchObject({ reason: 'insufficient fee' });
    for (const wrongLength of [request.slice(0, -2), concat([request, '0x00'])]) {
      await expect(call(wrongLength, 7n)).rejects.toMatchObject({ reason: 'invalid request' });
    }
    const receipt = await (
      await user.sendTransaction({ to: WITHDRAWAL_REQUEST_PREDEPLOY, data: request, value: 7n })
    ).wait();
    expect(receipt?.logs.map((log) => [log.topics, log.data])).toEqual([
      [[], concat([user.address.toLowerCase(), request])],
    ]);
  });
});

describe('SuperNodeFeePool', () => {
  it('receives plain ETH transfers and pays out only to network contracts', async () => {
    const before = await provider.getBalance(mainPool.addresses.superNodeFeePool);
    await (
      await user.sendTransaction({ to: mainPool.addresses.superNodeFeePool, value: ETH })
    ).wait();
    expect(await provider.getBalance(mainPool.addresses.superNodeFeePool)).toBe(before + ETH);
    expect(
      await revertReason(
        send(main.superNodeFeePool, outsider, 'withdrawEther', [outsider.address, ETH]),
      ),
    ).toBe('Invalid or outdated network contract');
  });
});
