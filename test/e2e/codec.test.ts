// Encryption at rest on a real dev server: with the AES-GCM codec on client and worker, the stored
// history holds no plaintext of inputs, results, activity data, memo, summaries or failure
// messages, every payload is `binary/encrypted`, and the codec server decodes them again.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  ActivityFailure,
  ApplicationFailure,
  Client,
  WorkflowFailedError,
} from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  dataConverterFor,
  generateKeyring,
  parseKeyring,
  type Keyring,
} from '../../client/codec.js';
import { startCodecServer, type CodecServer } from '../../client/codec-server.js';
import {
  codecEcho,
  codecFailure,
  type CodecActivities,
  type CodecInput,
} from '../fixtures/codec-workflows.js';
import { createDevServerEnv, createTestWorker } from '../helpers/temporal.js';

const { temporal } = proto;
type History = proto.temporal.api.history.v1.IHistory;

const WORKFLOWS_PATH = fileURLToPath(new URL('../fixtures/codec-workflows.ts', import.meta.url));
const taskQueue = `codec-${randomUUID()}`;

let env: TestWorkflowEnvironment;
let keyring: Keyring;
let client: Client;
let worker: Worker;
let codecServer: CodecServer;
let running: Promise<void>;

const activities: CodecActivities = {
  echoMarker: (input) => Promise.resolve(input.activityMarker),
  failWithMarker: (marker) =>
    Promise.reject(ApplicationFailure.nonRetryable(`activity failed: ${marker}`, 'CodecTest')),
};

beforeAll(async () => {
  keyring = parseKeyring(generateKeyring('e2e-1'), 'generated');
  const dataConverter = dataConverterFor(keyring);
  env = await createDevServerEnv();
  client = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter,
  });
  // workflowsPath, as worker/start.ts does: the worker bundles the failure converter the data
  // converter names, so failures thrown by workflow code are encoded too.
  worker = await createTestWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities,
    dataConverter,
  });
  running = worker.run();
  codecServer = await startCodecServer({ keyring, port: 0, allowedOrigins: [] });
});

afterAll(async () => {
  await codecServer?.close();
  await env?.teardown();
  await running?.catch(() => undefined);
});

function markers(): CodecInput & { memo: string; summary: string } {
  const id = randomUUID();
  return {
    marker: `PLAINTEXT-MARKER-${id}`,
    activityMarker: `ACTIVITY-MARKER-${id}`,
    memo: `MEMO-MARKER-${id}`,
    summary: `SUMMARY-MARKER-${id}`,
  };
}

async function historyOf(workflowId: string, runId: string): Promise<History> {
  const { history } = await env.client.workflowService.getWorkflowExecutionHistory({
    namespace: env.namespace ?? 'default',
    execution: { workflowId, runId },
  });
  if (!history?.events?.length) throw new Error(`no history for ${workflowId}`);
  return history;
}

/**
 * What the server stores and serves, as text: the history's protobuf encoding (as the database
 * holds it) and its JSON with every byte field both as base64 and as UTF-8.
 */
function atRest(history: History): string {
  const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const json = JSON.stringify(history, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      const bytes = Buffer.from(raw);
      return { base64: bytes.toString('base64'), utf8: bytes.toString('utf8') };
    }
    return value as unknown;
  });
  return `${stored.toString('latin1')}\n${json}`;
}

/** Every Payload message anywhere in the history (protobufjs messages name their `$type`). */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const type = (value as { $type?: { fullName?: string } }).$type;
  if (type?.fullName === '.temporal.api.common.v1.Payload') {
    found.push(value);
    return found;
  }
  for (const child of Object.values(value)) payloadsIn(child, found);
  return found;
}

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString();

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

