import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  devServerExecutable,
  temporalCliPath,
  testServerExecutable,
  testServerPath,
  TEMPORAL_CLI_VERSION,
  TEST_SERVER_VERSION,
} from '../../devnet/temporal-tools.js';

function toolsWith(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvt-tools-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }
  return dir;
}

describe('temporal tool resolution', () => {
  it('prefers the override variables over the cache', () => {
    const dir = toolsWith([`temporal-cli/${TEMPORAL_CLI_VERSION}/temporal`]);
    const env = { DVT_TOOLS_DIR: dir, TEMPORAL_CLI_PATH: '/opt/temporal' };
    expect(temporalCliPath(env)).toBe('/opt/temporal');
    expect(devServerExecutable(env)).toEqual({ type: 'existing-path', path: '/opt/temporal' });
  });

  it('uses the cached install when present', () => {
    const dir = toolsWith([
      `temporal-cli/${TEMPORAL_CLI_VERSION}/temporal`,
      `temporal-test-server/${TEST_SERVER_VERSION}/temporal-test-server`,
    ]);
    expect(temporalCliPath({ DVT_TOOLS_DIR: dir })).toBe(
      path.join(dir, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal'),
    );
    expect(testServerPath({ DVT_TOOLS_DIR: dir })).toBe(
      path.join(dir, 'temporal-test-server', TEST_SERVER_VERSION, 'temporal-test-server'),
    );
  });

  it('falls back to the SDK download when nothing is installed, of the pinned CLI version', () => {
    const env = { DVT_TOOLS_DIR: toolsWith([]) };
    expect(devServerExecutable(env)).toEqual({
      type: 'cached-download',
      version: TEMPORAL_CLI_VERSION,
    });
    expect(testServerExecutable(env)).toEqual({ type: 'cached-download' });
  });
});
