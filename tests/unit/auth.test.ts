/**
 * The token store (lib/auth.ts) on WXT's fake browser storage: refresh ahead
 * of expiry, one refresh for many callers, and where the refresh token lives.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { ApiResult } from '../../lib/api';
import {
  REFRESH_AHEAD_MS,
  createTokenStore,
  jwtExpiry,
  type SessionRef,
  type TokenRefresher,
  type TokenSet,
  type TokenStore,
} from '../../lib/auth';
import { stackRefresher } from '../../lib/session';
import { snapshotItem } from '../../lib/storage';
import { createStackAuthClient } from '../../lib/stack-auth';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** A refresher of `session`: `refresh` is the only call the store makes. */
function client(
  refresh: (token: string) => Promise<ApiResult<unknown>>,
  session: SessionRef,
): TokenRefresher {
  return { session, refresh };
}

function store(options: {
  refresh?: (token: string) => Promise<ApiResult<unknown>>;
  keepSignedIn?: boolean;
  now?: () => number;
}) {
  let counter = 0;
  const refresh = vi.fn(
    options.refresh ??
      (async (): Promise<ApiResult<unknown>> => {
        counter += 1;
        return {
          ok: true,
          value: {
            accessToken: `access-${counter}`,
            refreshToken: `refresh-${counter}`,
            expiresAt: T0 + 15 * 60_000,
          },
        };
      }),
  );
  const tokens: TokenStore = createTokenStore({
    // Like the background: a client bound to the current session.
    api: () => client(refresh, tokens.current()),
    keepSignedIn: () => options.keepSignedIn ?? true,
    parseTokens: (raw) => raw as TokenSet,
    now: options.now ?? (() => T0),
  });
  return { tokens, refresh };
}

const stored = async () => ({
  localRefresh: await fakeBrowser.storage.local.get('refreshToken'),
  sessionRefresh: await fakeBrowser.storage.session.get('refreshToken'),
  sessionAccess: await fakeBrowser.storage.session.get('accessToken'),
  localAccess: await fakeBrowser.storage.local.get('accessToken'),
});

