/**
 * Scenario 4: the SSV API and the beacon API misbehave through the simulators' fault hooks while
 * validators are onboarded: SSV API 5xx, malformed JSON, wrong field types, an operator list that
 * omits operators; beacon API 503s and stalls longer than the client's time-out.
 */
import { addFault, awaitAllActive, fundValidators, type WorldContext } from '../scenario.js';

export async function faultyApis(context: WorldContext): Promise<void> {
  const { world, profile, figures } = context;
  const { ssvApi, beacon } = world.devnet;
  const scale = profile === 'quick' ? 1 : 3;
  // Hide four operators from the list (the detail endpoint still answers): the router must pick
  // from what it sees and never treat the missing ones as gone.
  const hidden = world.devnet.operators.slice(0, 4).map((o) => o.id);
  for (const id of hidden) ssvApi.admin.setOperatorHidden(id, true);
  addFault(figures, 'ssv operators omitted', hidden.length);
  const ssvFaults = [
    { kind: '5xx', count: 6 * scale },
    { kind: 'malformed-json', count: 4 * scale },
    { kind: 'wrong-types', count: 4 * scale },
  ] as const;
  for (const fault of ssvFaults) {
    ssvApi.admin.injectFaults({ kind: fault.kind, count: fault.count });
    addFault(figures, `ssv ${fault.kind}`, fault.count);
  }
  const beaconRules = [
    { pathPrefix: '/eth/v1/beacon/states', count: 8 * scale, status: 503 },
    { pathPrefix: '/eth/v1/beacon', count: 2 * scale, stallMs: 12_000 },
  ];
  for (const rule of beaconRules) beacon.admin.injectFault(rule);
  try {
    await fundValidators(context, profile === 'quick' ? 2 : 4);
    await awaitAllActive(context);
  } finally {
    const left = beacon.admin.report().activeFaults;
    const remaining = (prefix: string, stalled: boolean): number =>
      left
        .filter((r) => r.pathPrefix === prefix && (r.stallMs !== undefined) === stalled)
        .reduce((n, r) => n + r.count, 0);
    addFault(figures, 'beacon 503', 8 * scale - remaining('/eth/v1/beacon/states', false));
    addFault(figures, 'beacon stall/timeout', 2 * scale - remaining('/eth/v1/beacon', true));
    beacon.admin.clearFaults();
    ssvApi.admin.reset();
    figures.notes.push(
      'SSV API faults are counted as armed (the simulator does not report consumption); beacon faults as consumed',
    );
  }
}
