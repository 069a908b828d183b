/**
 * Stages of one validator's lifecycle (DESIGN.md §5) and the pure transition function the
 * `validatorLifecycle` workflow uses. The stage names are lower-case because they are what the
 * `DvtStage` search attribute shows.
 *
 * generate → deposit → await_credentials → onboard → stake → await_activation → active → exit →
 * await_exit → offboard → done; await_credentials → credentials_rejected (terminal: UNMATCH, never
 * stake); any non-terminal stage → halted (needs attention, with a reason) → back to the stage it
 * halted in.
 */
import { DvtError } from '../errors.js';

/** Every stage, in lifecycle order, then the two off-path stages. */
export const STAGES = [
  'generate',
  'deposit',
  'await_credentials',
  'onboard',
  'stake',
  'await_activation',
  'active',
  'exit',
  'await_exit',
  'offboard',
  'done',
  'credentials_rejected',
  'halted',
] as const;

/** A lifecycle stage; also the `DvtStage` search-attribute value. */
export type Stage = (typeof STAGES)[number];

/** Stages after which nothing happens. */
export const TERMINAL_STAGES: readonly Stage[] = ['done', 'credentials_rejected'];

const NEXT: Readonly<Record<Stage, readonly Stage[]>> = {
  generate: ['deposit'],
  deposit: ['await_credentials'],
  await_credentials: ['onboard', 'credentials_rejected'],
  onboard: ['stake'],
  stake: ['await_activation'],
  await_activation: ['active'],
  active: ['exit'],
  exit: ['await_exit'],
  await_exit: ['offboard'],
  offboard: ['done'],
  done: [],
  credentials_rejected: [],
  halted: [],
};

/** Where a lifecycle is; JSON-safe. */
export type LifecycleState =
  | { stage: Exclude<Stage, 'halted'> }
  | { stage: 'halted'; haltedIn: Exclude<Stage, 'halted'>; reason: string };

/** The state of a new lifecycle. */
export function initialLifecycleState(): LifecycleState {
  return { stage: 'generate' };
}

/** True when `stage` is terminal. */
export function isTerminalStage(stage: Stage): boolean {
  return TERMINAL_STAGES.includes(stage);
}

/** Stages reachable from `state` in one step. */
export function allowedNextStages(state: LifecycleState): Stage[] {
  if (state.stage === 'halted') return [state.haltedIn];
  return isTerminalStage(state.stage) ? [] : [...NEXT[state.stage], 'halted'];
}

/**
 * Moves to `to` and returns the new state. Halting needs a `reason`; a halted lifecycle can only
 * resume in the stage it halted in. Throws `ERR_ILLEGAL_TRANSITION` for anything else, including
 * leaving a terminal stage.
 */
export function transitionStage(state: LifecycleState, to: Stage, reason?: string): LifecycleState {
  if (!allowedNextStages(state).includes(to)) {
    const allowed = allowedNextStages(state);
    throw new DvtError(
      'ERR_ILLEGAL_TRANSITION',
      `Illegal lifecycle transition ${state.stage} → ${to}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none (terminal)'}.`,
      { details: { from: state.stage, to } },
    );
  }
  if (to === 'halted') {
    if (state.stage === 'halted' || reason === undefined || reason.trim() === '') {
      throw new DvtError('ERR_ILLEGAL_TRANSITION', `Halting in ${state.stage} needs a reason.`, {
        details: { from: state.stage, to },
      });
    }
    return { stage: 'halted', haltedIn: state.stage, reason };
  }
  return { stage: to };
}

/** The `DvtStage` search-attribute value of a state: its lower-case stage name. */
export function stageSearchAttribute(state: LifecycleState): Stage {
  return state.stage;
}