async function decodeThroughServer(payload: Payload): Promise<string> {
  const response = await fetch(`${codecServer.url}/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
    body: JSON.stringify({ payloads: [toJson(payload)] }),
  });
  expect(response.status).toBe(200);
  const { payloads } = (await response.json()) as { payloads: { data: string }[] };
  return Buffer.from(payloads[0]?.data ?? '', 'base64').toString('utf8');
}

function expectAllEncrypted(history: History): Payload[] {
  const payloads = payloadsIn(history);
  expect(payloads.length).toBeGreaterThan(0);
  for (const payload of payloads) {
    expect(text(payload.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(payload.metadata?.['encryption-key-id'])).toBe('e2e-1');
  }
  return payloads;
}

describe('payload codec on a real server', () => {
  it('finds a marker in plain bytes, so a clean history below means encrypted', () => {
    const { marker } = markers();
    const data = Buffer.from(`"${marker}"`);
    const plain: History = {
      events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [{ data }] } } }],
    };
    expect(atRest(plain)).toContain(marker);
  });

  it('stores inputs, results, activity data, memo and summaries encrypted, and decodes them', async () => {
    const m = markers();
    const input: CodecInput = { marker: m.marker, activityMarker: m.activityMarker };
    const handle = await client.workflow.start(codecEcho, {
      args: [input],
      taskQueue,
      workflowId: `codec/echo/${randomUUID()}`,
      memo: { note: m.memo },
      staticSummary: m.summary,
    });
    expect(await handle.result()).toEqual({ echoed: input, fromActivity: m.activityMarker });
    expect((await handle.describe()).memo).toEqual({ note: m.memo });

    const history = await historyOf(handle.workflowId, handle.firstExecutionRunId);
    const stored = atRest(history);
    for (const marker of [m.marker, m.activityMarker, m.memo, m.summary]) {
      expect(stored).not.toContain(marker);
    }
    expectAllEncrypted(history);

    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const inputPayload = started?.input?.payloads?.[0];
    if (!inputPayload) throw new Error('no input payload in WorkflowExecutionStarted');
    expect(JSON.parse(await decodeThroughServer(inputPayload))).toEqual(input);
  });

  it('stores activity and workflow failure messages encrypted, and the client decodes them', async () => {
    const m = markers();
    const input: CodecInput = { marker: m.marker, activityMarker: m.activityMarker };
    const handle = await client.workflow.start(codecFailure, {
      args: [input],
      taskQueue,
      workflowId: `codec/failure/${randomUUID()}`,
    });
    const error = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const workflowFailure = (error as WorkflowFailedError).cause;
    expect(workflowFailure).toBeInstanceOf(ApplicationFailure);
    expect(workflowFailure?.message).toBe(`workflow failed: ${m.marker}`);
    expect((workflowFailure as ApplicationFailure).details).toEqual([m.marker]);
    expect(workflowFailure?.cause).toBeInstanceOf(ActivityFailure);
    expect((workflowFailure?.cause as ActivityFailure).cause?.message).toBe(
      `activity failed: ${m.activityMarker}`,
    );

    const history = await historyOf(handle.workflowId, handle.firstExecutionRunId);
    const stored = atRest(history);
    expect(stored).not.toContain(m.marker);
    expect(stored).not.toContain(m.activityMarker);
    expectAllEncrypted(history);

    const failed = history.events?.find((e) => e.workflowExecutionFailedEventAttributes);
    const failure = failed?.workflowExecutionFailedEventAttributes?.failure;
    expect(failure?.message).toBe('Encoded failure');
    if (!failure?.encodedAttributes)
      throw new Error('the workflow failure has no encodedAttributes');
    const attributes = JSON.parse(await decodeThroughServer(failure.encodedAttributes)) as {
      message: string;
      stack_trace: string;
    };
    expect(attributes.message).toBe(`workflow failed: ${m.marker}`);

    const activityFailed = history.events?.find((e) => e.activityTaskFailedEventAttributes);
    const activityFailure = activityFailed?.activityTaskFailedEventAttributes?.failure;
    expect(activityFailure?.message).toBe('Encoded failure');
  });
});
