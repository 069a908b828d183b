/**
 * `dvt-router devnet …`: controls of a running devnet (`npm run devnet`) for demos and manual
 * tests. `devnet operator` makes an operator go bad (or good again) through the SSV API
 * simulator's `POST /admin/operators/:id`, then shows the operator as the router sees it;
 * `devnet verifier` prints the verifier's report (`GET /admin/verifier`). Both find the simulator
 * in the devnet's state.json (`.devnet/`, or `--devnet-dir`), which the devnet removes when it
 * stops, so they never talk to a stopped devnet's leftovers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { DvtError } from '../domain/errors.js';
import type { GlobalOptions } from './context.js';
import { renderTable } from './table.js';

/** Output sinks, as `buildCli` has them. */
export interface DevnetCommandsIo {
  out: (text: string) => void;
}

/** `--status` values and the status the SSV API simulator sets (null: back to the chain's). */
export const OPERATOR_STATUS_CHOICES = {
  active: 'Active',
  inactive: 'Inactive',
  'no-validators': 'No validators',
  removed: 'Removed',
  chain: null,
} as const;
type StatusChoice = keyof typeof OPERATOR_STATUS_CHOICES;

/** The body of `POST /admin/operators/:id`, as the simulator accepts it. */
export interface OperatorAdminBody {
  status?: (typeof OPERATOR_STATUS_CHOICES)[StatusChoice];
  performance?: { '24h'?: number; '30d'?: number } | null;
  hidden?: boolean;
}

interface OperatorOptions {
  status?: StatusChoice;
  performance24h?: string;
  performance30d?: string;
  hidden?: boolean;
  reset?: boolean;
}

const REQUEST_TIMEOUT_MS = 10_000;

const stateSchema = z.object({
  ssvApiUrl: z.url(),
  ssvApiNetwork: z.string().min(1),
});
type DevnetEndpoints = z.infer<typeof stateSchema>;

const operatorSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  is_active: z.number(),
  is_private: z.boolean(),
  fee: z.string(),
  validators_count: z.number(),
  performance: z.object({ '24h': z.number(), '30d': z.number() }),
});
type ApiOperator = z.infer<typeof operatorSchema>;

const verifierSchema = z.object({
  total: z.number(),
  valid: z.number(),
  invalid: z.number(),
  registrations: z.array(
    z.object({
      publicKey: z.string(),
      owner: z.string(),
      nonce: z.number(),
      operatorIds: z.array(z.number()),
      valid: z.boolean(),
      reasons: z.array(z.string()),
      block: z.number(),
      logIndex: z.number(),
      transactionHash: z.string(),
      removed: z.object({ block: z.number(), logIndex: z.number() }).nullable(),
    }),
  ),
});
/** What `dvt-router devnet verifier --json` prints. */
export type VerifierReport = z.infer<typeof verifierSchema>;

/** Adds the `devnet` command group to `program`. */
export function registerDevnetCommands(program: Command, io: DevnetCommandsIo): void {
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const print = (json: unknown, human: () => string): void => {
    io.out(globals().json ? JSON.stringify(json, null, 2) : human());
  };

  const devnet = program
    .command('devnet')
    .description('controls of a running `npm run devnet` (found through its state.json)');

  devnet
    .command('operator <id>')
    .description(
      'make an SSV operator go bad (or good again) on the devnet SSV API, then show it; ' +
        'without options it only shows it',
    )
    .addOption(
      new Option('--status <status>', 'status the API reports ("chain": the on-chain one)').choices(
        Object.keys(OPERATOR_STATUS_CHOICES),
      ),
    )
    .option('--performance24h <percent>', '24-hour performance, 0 to 100')
    .option('--performance30d <percent>', '30-day performance, 0 to 100')
    .option('--hidden', 'leave it out of the operator listing (its detail still answers)')
    .option('--no-hidden', 'list it again')
    .addOption(
      new Option('--reset', 'drop every override of this operator').conflicts([
        'status',
        'performance24h',
        'performance30d',
        'hidden',
      ]),
    )
    .action(async (idText: string, opts: OperatorOptions) => {
      const id = parseOperatorId(idText);
      const body = operatorAdminBody(opts);
      const endpoints = readDevnetEndpoints(globals());
      if (body) await postOperatorOverride(endpoints, id, body);
      const operator = await fetchOperator(endpoints, id);
      print({ applied: body, operator }, () =>
        renderTable(
          ['FIELD', 'VALUE'],
          [
            ['operator', `${operator.id} (${operator.name})`],
            ['status', operator.status],
            ['active', operator.is_active === 1],
            ['performance 24h', operator.performance['24h']],
            ['performance 30d', operator.performance['30d']],
            ['fee (wei/block)', operator.fee],
            ['private', operator.is_private],
            ['validators', operator.validators_count],
          ],
        ),
      );
    });

  devnet
    .command('verifier')
    .description(
      'every SSV registration the devnet verifier checked: owner, nonce, operators, valid, reasons',
    )
    .action(async () => {
      const report = await fetchVerifierReport(readDevnetEndpoints(globals()));
      print(report, () => renderVerifierReport(report));
    });
}

