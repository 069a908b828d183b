/**
 * Bench-only workflow interceptor, bundled with the real workflows by bench/scale/worker.ts: after
 * a workflow handled a signal (not during replay) it reports through the `bench` sink, so the
 * harness knows when every lifecycle processed the signal it was sent while the worker was down.
 */
import {
  proxySinks,
  type Next,
  type SignalInput,
  type Sinks,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

export interface BenchSinks extends Sinks {
  bench: { signalled(signalName: string): void };
}

const { bench } = proxySinks<BenchSinks>();

class SignalProbe implements WorkflowInboundCallsInterceptor {
  async handleSignal(
    input: SignalInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>,
  ): Promise<void> {
    await next(input);
    bench.signalled(input.signalName);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new SignalProbe()] });
