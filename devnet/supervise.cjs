// Runs a command and stops it when this process's parent goes away (even by SIGKILL), so a
// killed test run or devnet never leaves an orphaned server behind. Signals are forwarded;
// SIGUSR2 kills the child with SIGKILL (a simulated crash).
// Usage: node supervise.cjs <command> [args...]
'use strict';
const { spawn } = require('node:child_process');

const [command, ...args] = process.argv.slice(2);
const parent = process.ppid;
const child = spawn(command, args, { stdio: 'inherit' });

function stop(signal) {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => stop(signal));
// SIGUSR2 crashes the child (SIGKILL) while the supervisor stays in charge: crash tests use it.
process.on('SIGUSR2', () => stop('SIGKILL'));

const watchdog = setInterval(() => {
  if (process.ppid !== parent) {
    stop('SIGTERM');
    setTimeout(() => stop('SIGKILL'), 3000).unref();
  }
}, 500);

child.on('error', (error) => {
  console.error(`supervise: cannot start ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(watchdog);
  process.exit(code ?? (signal ? 1 : 0));
});
