/**
 * The `dvt-router` command line. Commands arrive with the issues that build what they drive;
 * today it prints help and its version.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function buildCli(): Command {
  return new Command('dvt-router')
    .description(
      'Off-chain router of a liquid-staking pool: deposits, SSV onboarding, staking, cluster ' +
        'funding, migrations and exits as durable Temporal workflows.',
    )
    .version(version)
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nThe local world: `npm run devnet`. Operator commands (status, exit, pause, migrate, ' +
        'worker) are not built yet.',
    );
}

export async function runCli(argv: readonly string[]): Promise<void> {
  const program = buildCli();
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  await program.parseAsync([...argv]);
}
