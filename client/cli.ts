/**
 * The `dvt-router` command line. Every command prints a human table by default and JSON with
 * `--json`; exit codes are stable for scripts (see {@link EXIT}).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { importMnemonic } from '../activities/keys/mnemonic-key-store.js';
import {
  MNEMONIC_ENV,
  PASSWORD_ENV,
  resolveImportSecrets,
  terminalSecretInput,
  type SecretInput,
} from './key-import-secrets.js';
import { DvtError } from '../domain/errors.js';
import { renderConfigTemplate } from '../worker/config-template.js';
import {
  commandConfig,
  connectChain,
  connectTemporal,
  routerAccount,
  routerAccountOf,
  type GlobalOptions,
} from './context.js';
import {
  listValidators,
  readStatus,
  requestExits,
  requestMigration,
  runningRefs,
  setPaused,
  showValidator,
  type RequestOutcome,
  type RouterStatus,
} from './router-client.js';
import { registerDevnetCommands } from './devnet-commands.js';
import { setupTemporal } from './temporal-setup.js';
import { renderTable } from './table.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Exit codes: scripts can trust these. */
export const EXIT = {
  ok: 0,
  /** The command ran and something it asked for failed (a validator not found, an exit refused). */
  failed: 1,
  /** Bad usage or configuration: fix the command line or the config. */
  usage: 2,
  /** Temporal, the chain or another endpoint could not be reached: retry later. */
  unavailable: 3,
} as const;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where `keys import` reads secrets besides files; the terminal and `process.env` if absent. */
  secrets?: SecretInput;
}

const NETWORKS = ['mainnet', 'hoodi', 'devnet'] as const;

interface InitOptions {
  network: (typeof NETWORKS)[number];
  out: string;
  poolStorage?: string;
  force?: boolean;
}

