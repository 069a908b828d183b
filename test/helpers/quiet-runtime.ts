// Installs the Temporal runtime with a ERROR-level logger before any test creates a worker, so
// test output shows failures rather than worker state changes.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({
  logger: new DefaultLogger(process.env.TEST_TEMPORAL_LOG_LEVEL === 'WARN' ? 'WARN' : 'ERROR'),
});
