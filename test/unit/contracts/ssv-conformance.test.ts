// ABI conformance of the devnet SSV Network contracts with specs/ssv-network-v2.md (v2.0.0): every
// function selector (§4.1, §5, §8), event topic0 (§6) and custom-error selector (§7) in
// ssv-spec-tables.ts is typed in from the spec tables, and the compiled ABI must contain exactly
// that fragment. Rows for the
// v1.2.0 surface (§12) must stay absent: the devnet is a v2 chain. The §2 hashing vectors pin the
// devnet's cluster helpers.
import type { FunctionFragment } from 'ethers';
import { ErrorFragment, EventFragment, Interface, id } from 'ethers';
import path from 'node:path';
import {
  CONTRACTS_SOURCE_DIR,
  compileSources,
  readSources,
  type Artifacts,
} from '../../../devnet/contracts/compile.js';
import { SSV_SOURCE_FOLDER } from '../../../devnet/deploy/ssv-artifacts.js';
import { ssvClusterHash, ssvClusterKey } from '../../../devnet/deploy/ssv-cluster.js';
import {
  CLUSTER_FUNCTIONS,
  OPERATOR_FUNCTIONS,
  VIEW_FUNCTIONS,
  VIEWS_ONLY_FUNCTIONS,
  PAYABLE,
  EVENTS,
  INDEXED,
  ERRORS,
  V1_ONLY_FUNCTIONS,
  V1_ONLY_ERRORS,
} from './ssv-spec-tables.js';

let artifacts: Artifacts;
let network: Interface;
let views: Interface;

beforeAll(() => {
  artifacts = compileSources(readSources(path.join(CONTRACTS_SOURCE_DIR, SSV_SOURCE_FOLDER)));
  network = contractInterface('SSVNetwork');
  views = contractInterface('SSVNetworkViews');
});

function contractInterface(name: string): Interface {
  const found = artifacts[name];
  if (!found) throw new Error(`${name} missing from the SSV artifacts`);
  return new Interface(found.abi);
}

function selectors(iface: Interface): Map<string, FunctionFragment> {
  const map = new Map<string, FunctionFragment>();
  iface.forEachFunction((fragment) => map.set(fragment.selector, fragment));
  return map;
}

describe('SSV spec tables', () => {
  it.each([
    ...CLUSTER_FUNCTIONS,
    ...OPERATOR_FUNCTIONS,
    ...VIEW_FUNCTIONS,
    ...VIEWS_ONLY_FUNCTIONS,
  ])('the typed-in selector of %s is its keccak hash', (signature, selector) => {
    expect(id(signature).slice(0, 10)).toBe(selector);
  });
});

describe('SSVNetwork ABI', () => {
  it.each([...CLUSTER_FUNCTIONS, ...OPERATOR_FUNCTIONS, ...VIEW_FUNCTIONS])(
    'has %s with selector %s',
    (signature, selector) => {
      const fragment = selectors(network).get(selector);
      expect(fragment?.format('sighash')).toBe(signature);
    },
  );

  it('marks exactly the spec payable functions payable', () => {
    const payable: string[] = [];
    network.forEachFunction((fragment) => {
      if (fragment.payable) payable.push(fragment.name);
    });
    expect(payable.sort()).toEqual([...PAYABLE].sort());
  });

  it('has no view or pure writes: the §4.1 functions except getVersion are non-view', () => {
    for (const [signature] of CLUSTER_FUNCTIONS) {
      const fragment = network.getFunction(signature);
      expect(fragment?.constant).toBe(signature === 'getVersion()');
    }
  });

  it.each(EVENTS)('emits %s with topic0 %s', (signature, topic) => {
    const fragment = network.getEvent(topic);
    expect(fragment).toBeInstanceOf(EventFragment);
    expect(fragment?.format('sighash')).toBe(signature);
  });

  it('indexes exactly the spec fields of every event', () => {
    network.forEachEvent((fragment) => {
      const indexed = fragment.inputs.filter((input) => input.indexed).map((input) => input.name);
      expect({ [fragment.name]: indexed }).toEqual({
        [fragment.name]: INDEXED[fragment.name] ?? [],
      });
    });
  });

  it.each(ERRORS)('declares error %s with selector %s', (signature, selector) => {
    const fragment = network.getError(selector);
    expect(fragment).toBeInstanceOf(ErrorFragment);
    expect(fragment?.format('sighash')).toBe(signature);
  });

  it.each([...V1_ONLY_FUNCTIONS, ...V1_ONLY_ERRORS])(
    'does not expose v1-only %s',
    (_signature, selector) => {
      expect(selectors(network).has(selector)).toBe(false);
      expect(network.getError(selector)).toBeNull();
    },
  );
});

describe('SSVNetworkViews ABI', () => {
  it.each([...VIEW_FUNCTIONS, ...VIEWS_ONLY_FUNCTIONS])(
    'has %s with selector %s',
    (signature, selector) => {
      const fragment = selectors(views).get(selector);
      expect(fragment?.format('sighash')).toBe(signature);
      expect(fragment?.constant).toBe(true);
    },
  );

  it('decodes the same custom errors as SSVNetwork', () => {
    for (const [signature, selector] of ERRORS) {
      expect(views.getError(selector)?.format('sighash')).toBe(signature);
    }
  });
});

describe('SSV cluster hashing vectors (§2.2, §2.3)', () => {
  it('hashes a cluster with balance packed before active', () => {
    expect(
      ssvClusterHash({
        validatorCount: 1n,
        networkFeeIndex: 123n,
        index: 456n,
        balance: 10n ** 18n,
        active: true,
      }),
    ).toBe('0x7c8dbae88a7221d682b88688c49804741183ca84e713594e6fd3469c1a035248');
  });

  it('keys a cluster by owner and 32-byte padded operator ids', () => {
    expect(ssvClusterKey('0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494', [1n, 2n, 3n, 4n])).toBe(
      '0x23db69945fabb51dfec03f362783658725bf77cdb5b4330b46762dc06a68f2c9',
    );
  });
});
