/**
 * Issue #10: a REST 401 while the socket looks live. The backend verifies
 * tokens only at the handshake, so an open socket says nothing about the
 * token: a 401 renews it through Stack Auth; when that fails the extension is
 * signed out with the reason, never "Live". The 401's `message` is shown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { RunningServer } from '../../../server/app';
import {
  cleanup,
  command,
  resetBrowser,
  requestsTo,
  signIn,
  STACK_REFRESH,
  startBackground,
  startServer,
  stopBackgrounds,
  until,
  type Background,
} from './harness';

describe('REST 401 while the socket looks live', () => {
  let server: RunningServer;
  let bg: Background;

  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
    bg = await startBackground();
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    await until(() => bg.app.state().directory !== null, 'directory');
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  it('renews the token through Stack Auth, shows the 401 message, and stays live', async () => {
    const before = requestsTo(server, STACK_REFRESH);
    const stored = async () =>
      ((await fakeBrowser.storage.session.get('accessToken')).accessToken as { token: string })
        .token;
    const first = await stored();
    server.control.expireTokens({ email: 'demo@frostline.test' });
    const answer = await command({ type: 'directory' });
    // The server's words, not "Unauthorized".
    expect(answer).toMatchObject({ ok: false, error: { message: 'Token expired' } });
    await until(async () => (await stored()) !== first, 'a renewed access token stored');
    expect(requestsTo(server, STACK_REFRESH)).toBe(before + 1);
    // The renewed token works: the same command succeeds now, and the socket never dropped.
    expect(await command({ type: 'directory' })).toMatchObject({ ok: true });
    expect(bg.app.state().connection.status).toBe('live');
    expect(server.control.state().sockets).toHaveLength(1);
  });

  it('signs out, not "Live", when the renewal is refused (session revoked)', async () => {
    server.control.revokeTokens({ email: 'demo@frostline.test' });
    // The socket is still open: the server checked the token at its handshake only.
    expect(server.control.state().sockets).toHaveLength(1);
    const answer = await command({ type: 'directory' });
    expect(answer).toMatchObject({ ok: false, error: { message: 'Invalid or expired token' } });
    await until(() => bg.app.state().connection.status === 'signed-out', 'signed out');
    expect(bg.app.state().connection.lastError).toMatchObject({
      code: 'refresh-failed',
      message: 'The session has ended; sign in again to resume monitoring',
    });
    await until(() => server.control.state().sockets.length === 0, 'socket closed');
  });
});
