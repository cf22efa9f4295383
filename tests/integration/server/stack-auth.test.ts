/**
 * The reference server's Stack Auth-shaped identity API (issue #10; contract:
 * PROTOCOL.md "Sign-in: Stack Auth"), and the backend verifying its tokens
 * against the published JWKS like production.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { AUTH_ERRORS } from '../../../lib/protocol';
import { STACK_HEADERS, stackPaths } from '../../../lib/stack-auth';
import {
  api,
  cleanup,
  connected,
  connectErrorMessage,
  DEMO,
  PASSWORD,
  stackHeaders,
  startTestServer,
} from './helpers';

afterEach(cleanup);

async function stack(
  base: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: unknown } = {},
) {
  return api(base, `/stack${path}`, {
    method,
    headers: { ...stackHeaders(), ...init.headers },
    body: init.body,
  });
}

describe('Stack Auth identity API', () => {
  it('signs in with a password: an ES256 JWT with the Stack claims, verified by the JWKS', async () => {
    const server = await startTestServer({ tokenTtlSeconds: 120 });
    const res = await stack(server.url, 'POST', stackPaths.signIn, {
      body: { email: DEMO, password: PASSWORD },
    });
    expect(res.status).toBe(200);
    const body = res.body as { access_token: string; refresh_token: string; user_id: string };
    expect(body.user_id).toBe('user-demo');
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      sub: 'user-demo',
      aud: server.stack.projectId,
      iss: `${server.stack.apiUrl}/api/v1/projects/${server.stack.projectId}`,
      email: DEMO,
      name: 'Dana Demo',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);

    const jwks = await api(server.url, `/stack${stackPaths.jwks(server.stack.projectId)}`);
    expect(jwks.status).toBe(200);
    const verified = await jwtVerify(
      body.access_token,
      createLocalJWKSet(jwks.body as Parameters<typeof createLocalJWKSet>[0]),
      { audience: server.stack.projectId, algorithms: ['ES256'] },
    );
    expect(verified.protectedHeader.alg).toBe('ES256');
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/); // public keys only
    expect((await api(server.url, `/stack${stackPaths.jwks('nope')}`)).status).toBe(404);

    // The backend accepts it at the handshake and over REST.
    await connected(server.url, body.access_token);
    expect((await api(server.url, '/api/auth/me', { token: body.access_token })).status).toBe(200);
  });

  it('answers a wrong password with 400 EMAIL_PASSWORD_MISMATCH', async () => {
    const server = await startTestServer();
    const res = await stack(server.url, 'POST', stackPaths.signIn, {
      body: { email: DEMO, password: 'wrong' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'EMAIL_PASSWORD_MISMATCH' });
    expect(typeof (res.body as { error: unknown }).error).toBe('string');
  });

  it('refuses calls without the client headers, of another project, or with a wrong key', async () => {
    const server = await startTestServer();
    const body = { email: DEMO, password: PASSWORD };
    const noType = await stack(server.url, 'POST', stackPaths.signIn, {
      headers: { [STACK_HEADERS.accessType]: '' },
      body,
    });
    expect(noType).toMatchObject({ status: 400, body: { code: 'ACCESS_TYPE_REQUIRED' } });
    const otherProject = await stack(server.url, 'POST', stackPaths.signIn, {
      headers: { [STACK_HEADERS.projectId]: 'another-project' },
      body,
    });
    expect(otherProject).toMatchObject({
      status: 400,
      body: { code: 'CURRENT_PROJECT_NOT_FOUND' },
    });
    const wrongKey = await stack(server.url, 'POST', stackPaths.signIn, {
      headers: { [STACK_HEADERS.publishableClientKey]: 'pck_wrong' },
      body,
    });
    expect(wrongKey).toMatchObject({
      status: 401,
      body: { code: 'INVALID_PUBLISHABLE_CLIENT_KEY' },
    });
  });

  it('refreshes with the same refresh token; sign-out revokes the session', async () => {
    const server = await startTestServer();
    const signIn = await stack(server.url, 'POST', stackPaths.signIn, {
      body: { email: DEMO, password: PASSWORD },
    });
    const { refresh_token: refreshToken, access_token: first } = signIn.body as {
      refresh_token: string;
      access_token: string;
    };
    const refresh = () =>
      stack(server.url, 'POST', stackPaths.refresh, {
        headers: { [STACK_HEADERS.refreshToken]: refreshToken },
      });
    const one = await refresh();
    const two = await refresh();
    expect(one.status).toBe(200);
    expect(two.status).toBe(200);
    const second = (two.body as { access_token: string }).access_token;
    expect(second).not.toBe(first);
    expect(Object.keys(two.body as object)).toEqual(['access_token']);
    await connected(server.url, second);

    const out = await stack(server.url, 'DELETE', stackPaths.session, {
      headers: { [STACK_HEADERS.refreshToken]: refreshToken, [STACK_HEADERS.accessToken]: second },
    });
    expect(out.status).toBe(200);
    expect(await refresh()).toMatchObject({
      status: 401,
      body: { code: 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED' },
    });
  });

  it('keeps the control levers working on Stack sessions: expire, revoke', async () => {
    const server = await startTestServer({ control: true });
    const signIn = await stack(server.url, 'POST', stackPaths.signIn, {
      body: { email: DEMO, password: PASSWORD },
    });
    const { access_token: token, refresh_token: refreshToken } = signIn.body as {
      access_token: string;
      refresh_token: string;
    };
    server.control.expireTokens({ email: DEMO });
    expect(await connectErrorMessage(server.url, { token })).toBe(AUTH_ERRORS.expired);
    expect(await api(server.url, '/api/auth/me', { token })).toMatchObject({
      status: 401,
      body: { error: { message: AUTH_ERRORS.expired } },
    });
    server.control.revokeTokens({ email: DEMO });
    const refresh = await stack(server.url, 'POST', stackPaths.refresh, {
      headers: { [STACK_HEADERS.refreshToken]: refreshToken },
    });
    expect(refresh).toMatchObject({
      status: 401,
      body: { code: 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED' },
    });
  });
});
