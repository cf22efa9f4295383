/**
 * The backend's REST API (docs/protocol.md), as the background uses it.
 *
 * Answers are returned as `unknown` JSON: the caller validates them with
 * `lib/normalize.ts` (STYLE 6). Failures are typed values; none of them ever
 * carries the token, which only travels in the `Authorization` header.
 */
import { api, type WireErrorBody } from './protocol';

export type ApiError =
  | { kind: 'unreachable'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'http'; status: number; code: string; message: string }
  | { kind: 'invalid-body'; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiClientOptions {
  /** Backend origin, e.g. `https://monitor.example.com`. */
  origin: string;
  fetch?: typeof fetch;
  /** Per-request timeout; a hung request must not hold a resync forever. */
  timeoutMs?: number;
}

export interface ApiClient {
  login(email: string, password: string): Promise<ApiResult<unknown>>;
  refresh(refreshToken: string): Promise<ApiResult<unknown>>;
  me(token: string): Promise<ApiResult<unknown>>;
  sites(token: string, org: string): Promise<ApiResult<unknown>>;
  areas(token: string, org: string, site: string): Promise<ApiResult<unknown>>;
  units(token: string, org: string, site: string, area: string): Promise<ApiResult<unknown>>;
  alerts(
    token: string,
    org: string,
    status: 'active' | 'acknowledged' | 'escalated' | 'resolved',
    limit: number,
    offset: number,
  ): Promise<ApiResult<unknown>>;
  acknowledge(token: string, org: string, alertId: string): Promise<ApiResult<unknown>>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function request(
    method: 'GET' | 'POST',
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<ApiResult<unknown>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(options.origin + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return {
        ok: false,
        error: {
          kind: 'unreachable',
          message: timedOut ? 'The server did not answer in time' : 'The server cannot be reached',
        },
      };
    }
    const text = await readBody(response);
    let json: unknown = null;
    if (text !== null && text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (response.ok) {
      if (json === undefined || text === null) {
        return {
          ok: false,
          error: { kind: 'invalid-body', message: 'The server sent an unreadable answer' },
        };
      }
      return { ok: true, value: json };
    }
    const { code, message } = errorOf(json, response.status);
    if (response.status === 401) return { ok: false, error: { kind: 'unauthorized', message } };
    return { ok: false, error: { kind: 'http', status: response.status, code, message } };
  }

  return {
    login: (email, password) => request('POST', api.login, null, { email, password }),
    refresh: (refreshToken) => request('POST', api.refresh, null, { refreshToken }),
    me: (token) => request('GET', api.me, token),
    sites: (token, org) => request('GET', api.sites(org), token),
    areas: (token, org, site) => request('GET', api.areas(org, site), token),
    units: (token, org, site, area) => request('GET', api.units(org, site, area), token),
    alerts: (token, org, status, limit, offset) =>
      request(
        'GET',
        `${api.alerts(org)}?status=${encodeURIComponent(status)}&limit=${limit}&offset=${offset}`,
        token,
      ),
    acknowledge: (token, org, alertId) => request('POST', api.acknowledge(org, alertId), token, {}),
  };
}

/** Reads a body up to a bound; a runaway answer must not exhaust the worker. */
async function readBody(response: Response): Promise<string | null> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) return null;
  try {
    const text = await response.text();
    return text.length > MAX_BODY_BYTES ? null : text;
  } catch {
    return null;
  }
}

/** Both error shapes of the contract: `{ error: { code, message } }` or `{ error: string }`. */
function errorOf(json: unknown, status: number): { code: string; message: string } {
  const fallback = { code: `http_${status}`, message: `The server answered ${status}` };
  if (typeof json !== 'object' || json === null || !('error' in json)) return fallback;
  const error = (json as WireErrorBody).error;
  if (typeof error === 'string') return { code: fallback.code, message: clip(error) };
  if (typeof error === 'object' && error !== null) {
    const code = typeof error.code === 'string' ? clip(error.code) : fallback.code;
    const message = typeof error.message === 'string' ? clip(error.message) : fallback.message;
    return { code, message };
  }
  return fallback;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
