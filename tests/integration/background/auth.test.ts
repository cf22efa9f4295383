/**
 * Issue #3: the server checks tokens only at the handshake. An access token
 * that expired mid-session must be renewed on the next reconnect without the
 * user; a revoked session must end in a signed-out state with one "monitoring
 * stopped" notice and no reconnect loop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { WATCHDOG_ALARM } from '../../../lib/background';
import { NOTIFICATION_IDS } from '../../../lib/notification-policy';
import type { RunningServer } from '../../../server/app';
import {
  badgeText,
  command,
  cleanup,
  countNotifications,
  handshakes,
  notificationIds,
  requestsTo,
  resetBrowser,
  signIn,
  sleep,
  STACK_REFRESH,
  stackConfig,
  startBackground,
  startServer,
  stopBackgrounds,
  until,
  type Background,
} from './harness';

describe('tokens during a session', () => {
  let server: RunningServer;
  let bg: Background;

  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
    bg = await startBackground();
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    // The resync after connecting is over (its REST calls would meet the expired token first).
    await until(() => bg.app.state().directory !== null, 'directory');
    await until(() => server.control.state().sockets[0]?.rooms.length === 4, 'org + 3 site rooms');
    await sleep(200);
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  const live = () => bg.app.state().connection.status === 'live';

  it.each(['server-disconnect', 'crash'] as const)(
    'renews an access token that expired mid-session on the reconnect (%s)',
    async (mode) => {
      const refreshesBefore = requestsTo(server, STACK_REFRESH);
      const before = handshakes(server);
      expect(server.control.expireTokens({ email: 'demo@frostline.test' })).toBeGreaterThan(0);
      // The open socket keeps working: production checks tokens only at the handshake.
      const connects = bg.app.connection.stats().connects;
      await server.control.dropSockets(mode);
      await until(() => live() && bg.app.connection.stats().connects > connects, 'live again');
      const after = handshakes(server);
      // One handshake refused with the expired token, one refresh, one accepted handshake.
      expect(after.rejected - before.rejected).toBe(1);
      expect(server.control.counters().handshakes.rejected['Token expired']).toBe(1);
      expect(after.accepted - before.accepted).toBe(1);
      expect(requestsTo(server, STACK_REFRESH) - refreshesBefore).toBe(1);
      expect(bg.app.connection.stats().authRejections).toBe(1);
      expect(await notificationIds()).toEqual([]);
      // The renewed token works for REST too (the resync after connecting used it).
      await until(() => bg.app.state().directory !== null, 'directory');
    },
  );

  it('signs out once, with one notice and a bounded number of handshakes, when revoked', async () => {
    const created = countNotifications();
    const before = handshakes(server);
    expect(server.control.revokeTokens({ email: 'demo@frostline.test' })).toBeGreaterThan(0);
    await server.control.dropSockets('server-disconnect');
    await until(() => bg.app.state().connection.status === 'signed-out', 'signed out', 10_000);
    expect(bg.app.state().connection.lastError?.code).toBe('refresh-failed');
    await until(async () => (await badgeText()) === '!', 'badge "!"');
    await until(
      async () => (await notificationIds()).includes(NOTIFICATION_IDS.monitoringStopped),
      'monitoring-stopped notice',
    );
    const settled = handshakes(server);
    expect(settled.accepted).toBe(before.accepted);
    expect(settled.rejected - before.rejected).toBe(1);

    // Nothing retries on its own, nor when the watchdog alarm or the network wakes it.
    await fakeBrowser.alarms.onAlarm.trigger({
      name: WATCHDOG_ALARM,
      scheduledTime: Date.now(),
      periodInMinutes: 0.5,
    });
    await fakeBrowser.alarms.onAlarm.trigger({
      name: WATCHDOG_ALARM,
      scheduledTime: Date.now(),
      periodInMinutes: 0.5,
    });
    await sleep(1_500);
    expect(handshakes(server)).toEqual(settled);
    expect(bg.app.state().connection.status).toBe('signed-out');
    expect(await badgeText()).toBe('!');
    expect(created.get(NOTIFICATION_IDS.monitoringStopped)).toBe(1);
    expect(await notificationIds()).toEqual([NOTIFICATION_IDS.monitoringStopped]);
    expect(requestsTo(server, STACK_REFRESH)).toBe(1);

    // A restarted worker stays stopped too: no handshake, no second notice.
    stopBackgrounds();
    const next = await startBackground();
    await sleep(1_000);
    expect(next.app.state().connection.status).toBe('signed-out');
    expect(next.app.state().connection.lastError?.code).toBe('refresh-failed');
    expect(handshakes(server)).toEqual(settled);
    expect(created.get(NOTIFICATION_IDS.monitoringStopped)).toBe(1);
    expect(await badgeText()).toBe('!');

    // Signing in again resumes monitoring and takes the notice away.
    server.control.revokeTokens({ email: 'demo@frostline.test' }); // idempotent for old tokens
    await command({
      type: 'sign-in',
      serverUrl: server.url,
      email: 'demo@frostline.test',
      password: 'frostline',
      keepSignedIn: false,
      stack: stackConfig(server),
    });
    await until(() => next.app.state().connection.status === 'live', 'live after sign-in');
    await until(
      async () => !(await notificationIds()).includes(NOTIFICATION_IDS.monitoringStopped),
      'notice cleared',
    );
  });
});
