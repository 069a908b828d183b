/** The shape of results.json. */
import type { ClusterIndexResults } from './cluster-index.js';
import type { CryptoResults } from './crypto.js';
import type { MachineInfo } from './machine.js';
import type { TxKind } from './onboarding.js';
import type { ScaleResults } from './scale/scale.js';
import type { Summary } from './stats.js';

export interface OnboardingSize {
  validators: number;
  runs: number;
  validatorsPerMinute: Summary;
  validatorsPerMinuteFromFunding: Summary;
  secondsFromFirstDeposit: Summary;
  secondsFromFunding: Summary;
}

export interface KindFigures {
  txsPerValidator: Summary;
  devnetGasPerValidator: Summary;
}

export type TxFigures = {
  validators: number;
  runs: number;
  validatorsPerMinute?: Summary;
} & Partial<Record<TxKind, KindFigures>>;

export interface BenchResults {
  schema: 'dvt-router-bench/1';
  quick: boolean;
  command: string;
  date: string;
  commit: string;
  durationSeconds: number;
  resultsFile: string;
  machine: MachineInfo;
  /** Uncaught errors in the harness process (devnet simulators) that the run survived. */
  uncaughtErrors: number;
  figures: {
    onboarding: {
      reserveEth: number;
      poolMonitorIntervalSeconds: number;
      worlds: string;
      sizes: OnboardingSize[];
    };
    reactionLatency: { method: string; seconds: Summary };
    txPerValidator: { switchNote: string; on: TxFigures; off: TxFigures };
    crypto: CryptoResults;
    scale: ScaleResults;
    clusterIndex: ClusterIndexResults & { method: string };
    baseline: {
      label: string;
      designValidatorsPerMinute: number;
      designDepositsPerBatch: number;
      ourValidatorsPerMinute: number;
      ourValidatorsPerRegistrationTx: number;
      ourValidatorsPerDepositTx: number;
      throughputRatio: number;
      registrationBatchRatio: number;
      depositBatchRatio: number;
    };
  };
}