describe('token store', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('keeps the refresh token on disk only with "Keep me signed in"', async () => {
    const kept = store({ keepSignedIn: true });
    await kept.tokens.save(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + 600_000 },
      true,
    );
    expect(await stored()).toEqual({
      localRefresh: { refreshToken: 'r1' },
      sessionRefresh: {},
      sessionAccess: { accessToken: { token: 'a1', expiresAt: T0 + 600_000 } },
      localAccess: {},
    });

    await kept.tokens.save(
      { accessToken: 'a2', refreshToken: 'r2', expiresAt: T0 + 600_000 },
      false,
    );
    const after = await stored();
    expect(after.localRefresh).toEqual({});
    expect(after.sessionRefresh).toEqual({ refreshToken: 'r2' });
    expect(after.localAccess).toEqual({});
  });

  it('keeps "Keep me signed in" off for a refreshed token too', async () => {
    const { tokens } = store({ keepSignedIn: false });
    await tokens.save({ accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + 600_000 }, false);
    expect(await tokens.refresh()).toBe('refreshed');
    const after = await stored();
    expect(after.localRefresh).toEqual({});
    expect(after.sessionRefresh).toEqual({ refreshToken: 'refresh-1' });
    expect(after.sessionAccess).toEqual({
      accessToken: { token: 'access-1', expiresAt: T0 + 15 * 60_000 },
    });
  });

  it('returns the stored token while it has more than REFRESH_AHEAD_MS left', async () => {
    const { tokens, refresh } = store({});
    await tokens.save(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + REFRESH_AHEAD_MS + 1 },
      true,
    );
    expect(await tokens.accessToken()).toBe('a1');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('renews ahead of expiry, with the refresh token it has', async () => {
    const { tokens, refresh } = store({});
    await tokens.save(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + REFRESH_AHEAD_MS - 1 },
      true,
    );
    expect(await tokens.accessToken()).toBe('access-1');
    expect(refresh).toHaveBeenCalledWith('r1');
    // Rotated: the next refresh sends the new refresh token.
    await tokens.refresh();
    expect(refresh).toHaveBeenLastCalledWith('refresh-1');
  });

  it('shares one refresh among concurrent callers (single flight)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { tokens, refresh } = store({
      refresh: async () => {
        await gate;
        return {
          ok: true,
          value: { accessToken: 'fresh', refreshToken: 'r2', expiresAt: T0 + 900_000 },
        };
      },
    });
    await tokens.save({ accessToken: 'old', refreshToken: 'r1', expiresAt: T0 - 1 }, true);
    const answers = Promise.all([
      tokens.accessToken(),
      tokens.refresh(),
      tokens.accessToken(),
      tokens.refresh(),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect(await answers).toEqual(['fresh', 'refreshed', 'fresh', 'refreshed']);
    expect(refresh).toHaveBeenCalledTimes(1);
    // Done: a later refresh is a new one.
    await tokens.refresh();
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it.each([
    [{ ok: false, error: { kind: 'unauthorized', message: 'no' } }, 'rejected'],
    [{ ok: false, error: { kind: 'http', status: 400, code: 'bad', message: 'no' } }, 'rejected'],
    [
      { ok: false, error: { kind: 'http', status: 503, code: 'down', message: 'later' } },
      'unreachable',
    ],
    [{ ok: false, error: { kind: 'unreachable', message: 'offline' } }, 'unreachable'],
  ] as const)('maps a failed refresh %j to %s', async (answer, outcome) => {
    const { tokens } = store({ refresh: async () => answer });
    await tokens.save({ accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 - 1 }, true);
    expect(await tokens.refresh()).toBe(outcome);
  });

  it('has nothing to refresh with without a refresh token (pasted access token)', async () => {
    const { tokens, refresh } = store({});
    await tokens.save({ accessToken: 'pasted', refreshToken: null, expiresAt: 0 }, false);
    expect(await tokens.refresh()).toBe('no-refresh-token');
    // Unknown expiry (0) never counts as expiring.
    expect(await tokens.accessToken()).toBe('pasted');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('clears every token', async () => {
    const { tokens } = store({});
    await tokens.save({ accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + 600_000 }, true);
    await tokens.save({ accessToken: 'a1', refreshToken: 'r2', expiresAt: T0 + 600_000 }, false);
    await tokens.clear();
    expect(await stored()).toEqual({
      localRefresh: {},
      sessionRefresh: {},
      sessionAccess: {},
      localAccess: {},
    });
    expect(await tokens.accessToken()).toBeNull();
  });
});

/** A refresh answer the test releases when it chooses. */
function gated() {
  let release: (answer: ApiResult<unknown>) => void = () => undefined;
  const answer = new Promise<ApiResult<unknown>>((resolve) => {
    release = resolve;
  });
  const started = vi.fn();
  return {
    refresh: async (token: string) => {
      started(token);
      return answer;
    },
    started,
    release: (accessToken: string, refreshToken: string) =>
      release({ ok: true, value: { accessToken, refreshToken, expiresAt: T0 + 900_000 } }),
  };
}

describe('token store sessions (issue #11)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('drops a refresh that lands after sign-out: no token comes back', async () => {
    const gate = gated();
    const { tokens } = store({ refresh: gate.refresh });
    await tokens.save({ accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 - 1 }, true);
    const outcome = tokens.refresh();
    await vi.waitFor(() => expect(gate.started).toHaveBeenCalledWith('r1'));
    await tokens.clear();
    gate.release('late-access', 'late-refresh');
    expect(await outcome).toBe('superseded');
    expect(await stored()).toEqual({
      localRefresh: {},
      sessionRefresh: {},
      sessionAccess: {},
      localAccess: {},
    });
    expect(await tokens.accessToken()).toBeNull();
  });

  it("drops session A's refresh that lands after signing in to B: B keeps B's tokens", async () => {
    const gate = gated();
    const { tokens } = store({ refresh: gate.refresh });
    const a = await tokens.save({ accessToken: 'a1', refreshToken: 'rA', expiresAt: T0 - 1 }, true);
    const outcome = tokens.refresh();
    await vi.waitFor(() => expect(gate.started).toHaveBeenCalledWith('rA'));
    await tokens.clear();
    const b = await tokens.save(
      { accessToken: 'b1', refreshToken: 'rB', expiresAt: T0 + 600_000 },
      false,
    );
    expect(b).toBeGreaterThan(a);
    gate.release('A-late-access', 'A-late-refresh');
    expect(await outcome).toBe('superseded');
    expect(await tokens.accessToken()).toBe('b1');
    expect(await stored()).toEqual({
      localRefresh: {},
      sessionRefresh: { refreshToken: 'rB' },
      sessionAccess: { accessToken: { token: 'b1', expiresAt: T0 + 600_000 } },
      localAccess: {},
    });
  });

  it("signing in with a pasted token removes the previous session's refresh token", async () => {
    const { tokens, refresh } = store({});
    await tokens.save({ accessToken: 'a1', refreshToken: 'rA', expiresAt: T0 + 600_000 }, true);
    await tokens.save({ accessToken: 'pasted-B', refreshToken: null, expiresAt: 0 }, false);
    expect(await stored()).toEqual({
      localRefresh: {},
      sessionRefresh: {},
      sessionAccess: { accessToken: { token: 'pasted-B', expiresAt: 0 } },
      localAccess: {},
    });
    // At the first 401, nothing of A's is sent anywhere.
    expect(await tokens.refresh()).toBe('no-refresh-token');
    expect(refresh).not.toHaveBeenCalled();
  });

  it("never hands a caller of an ended session the next session's token", async () => {
    const { tokens } = store({});
    const a = await tokens.save({ accessToken: 'a1', refreshToken: 'rA', expiresAt: 0 }, true);
    const pending = tokens.accessToken(a);
    const b = await tokens.save({ accessToken: 'b1', refreshToken: 'rB', expiresAt: 0 }, true);
    expect(await pending).toBeNull();
    expect(await tokens.accessToken(a)).toBeNull();
    expect(await tokens.refresh(a)).toBe('superseded');
    expect(await tokens.accessToken(b)).toBe('b1');
  });

  it('refuses to refresh through a client of another session', async () => {
    const refresh = vi.fn(async (): Promise<ApiResult<unknown>> => ({ ok: true, value: {} }));
    const stale: SessionRef = { epoch: -1, signal: new AbortController().signal };
    const tokens = createTokenStore({
      api: () => client(refresh, stale),
      keepSignedIn: () => true,
      parseTokens: (raw) => raw as TokenSet,
      now: () => T0,
    });
    await tokens.save({ accessToken: 'a1', refreshToken: 'rA', expiresAt: T0 - 1 }, true);
    expect(await tokens.refresh()).toBe('superseded');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('clear() cancels the refresh request on the wire', async () => {
    const signals: AbortSignal[] = [];
    // A server that never answers: only the abort ends the request.
    const fetch = vi.fn(
      (_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = init?.signal as AbortSignal;
          signals.push(signal);
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const tokens: TokenStore = createTokenStore({
      api: () =>
        stackRefresher(
          createStackAuthClient({
            config: { projectId: 'p', publishableClientKey: 'pck_k', apiUrl: 'https://a.example' },
            fetch,
            session: tokens.current(),
          }),
        ),
      keepSignedIn: () => true,
      parseTokens: (raw) => raw as TokenSet,
      now: () => T0,
    });
    await tokens.save({ accessToken: 'a1', refreshToken: 'rA', expiresAt: T0 - 1 }, true);
    const outcome = tokens.refresh();
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    await tokens.clear();
    expect(signals[0]?.aborted).toBe(true);
    expect(await outcome).toBe('superseded');
    expect(await tokens.accessToken()).toBeNull();
  });
});

describe('jwtExpiry', () => {
  const encode = (payload: unknown) =>
    `${btoa('{"alg":"HS256"}')}.${btoa(JSON.stringify(payload)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.sig`;

  it.each([
    ['exp in seconds', encode({ sub: 'u', exp: 1_800_000_000 }), 1_800_000_000_000],
    ['base64url characters', encode({ sub: '>>>???', exp: 1_700_000_001 }), 1_700_000_001_000],
    ['no exp', encode({ sub: 'u' }), 0],
    ['a string exp', encode({ exp: '1800000000' }), 0],
    ['not a JWT', 'opaque-token', 0],
    ['garbage payload', 'a.%%%.c', 0],
    ['a JSON array payload', `x.${btoa('[1]')}.y`, 0],
  ])('reads %s', (_name, token, expected) => {
    expect(jwtExpiry(token)).toBe(expected);
  });
  describe('readAhead (#14)', () => {
    it('serves the next access token from one read made ahead', async () => {
      const { tokens } = store({});
      await fakeBrowser.storage.session.set({
        accessToken: { token: 'a1', expiresAt: T0 + 600_000 },
      });
      const get = vi.spyOn(fakeBrowser.storage.session, 'get');
      tokens.readAhead();
      expect(await tokens.accessToken()).toBe('a1');
      expect(get).toHaveBeenCalledTimes(1);
      // Then kept in memory: only this store writes it.
      expect(await tokens.accessToken()).toBe('a1');
      expect(get).toHaveBeenCalledTimes(1);
    });

    it('reads storage again after any token write, and never serves a copy read while one ran', async () => {
      const { tokens } = store({});
      await tokens.save({ accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + 600_000 }, true);
      expect(await tokens.accessToken()).toBe('a1');
      expect(await tokens.accessToken()).toBe('a1');
      // A read still in flight when a new session writes its token is not kept.
      const reading = tokens.accessToken();
      const saving = tokens.save(
        { accessToken: 'a2', refreshToken: 'r2', expiresAt: T0 + 600_000 },
        true,
      );
      await Promise.all([reading, saving]);
      expect(await tokens.accessToken()).toBe('a2');
      await tokens.clear();
      expect(await tokens.accessToken()).toBeNull();
    });

    it('is never used after a token write or by another session', async () => {
      const { tokens } = store({});
      await tokens.save({ accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + 600_000 }, true);
      tokens.readAhead();
      await tokens.save({ accessToken: 'a2', refreshToken: 'r2', expiresAt: T0 + 600_000 }, true);
      expect(await tokens.accessToken()).toBe('a2');
      const old = tokens.epoch();
      tokens.readAhead();
      await tokens.clear();
      expect(await tokens.accessToken(old)).toBeNull();
      expect(await tokens.accessToken()).toBeNull();
    });

    it('asks storage at once, ahead of reads asked right after it', async () => {
      const { tokens } = store({});
      const asked: unknown[] = [];
      const get = fakeBrowser.storage.session.get.bind(fakeBrowser.storage.session);
      vi.spyOn(fakeBrowser.storage.session, 'get').mockImplementation((keys) => {
        asked.push(keys);
        return get(keys);
      });
      // The browser answers in order, and a woken worker asks for its large
      // restore reads (the snapshot among them) right after.
      tokens.readAhead();
      await snapshotItem.getValue();
      expect(asked[0]).toBe('accessToken');
      expect(asked[1]).toBe('snapshot');
      expect(await tokens.accessToken()).toBeNull();
    });

    it('reads after a write still in flight, never before it', async () => {
      const { tokens } = store({});
      const saving = tokens.save(
        { accessToken: 'a1', refreshToken: 'r1', expiresAt: T0 + 600_000 },
        true,
      );
      tokens.readAhead();
      await saving;
      expect(await tokens.accessToken()).toBe('a1');
    });

    it('shares one read between callers that ask while it is in flight', async () => {
      const { tokens } = store({});
      await fakeBrowser.storage.session.set({
        accessToken: { token: 'a1', expiresAt: T0 + 600_000 },
      });
      const get = vi.spyOn(fakeBrowser.storage.session, 'get');
      // A woken worker's handshake and its first alert list ask at once.
      const both = await Promise.all([tokens.accessToken(), tokens.accessToken()]);
      expect(both).toEqual(['a1', 'a1']);
      expect(get).toHaveBeenCalledTimes(1);
    });

    it('does not share a failed read', async () => {
      const { tokens } = store({});
      await fakeBrowser.storage.session.set({
        accessToken: { token: 'a1', expiresAt: T0 + 600_000 },
      });
      const get = vi
        .spyOn(fakeBrowser.storage.session, 'get')
        .mockRejectedValueOnce(new Error('storage is gone'));
      tokens.readAhead();
      await expect(tokens.accessToken()).rejects.toThrow('storage is gone');
      expect(await tokens.accessToken()).toBe('a1');
      expect(get).toHaveBeenCalledTimes(2);
    });
  });
});
