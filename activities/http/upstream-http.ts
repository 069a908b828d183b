/**
 * One HTTP stack per upstream (STYLE.md "lidofinance/validator-ejector"): axios with a timeout,
 * bounded retries with exponential backoff on timeouts, connection errors, 5xx and 429, zod
 * validation of every body, and errors that name only the host of the URL. Shared by the SSV API
 * and beacon clients.
 */
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import { DvtError } from '../../domain/errors.js';

/** Dependencies of {@link makeUpstreamHttp}. */
export interface UpstreamHttpDeps {
  /** Base URL; only its host appears in errors. */
  baseUrl: string;
  /** Upstream label for messages: `SSV API`, `Beacon node`. */
  name: string;
  axios?: AxiosInstance;
  /** Per-attempt timeout; default 10,000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** First backoff; doubles per retry; default 250 ms. */
  backoffMs?: number;
  /** Injected for tests (no real waits). */
  sleep?: (ms: number) => Promise<void>;
}

/** One request. */
export interface UpstreamRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST';
  /** Path below the base URL, starting with `/`. */
  path: string;
  params?: Record<string, string | number | boolean | readonly string[]>;
  body?: unknown;
  /** Name of the endpoint for messages (never the URL): `operators`, `validators`. */
  endpoint: string;
  schema: S;
  /** A 2xx with an empty body is success (e.g. a beacon node accepting a voluntary exit). */
  emptyBodyOk?: boolean;
  /** Statuses (besides 2xx) whose body is returned to the caller unvalidated. */
  passStatuses?: readonly number[];
}

/** A response: validated data for 2xx, the raw body for a passed status. */
export type UpstreamResponse<T> =
  { ok: true; status: number; data: T } | { ok: false; status: number; body: unknown };

/** Reduces a URL to its host (`api.ssv.network`, `127.0.0.1:5052`); never throws. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

/** Makes the HTTP stack of one upstream endpoint. */
function isEmpty(body: unknown): boolean {
  return body === undefined || body === null || (typeof body === 'string' && body.trim() === '');
}

export function makeUpstreamHttp(deps: UpstreamHttpDeps) {
  const http = deps.axios ?? axios.create();
  const host = hostOf(deps.baseUrl);
  const base = deps.baseUrl.replace(/\/+$/, '');
  const timeout = deps.timeoutMs ?? 10_000;
  const retries = deps.retries ?? 3;
  const backoff = deps.backoffMs ?? 250;
  const sleep =
    deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function request<S extends z.ZodType>(
    req: UpstreamRequest<S>,
  ): Promise<UpstreamResponse<z.infer<S>>> {
    let lastFailure = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
      let status: number;
      let body: unknown;
      try {
        const response = await http.request({
          method: req.method ?? 'GET',
          url: `${base}${req.path}`,
          ...(req.params !== undefined ? { params: req.params } : {}),
          paramsSerializer: { indexes: null },
          ...(req.body !== undefined ? { data: req.body } : {}),
          timeout,
          responseType: 'text',
          transformResponse: (data: unknown) => data,
          validateStatus: () => true,
        });
        status = response.status;
        body = response.data;
      } catch (error) {
        // Timeouts and connection failures: the message of axios carries the URL, so keep a code only.
        lastFailure = transportFailure(error);
        continue;
      }
      if (status >= 500 || status === 429) {
        lastFailure = `HTTP ${status}`;
        continue;
      }
      if (req.emptyBodyOk && status >= 200 && status < 300 && isEmpty(body)) {
        return { ok: true, status, data: undefined as z.infer<S> };
      }
      const parsed = parseJson(body);
      if (status >= 200 && status < 300) {
        const result = parsed.ok ? req.schema.safeParse(parsed.value) : null;
        if (result === null || !result.success) {
          throw new DvtError(
            'ERR_UPSTREAM_MALFORMED',
            `${deps.name} ${host} sent a malformed ${req.endpoint} response: ${
              result === null ? 'not JSON' : issues(result.error)
            }.`,
            { details: { host, endpoint: req.endpoint, status } },
          );
        }
        return { ok: true, status, data: result.data };
      }
      if (req.passStatuses?.includes(status)) {
        return { ok: false, status, body: parsed.ok ? parsed.value : body };
      }
      throw new DvtError(
        'ERR_UPSTREAM_REJECTED',
        `${deps.name} ${host} refused the ${req.endpoint} request with HTTP ${status}${messageOf(parsed)}.`,
        { details: { host, endpoint: req.endpoint, status } },
      );
    }
    throw new DvtError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `${deps.name} ${host} did not answer the ${req.endpoint} request after ${retries + 1} attempts (last: ${lastFailure}).`,
      {
        details: { host, endpoint: req.endpoint, attempts: retries + 1, lastFailure },
        hint: `Check that ${deps.name} at ${host} is running and reachable.`,
      },
    );
  }

  return { host, request };
}

/** The HTTP stack of one upstream. */
export type UpstreamHttp = ReturnType<typeof makeUpstreamHttp>;

function transportFailure(error: unknown): string {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return 'timeout';
    return error.code ?? 'network error';
  }
  return 'network error';
}

function parseJson(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof body !== 'string') return { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

function messageOf(parsed: { ok: true; value: unknown } | { ok: false }): string {
  if (!parsed.ok) return '';
  const message = (parsed.value as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? `: ${message.slice(0, 300)}` : '';
}

/** The first few zod issues as `path: message`. */
export function issues(error: z.ZodError<unknown>): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
