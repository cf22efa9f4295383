/**
 * The backend's REST API (docs/protocol.md), as the background uses it.
 *
 * Answers are returned as `unknown` JSON: the caller validates them with
 * `lib/normalize.ts` (STYLE 6). Failures are typed values; none of them ever
 * carries the token, which only travels in the `Authorization` header.
 *
 * Redirects are never followed (issue #11). Every call carries a credential
 * (the password, a refresh token or the access token), and a redirect would
 * hand it, or the answer, to wherever the `Location` points: a 302 on `/me`
 * names another origin's account. (Sign-in and renewal go to Stack Auth, through
 * `lib/stack-auth.ts`, issue #10; the backend has no login of its own.)
 * Fetch runs with `redirect: 'manual'`; in a browser that yields an opaque
 * response whose target cannot even be read, so a same-origin check is
 * impossible there and every redirect is refused with a typed error (an https
 * server redirecting to http included). The contract has no redirects.
 *
 * A client bound to a session (`session`) aborts its requests when that
 * session ends and answers `superseded` for anything that completes after:
 * results of a stale session never reach the state (issue #11).
 */
import type { SessionRef } from './auth';
import { api, type WireErrorBody } from './protocol';

export type ApiError =
  | { kind: 'unreachable'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'http'; status: number; code: string; message: string }
  | { kind: 'invalid-body'; message: string }
  /** The server answered with a redirect, which is never followed. */
  | { kind: 'redirected'; status: number; message: string }
  /** The session this client belongs to has ended; the answer was dropped. */
  | { kind: 'superseded'; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiClientOptions {
  /** Backend origin, e.g. `https://monitor.example.com`. */
  origin: string;
  fetch?: typeof fetch;
  /** Per-request timeout; a hung request must not hold a resync forever. */
  timeoutMs?: number;
  /** The session this client serves; `undefined` for sign-in calls made before one exists. */
  session?: SessionRef;
  /**
   * Called on every 401 of this session's client (issue #10): the token is no
   * longer good, even while the socket looks live; the session renews it.
   */
  onUnauthorized?: () => void;
}

export interface ApiClient {
  /** The session this client serves (see `ApiClientOptions.session`). */
  readonly session: SessionRef | undefined;
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
  /** `{ notes? }` (PROTOCOL.md); answers the updated alert. */
  acknowledge(
    token: string,
    org: string,
    alertId: string,
    notes?: string,
  ): Promise<ApiResult<unknown>>;
  /** `{ resolution, correctiveAction? }` (PROTOCOL.md); answers the updated alert. */
  resolve(
    token: string,
    org: string,
    alertId: string,
    body: { resolution: string; correctiveAction?: string },
  ): Promise<ApiResult<unknown>>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const session = options.session;
  const superseded: ApiResult<never> = {
    ok: false,
    error: { kind: 'superseded', message: 'The session changed; the answer was dropped' },
  };
  const ended = () => session?.signal.aborted === true;

  async function request(
    method: 'GET' | 'POST',
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<ApiResult<unknown>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (ended()) return superseded;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(options.origin + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'manual',
        signal: session === undefined ? timeout : AbortSignal.any([timeout, session.signal]),
      });
    } catch (error) {
      if (ended()) return superseded;
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return {
        ok: false,
        error: {
          kind: 'unreachable',
          message: timedOut ? 'The server did not answer in time' : 'The server cannot be reached',
        },
      };
    }
    if (isRedirect(response)) {
      // Not even the body: it came from a server that wanted us elsewhere.
      return {
        ok: false,
        error: {
          kind: 'redirected',
          status: response.status,
          message:
            'The server answered with a redirect, which Frostline does not follow with credentials. Enter the server URL it really uses.',
        },
      };
    }
    const text = await readBody(response);
    if (ended()) return superseded;
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
    if (response.status === 401) {
      if (session !== undefined) options.onUnauthorized?.();
      return { ok: false, error: { kind: 'unauthorized', message } };
    }
    return { ok: false, error: { kind: 'http', status: response.status, code, message } };
  }

  return {
    session,
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
    acknowledge: (token, org, alertId, notes) =>
      request('POST', api.acknowledge(org, alertId), token, notes === undefined ? {} : { notes }),
    resolve: (token, org, alertId, body) =>
      request('POST', api.resolve(org, alertId), token, {
        resolution: body.resolution,
        ...(body.correctiveAction === undefined ? {} : { correctiveAction: body.correctiveAction }),
      }),
  };
}

/**
 * A redirect answer: opaque in a browser (`redirect: 'manual'`), a 3xx with
 * its `Location` elsewhere; `redirected` would mean a fetch that followed one.
 */
function isRedirect(response: Response): boolean {
  return (
    response.type === 'opaqueredirect' ||
    response.redirected ||
    (response.status >= 300 && response.status < 400)
  );
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

/**
 * Both error shapes of the contract: `{ error: { code, message } }` or
 * `{ error: string, message? }`. In the second, `message` says what happened
 * (`{ error: 'Unauthorized', message: 'Token expired' }`, issue #10).
 */
function errorOf(json: unknown, status: number): { code: string; message: string } {
  const fallback = { code: `http_${status}`, message: `The server answered ${status}` };
  if (typeof json !== 'object' || json === null || !('error' in json)) return fallback;
  const error = (json as WireErrorBody).error;
  if (typeof error === 'string') {
    const detail = (json as { message?: unknown }).message;
    return {
      code: fallback.code,
      message: clip(typeof detail === 'string' && detail.trim() ? detail : error),
    };
  }
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
