/**
 * Issue #3: the assembled background against the real reference server —
 * sign-in through the command channel, live readings, alert → badge and one
 * notification, resolve → cleared, duplicate delivery deduplicated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { BADGE_COLORS } from '../../../lib/badge';
import type { Snapshot } from '../../../lib/messages';
import type { RunningServer } from '../../../server/app';
import {
  DEMO_ORG,
  UNIT,
  badgeText,
  cleanup,
  command,
  countNotifications,
  notificationIds,
  resetBrowser,
  serverRooms,
  signIn,
  stackConfig,
  startBackground,
  startServer,
  stopBackgrounds,
  until,
  type Background,
} from './harness';
import { unitHistory } from '../../../lib/state';

const rgba = (hex: string) => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
  255,
];

describe('background against the reference server', () => {
  let server: RunningServer;
  let bg: Background;

  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
    bg = await startBackground();
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  it('starts signed out with the "!" badge and refuses commands from other senders', async () => {
    expect(bg.app.state().connection.status).toBe('signed-out');
    expect(await badgeText()).toBe('!');
    const foreign = await command(
      {
        type: 'sign-in',
        serverUrl: server.url,
        email: 'demo@frostline.test',
        password: 'frostline',
        keepSignedIn: true,
        stack: stackConfig(server),
      },
      { id: 'another-extension', url: 'chrome-extension://another-extension/popup.html' },
    );
    expect(foreign).toBeUndefined();
    const contentScript = await command(
      { type: 'snapshot' },
      { id: fakeBrowser.runtime.id, url: 'https://evil.example/page.html' },
    );
    expect(contentScript).toBeUndefined();
    expect(await command({ type: 'sign-in', serverUrl: server.url })).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'Unknown or malformed command' },
    });
    expect(server.control.counters().handshakes.accepted).toBe(0);
  });

  it('signs in through the sign-in command, goes live and subscribes every site', async () => {
    const wrong = await command({
      type: 'sign-in',
      serverUrl: server.url,
      email: 'demo@frostline.test',
      password: 'nope',
      keepSignedIn: false,
      stack: stackConfig(server),
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong-credentials' } });

    const session = await signIn(server);
    expect(session).toMatchObject({ organizationId: DEMO_ORG, email: 'demo@frostline.test' });
    await until(() => bg.app.state().connection.status === 'live', 'live');
    await until(() => bg.app.state().directory !== null, 'directory loaded');
    await until(
      () => serverRooms(server)[0]?.filter((r) => r.includes(':site:')).length === 3,
      'site rooms joined',
    );
    expect(serverRooms(server)).toEqual([
      [`org:${DEMO_ORG}`, ...[1, 2, 3].map((n) => `org:${DEMO_ORG}:site:site-nw-${n}`)].sort(),
    ]);
    await until(async () => (await badgeText()) === '', 'badge empty (live, no alerts)');
    // The snapshot answer never contains a token.
    const snapshot = await command<Snapshot>({ type: 'snapshot' });
    expect(snapshot?.ok).toBe(true);
    expect(JSON.stringify(snapshot)).not.toMatch(/eyJ|frt_/);
  });

  it('puts live readings in state', async () => {
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    server.control.injectReadings({
      unitId: UNIT,
      readings: [{ id: 'r-live-1', temperature: 3.25 }],
    });
    await until(
      () => unitHistory(bg.app.state().units.get(UNIT)).some((r) => r.id === 'r-live-1'),
      'reading in state',
    );
    expect(bg.app.state().units.get(UNIT)?.latest?.temperature).toBe(3.25);
  });

  it('shows an alert on the badge and in one notification, and clears both on resolve', async () => {
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    await until(() => bg.app.state().directory !== null, 'directory loaded');
    const created = countNotifications();

    const alert = server.control.injectAlert({ unitId: UNIT, severity: 'warning' });
    await until(async () => (await badgeText()) === '1', 'badge shows 1');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual(
      rgba(BADGE_COLORS.warning),
    );
    await until(async () => (await notificationIds()).includes(`alert:${alert.id}`), 'notified');

    server.control.escalateAlert(alert.id, 1);
    await until(
      async () =>
        rgbaEquals(await fakeBrowser.action.getBadgeBackgroundColor({}), BADGE_COLORS.critical),
      'badge critical after escalation',
    );
    server.control.resolveAlert(alert.id);
    await until(async () => (await notificationIds()).length === 0, 'notification cleared');
    await until(async () => (await badgeText()) === '', 'badge back to empty');
    // One notification for the alert; the escalation updated it in place (same id).
    expect(created.get(`alert:${alert.id}`)).toBe(2);
    expect([...created.keys()]).toEqual([`alert:${alert.id}`]);
    expect(bg.app.state().alerts.size).toBe(0);
  });

  it('keeps one reading when a unit room and the org room both deliver the batch', async () => {
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    const scope = await command({
      type: 'set-scope',
      scope: { kind: 'selection', siteIds: [], unitIds: [UNIT] },
    });
    expect(scope?.ok).toBe(true);
    await until(
      () => serverRooms(server)[0]?.includes(`org:${DEMO_ORG}:unit:${UNIT}`) ?? false,
      'unit room joined',
    );
    const before = server.control.counters().events['sensor:readings:batch'] ?? 0;
    server.control.injectReadings({ unitId: UNIT, readings: [{ id: 'r-dup-1', temperature: 4 }] });
    // Emitted to both rooms: the socket receives the same batch twice.
    expect((server.control.counters().events['sensor:readings:batch'] ?? 0) - before).toBe(2);
    await until(() => bg.app.state().diagnostics.duplicatesDropped >= 1, 'duplicate dropped');
    const history = unitHistory(bg.app.state().units.get(UNIT));
    expect(history.filter((r) => r.id === 'r-dup-1')).toHaveLength(1);
    expect(bg.app.state().diagnostics.duplicatesDropped).toBe(1);
  });
});

function rgbaEquals(actual: unknown, hex: string): boolean {
  return JSON.stringify(actual) === JSON.stringify(rgba(hex));
}