/** The admin body for the options; null when nothing is to change (show only). */
export function operatorAdminBody(opts: OperatorOptions): OperatorAdminBody | null {
  if (opts.reset) return { status: null, performance: null, hidden: false };
  const body: OperatorAdminBody = {};
  if (opts.status !== undefined) body.status = OPERATOR_STATUS_CHOICES[opts.status];
  const performance: { '24h'?: number; '30d'?: number } = {};
  if (opts.performance24h !== undefined) {
    performance['24h'] = parsePercent('--performance24h', opts.performance24h);
  }
  if (opts.performance30d !== undefined) {
    performance['30d'] = parsePercent('--performance30d', opts.performance30d);
  }
  if (Object.keys(performance).length > 0) body.performance = performance;
  if (opts.hidden !== undefined) body.hidden = opts.hidden;
  return Object.keys(body).length > 0 ? body : null;
}

function parseOperatorId(text: string): number {
  const id = /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) {
    throw new DvtError('ERR_INVALID_INPUT', `"${text}" is not an operator id.`, {
      hint: 'Pass a positive integer, e.g. dvt-router devnet operator 3 --status inactive',
    });
  }
  return id;
}

function parsePercent(option: string, text: string): number {
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 100)) {
    throw new DvtError('ERR_INVALID_INPUT', `${option} ${text} is not a percentage.`, {
      hint: `Pass a number from 0 to 100, e.g. ${option} 12.5`,
    });
  }
  return value;
}

/** The SSV API simulator of the devnet whose state.json is in `--devnet-dir` (or `.devnet`). */
export function readDevnetEndpoints(options: GlobalOptions): DevnetEndpoints {
  const file = path.join(options.devnetDir ?? '.devnet', 'state.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new DvtError('ERR_CONFIG', `No running devnet: cannot read ${file}.`, {
      details: { file },
      hint:
        'Start it with `npm run devnet` (it writes the file and removes it on Ctrl-C), or ' +
        'point --devnet-dir at its folder.',
    });
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DvtError('ERR_CONFIG', `${file} has no usable ssvApiUrl / ssvApiNetwork.`, {
      details: { file },
      hint: 'Restart the devnet with `npm run devnet` to rewrite it.',
    });
  }
  return { ...parsed.data, ssvApiUrl: parsed.data.ssvApiUrl.replace(/\/+$/, '') };
}

async function request(url: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (cause) {
    throw new DvtError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `Cannot reach the devnet SSV API at ${new URL(url).origin}.`,
      { cause, hint: 'Is the devnet still running? Start it with `npm run devnet`.' },
    );
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // reported below with the status
  }
  if (response.ok && body !== undefined) return body;
  const reported = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  const message = typeof reported === 'string' ? reported : text.slice(0, 200);
  const what = `${init.method ?? 'GET'} ${new URL(url).pathname}`;
  if (response.status === 404) {
    throw new DvtError('ERR_NOT_FOUND', `${what}: ${message}.`, {
      hint: 'List the devnet operators with `curl <ssvApiUrl>/api/v4/devnet/operators`.',
    });
  }
  if (response.status >= 400 && response.status < 500) {
    throw new DvtError('ERR_INVALID_INPUT', `${what} was refused: ${message}.`);
  }
  throw new DvtError(
    'ERR_UPSTREAM_UNAVAILABLE',
    `${what} answered ${response.status}${body === undefined ? ' without JSON' : ''}.`,
    { hint: 'Retry; if it persists, restart the devnet.' },
  );
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new DvtError(
      'ERR_UPSTREAM_MALFORMED',
      `The devnet SSV API sent ${what} of an unexpected shape: ${z.prettifyError(parsed.error)}`,
      { hint: 'Clear injected faults with `curl -X POST <ssvApiUrl>/admin/reset`.' },
    );
  }
  return parsed.data;
}

/** `POST /admin/operators/:id` with `body`. */
export async function postOperatorOverride(
  endpoints: DevnetEndpoints,
  id: number,
  body: OperatorAdminBody,
): Promise<void> {
  await request(`${endpoints.ssvApiUrl}/admin/operators/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The operator as the router reads it: `GET /api/v4/{network}/operators/:id`. */
export async function fetchOperator(endpoints: DevnetEndpoints, id: number): Promise<ApiOperator> {
  const body = await request(
    `${endpoints.ssvApiUrl}/api/v4/${endpoints.ssvApiNetwork}/operators/${id}`,
  );
  return parseBody(operatorSchema, body, `operator ${id}`);
}

/** The verifier's report: `GET /admin/verifier`. */
export async function fetchVerifierReport(endpoints: DevnetEndpoints): Promise<VerifierReport> {
  const body = await request(`${endpoints.ssvApiUrl}/admin/verifier`);
  return parseBody(verifierSchema, body, 'a verifier report');
}

function renderVerifierReport(report: VerifierReport): string {
  const summary =
    `${report.total} registration${report.total === 1 ? '' : 's'} checked: ` +
    `${report.valid} valid, ${report.invalid} invalid.`;
  if (report.total === 0) return summary;
  const short = (hex: string): string => `${hex.slice(0, 10)}…${hex.slice(-6)}`;
  return [
    renderTable(
      ['BLOCK', 'OWNER', 'NONCE', 'PUBKEY', 'OPERATORS', 'VALID', 'REMOVED', 'REASONS'],
      report.registrations.map((r) => [
        r.block,
        short(r.owner),
        r.nonce,
        short(r.publicKey),
        r.operatorIds.join(','),
        r.valid ? 'yes' : 'NO',
        r.removed ? `block ${r.removed.block}` : null,
        r.reasons.join('; '),
      ]),
    ),
    '',
    summary,
  ].join('\n');
}
