/**
 * Scenario 2: the Temporal dev server, persisted to a SQLite file, is stopped and started again on
 * the same address while lifecycles are in flight (quick: once; long: three times, at different
 * stages). The workers keep running and must reconnect on their own.
 */
import { lifecycles } from '../../helpers/router-world.js';
import { awaitAllActive, fundValidators, sleep, until, type WorldContext } from '../scenario.js';

export async function temporalRestart(context: WorldContext): Promise<void> {
  const { world, profile, figures } = context;
  const restarts = profile === 'quick' ? 1 : 3;
  const before = context.expected.lifecycles;
  await fundValidators(context, profile === 'quick' ? 3 : 4);
  const inFlightStages = [
    ['deposit', 'await_credentials'],
    ['onboard', 'stake'],
    ['await_activation'],
  ];
  for (let i = 0; i < restarts; i++) {
    const wanted = inFlightStages[i] ?? [];
    const seen = await until(async () => {
      const rows = (await lifecycles(world.client)).filter((r) => r.keyIndex >= before);
      return rows.some((r) => wanted.includes(r.stage));
    }, 120_000);
    figures.notes.push(
      seen
        ? `restart ${i + 1} with a lifecycle in ${wanted.join('/')}`
        : `restart ${i + 1}: no lifecycle reached ${wanted.join('/')} within 120 s`,
    );
    await world.restartTemporal();
    figures.restarts++;
    // Workers reconnect with backoff; give them a moment before the next poll of visibility.
    await sleep(2000);
  }
  await awaitAllActive(context);
  const alive = world.workers().filter((w) => w.child.exitCode === null);
  if (alive.length !== world.workers().length) {
    figures.violations.push('a worker process died while the Temporal server restarted');
  }
}
