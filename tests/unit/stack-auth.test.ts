/**
 * Issue #10: the Stack Auth client (lib/stack-auth.ts) against the contract
 * (PROTOCOL.md "Sign-in: Stack Auth"), the renewal scheduled from the access
 * token's `exp` (fake timers), and the managed policy's parsing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { REFRESH_AHEAD_MS, createTokenStore, type TokenStore } from '../../lib/auth';
import { NOTHING_MANAGED, parseManaged, readManaged } from '../../lib/managed';
import { stackRefresher } from '../../lib/session';
import { createStackAuthClient, parseStackConfig, type StackConfig } from '../../lib/stack-auth';

const CONFIG: StackConfig = {
  projectId: 'proj-1',
  publishableClientKey: 'pck_abc',
  apiUrl: 'https://auth.example.com',
};

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch answering `answer` and recording every call. */
function fakeFetch(
  answer: (call: Call) => { status: number; body?: unknown; headers?: Record<string, string> },
) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    calls.push(call);
    const { status, body, headers: out } = answer(call);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: out,
    });
  });
  return { fetch, calls };
}

/** A JWT whose payload says `exp` (seconds); the client never verifies it. */
function jwt(expSeconds: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'ES256' })}.${part({ sub: 'u', exp: expSeconds })}.sig`;
}

describe('Stack Auth client', () => {
  it('signs in with the client headers and reads the tokens', async () => {
    const { fetch, calls } = fakeFetch(() => ({
      status: 200,
      body: { access_token: 'a.b.c', refresh_token: 'rt-1', user_id: 'u-1' },
    }));
    const client = createStackAuthClient({ config: CONFIG, fetch });
    expect(await client.signIn('sam@example.com', 'pw')).toEqual({
      ok: true,
      value: { accessToken: 'a.b.c', refreshToken: 'rt-1', userId: 'u-1' },
    });
    expect(calls).toEqual([
      {
        url: 'https://auth.example.com/api/v1/auth/password/sign-in',
        method: 'POST',
        headers: expect.objectContaining({
          'x-stack-access-type': 'client',
          'x-stack-project-id': 'proj-1',
          'x-stack-publishable-client-key': 'pck_abc',
        }),
        body: { email: 'sam@example.com', password: 'pw' },
      },
    ]);
  });

  it('refreshes with X-Stack-Refresh-Token, and signs out with both tokens', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.method === 'DELETE'
        ? { status: 200, body: { success: true } }
        : { status: 200, body: { access_token: 'new.access.token' } },
    );
    const client = createStackAuthClient({ config: CONFIG, fetch });
    expect(await client.refresh('rt-1')).toEqual({
      ok: true,
      value: { accessToken: 'new.access.token' },
    });
    expect(await client.signOut('old.access.token', 'rt-1')).toEqual({ ok: true, value: null });
    expect(calls[0]).toMatchObject({
      url: 'https://auth.example.com/api/v1/auth/sessions/current/refresh',
      method: 'POST',
      headers: { 'x-stack-refresh-token': 'rt-1' },
    });
    expect(calls[1]).toMatchObject({
      url: 'https://auth.example.com/api/v1/auth/sessions/current',
      method: 'DELETE',
      headers: { 'x-stack-refresh-token': 'rt-1', 'x-stack-access-token': 'old.access.token' },
    });
    // Tokens only in headers, never in a URL.
    for (const call of calls) expect(call.url).not.toMatch(/rt-1|access\.token/);
  });

  it.each([
    [
      400,
      { code: 'EMAIL_PASSWORD_MISMATCH', error: 'Wrong e-mail or password.' },
      'wrong-credentials',
    ],
    [401, { code: 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED', error: 'expired' }, 'session-ended'],
    [400, { code: 'CURRENT_PROJECT_NOT_FOUND', error: 'no project' }, 'bad-project'],
    [401, { code: 'INVALID_PUBLISHABLE_CLIENT_KEY', error: 'bad key' }, 'bad-project'],
    [404, { error: 'Not found' }, 'bad-project'],
    [500, { error: 'boom' }, 'http'],
  ] as const)('types a %i %j as %s', async (status, body, kind) => {
    const { fetch } = fakeFetch(() => ({ status, body }));
    const result = await createStackAuthClient({ config: CONFIG, fetch }).signIn('a@b', 'p');
    expect(result).toMatchObject({ ok: false, error: { kind } });
  });

  it('reads the known error from the x-stack-known-error header when the body has none', async () => {
    const { fetch } = fakeFetch(() => ({
      status: 400,
      body: 'Wrong e-mail or password.',
      headers: { 'x-stack-known-error': 'EMAIL_PASSWORD_MISMATCH' },
    }));
    const result = await createStackAuthClient({ config: CONFIG, fetch }).signIn('a@b', 'p');
    expect(result).toMatchObject({ ok: false, error: { kind: 'wrong-credentials' } });
  });

  it('says the auth server cannot be reached, and what to check', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await createStackAuthClient({ config: CONFIG, fetch }).signIn('a@b', 'p');
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'unreachable',
        message: expect.stringMatching(/Auth API URL/),
      },
    });
  });

  it('refuses an unreadable answer and never echoes a token in an error', async () => {
    const { fetch } = fakeFetch(() => ({ status: 200, body: { access_token: 'has spaces' } }));
    const result = await createStackAuthClient({ config: CONFIG, fetch }).refresh('rt-secret');
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-body' } });
    expect(JSON.stringify(result)).not.toContain('rt-secret');
  });

  it('gives the token store the renewed token with its exp and the same refresh token', async () => {
    const token = jwt(2_000_000_000);
    const { fetch } = fakeFetch(() => ({ status: 200, body: { access_token: token } }));
    const refresher = stackRefresher(createStackAuthClient({ config: CONFIG, fetch }));
    expect(await refresher.refresh('rt-1')).toEqual({
      ok: true,
      value: { accessToken: token, refreshToken: 'rt-1', expiresAt: 2_000_000_000_000 },
    });
  });

  it('maps a refused renewal to a 401 for the token store, a server fault to a retry', async () => {
    const ended = fakeFetch(() => ({
      status: 401,
      body: { code: 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED', error: 'x' },
    }));
    const refresher = stackRefresher(createStackAuthClient({ config: CONFIG, fetch: ended.fetch }));
    expect(await refresher.refresh('rt')).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized' },
    });
    const broken = fakeFetch(() => ({ status: 200, body: { nope: true } }));
    const retry = stackRefresher(createStackAuthClient({ config: CONFIG, fetch: broken.fetch }));
    expect(await retry.refresh('rt')).toMatchObject({
      ok: false,
      error: { kind: 'http', status: 502 },
    });
  });
});

describe('parseStackConfig', () => {
  it('defaults the Auth API URL and drops a trailing slash, keeping a path', () => {
    expect(
      parseStackConfig({ projectId: ' p-1 ', publishableClientKey: 'pck_x', apiUrl: '' }),
    ).toEqual({
      ok: true,
      config: {
        projectId: 'p-1',
        publishableClientKey: 'pck_x',
        apiUrl: 'https://api.stack-auth.com',
      },
    });
    expect(
      parseStackConfig({
        projectId: 'p',
        publishableClientKey: 'k',
        apiUrl: 'http://127.0.0.1:8787/stack/',
      }),
    ).toMatchObject({ ok: true, config: { apiUrl: 'http://127.0.0.1:8787/stack' } });
  });

  it.each([
    [{ projectId: '', publishableClientKey: 'k', apiUrl: '' }, 'projectId'],
    [{ projectId: 'p', publishableClientKey: '', apiUrl: '' }, 'publishableClientKey'],
    [{ projectId: 'p', publishableClientKey: 'k', apiUrl: 'http://auth.example.com' }, 'apiUrl'],
    [
      { projectId: 'p', publishableClientKey: 'k', apiUrl: 'https://u:p@auth.example.com' },
      'apiUrl',
    ],
    [{ projectId: 'p', publishableClientKey: 'k', apiUrl: 'not a url' }, 'apiUrl'],
  ])('refuses %j on %s', (input, field) => {
    expect(parseStackConfig(input)).toMatchObject({ ok: false, field });
  });
});

describe('renewal scheduled from exp (fake timers)', () => {
  const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function storeWith(refresh: () => Promise<{ ok: boolean; value?: unknown; error?: unknown }>) {
    const onRejected = vi.fn();
    const calls = vi.fn(refresh);
    const tokens: TokenStore = createTokenStore({
      api: () => ({
        session: tokens.current(),
        refresh: calls as never,
      }),
      keepSignedIn: () => true,
      parseTokens: (raw) => raw as never,
      now: () => Date.now(),
      timers: {
        setTimeout: (callback, ms) => setTimeout(callback, ms),
        clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      },
      onRejected,
    });
    return { tokens, calls, onRejected };
  }

  it('renews REFRESH_AHEAD_MS before exp, then again before the new exp', async () => {
    let n = 0;
    const { tokens, calls } = storeWith(async () => {
      n += 1;
      return {
        ok: true,
        value: { accessToken: `a${n}`, refreshToken: 'rt', expiresAt: Date.now() + 120_000 },
      };
    });
    await tokens.save({ accessToken: 'a0', refreshToken: 'rt', expiresAt: T0 + 120_000 }, true);
    await vi.advanceTimersByTimeAsync(120_000 - REFRESH_AHEAD_MS - 1);
    expect(calls).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveBeenCalledTimes(1);
    expect(calls).toHaveBeenLastCalledWith('rt');
    // The next one is scheduled from the renewed token's exp.
    await vi.advanceTimersByTimeAsync(120_000 - REFRESH_AHEAD_MS);
    expect(calls).toHaveBeenCalledTimes(2);
    expect(await tokens.accessToken()).toBe('a2');
  });

  it('ends the session when the identity server refuses the scheduled renewal', async () => {
    const { tokens, onRejected } = storeWith(async () => ({
      ok: false,
      error: { kind: 'unauthorized', message: 'The session has ended' },
    }));
    const epoch = await tokens.save(
      { accessToken: 'a0', refreshToken: 'rt', expiresAt: T0 + 60_000 },
      true,
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(onRejected).toHaveBeenCalledWith(epoch);
  });

  it('schedules nothing after sign-out, nor for a pasted token without a refresh token', async () => {
    const { tokens, calls } = storeWith(async () => ({ ok: true, value: {} }));
    await tokens.save({ accessToken: 'a0', refreshToken: 'rt', expiresAt: T0 + 60_000 }, true);
    await tokens.clear();
    await tokens.save({ accessToken: 'pasted', refreshToken: null, expiresAt: T0 + 60_000 }, false);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).not.toHaveBeenCalled();
  });

  it('a stopped worker instance renews nothing (dispose)', async () => {
    const { tokens, calls } = storeWith(async () => ({ ok: true, value: {} }));
    await tokens.save({ accessToken: 'a0', refreshToken: 'rt', expiresAt: T0 + 60_000 }, true);
    tokens.dispose();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).not.toHaveBeenCalled();
  });

  it('resumes the schedule from the stored token after a worker restart', async () => {
    const first = storeWith(async () => ({ ok: true, value: {} }));
    await first.tokens.save(
      { accessToken: 'a0', refreshToken: 'rt', expiresAt: T0 + 90_000 },
      true,
    );
    // A new worker: the same storage, a new store that saved nothing itself.
    const next = storeWith(async () => ({
      ok: true,
      value: { accessToken: 'a1', refreshToken: 'rt', expiresAt: Date.now() + 90_000 },
    }));
    await next.tokens.resume();
    await vi.advanceTimersByTimeAsync(90_000 - REFRESH_AHEAD_MS);
    expect(next.calls).toHaveBeenCalledTimes(1);
  });
});

describe('managed policy', () => {
  it('keeps the well-formed keys one by one', () => {
    expect(
      parseManaged({
        serverUrl: ' https://monitor.example.com ',
        stackProjectId: 42,
        stackPublishableClientKey: 'pck_org',
        lockConfiguration: 'yes',
        other: 'ignored',
      }),
    ).toEqual({
      serverUrl: 'https://monitor.example.com',
      stackPublishableClientKey: 'pck_org',
      lockConfiguration: false,
    });
    expect(parseManaged(null)).toEqual(NOTHING_MANAGED);
  });

  it('reads nothing managed where the browser has no managed storage or it fails', async () => {
    expect(await readManaged({})).toEqual(NOTHING_MANAGED);
    expect(
      await readManaged({
        managed: { get: () => Promise.reject(new Error('Managed storage manifest not found')) },
      }),
    ).toEqual(NOTHING_MANAGED);
    expect(
      await readManaged({
        managed: {
          get: () => Promise.resolve({ stackProjectId: 'p', lockConfiguration: true }),
        },
      }),
    ).toEqual({ stackProjectId: 'p', lockConfiguration: true });
  });
});
