/**
 * `dvt-router temporal setup`: what a Temporal cluster needs before the router runs on it. The
 * project's search attributes are registered (those already present are left alone, a type
 * conflict is an error naming the attribute) and the pool monitor's Schedule is created or
 * brought up to date. Safe to run any number of times.
 */
import type { Client } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { DvtError } from '../domain/errors.js';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/definitions.js';
import type { WorkerConfig } from '../worker/config.js';
import { routerSettings } from '../worker/settings.js';
import {
  ensurePoolMonitorSchedule,
  type EnsurePoolMonitorScheduleReturnType,
} from './schedules.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

const INDEXED_TYPE: Partial<Record<string, proto.temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

export interface SetupTemporalReturnType {
  searchAttributes: { added: string[]; present: string[] };
  schedule: EnsurePoolMonitorScheduleReturnType;
}

/** Registers missing search attributes; returns what it added and what was there. */
export async function registerSearchAttributes(
  client: Client,
  namespace: string,
): Promise<{ added: string[]; present: string[] }> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.systemAttributes, ...existing.customAttributes };
  const missing: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {};
  const present: string[] = [];
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    const want = INDEXED_TYPE[key.type];
    if (want === undefined) throw new Error(`no indexed value type for ${key.name}`);
    const have = known[key.name];
    if (have === undefined) missing[key.name] = want;
    else if (have !== want) {
      throw new DvtError(
        'ERR_CONFIG',
        `Search attribute ${key.name} exists on namespace ${namespace} with another type.`,
        { hint: `dvt-router needs it as ${key.type}; rename or remove the existing one.` },
      );
    } else present.push(key.name);
  }
  if (Object.keys(missing).length > 0) {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: missing,
    });
  }
  return { added: Object.keys(missing), present };
}

export async function setupTemporal(
  client: Client,
  config: WorkerConfig,
  owner: string,
): Promise<SetupTemporalReturnType> {
  const searchAttributes = await registerSearchAttributes(client, config.DVT_TEMPORAL_NAMESPACE);
  const schedule = await ensureRouterSchedules(client, config, owner);
  return { searchAttributes, schedule };
}

/** The pool monitor Schedule with the settings the worker derives from the same config. */
export function ensureRouterSchedules(
  client: Client,
  config: WorkerConfig,
  owner: string,
): Promise<EnsurePoolMonitorScheduleReturnType> {
  const settings = routerSettings(config);
  return ensurePoolMonitorSchedule(client, {
    input: {
      pool: config.DVT_POOL_STORAGE,
      owner,
      settings: settings.poolMonitor,
      lifecycleSettings: { ...settings.lifecycle },
    },
    intervalSeconds: config.DVT_POOL_MONITOR_INTERVAL_SECONDS,
    taskQueue: config.DVT_TASK_QUEUE,
  });
}
