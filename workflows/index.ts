// The worker's workflow entry: every workflow type the task queue serves.
export { signer } from './signer.js';
export { batcher } from './batcher.js';
export { validatorLifecycle } from './validator-lifecycle.js';
export { poolMonitor } from './pool-monitor.js';
export { clusterKeeper } from './cluster-keeper.js';
export { operatorWatch } from './operator-watch.js';
export { ejector } from './ejector.js';
export { feeRecipient } from './fee-recipient.js';
export { uptimeReporter } from './uptime-reporter.js';
