/**
 * Determinism guard (STYLE.md rule 12): histories recorded from the end-to-end run replay against
 * the current workflow code. A change that alters the commands a recorded history expects fails
 * here; such a change must go behind `patched()`. Refresh the recordings with
 * `DVT_RECORD_HISTORIES=1 npx jest test/e2e/router/onboard-and-exit`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';

// The package is CommonJS; its named exports are not visible to ESM.
const { temporal } = proto;
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../helpers/temporal.js';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort();

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows(
    fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
  );
});

describe('recorded histories', () => {
  it('include the lifecycle, the signer and the batcher', () => {
    expect(files).toEqual(
      expect.arrayContaining(['validatorLifecycle.json', 'signer.json', 'batcher.json']),
    );
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const { workflowId, historyBase64 } = JSON.parse(
      readFileSync(path.join(dir, file), 'utf8'),
    ) as {
      workflowId: string;
      historyBase64: string;
    };
    const history = temporal.api.history.v1.History.decode(Buffer.from(historyBase64, 'base64'));
    expect(history.events.length).toBeGreaterThan(10);
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId),
    ).resolves.toBeUndefined();
  });
});
