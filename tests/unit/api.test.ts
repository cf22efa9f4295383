/**
 * The REST client (lib/api.ts), issue #11: no call that carries a credential
 * follows a redirect, and a client bound to a session drops what completes
 * after that session ended. Redirects are served by real HTTP servers on
 * 127.0.0.1, so the client's real `fetch` (undici) is what is tested.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStackAuthClient } from '../../lib/stack-auth';
import { createApiClient, type ApiClient } from '../../lib/api';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

/** A server that records every request and answers with `answer`. */
async function serve(
  answer: (req: IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      const out = answer(req);
      res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
      res.end(out.body ?? '');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const ACCOUNT = JSON.stringify({
  userId: 'u-evil',
  email: 'evil@example.test',
  displayName: 'Evil',
  primaryOrganizationId: 'org-evil',
  organizations: [{ organizationId: 'org-evil', role: 'admin' }],
});
const TOKENS = JSON.stringify({
  accessToken: 'evil-access',
  refreshToken: 'evil-refresh',
  expiresAt: '2099-01-01T00:00:00Z',
});

describe('redirects are never followed with a credential (issue #11)', () => {
  it.each([307, 308])('a %i on sign-in does not re-post the password elsewhere', async (status) => {
    const elsewhere = await serve(() => ({ status: 200, body: TOKENS }));
    const server = await serve(() => ({
      status,
      headers: { location: `${elsewhere.origin}/api/v1/auth/password/sign-in` },
    }));
    // Sign-in goes to Stack Auth (#10): its client follows no redirect either.
    const result = await createStackAuthClient({
      config: { projectId: 'p', publishableClientKey: 'pck_k', apiUrl: server.origin },
    }).signIn('me@x.test', 'secret');
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'redirected' }),
    });
    expect(server.seen).toHaveLength(1);
    expect(elsewhere.seen).toEqual([]);
  });

  it('a 302 on /me to another origin is not taken as the account', async () => {
    const elsewhere = await serve(() => ({ status: 200, body: ACCOUNT }));
    const server = await serve(() => ({
      status: 302,
      headers: { location: `${elsewhere.origin}/api/auth/me` },
    }));
    const result = await createApiClient({ origin: server.origin }).me('bearer-token');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe('redirected');
    expect(elsewhere.seen).toEqual([]);
  });

  it('a same-origin redirect is refused too, and the token is not sent twice', async () => {
    const server = await serve((req) =>
      req.url === '/api/auth/me'
        ? { status: 301, headers: { location: '/api/auth/me/' } }
        : { status: 200, body: ACCOUNT },
    );
    const result = await createApiClient({ origin: server.origin }).me('bearer-token');
    expect(!result.ok && result.error.kind).toBe('redirected');
    expect(server.seen.map((s) => s.url)).toEqual(['/api/auth/me']);
  });

  it('asks fetch not to follow redirects on every call', async () => {
    const inits: RequestInit[] = [];
    const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      inits.push(init ?? {});
      return new Response('[]', { status: 200 });
    });
    const api = createApiClient({ origin: 'https://monitor.example', fetch });
    await api.me('t');
    await api.sites('t', 'o');
    await api.areas('t', 'o', 's');
    await api.units('t', 'o', 's', 'a');
    await api.alerts('t', 'o', 'active', 10, 0);
    await api.acknowledge('t', 'o', 'al');
    expect(inits).toHaveLength(6);
    expect(inits.map((init) => init.redirect)).toEqual(inits.map(() => 'manual'));
  });

  it.each([
    ['an opaque redirect (what a browser gives with redirect: manual)', 0, 'opaqueredirect', null],
    ['an https server redirecting to http', 301, 'basic', 'http://monitor.example/api/auth/me'],
  ] as const)('refuses %s', async (_name, status, type, location) => {
    const response = {
      type,
      status,
      ok: false,
      redirected: false,
      headers: new Headers(location === null ? {} : { location }),
      text: async () => ACCOUNT,
    } as unknown as Response;
    const api = createApiClient({ origin: 'https://monitor.example', fetch: async () => response });
    const result = await api.me('t');
    expect(!result.ok && result.error.kind).toBe('redirected');
  });
});

describe('a client bound to a session (issue #11)', () => {
  function bound(fetch: typeof globalThis.fetch): { api: ApiClient; end: () => void } {
    const controller = new AbortController();
    const api = createApiClient({
      origin: 'https://monitor.example',
      fetch,
      session: { epoch: 3, signal: controller.signal },
    });
    return { api, end: () => controller.abort() };
  }

  it('sends nothing once its session has ended', async () => {
    const fetch = vi.fn(async () => new Response('[]'));
    const { api, end } = bound(fetch);
    end();
    expect(await api.sites('t', 'o')).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'superseded' }),
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('drops an answer that arrives after its session ended', async () => {
    let answer: (response: Response) => void = () => undefined;
    const fetch = vi.fn(
      () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    );
    const { api, end } = bound(fetch);
    const pending = api.alerts('t', 'o', 'active', 100, 0);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    end();
    answer(new Response(JSON.stringify([{ id: 'stale' }])));
    expect(await pending).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'superseded' }),
    });
  });

  it('aborts its requests in flight when the session ends', async () => {
    const signals: AbortSignal[] = [];
    const fetch = vi.fn(
      (_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = init?.signal as AbortSignal;
          signals.push(signal);
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const { api, end } = bound(fetch);
    const pending = api.me('t');
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    end();
    expect(signals[0]?.aborted).toBe(true);
    expect(!(await pending).ok && (await pending)).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'superseded' }),
    });
  });
});

describe('a 401 (issue #10)', () => {
  const answering = (status: number, body: unknown) =>
    vi.fn(async () => new Response(JSON.stringify(body), { status }));

  it('shows the body\'s message, not "Unauthorized", in both error shapes', async () => {
    const real = createApiClient({
      origin: 'https://monitor.example',
      fetch: answering(401, { error: 'Unauthorized', message: 'Token expired' }),
    });
    expect(await real.me('t')).toEqual({
      ok: false,
      error: { kind: 'unauthorized', message: 'Token expired' },
    });
    const nested = createApiClient({
      origin: 'https://monitor.example',
      fetch: answering(401, { error: { code: 'token_expired', message: 'Token expired' } }),
    });
    expect(await nested.me('t')).toMatchObject({ error: { message: 'Token expired' } });
  });

  it("tells the session of the client, and only a session's client", async () => {
    const onUnauthorized = vi.fn();
    const session = { epoch: 1, signal: new AbortController().signal };
    const fetch = answering(401, { error: 'Unauthorized', message: 'Token expired' });
    await createApiClient({ origin: 'https://m.example', fetch, session, onUnauthorized }).sites(
      't',
      'o',
    );
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    // A sign-in's client (no session yet) has nothing to renew.
    await createApiClient({ origin: 'https://m.example', fetch, onUnauthorized }).me('t');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
