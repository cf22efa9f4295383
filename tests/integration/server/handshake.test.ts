import { SignJWT } from 'jose';
import { createSigningKey, type SigningKey } from '../../../server/tokens';
import type { RunningServer } from '../../../server/app';
import { io as connectClient } from 'socket.io-client';
import { AUTH_ERRORS } from '../../../lib/protocol';
import {
  api,
  cleanup,
  client,
  connected,
  connectErrorMessage,
  login,
  NOORG,
  once,
  startTestServer,
  testSigningKey,
} from './helpers';

/** A token signed like the identity API's (ES256, the JWKS key id), or with another key. */
async function signed(claims: Record<string, unknown>, key?: SigningKey) {
  const signer = key ?? (await testSigningKey());
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'frostline-test-key' })
    .sign(signer.privateKey);
}

const now = () => Math.floor(Date.now() / 1000);
let server: RunningServer;
/** Stack Auth's claims (issue #10): `aud` is the project id, `iss` the project's URL. */
const goodClaims = () => ({
  sub: 'user-demo',
  iss: `${server.stack.apiUrl}/api/v1/projects/${server.stack.projectId}`,
  aud: server.stack.projectId,
  email: 'demo@frostline.test',
  name: 'Dana Demo',
  iat: now(),
  exp: now() + 600,
});

afterEach(cleanup);

describe('handshake authentication', () => {
  it('accepts a Stack-signed token of its own and a Stack sign-in token', async () => {
    server = await startTestServer();
    await connected(server.url, await signed(goodClaims()));
    await connected(server.url, (await login(server.url)).accessToken);
    expect(server.control.counters().handshakes.accepted).toBe(2);
  });

  it('accepts a login token and sends connection:ack with the socket id and an ISO time', async () => {
    const server = await startTestServer();
    const { accessToken } = await login(server.url);
    const socket = client(server.url, { token: accessToken });
    const ack = await once<{ socketId: string; timestamp: string }>(socket, 'connection:ack');
    expect(ack.socketId).toBe(socket.id);
    expect(new Date(ack.timestamp).toISOString()).toBe(ack.timestamp);
  });

  it('answers every rejection with the exact contract message', async () => {
    server = await startTestServer();
    const cases: [Record<string, unknown>, string][] = [
      [{}, AUTH_ERRORS.missing],
      [{ token: '' }, AUTH_ERRORS.missing],
      [{ token: 42 }, AUTH_ERRORS.missing],
      [
        { token: await signed({ ...goodClaims(), iat: now() - 120, exp: now() - 60 }) },
        AUTH_ERRORS.expired,
      ],
      [
        { token: await signed(goodClaims(), await createSigningKey('frostline-test-key')) },
        AUTH_ERRORS.signature,
      ],
      [
        {
          // A symmetric token is not what the JWKS verifies: refused like a bad signature.
          token: await new SignJWT(goodClaims())
            .setProtectedHeader({ alg: 'HS256' })
            .sign(new TextEncoder().encode('a-shared-secret-of-enough-length-0123')),
        },
        AUTH_ERRORS.signature,
      ],
      [
        { token: await signed({ ...goodClaims(), iss: 'https://elsewhere.example' }) },
        AUTH_ERRORS.claims,
      ],
      [{ token: 'not-a-jwt' }, AUTH_ERRORS.malformed],
      [{ token: 'aaa.bbb.ccc' }, AUTH_ERRORS.malformed],
      [{ token: await signed({ ...goodClaims(), sub: undefined }) }, AUTH_ERRORS.claims],
      [{ token: await signed({ ...goodClaims(), aud: 'someone-else' }) }, AUTH_ERRORS.claims],
      [{ token: await signed({ ...goodClaims(), sub: 'user-deleted' }) }, AUTH_ERRORS.invalid],
      [{ token: (await login(server.url, NOORG)).accessToken }, AUTH_ERRORS.noOrganization],
    ];
    for (const [auth, message] of cases) {
      expect(await connectErrorMessage(server.url, auth)).toBe(message);
    }
    const rejected = server.control.counters().handshakes.rejected;
    expect(rejected[AUTH_ERRORS.missing]).toBe(3);
    expect(rejected[AUTH_ERRORS.malformed]).toBe(2);
    expect(server.control.counters().handshakes.accepted).toBe(0);
  });

  it('rejects a revoked token with "Invalid or expired token" and an expired one with "Token expired"', async () => {
    const server = await startTestServer();
    const demo = await login(server.url);
    const other = await login(server.url, 'other@frostline.test');
    server.control.expireTokens({ email: 'demo@frostline.test' });
    expect(await connectErrorMessage(server.url, { token: demo.accessToken })).toBe(
      AUTH_ERRORS.expired,
    );
    // Only the named user's tokens are affected.
    await connected(server.url, other.accessToken);
    server.control.revokeTokens({ email: 'other@frostline.test' });
    expect(await connectErrorMessage(server.url, { token: other.accessToken })).toBe(
      AUTH_ERRORS.invalid,
    );
    // A fresh login works again after either.
    await connected(server.url, (await login(server.url)).accessToken);
  });

  it('verifies only at the handshake: an open socket survives its token expiring', async () => {
    const server = await startTestServer();
    const { accessToken } = await login(server.url);
    const socket = await connected(server.url, accessToken);
    server.control.expireTokens();
    const serverTime = await socket.timeout(2000).emitWithAck('ping');
    expect(typeof serverTime).toBe('number');
    expect(socket.connected).toBe(true);
  });

  it('refuses HTTP long-polling', async () => {
    const server = await startTestServer();
    const { accessToken } = await login(server.url);
    const polling = connectClient(server.url, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
      auth: { token: accessToken },
    });
    try {
      const error = await once<Error>(polling as never, 'connect_error');
      expect(error.message).toMatch(/poll/i);
    } finally {
      polling.close();
    }
    const raw = await api(server.url, '/socket.io/?EIO=4&transport=polling');
    expect(raw.status).toBe(400);
    expect(server.control.counters().handshakes.accepted).toBe(0);
  });

  it('answers ping with the server time', async () => {
    const server = await startTestServer();
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const before = Date.now();
    const serverTime = await socket.timeout(2000).emitWithAck('ping');
    expect(serverTime).toBeGreaterThanOrEqual(before - 5);
    expect(serverTime).toBeLessThanOrEqual(Date.now() + 5);
  });
});
