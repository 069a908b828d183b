import {
  STAGES,
  allowedNextStages,
  initialLifecycleState,
  isTerminalStage,
  stageSearchAttribute,
  transitionStage,
} from '../../../../domain/lifecycle/stages.js';
import type { LifecycleState, Stage } from '../../../../domain/lifecycle/stages.js';
import { DvtError } from '../../../../domain/errors.js';

const HAPPY_PATH: Stage[] = [
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
];

describe('lifecycle stages', () => {
  it('walks the whole happy path from generate to done', () => {
    const states = HAPPY_PATH.reduce<LifecycleState[]>(
      (acc, stage) => [...acc, transitionStage(acc[acc.length - 1] as LifecycleState, stage)],
      [initialLifecycleState()],
    );
    expect(states.map(stageSearchAttribute)).toEqual(['generate', ...HAPPY_PATH]);
    expect(isTerminalStage('done')).toBe(true);
  });

  it('ends in credentials_rejected after an UNMATCH vote and never stakes', () => {
    const rejected = transitionStage({ stage: 'await_credentials' }, 'credentials_rejected');
    expect(rejected).toEqual({ stage: 'credentials_rejected' });
    expect(allowedNextStages(rejected)).toEqual([]);
    expect(() => transitionStage(rejected, 'stake')).toThrow(
      'Illegal lifecycle transition credentials_rejected → stake; allowed: none (terminal).',
    );
  });

  it('rejects skipping a stage, going back, and staking before onboarding', () => {
    expect(() => transitionStage({ stage: 'deposit' }, 'stake')).toThrow(
      'Illegal lifecycle transition deposit → stake; allowed: await_credentials, halted.',
    );
    expect(() => transitionStage({ stage: 'active' }, 'stake')).toThrow(
      'Illegal lifecycle transition active → stake',
    );
    expect(() => transitionStage({ stage: 'await_credentials' }, 'stake')).toThrow(
      'allowed: onboard, credentials_rejected, halted.',
    );
  });

  it('throws a non-retryable ERR_ILLEGAL_TRANSITION', () => {
    let caught: unknown;
    try {
      transitionStage({ stage: 'generate' }, 'done');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DvtError);
    expect((caught as DvtError).code).toBe('ERR_ILLEGAL_TRANSITION');
    expect((caught as DvtError).retryable).toBe(false);
  });

  it('halts any non-terminal stage with a reason and resumes only where it halted', () => {
    const halted = transitionStage({ stage: 'onboard' }, 'halted', 'no eligible operators');
    expect(halted).toEqual({
      stage: 'halted',
      haltedIn: 'onboard',
      reason: 'no eligible operators',
    });
    expect(stageSearchAttribute(halted)).toBe('halted');
    expect(allowedNextStages(halted)).toEqual(['onboard']);
    expect(transitionStage(halted, 'onboard')).toEqual({ stage: 'onboard' });
    expect(() => transitionStage(halted, 'stake')).toThrow(
      'Illegal lifecycle transition halted → stake; allowed: onboard.',
    );
    expect(() => transitionStage(halted, 'halted', 'again')).toThrow('allowed: onboard.');
  });

  it('requires a reason to halt and never halts a terminal stage', () => {
    expect(() => transitionStage({ stage: 'active' }, 'halted')).toThrow(
      'Halting in active needs a reason.',
    );
    expect(() => transitionStage({ stage: 'active' }, 'halted', '  ')).toThrow(
      'Halting in active needs a reason.',
    );
    expect(() => transitionStage({ stage: 'done' }, 'halted', 'late')).toThrow(
      'allowed: none (terminal).',
    );
  });

  it('lets every non-terminal stage halt, and names every stage in lower case', () => {
    for (const stage of STAGES) {
      if (stage === 'halted' || isTerminalStage(stage)) continue;
      expect(allowedNextStages({ stage })).toContain('halted');
    }
    expect(STAGES.every((stage) => stage === stage.toLowerCase())).toBe(true);
  });
});
