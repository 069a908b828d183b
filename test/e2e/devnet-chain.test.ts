import { ContractFactory, HDNodeWallet, Mnemonic, type Contract } from 'ethers';
import { compileSources } from '../../devnet/contracts/compile.js';
import { devnetProvider, startChain, type Chain } from '../../devnet/chain.js';

const COUNTER = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
contract Counter {
  event Bumped(address indexed by, uint256 value);
  error TooBig(uint256 value);
  uint256 public value;
  function bump(uint256 by) external {
    if (by > 10) revert TooBig(by);
    value += by;
    emit Bumped(msg.sender, value);
  }
}
`;

let chain: Chain;

beforeAll(async () => {
  chain = await startChain();
});

afterAll(async () => {
  await chain?.stop();
});

describe('devnet chain', () => {
  it('compiles with solc-js, deploys to the hardhat node and decodes a custom error', async () => {
    const artifacts = compileSources({ 'Counter.sol': COUNTER });
    const counterArtifact = artifacts.Counter;
    if (!counterArtifact) throw new Error('Counter missing from artifacts');
    const provider = devnetProvider(chain.rpcUrl, chain.chainId);
    const signer = HDNodeWallet.fromMnemonic(
      Mnemonic.fromPhrase(chain.mnemonic),
      "m/44'/60'/0'/0/0",
    ).connect(provider);

    const factory = new ContractFactory(counterArtifact.abi, counterArtifact.bytecode, signer);
    const counter = (await factory.deploy()) as Contract;
    await counter.waitForDeployment();
    await ((await counter.getFunction('bump')(3)) as { wait(): Promise<unknown> }).wait();
    expect(await counter.getFunction('value')()).toBe(3n);
    await expect(counter.getFunction('bump').staticCall(11)).rejects.toMatchObject({
      revert: { name: 'TooBig', args: [11n] },
    });
    provider.destroy();
  });

  it('reports solc errors with the file and the message', () => {
    expect(() =>
      compileSources({ 'Broken.sol': 'pragma solidity 0.8.28; contract B { x }' }),
    ).toThrow(/Broken\.sol/);
  });
});
