/**
 * Issue #10: changes made elsewhere are not pushed. A colleague acknowledges
 * and resolves through REST (the server sends no socket event); the worker's
 * badge and notifications follow within one reconcile, driven here by the
 * alerts alarm and by a page opening. Our own acknowledge (with a note) and
 * resolve are applied from the REST answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { ALERTS_ALARM } from '../../../lib/background';
import { LIVE_PORT } from '../../../lib/messages';
import type { WireAlert } from '../../../lib/protocol';
import type { RunningServer } from '../../../server/app';
import {
  OWN_PAGE,
  UNIT,
  badgeText,
  cleanup,
  command,
  currentSocket,
  notificationIds,
  requestsTo,
  resetBrowser,
  signIn,
  startBackground,
  startServer,
  stopBackgrounds,
  until,
  type Background,
} from './harness';

const ALERTS_PATH = '/api/orgs/org-northwind/alerts?';

function fireAlertsAlarm(): void {
  void fakeBrowser.alarms.onAlarm.trigger({ name: ALERTS_ALARM, scheduledTime: Date.now() });
}

/** A page (the popup) opening its live port. */
function openPage(): void {
  const listeners = () => ({ addListener: () => undefined, removeListener: () => undefined });
  const port = {
    name: LIVE_PORT,
    sender: OWN_PAGE,
    postMessage: () => undefined,
    disconnect: () => undefined,
    onMessage: listeners(),
    onDisconnect: listeners(),
  };
  (fakeBrowser.runtime.onConnect as unknown as { trigger(port: unknown): void }).trigger(port);
}

describe('reconciling alerts changed elsewhere (#10)', () => {
  let server: RunningServer;
  let bg: Background;

  beforeEach(async () => {
    resetBrowser();
    server = await startServer();
    bg = await startBackground();
    await signIn(server);
    await until(() => bg.app.state().connection.status === 'live', 'live');
    await until(() => bg.app.state().directory !== null, 'directory loaded');
    // The sign-in resync's reconcile: one request per open status.
    await until(() => requestsTo(server, ALERTS_PATH) >= 3, 'the resync read the open alerts');
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  /** A server round trip: anything the server pushed before it has arrived. */
  async function roundTrip(): Promise<void> {
    await currentSocket()?.timeout(5000).emitWithAck('ping');
  }

  it('registers the alerts alarm, at most every 60 s', async () => {
    const alarm = await fakeBrowser.alarms.get(ALERTS_ALARM);
    expect(alarm?.periodInMinutes).toBeGreaterThan(0);
    expect(alarm?.periodInMinutes).toBeLessThanOrEqual(1);
  });

  it("a colleague's acknowledge and resolve reach the badge and notifications on the next reconcile", async () => {
    const acked = server.control.injectAlert({ unitId: UNIT, severity: 'critical' });
    const resolved = server.control.injectAlert({ unitId: 'unit-nw-1-02', severity: 'warning' });
    await until(async () => (await badgeText()) === '2', 'badge counts both');
    await until(async () => (await notificationIds()).length === 2, 'both notified');

    server.control.acknowledgeAs({ alertId: acked.id, notes: 'Checked the door' });
    server.control.resolveAs({ alertId: resolved.id, resolution: 'Sensor reseated' });
    // Nothing is pushed: before a reconcile, the worker still counts both.
    await roundTrip();
    expect(await badgeText()).toBe('2');
    expect(bg.app.state().alerts.get(acked.id)?.status).toBe('active');

    const before = requestsTo(server, ALERTS_PATH);
    fireAlertsAlarm();
    await until(async () => (await badgeText()) === '', 'badge cleared by the reconcile');
    await until(async () => (await notificationIds()).length === 0, 'notifications cleared');
    const state = bg.app.state();
    expect(state.alerts.has(resolved.id)).toBe(false);
    expect(state.alerts.get(acked.id)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(state.alerts.get(acked.id)?.acknowledgedByYou).toBeUndefined();
    // Bounded: one request per open status (each fits one page).
    expect(requestsTo(server, ALERTS_PATH) - before).toBe(3);
  });

  it('opening a page reconciles too', async () => {
    const alert = server.control.injectAlert({ unitId: UNIT, severity: 'critical' });
    await until(async () => (await badgeText()) === '1', 'badge shows 1');
    server.control.acknowledgeAs({ alertId: alert.id });
    await roundTrip();
    expect(await badgeText()).toBe('1');
    openPage();
    await until(async () => (await badgeText()) === '', 'badge cleared when the popup opens');
  });

  it('our own acknowledge (with a note) and resolve are applied from the REST answer', async () => {
    const first = server.control.injectAlert({ unitId: UNIT, severity: 'critical' });
    const second = server.control.injectAlert({ unitId: 'unit-nw-1-02', severity: 'critical' });
    await until(async () => (await badgeText()) === '2', 'badge counts both');

    const ack = await command({ type: 'acknowledge', alertId: first.id, notes: 'Moved stock' });
    expect(ack).toEqual({ ok: true, data: null });
    expect(bg.app.state().alerts.get(first.id)).toMatchObject({
      status: 'acknowledged',
      acknowledgedByYou: true,
    });
    const ackedOnServer = server.control.acknowledgeAs;
    expect(() => ackedOnServer({ alertId: first.id })).toThrow(/already acknowledged/);
    await until(async () => (await badgeText()) === '1', 'badge counts one');

    const refused = await command({ type: 'resolve', alertId: second.id, resolution: '   ' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const done = await command({
      type: 'resolve',
      alertId: second.id,
      resolution: 'Door closed',
      correctiveAction: 'Door alarm',
    });
    expect(done).toEqual({ ok: true, data: null });
    expect(bg.app.state().alerts.has(second.id)).toBe(false);
    await until(async () => (await badgeText()) === '', 'badge empty');
    await until(async () => (await notificationIds()).length === 0, 'notifications cleared');

    // A reconcile afterwards keeps "you" and does not bring the resolved one back.
    fireAlertsAlarm();
    await until(() => requestsTo(server, ALERTS_PATH) >= 6, 'a reconcile after the sign-in resync');
    await roundTrip();
    expect(bg.app.state().alerts.get(first.id)?.acknowledgedByYou).toBe(true);
    expect(bg.app.state().alerts.has(second.id)).toBe(false);
  });

  it('an acknowledge a colleague got in first is shown as acknowledged, not as a failure', async () => {
    const alert = server.control.injectAlert({ unitId: UNIT, severity: 'critical' });
    await until(async () => (await badgeText()) === '1', 'badge shows 1');
    const colleague = server.control.acknowledgeAs({ alertId: alert.id }) as WireAlert;
    const answer = await command({ type: 'acknowledge', alertId: alert.id });
    expect(answer).toEqual({ ok: true, data: null });
    await until(async () => (await badgeText()) === '', 'badge cleared');
    // The reconcile it started says who and when (the colleague, as a profile id).
    await until(
      () => bg.app.state().alerts.get(alert.id)?.acknowledgedBy === colleague.acknowledgedBy,
      'acknowledgedBy from the reconcile',
    );
    expect(bg.app.state().alerts.get(alert.id)?.acknowledgedByYou).toBeUndefined();
  });
});
