// ABI conformance of the devnet pool contracts with the facts in specs/stafi-pool.md and
// specs/beacon-and-keys.md: every selector and topic0 in stafi-spec-tables.ts is typed in from the
// spec tables, and the compiled ABI must contain exactly that function or event. Rows the devnet deliberately does
// not implement are listed separately and must stay absent, so adding them means moving the row.
import { Interface, id, keccak256, toUtf8Bytes } from 'ethers';
import { compilePoolContracts } from '../../../devnet/deploy/pool-artifacts.js';
import { stafiContractAddressKey } from '../../../devnet/deploy/stafi-storage-keys.js';
import type { Artifacts } from '../../../devnet/contracts/compile.js';
import { IMPLEMENTED, ABSENT, CONTRACT_ADDRESS_KEYS, SETTINGS_KEYS } from './stafi-spec-tables.js';

let artifacts: Artifacts;
const iface = (contract: string): Interface => {
  const found = artifacts[contract];
  if (!found) throw new Error(`${contract} was not compiled`);
  return new Interface(found.abi);
};

beforeAll(() => {
  artifacts = compilePoolContracts();
}, 120_000);

const functionRows = IMPLEMENTED.flatMap(({ contract, functions }) =>
  functions.map(([signature, selector]) => [contract, signature, selector] as const),
);
const eventRows = IMPLEMENTED.flatMap(({ contract, events }) =>
  events.map(([signature, topic]) => [contract, signature, topic] as const),
);

describe('StaFi and beacon ABI conformance', () => {
  it.each(functionRows)('%s has %s with selector %s', (contract, signature, selector) => {
    expect(id(signature).slice(0, 10)).toBe(selector);
    expect(iface(contract).getFunction(selector)?.format('sighash')).toBe(signature);
  });

  it.each(eventRows)('%s emits %s with topic0 %s', (contract, signature, topic) => {
    expect(id(signature)).toBe(topic);
    expect(iface(contract).getEvent(topic)?.format('sighash')).toBe(signature);
  });

  it.each(ABSENT)('%s deliberately lacks %s (%s)', (contract, signature, selectorOrTopic) => {
    expect(selectorOrTopic).toBe(
      selectorOrTopic.length === 10 ? id(signature).slice(0, 10) : id(signature),
    );
    const contractInterface = iface(contract);
    const found =
      selectorOrTopic.length === 10
        ? contractInterface.getFunction(selectorOrTopic)
        : contractInterface.getEvent(selectorOrTopic);
    expect(found).toBeNull();
  });

  it('declares no custom errors: StaFi and the deposit contract revert with strings', () => {
    for (const { contract } of IMPLEMENTED) {
      const errors = iface(contract).fragments.filter((fragment) => fragment.type === 'error');
      expect({ contract, errors }).toEqual({ contract, errors: [] });
    }
  });

  it('gives the EIP-7002 mock no function selectors, so every 56-byte request reaches its fallback', () => {
    const mock = iface('WithdrawalRequestPredeployMock');
    expect(mock.fragments.filter((fragment) => fragment.type === 'function')).toEqual([]);
    expect(mock.fallback?.payable).toBe(true);
    expect(artifacts.WithdrawalRequestPredeployMock?.abi.map((entry) => entry.type).sort()).toEqual(
      ['constructor', 'fallback'],
    );
  });

  it.each(CONTRACT_ADDRESS_KEYS)('registers %s under Storage key %s', (name, key) => {
    expect(stafiContractAddressKey(name)).toBe(key);
  });

  it.each(SETTINGS_KEYS)('reads setting %s at key %s', (name, key) => {
    expect(keccak256(toUtf8Bytes(name))).toBe(key);
  });
});