export function buildCli(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('dvt-router')
    .description(
      'Off-chain router of a liquid-staking pool: deposits, SSV onboarding, staking, cluster ' +
        'funding, migrations and exits as durable Temporal workflows.',
    )
    .version(version)
    .option(
      '-c, --config <file>',
      'YAML config file (also DVT_CONFIG_FILE); DVT_* env overrides it',
    )
    .option('--devnet', 'use the settings `npm run devnet` wrote in .devnet')
    .option('--devnet-dir <dir>', 'like --devnet, with the devnet folder elsewhere')
    .option('--json', 'print JSON instead of tables')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const print = (json: unknown, human: () => string): void => {
    io.out(globals().json ? JSON.stringify(json, null, 2) : human());
  };
  const outcomes = (results: RequestOutcome[]): void => {
    print(results, () =>
      renderTable(
        ['VALIDATOR', 'RESULT', 'DETAIL'],
        results.map((r) => [r.ref, r.ok ? 'ok' : 'FAILED', r.detail]),
      ),
    );
    if (results.some((r) => !r.ok)) setExit(EXIT.failed);
  };
  const temporal = async () => {
    const config = commandConfig(globals());
    return { config, client: await connectTemporal(config) };
  };

  program
    .command('init')
    .description('write a commented config file for a network')
    .addOption(
      new Option('-n, --network <network>', 'network').choices(NETWORKS).makeOptionMandatory(),
    )
    .option('-o, --out <file>', 'where to write it', 'dvt-router.yaml')
    .option('--pool-storage <address>', "the pool's Storage contract (hoodi has no preset one)")
    .option('--force', 'overwrite an existing file')
    .action((opts: InitOptions) => {
      if (existsSync(opts.out) && !opts.force) {
        throw new DvtError('ERR_INVALID_INPUT', `${opts.out} exists.`, {
          hint: 'Pass --force to overwrite it, or --out to write elsewhere.',
        });
      }
      const template = renderConfigTemplate(
        opts.network,
        opts.poolStorage ? { poolStorage: opts.poolStorage } : {},
      );
      writeFileSync(opts.out, template, { mode: 0o640 });
      print(
        { file: opts.out, network: opts.network },
        () =>
          `Wrote ${opts.out} for ${opts.network}. Fill in the endpoints and secret file paths, then ` +
          `run \`dvt-router --config ${opts.out} temporal setup\`.`,
      );
    });

  const keys = program.command('keys').description('validator key store');
  keys
    .command('import')
    .description(
      'import a BIP-39 mnemonic into an encrypted EIP-2335 key store (never overwrites); the ' +
        `mnemonic and password come from files, else ${MNEMONIC_ENV} / ${PASSWORD_ENV}, else a ` +
        'hidden prompt',
    )
    .option(
      '--mnemonic-file <file>',
      `file holding the mnemonic (else ${MNEMONIC_ENV}, else a prompt; never an argument)`,
    )
    .option(
      '--password-file <file>',
      `file holding the key store password (else ${PASSWORD_ENV}, else a prompt asked twice)`,
    )
    .requiredOption('-o, --out <file>', 'key store file to create')
    .action(async (opts: { mnemonicFile?: string; passwordFile?: string; out: string }) => {
      const { mnemonic, password } = await resolveImportSecrets(
        opts,
        io.secrets ?? terminalSecretInput(),
      );
      const result = await importMnemonic({ mnemonic, password, file: opts.out });
      print(result, () => `Key store written to ${result.file}; validator 0 is ${result.pubkey0}.`);
    });

  program
    .command('temporal')
    .description('Temporal cluster set-up')
    .command('setup')
    .description('register the search attributes and create or update the schedules (idempotent)')
    .action(async () => {
      const { config, client } = await temporal();
      const owner = await routerAccount(config);
      const result = await setupTemporal(client, config, owner);
      print(result, () =>
        [
          `Search attributes: ${result.searchAttributes.added.length} added, ` +
            `${result.searchAttributes.present.length} already present.`,
          `Schedule ${result.schedule.scheduleId}: ${result.schedule.action}.`,
        ].join('\n'),
      );
    });

  program
    .command('status')
    .description(
      'pool balance, validators by stage, clusters and runway, operators, what needs attention',
    )
    .action(async () => {
      const { config, client } = await temporal();
      const owner = await routerAccountOf(config, client);
      const chain = connectChain(config, owner);
      try {
        const status = await readStatus({
          client,
          pool: chain.pool,
          poolAddress: config.DVT_POOL_STORAGE,
          owner,
        });
        print(status, () => renderStatus(status));
      } finally {
        chain.provider.destroy();
      }
    });

  const validators = program.command('validators').description('validator lifecycles');
  validators
    .command('list')
    .description('every lifecycle of the pool with its stage')
    .action(async () => {
      const { config, client } = await temporal();
      const rows = await listValidators(client, config.DVT_POOL_STORAGE);
      print(rows, () =>
        renderTable(
          ['INDEX', 'STAGE', 'STATUS', 'PUBKEY', 'CLUSTER'],
          rows.map((r) => [r.keyIndex, r.stage, r.status, r.pubkey, r.cluster]),
        ),
      );
    });
  validators
    .command('show <validator>')
    .description('one lifecycle in detail (key index or pubkey)')
    .action(async (ref: string) => {
      const { config, client } = await temporal();
      const shown = await showValidator(client, config.DVT_POOL_STORAGE, ref);
      const s = shown.status;
      print(shown, () =>
        renderTable(
          ['FIELD', 'VALUE'],
          [
            ['workflow', shown.workflowId],
            ['stage', s.stage],
            ['pubkey', s.pubkey],
            ['validator index', s.validatorIndex],
            ['cluster', s.cluster],
            ['operators', s.operatorIds.join(', ')],
            ['paused', s.paused ? `yes (${s.pauseReason ?? ''})` : 'no'],
            ['waiting for', s.waitingFor],
            ['last error', s.lastError],
            ['halt reason', s.haltReason],
            [
              'exit request',
              s.exitRequest ? `${s.exitRequest.source}: ${s.exitRequest.reason}` : null,
            ],
            ['stages', s.history.map((h) => h.stage).join(' → ')],
          ],
        ),
      );
    });

  program
    .command('exit <validators...>')
    .description('exit validators (key indices or pubkeys); each is offboarded once exited')
    .option('-r, --reason <text>', 'why, recorded on the lifecycle', 'operator request')
    .action(async (refs: string[], opts: { reason: string }) => {
      const { config, client } = await temporal();
      outcomes(await requestExits(client, config.DVT_POOL_STORAGE, refs, opts.reason));
    });

  program
    .command('migrate <validator>')
    .description('move an active validator to a new operator set')
    .option('--avoid <ids>', 'operator ids to leave, comma-separated (default: all current ones)')
    .option('-r, --reason <text>', 'why, recorded on the lifecycle', 'operator request')
    .action(async (ref: string, opts: { avoid?: string; reason: string }) => {
      const { config, client } = await temporal();
      const avoid = opts.avoid === undefined ? undefined : parseIds(opts.avoid);
      outcomes([
        await requestMigration(client, config.DVT_POOL_STORAGE, ref, {
          ...(avoid ? { avoidOperatorIds: avoid } : {}),
          reason: opts.reason,
        }),
      ]);
    });

  for (const paused of [true, false]) {
    const command = program
      .command(`${paused ? 'pause' : 'resume'} [validators...]`)
      .description(
        paused
          ? 'hold lifecycles before their next transaction'
          : 'let paused (or halted) lifecycles continue',
      )
      .option('--all', 'every running lifecycle of the pool');
    if (paused) command.option('-r, --reason <text>', 'why, shown on the lifecycle', 'operator');
    command.action(async (refs: string[], opts: { all?: boolean; reason?: string }) => {
      if (!opts.all && refs.length === 0) {
        throw new DvtError('ERR_INVALID_INPUT', 'Name validators or pass --all.', {
          hint: `e.g. dvt-router ${paused ? 'pause' : 'resume'} 7 12, or --all`,
        });
      }
      const { config, client } = await temporal();
      const pool = config.DVT_POOL_STORAGE;
      const targets = opts.all ? await runningRefs(client, pool) : refs;
      outcomes(await setPaused(client, pool, targets, paused, opts.reason ?? ''));
    });
  }

  program
    .command('worker')
    .description('run the router worker (stops gracefully on SIGTERM)')
    .action(async () => {
      const config = commandConfig(globals());
      const { runWorkerProcess } = await import('../worker/main.js');
      await runWorkerProcess(config);
    });

  program
    .command('codec-server')
    .description(
      'serve /encode and /decode for the Temporal Web UI (DVT_CODEC_KEYRING_FILE, DVT_CODEC_PORT, ' +
        'DVT_CODEC_ALLOWED_ORIGINS, DVT_CODEC_AUTH_TOKEN_FILE)',
    )
    .action(async () => {
      const { runCodecServerProcess } = await import('./codec-server-main.js');
      await runCodecServerProcess(process.env);
    });

  registerDevnetCommands(program, io);
  return program;
}

