/**
 * Issue #3: server restarts both ways. `io server disconnect` (every deploy)
 * is never retried by Socket.IO itself; a crash or an outage is. Either way the
 * background must come back by itself, subscribe again, notify what happened
 * in the gap exactly once and clear what was resolved in it — and never add a
 * second copy of a socket listener.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVER_EVENTS } from '../../../lib/protocol';
import type { RunningServer } from '../../../server/app';
import {
  DEMO_ORG,
  UNIT,
  badgeText,
  cleanup,
  countNotifications,
  currentSocket,
  notificationIds,
  resetBrowser,
  serverRooms,
  signIn,
  startBackground,
  startServer,
  stopBackgrounds,
  until,
  type Background,
} from './harness';

const SITE_ROOMS = [1, 2, 3].map((n) => `org:${DEMO_ORG}:site:site-nw-${n}`);

describe('server restarts', () => {
  let server: RunningServer;
  let bg: Background;

  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
    bg = await startBackground();
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    await until(() => (serverRooms(server)[0]?.length ?? 0) === 4, 'org + 3 site rooms');
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  const live = () => bg.app.state().connection.status === 'live';
  const allRooms = () => [`org:${DEMO_ORG}`, ...SITE_ROOMS].sort();

  /** Waits for the connection to go down and come back; returns the gap in ms. */
  async function downThenLive(action: () => Promise<unknown>, timeoutMs = 10_000) {
    const connectsBefore = bg.app.connection.stats().connects;
    const started = Date.now();
    await action();
    await until(
      () => live() && bg.app.connection.stats().connects > connectsBefore,
      'live again',
      timeoutMs,
    );
    return Date.now() - started;
  }

  it('reconnects by itself after "io server disconnect" and subscribes again', async () => {
    const gap = await downThenLive(() => server.control.dropSockets('server-disconnect'));
    // Our backoff's first step: 1 s ± 50 %.
    expect(gap).toBeGreaterThanOrEqual(400);
    expect(gap).toBeLessThan(3_000);
    expect(bg.app.connection.stats().manualReconnects).toBe(1);
    await until(() => serverRooms(server)[0]?.length === 4, 'rooms restored');
    expect(serverRooms(server)).toEqual([allRooms()]);
    expect(server.control.state().sockets[0]?.recovered).toBe(false);
    console.info(`[reconnect] io server disconnect → live again after ${gap} ms`);
  });

  it('notifies an alert triggered in a deploy gap once, and clears one resolved in it', async () => {
    const created = countNotifications();
    const old = server.control.injectAlert({ unitId: UNIT, severity: 'warning' });
    await until(async () => (await notificationIds()).includes(`alert:${old.id}`), 'old notified');
    const liveBefore = bg.app.connection.stats().connects;

    await server.control.dropSockets('server-disconnect');
    await until(() => !live(), 'down');
    // In the gap: a new alert opens and the old one is resolved; neither reaches the socket.
    const fresh = server.control.injectAlert({ unitId: 'unit-nw-2-01', severity: 'warning' });
    server.control.resolveAlert(old.id);
    await until(() => live() && bg.app.connection.stats().connects > liveBefore, 'live again');

    await until(async () => (await notificationIds()).includes(`alert:${fresh.id}`), 'gap alert');
    await until(async () => !(await notificationIds()).includes(`alert:${old.id}`), 'old cleared');
    expect(await notificationIds()).toEqual([`alert:${fresh.id}`]);
    expect(created.get(`alert:${fresh.id}`)).toBe(1);
    expect(created.get(`alert:${old.id}`)).toBe(1);
    await until(async () => (await badgeText()) === '1', 'badge counts the new alert only');
    expect([...bg.app.state().alerts.keys()]).toEqual([fresh.id]);
  });

  it('comes back after a crash and after an outage, with rooms, once-only gap alerts', async () => {
    const created = countNotifications();
    const crashGap = await downThenLive(() => server.control.dropSockets('crash'));
    await until(() => serverRooms(server)[0]?.length === 4, 'rooms after crash');
    expect(serverRooms(server)).toEqual([allRooms()]);

    const old = server.control.injectAlert({ unitId: UNIT, severity: 'warning' });
    await until(async () => (await notificationIds()).includes(`alert:${old.id}`), 'old notified');

    let fresh: { id: string } | null = null;
    const outageGap = await downThenLive(async () => {
      const outage = server.control.outage({ ms: 1_500, mode: 'crash' });
      await until(() => !live(), 'down in outage');
      // During the outage the server's alert engine keeps working; REST and sockets are refused.
      fresh = server.control.injectAlert({ unitId: 'unit-nw-3-02', severity: 'critical' });
      server.control.resolveAlert(old.id);
      await outage;
    }, 15_000);
    const gapAlert = fresh as { id: string } | null;
    if (gapAlert === null) throw new Error('no gap alert');
    await until(() => serverRooms(server)[0]?.length === 4, 'rooms after outage');
    expect(serverRooms(server)).toEqual([allRooms()]);
    await until(
      async () => (await notificationIds()).includes(`alert:${gapAlert.id}`),
      'gap alert',
    );
    await until(async () => !(await notificationIds()).includes(`alert:${old.id}`), 'old cleared');
    // Give a replay (recovered session) and the REST resync time to both land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(created.get(`alert:${gapAlert.id}`)).toBe(1);
    expect(created.get(`alert:${old.id}`)).toBe(1);
    expect(await notificationIds()).toEqual([`alert:${gapAlert.id}`]);
    expect([...bg.app.state().alerts.keys()]).toEqual([gapAlert.id]);
    console.info(
      `[reconnect] crash → live after ${crashGap} ms; 1.5 s outage → live after ${outageGap} ms`,
    );
  });

  it('never registers a socket listener twice: 5 reconnects, one state change per alert', async () => {
    const socket = currentSocket();
    if (socket === null) throw new Error('no socket');
    const counts = () =>
      Object.fromEntries(SERVER_EVENTS.map((e) => [e, socket.listeners(e).length]));
    const before = counts();
    expect(Object.values(before).every((n) => n === 1)).toBe(true);
    for (let i = 0; i < 5; i += 1) {
      await downThenLive(() =>
        server.control.dropSockets(i % 2 === 0 ? 'server-disconnect' : 'crash'),
      );
    }
    expect(currentSocket()).toBe(socket);
    expect(counts()).toEqual(before);
    expect(socket.listeners('connect')).toHaveLength(1);
    expect(socket.listeners('disconnect')).toHaveLength(1);
    expect(socket.listeners('connect_error')).toHaveLength(1);
    expect(socket.listenersAny()).toHaveLength(1);
    await until(() => serverRooms(server)[0]?.length === 4, 'rooms after 5 reconnects');
    // Let the last resync (REST and `get:latest` answers) finish: nothing
    // received for 300 ms, so what follows counts only the new alert.
    let last = -1;
    let quietSince = Date.now();
    await until(() => {
      const now = bg.app.state().diagnostics.eventsReceived;
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 300;
    }, 'resync done');

    const created = countNotifications();
    const received = bg.app.state().diagnostics.eventsReceived;
    const changes: string[] = [];
    let prev = bg.app.state().alerts;
    const stopWatch = setInterval(() => {
      const next = bg.app.state().alerts;
      if (next !== prev) changes.push([...next.keys()].join(','));
      prev = next;
    }, 1);
    const alert = server.control.injectAlert({ unitId: UNIT, severity: 'warning' });
    await until(async () => (await notificationIds()).includes(`alert:${alert.id}`), 'notified');
    await new Promise((resolve) => setTimeout(resolve, 300));
    clearInterval(stopWatch);
    expect(bg.app.state().diagnostics.eventsReceived - received).toBe(1);
    expect(changes).toEqual([alert.id]);
    expect(created.get(`alert:${alert.id}`)).toBe(1);
  });
});
