/**
 * Issue #11, the real sequence against two real reference servers: signed in
 * to A, A's token refresh is still on the wire when the user signs out and
 * signs in to B. A's answer must not bring A's tokens back, B must only ever
 * see B's tokens, and A must never see B's.
 *
 * The background's `fetch` is wrapped to record every request (origin,
 * Authorization, body) and to hold A's refresh until the test releases it:
 * the only thing the test controls is when A answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { SessionInfo } from '../../../lib/model';
import type { RunningServer } from '../../../server/app';
import { stackPaths } from '../../../lib/stack-auth';
import { STACK_PREFIX } from '../../../server/stack-auth-routes';
import { createSigningKey } from '../../../server/tokens';
import {
  cleanup,
  command,
  resetBrowser,
  startBackground,
  STACK_REFRESH,
  stackConfig,
  startServer,
  stopBackgrounds,
  until,
  type Background,
} from './harness';

interface Sent {
  origin: string;
  path: string;
  authorization: string | null;
  /** The Stack Auth token headers (refresh, sign-out), issue #10. */
  stackTokens: string[];
  body: string;
}

const STACK_SIGN_IN = `${STACK_PREFIX}${stackPaths.signIn}`;

function recordingFetch() {
  const sent: Sent[] = [];
  const issued = new Map<string, string[]>(); // origin → tokens its server issued
  let hold: { origin: string; path: string } | null = null;
  let release: () => void = () => undefined;
  let held = false;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    sent.push({
      origin: url.origin,
      path: url.pathname,
      authorization: headers.get('authorization'),
      stackTokens: ['x-stack-refresh-token', 'x-stack-access-token']
        .map((name) => headers.get(name))
        .filter((value): value is string => value !== null),
      body: typeof init?.body === 'string' ? init.body : '',
    });
    if (hold !== null && url.origin === hold.origin && url.pathname === hold.path) {
      hold = null;
      held = true;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    }
    const response = await globalThis.fetch(input, init);
    if (url.pathname === STACK_SIGN_IN || url.pathname === STACK_REFRESH) {
      const body = (await response.clone().json()) as {
        access_token?: string;
        refresh_token?: string;
      };
      const list = issued.get(url.origin) ?? [];
      for (const token of [body.access_token, body.refresh_token]) if (token) list.push(token);
      issued.set(url.origin, list);
    }
    return response;
  };
  return {
    fetch,
    sent,
    issued: (origin: string) => issued.get(origin) ?? [],
    holdNext(origin: string, path: string) {
      hold = { origin, path };
    },
    isHeld: () => held,
    release: () => release(),
  };
}

describe('sign out of A and into B while A refreshes (issue #11)', () => {
  let a: RunningServer;
  let b: RunningServer;
  let bg: Background;
  let net: ReturnType<typeof recordingFetch>;

  beforeEach(async () => {
    resetBrowser();
    a = await startServer();
    // Another deployment: its own signing key, so A's tokens mean nothing to it.
    b = await startServer({ signingKey: await createSigningKey('server-b') });
    net = recordingFetch();
    bg = await startBackground({ fetch: net.fetch });
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  async function signIn(server: RunningServer): Promise<SessionInfo> {
    const result = await command<SessionInfo>({
      type: 'sign-in',
      serverUrl: server.url,
      email: 'demo@frostline.test',
      password: 'frostline',
      keepSignedIn: true,
      stack: stackConfig(server),
    });
    if (result === undefined || !result.ok) throw new Error(`sign-in: ${JSON.stringify(result)}`);
    return result.data;
  }

  it("drops A's late refresh; B gets only B's tokens, A never sees B's", async () => {
    await signIn(a);
    await until(() => bg.app.state().connection.status === 'live', 'live on A');
    await until(() => bg.app.state().directory !== null, 'A directory');

    // A refresh starts (what a 401 or an expiring token starts) and is held on the wire.
    net.holdNext(a.url, STACK_REFRESH);
    const refreshing = bg.app.tokens.refresh();
    await until(() => net.isHeld(), "A's refresh on the wire");

    expect(await command({ type: 'sign-out' })).toEqual({ ok: true, data: null });
    const session = await signIn(b);
    expect(session.serverUrl).toBe(b.url);
    await until(() => bg.app.state().connection.status === 'live', 'live on B');

    // A answers now, with a fresh pair for A.
    net.release();
    expect(await refreshing).toBe('superseded');

    // B's REST calls after A's answer: the directory, then an acknowledge.
    const directory = await command({ type: 'directory' });
    expect(directory?.ok).toBe(true);

    const stored = {
      access: (await fakeBrowser.storage.session.get('accessToken')).accessToken as
        { token: string } | undefined,
      localRefresh: (await fakeBrowser.storage.local.get('refreshToken')).refreshToken as
        string | undefined,
      sessionRefresh: (await fakeBrowser.storage.session.get('refreshToken')).refreshToken as
        string | undefined,
    };
    const fromB = net.issued(b.url);
    const fromA = net.issued(a.url);
    expect(fromB.length).toBeGreaterThanOrEqual(2);
    expect(fromB).toContain(stored.access?.token);
    expect(fromB).toContain(stored.localRefresh);
    expect(stored.sessionRefresh).toBeUndefined();

    const toB = net.sent.filter((s) => s.origin === b.url);
    const toA = net.sent.filter((s) => s.origin === a.url);
    // Every credential B received is one B issued; none of A's reached it.
    for (const request of toB) {
      if (request.authorization !== null) {
        expect(fromB).toContain(request.authorization.replace(/^Bearer /, ''));
      }
      for (const token of request.stackTokens) expect(fromB).toContain(token);
      for (const token of fromA) expect(request.body).not.toContain(token);
    }
    expect(toB.some((r) => r.path.endsWith('/sites'))).toBe(true);
    expect(toB.filter((r) => r.path === STACK_REFRESH)).toEqual([]);
    // And nothing of B's went to A.
    for (const request of toA) {
      for (const token of fromB) {
        expect(request.authorization ?? '').not.toContain(token);
        expect(request.stackTokens).not.toContain(token);
        expect(request.body).not.toContain(token);
      }
    }
    expect(bg.app.state().connection.status).toBe('live');
    expect(bg.app.session()?.serverUrl).toBe(b.url);
  });

  it('sign-out while the refresh is on the wire leaves no token behind', async () => {
    await signIn(a);
    await until(() => bg.app.state().connection.status === 'live', 'live on A');
    net.holdNext(a.url, STACK_REFRESH);
    const refreshing = bg.app.tokens.refresh();
    await until(() => net.isHeld(), "A's refresh on the wire");
    await command({ type: 'sign-out' });
    net.release();
    expect(await refreshing).toBe('superseded');
    expect(await fakeBrowser.storage.session.get(['accessToken', 'refreshToken'])).toEqual({});
    expect(await fakeBrowser.storage.local.get('refreshToken')).toEqual({});
    expect(bg.app.state().connection.status).toBe('signed-out');
  });
});