function parseIds(text: string): number[] {
  const ids = text.split(',').map((s) => Number(s.trim()));
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id <= 0)) {
    throw new DvtError('ERR_INVALID_INPUT', `--avoid "${text}" is not a list of operator ids.`, {
      hint: 'e.g. --avoid 3,7',
    });
  }
  return ids;
}

function renderStatus(status: RouterStatus): string {
  const p = status.pool;
  const stages = Object.entries(status.validators.byStage).map(([stage, n]) => [stage, n]);
  return [
    `Pool ${p.address}: balance ${p.balanceEth} ETH, reserve ${p.reserveEth} ETH, usable ${p.usableEth} ETH`,
    '',
    `Validators (${status.validators.total})`,
    renderTable(['STAGE', 'COUNT'], stages),
    '',
    `Clusters (${status.clusters.length})`,
    renderTable(
      ['CLUSTER', 'VALIDATORS', 'BALANCE ETH', 'RUNWAY DAYS', 'LIQUIDATED', 'LAST ERROR'],
      status.clusters.map((c) => [
        c.clusterId,
        c.validatorCount,
        c.balanceEth,
        c.runwayDays === null ? null : c.runwayDays.toFixed(1),
        c.liquidated,
        c.lastError,
      ]),
    ),
    '',
    `Operators in use (${status.operators.length})`,
    renderTable(
      ['OPERATOR', 'VALIDATORS', 'HEALTH'],
      status.operators.map((o) => [
        o.id,
        o.validators,
        o.healthy ? 'ok' : `bad: ${o.reasons.join('; ')}`,
      ]),
    ),
    '',
    status.attention.length === 0
      ? 'Nothing needs attention.'
      : `Needs attention (${status.attention.length})\n` +
        renderTable(
          ['WORKFLOW', 'STAGE', 'REASON'],
          status.attention.map((a) => [a.workflowId, a.stage, a.reason]),
        ),
  ].join('\n');
}

/** Exit code for an error: usage/config 2, unreachable upstream 3, anything else 1. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof DvtError) {
    if (error.code === 'ERR_CONFIG' || error.code === 'ERR_INVALID_INPUT') return EXIT.usage;
    if (error.code === 'ERR_UPSTREAM_UNAVAILABLE' || error.code === 'ERR_NETWORK_MISMATCH') {
      return EXIT.unavailable;
    }
    return EXIT.failed;
  }
  const text = String((error as { message?: unknown }).message ?? error);
  if (/ECONNREFUSED|UNAVAILABLE|connect error|timed out/i.test(text)) return EXIT.unavailable;
  return EXIT.failed;
}

/** Runs the CLI and returns its exit code; errors are printed, never thrown. */
export async function runCli(
  argv: readonly string[],
  io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) },
): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildCli(io, (c) => {
    code = Math.max(code, c);
  });
  if (argv.length <= 2) {
    io.out(program.helpInformation().trimEnd());
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      const message = error instanceof Error ? error.message : String(error);
      if (program.opts<GlobalOptions>().json) {
        const errorCode = error instanceof DvtError ? error.code : 'ERR_UNEXPECTED';
        io.err(JSON.stringify({ error: { code: errorCode, message } }));
      } else {
        io.err(`error: ${message}`);
      }
    }
    return exitCodeOf(error);
  }
}
