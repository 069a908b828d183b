// The router's own ABI fragments (activities/abi/*.ts) against the spec tables the devnet
// conformance tests use (ssv-spec-tables.ts, stafi-spec-tables.ts): every function, event and
// custom error the router encodes or decodes must be a row of its contract's table, with the
// selector or topic0 typed in there, the spec's indexed fields and, on SSVNetwork, the spec's
// view and payable markers; v1.2.0-only rows must not appear. A fragment not in the tables fails,
// as does a new ABI file or export the test does not map to a contract. Only rows the devnet
// implements count (not stafi-spec-tables.ts ABSENT), so the router never calls what the devnet
// cannot answer.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorFragment, EventFragment, Fragment, FunctionFragment } from 'ethers';

import * as depositContractAbi from '../../../activities/abi/deposit-contract.js';
import * as ssvNetworkAbi from '../../../activities/abi/ssv-network.js';
import * as stafiAbi from '../../../activities/abi/stafi.js';
import * as ssv from './ssv-spec-tables.js';
import * as stafi from './stafi-spec-tables.js';

type Row = readonly [signature: string, selectorOrTopic: string];

/** The spec rows one group of router fragments may use. */
interface Scope {
  contract: string;
  functions: readonly Row[];
  events: readonly Row[];
  errors: readonly Row[];
  indexed: Readonly<Record<string, readonly string[]>>;
}

const SSV_SCOPE: Scope = {
  contract: 'SSVNetwork',
  functions: [...ssv.CLUSTER_FUNCTIONS, ...ssv.OPERATOR_FUNCTIONS, ...ssv.VIEW_FUNCTIONS],
  events: ssv.EVENTS,
  errors: ssv.ERRORS,
  indexed: ssv.INDEXED,
};

function stafiScope(...contracts: string[]): Scope {
  const tables = stafi.IMPLEMENTED.filter((t) => contracts.includes(t.contract));
  expect(tables.map((t) => t.contract)).toEqual(contracts);
  return {
    contract: contracts.join(' / '),
    functions: tables.flatMap((t) => t.functions),
    events: tables.flatMap((t) => t.events),
    errors: [],
    indexed: stafi.INDEXED,
  };
}

const STAFI_CONTRACTS = {
  STAFI_STORAGE_ABI: ['StafiStorage'],
  STAFI_USER_DEPOSIT_ABI: ['StafiUserDeposit'],
  STAFI_SUPER_NODE_ABI: ['StafiSuperNode'],
  STAFI_NETWORK_SETTINGS_ABI: ['StafiNetworkSettings'],
  STAFI_NODE_MANAGER_ABI: ['StafiNodeManager'],
  // The router reads both branches and probes which one is deployed (stafi-pool.md §9.4).
  STAFI_WITHDRAW_ABI: ['StafiWithdrawMain', 'StafiWithdrawPectra'],
} as const;

/** Which contract's rows every array export of activities/abi/ is checked against. */
const SCOPES: Readonly<Record<string, () => Scope>> = {
  'deposit-contract.DEPOSIT_CONTRACT_ABI': () => stafiScope('BeaconDepositContract'),
  'ssv-network.SSV_NETWORK_WRITE_ABI': () => SSV_SCOPE,
  'ssv-network.SSV_NETWORK_VIEWS_ABI': () => SSV_SCOPE,
  'ssv-network.SSV_NETWORK_EVENTS_ABI': () => SSV_SCOPE,
  'ssv-network.SSV_NETWORK_ERRORS_ABI': () => SSV_SCOPE,
  'ssv-network.SSV_NETWORK_ABI': () => SSV_SCOPE,
  ...Object.fromEntries(
    Object.entries(STAFI_CONTRACTS).map(([name, contracts]) => [
      `stafi.${name}`,
      () => stafiScope(...contracts),
    ]),
  ),
  // Every StaFi group at once; each of its fragments must fit one of the StaFi contracts.
  'stafi.STAFI_ABIS': () => stafiScope(...Object.values(STAFI_CONTRACTS).flat()),
};

