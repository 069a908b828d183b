#!/usr/bin/env node
// Runs the built CLI when present (npm run build), otherwise the TypeScript source through tsx.
// The exit code comes from the CLI (0 ok, 1 failed, 2 usage or config, 3 unreachable).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/client/cli.js', import.meta.url));
let cli;
if (existsSync(built)) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../client/cli.ts');
}
try {
  process.exitCode = await cli.runCli(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
