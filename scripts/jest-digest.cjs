// Prints the end of a test run for a CI log's tail: the slowest files, each failed test with the
// head of its message, and the totals line.
const fs = require('node:fs');
const { stripVTControlCharacters } = require('node:util');

const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const rel = (file) => file.replace(/^.*?\/test\//, 'test/');

const files = results.testResults
  .map((file) => ({ name: rel(file.name), seconds: (file.endTime - file.startTime) / 1000 }))
  .sort((a, b) => b.seconds - a.seconds);
console.log('[test] slowest files:');
for (const file of files.slice(0, 8)) console.log(`  ${file.seconds.toFixed(1)} s  ${file.name}`);

for (const file of results.testResults) {
  const failed = file.assertionResults.filter((test) => test.status === 'failed');
  if (failed.length === 0 && file.status !== 'failed') continue;
  console.log(`[test] FAILED in ${rel(file.name)}:`);
  if (failed.length === 0) console.log(`  ${String(file.message).slice(0, 600)}`);
  for (const test of failed) {
    const message = stripVTControlCharacters(test.failureMessages.join('\n'));
    console.log(`  ✕ ${test.fullName} (${((test.duration ?? 0) / 1000).toFixed(1)} s)`);
    console.log(`    ${message.slice(0, 600).replace(/\n/g, '\n    ')}`);
  }
}
console.log(
  `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`,
);
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed`);
