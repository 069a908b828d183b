/**
 * Invariants of the chaos suite, read from the chain and from Temporal — never from what the
 * router says about itself. Each check returns violations as readable lines; an empty list means
 * the invariant holds.
 */
import bls from '@chainsafe/bls';
import { deriveEth2ValidatorKeys, deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';
import { Interface, Mnemonic } from 'ethers';
import type { Client } from '@temporalio/client';
import { STAGES, type Stage } from '../../domain/lifecycle/stages.js';
import type { Devnet } from '../../devnet/world.js';
import { lifecycleStatus } from '../../workflows/definitions.js';
import {
  depositsByPubkey,
  lifecycles,
  ssvEvents,
  type LifecycleRow,
} from '../helpers/router-world.js';

const GWEI_1 = 1_000_000_000n;
const GWEI_31 = 31_000_000_000n;
const stageIndex = (stage: string): number => STAGES.indexOf(stage as Stage);
const DEPOSITED_FROM = stageIndex('await_credentials');
const STAKED_FROM = stageIndex('await_activation');
const REGISTERED_FROM = stageIndex('stake');
const REGISTERED_UNTIL = stageIndex('offboard');
const ON_PATH_END = stageIndex('done');

/** Where a lifecycle is on the main path (halted counts where it halted). */
function pathIndex(row: LifecycleRow, haltedIn: Map<string, string>): number {
  if (row.stage === 'halted') return stageIndex(haltedIn.get(row.workflowId) ?? 'generate');
  if (row.stage === 'credentials_rejected') return DEPOSITED_FROM;
  return stageIndex(row.stage);
}

export interface ChainAudit {
  violations: string[];
  /** Lifecycles in `active` whose pubkey is deposited, staked and registered once (chain view). */
  onboarded: number;
  duplicates: number;
  lost: number;
  lifecycles: LifecycleRow[];
}

/**
 * Deposits, stakes and SSV registrations against the lifecycles Temporal knows:
 * - every pubkey deposited (1 ETH) at most once, exactly once when its lifecycle passed deposit;
 * - staked (31 ETH) at most once, exactly once when its lifecycle passed stake, never unless
 *   deposited;
 * - every deposited pubkey belongs to a lifecycle (nothing on chain the router lost track of);
 * - pubkeys and key indexes unique, and each pubkey the one its key index derives from the seed;
 * - `ValidatorAdded` at most once per registration episode (never twice without a
 *   `ValidatorRemoved` between), exactly one live registration while the lifecycle is between
 *   stake and offboard; every registration valid by the devnet verifier with consecutive nonces.
 */
export async function auditChain(
  devnet: Devnet,
  client: Client,
  mnemonic: string,
): Promise<ChainAudit> {
  const violations: string[] = [];
  let duplicates = 0;
  let lost = 0;
  const rows = await lifecycles(client);
  const haltedIn = new Map<string, string>();
  for (const row of rows.filter((r) => r.stage === 'halted' && r.status === 'RUNNING')) {
    const status = await client.workflow
      .getHandle(row.workflowId)
      .query(lifecycleStatus)
      .catch(() => null);
    if (status?.haltedIn) haltedIn.set(row.workflowId, status.haltedIn);
  }

  // Key indexes and pubkeys.
  const byIndex = new Map<number, LifecycleRow>();
  const byPubkey = new Map<string, LifecycleRow>();
  const master = deriveKeyFromMnemonic(mnemonic);
  for (const row of rows) {
    if (byIndex.has(row.keyIndex)) {
      violations.push(`key index ${row.keyIndex} used by two lifecycles`);
      duplicates++;
    }
    byIndex.set(row.keyIndex, row);
    if (!row.pubkey) continue;
    const other = byPubkey.get(row.pubkey);
    if (other) {
      violations.push(`pubkey ${row.pubkey} shared by ${other.workflowId} and ${row.workflowId}`);
      duplicates++;
    }
    byPubkey.set(row.pubkey, row);
    const sk = deriveEth2ValidatorKeys(master, row.keyIndex).signing;
    const derived = `0x${Buffer.from(bls.secretKeyToPublicKey(sk)).toString('hex')}`;
    sk.fill(0);
    if (derived !== row.pubkey) {
      violations.push(`${row.workflowId} shows pubkey ${row.pubkey}, key index derives ${derived}`);
    }
  }

  // Deposits and stakes.
  const deposits = await depositsByPubkey(devnet);
  for (const [pubkey, amounts] of deposits) {
    const ones = amounts.filter((a) => a === GWEI_1).length;
    const stakes = amounts.filter((a) => a === GWEI_31).length;
    const other = amounts.filter((a) => a !== GWEI_1 && a !== GWEI_31);
    if (ones > 1 || stakes > 1) {
      violations.push(`pubkey ${pubkey} deposited ${ones}× 1 ETH and staked ${stakes}× 31 ETH`);
      duplicates++;
    }
    if (stakes > 0 && ones === 0) violations.push(`pubkey ${pubkey} staked without a deposit`);
    if (other.length > 0) violations.push(`pubkey ${pubkey} has odd deposits ${other.join(',')}`);
    if (!byPubkey.has(pubkey)) {
      violations.push(`pubkey ${pubkey} deposited on chain but no lifecycle shows it`);
      lost++;
    }
  }
  for (const row of rows) {
    const at = pathIndex(row, haltedIn);
    const amounts = deposits.get(row.pubkey ?? '') ?? [];
    if (at >= DEPOSITED_FROM && at <= ON_PATH_END && !amounts.includes(GWEI_1)) {
      violations.push(`${row.workflowId} is in ${row.stage} but its deposit is not on chain`);
      lost++;
    }
    if (at >= STAKED_FROM && at <= ON_PATH_END && !amounts.includes(GWEI_31)) {
      violations.push(`${row.workflowId} is in ${row.stage} but its stake is not on chain`);
      lost++;
    }
  }

  // SSV registrations per episode.
  const events = await ssvEvents(devnet);
  const live = new Map<string, number>();
  let added = 0;
  for (const event of events) {
    if (!event.pubkey) continue;
    if (event.name === 'ValidatorAdded') {
      added++;
      const now = (live.get(event.pubkey) ?? 0) + 1;
      live.set(event.pubkey, now);
      if (now > 1) {
        violations.push(`ValidatorAdded twice for ${event.pubkey} without a removal between`);
        duplicates++;
      }
    } else if (event.name === 'ValidatorRemoved') {
      live.set(event.pubkey, (live.get(event.pubkey) ?? 0) - 1);
    }
  }
  for (const row of rows) {
    const at = pathIndex(row, haltedIn);
    if (at > REGISTERED_FROM && at < REGISTERED_UNTIL && live.get(row.pubkey ?? '') !== 1) {
      violations.push(
        `${row.workflowId} is in ${row.stage} but has ${live.get(row.pubkey ?? '') ?? 0} live SSV registrations`,
      );
      lost++;
    }
  }
  await devnet.verifier.ingestNow();
  const report = devnet.verifier
    .report()
    .filter((r) => r.owner.toLowerCase() === devnet.state.accounts.router.toLowerCase());
  for (const record of report.filter((r) => !r.valid)) {
    violations.push(
      `registration of ${record.publicKey} (nonce ${record.nonce}) invalid: ${record.reasons.join('; ')}`,
    );
  }
  const nonces = report.map((r) => r.nonce);
  if (nonces.some((n, i) => n !== i)) {
    violations.push(`owner nonces not consecutive from 0: ${nonces.join(',')}`);
  }
  if (report.length !== added) {
    violations.push(`verifier saw ${report.length} registrations, the chain has ${added}`);
  }

  const onboarded = rows.filter(
    (r) =>
      r.stage === 'active' &&
      (deposits.get(r.pubkey ?? '') ?? []).length === 2 &&
      live.get(r.pubkey ?? '') === 1,
  ).length;
  return { violations, onboarded, duplicates, lost, lifecycles: rows };
}

const userDepositIface = new Interface([
  'event DepositReceived(address indexed from, uint256 amount, uint256 time)',
  'event DepositRecycled(address indexed from, uint256 amount, uint256 time)',
  'event ExcessWithdrawn(address indexed to, uint256 amount, uint256 time)',
  'event DevnetBalanceAdjusted(int256 delta, uint256 balance)',
]);

/**
 * Pool ETH accounted for. The devnet's StafiUserDeposit holds the pool; ETH enters by user
 * deposits (DepositReceived), recycling (DepositRecycled) and devnet refills, leaves by
 * ExcessWithdrawn to the super node (which forwards exactly 1 ETH per deposit and 31 ETH per
 * stake to the deposit contract in the same call) and devnet drains. So, from events:
 *   pool balance = received + recycled + Σ devnet adjustments − withdrawn,
 *   withdrawn    = 1 ETH × deposited pubkeys + 31 ETH × staked pubkeys (deposit contract events),
 *   the super node holds no ETH, and the deposit contract holds exactly what its events say.
 */
export async function auditPoolEth(devnet: Devnet): Promise<string[]> {
  const { contracts } = devnet.state;
  const logs = await devnet.provider.getLogs({
    address: contracts.userDeposit,
    fromBlock: 0,
    toBlock: 'latest',
  });
  let received = 0n;
  let recycled = 0n;
  let withdrawn = 0n;
  let adjusted = 0n;
  for (const log of logs) {
    const parsed = userDepositIface.parseLog(log);
    if (!parsed) continue;
    if (parsed.name === 'DepositReceived') received += parsed.args.getValue('amount') as bigint;
    if (parsed.name === 'DepositRecycled') recycled += parsed.args.getValue('amount') as bigint;
    if (parsed.name === 'ExcessWithdrawn') withdrawn += parsed.args.getValue('amount') as bigint;
    if (parsed.name === 'DevnetBalanceAdjusted')
      adjusted += parsed.args.getValue('delta') as bigint;
  }
  let depositedGwei = 0n;
  for (const amounts of (await depositsByPubkey(devnet)).values()) {
    for (const amount of amounts) depositedGwei += amount;
  }
  const [pool, superNode, depositContract] = await Promise.all([
    devnet.provider.getBalance(contracts.userDeposit),
    devnet.provider.getBalance(contracts.superNode),
    devnet.provider.getBalance(contracts.depositContract),
  ]);
  const violations: string[] = [];
  const expected = received + recycled + adjusted - withdrawn;
  if (pool !== expected) {
    violations.push(
      `pool balance ${pool} wei ≠ received ${received} + recycled ${recycled} + adjustments ${adjusted} − withdrawn ${withdrawn} = ${expected}`,
    );
  }
  if (withdrawn !== depositedGwei * GWEI_1) {
    violations.push(
      `pool paid out ${withdrawn} wei to the super node but the deposit contract received ${depositedGwei * GWEI_1} wei for pool validators`,
    );
  }
  if (superNode !== 0n) violations.push(`super node contract holds ${superNode} wei`);
  if (depositContract !== depositedGwei * GWEI_1) {
    violations.push(
      `deposit contract holds ${depositContract} wei, its events sum to ${depositedGwei * GWEI_1}`,
    );
  }
  return violations;
}

/** The secrets of a world: mnemonic (text, hex, base64, entropy hex/decimal) and BLS keys. */
export function secretsOf(mnemonic: string, keyCount: number): string[] {
  const master = deriveKeyFromMnemonic(mnemonic);
  const secrets = [
    mnemonic,
    Buffer.from(mnemonic).toString('hex'),
    Buffer.from(mnemonic).toString('base64'),
  ];
  const entropy = Mnemonic.fromPhrase(mnemonic).entropy;
  secrets.push(entropy.slice(2), BigInt(entropy).toString());
  for (let index = 0; index < keyCount; index++) {
    const sk = Buffer.from(deriveEth2ValidatorKeys(master, index).signing);
    secrets.push(
      sk.toString('hex'),
      sk.toString('base64'),
      BigInt(`0x${sk.toString('hex')}`).toString(),
    );
  }
  return secrets;
}

/**
 * Scans every workflow run's history, search attributes and memo, and the worker logs, for the
 * secrets (the approach of test/e2e/router/onboard-and-exit.test.ts). Returns what leaked where,
 * never the secret itself.
 */
export async function scanForSecrets(
  client: Client,
  logs: string,
  secrets: readonly string[],
  progress: (scanned: number) => void = () => {},
): Promise<{ leaks: string[]; scanned: number }> {
  const leaks: string[] = [];
  const check = (where: string, text: string): void => {
    secrets.forEach((secret, i) => {
      if (text.includes(secret)) leaks.push(`secret #${i} found in ${where}`);
    });
  };
  check('worker logs', logs);
  let scanned = 0;
  for await (const wf of client.workflow.list()) {
    scanned++;
    if (scanned % 100 === 0) progress(scanned);
    check(
      `search attributes/memo of ${wf.workflowId}`,
      JSON.stringify(wf.searchAttributes) + JSON.stringify(wf.memo ?? null),
    );
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    check(
      `history of ${wf.workflowId} (${wf.runId})`,
      JSON.stringify(history, (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
      ),
    );
  }
  return { leaks, scanned };
}