const MODULES: Readonly<Record<string, Record<string, unknown>>> = {
  'deposit-contract': depositContractAbi,
  'ssv-network': ssvNetworkAbi,
  stafi: stafiAbi,
};

/** Every human-readable fragment of an export (arrays of strings, possibly nested), or null. */
function fragmentsOf(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const flat: unknown[] = value.flat(2);
  return flat.every((item): item is string => typeof item === 'string') ? flat : null;
}

const exportsWithFragments = Object.entries(MODULES).flatMap(([file, module]) =>
  Object.entries(module).flatMap(([name, value]) => {
    const fragments = fragmentsOf(value);
    return fragments ? [{ key: `${file}.${name}`, fragments }] : [];
  }),
);

const cases = exportsWithFragments.flatMap(({ key, fragments }) =>
  fragments.map((text) => {
    const fragment = Fragment.from(text);
    const sighash =
      fragment instanceof FunctionFragment ||
      fragment instanceof EventFragment ||
      fragment instanceof ErrorFragment
        ? fragment.format('sighash')
        : text;
    return [key, `${fragment.type} ${sighash}`, fragment] as const;
  }),
);

function rowOf(rows: readonly Row[], signature: string): Row | undefined {
  return rows.find(([spec]) => spec === signature);
}

describe('router ABI fragments (activities/abi) against the spec tables', () => {
  it('maps every ABI file and every fragment export to a contract of the spec', () => {
    const dir = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../activities/abi',
    );
    expect(readdirSync(dir).sort()).toEqual(
      Object.keys(MODULES)
        .map((m) => `${m}.ts`)
        .sort(),
    );
    expect(exportsWithFragments.map((e) => e.key).sort()).toEqual(Object.keys(SCOPES).sort());
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)('%s: %s is a spec row with its selector or topic', (key, _signature, fragment) => {
    const scope = SCOPES[key]!();
    if (fragment instanceof FunctionFragment) {
      const signature = fragment.format('sighash');
      const row = rowOf(scope.functions, signature);
      expect({ contract: scope.contract, signature, inSpec: row !== undefined }).toEqual({
        contract: scope.contract,
        signature,
        inSpec: true,
      });
      expect(fragment.selector).toBe(row![1]);
      if (scope === SSV_SCOPE) {
        expect(ssv.V1_ONLY_FUNCTIONS.some(([, selector]) => selector === fragment.selector)).toBe(
          false,
        );
        const isView = rowOf(ssv.VIEW_FUNCTIONS, signature) !== undefined;
        expect({ signature, view: fragment.constant }).toEqual({ signature, view: isView });
        expect({ signature, payable: fragment.payable }).toEqual({
          signature,
          payable: ssv.PAYABLE.includes(fragment.name) && !isView,
        });
      }
    } else if (fragment instanceof EventFragment) {
      const signature = fragment.format('sighash');
      const row = rowOf(scope.events, signature);
      expect({ contract: scope.contract, signature, inSpec: row !== undefined }).toEqual({
        contract: scope.contract,
        signature,
        inSpec: true,
      });
      expect(fragment.topicHash).toBe(row![1]);
      const indexed = fragment.inputs.filter((input) => input.indexed).map((input) => input.name);
      expect({ signature, indexed }).toEqual({
        signature,
        indexed: scope.indexed[fragment.name] ?? [],
      });
    } else if (fragment instanceof ErrorFragment) {
      const signature = fragment.format('sighash');
      const row = rowOf(scope.errors, signature);
      expect({ contract: scope.contract, signature, inSpec: row !== undefined }).toEqual({
        contract: scope.contract,
        signature,
        inSpec: true,
      });
      expect(fragment.selector).toBe(row![1]);
      expect(ssv.V1_ONLY_ERRORS.some(([, selector]) => selector === fragment.selector)).toBe(false);
    } else {
      throw new Error(`${key}: ${fragment.type} fragments are not checked; add a rule for them`);
    }
  });
});
