/**
 * Fault case 5 (issue #6): duplicates and disorder, as a real backend
 * produces them after reconnects and replays, sent through the real server
 * to the real background.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startHarness, waitFor, type Harness } from '../../support/background-harness';
import { unitHistory } from '../../../lib/state';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ server: { pingIntervalMs: 1_000, pingTimeoutMs: 1_000 } });
  await h.signIn();
});
afterAll(async () => {
  await h.dispose();
});

const UNIT = 'unit-nw-2-02';
const iso = (ms: number) => new Date(ms).toISOString();

function triggered(alertId: string, unitId = UNIT) {
  return {
    alertId,
    unitId,
    alertType: 'alarm_active',
    severity: 'warning',
    message: 'Temperature above limit',
    triggerTemperature: 95, // tenths (PROTOCOL.md scale table)
    thresholdViolated: 'max',
    triggeredAt: iso(Date.now()),
  };
}

/** A round trip: everything the server emitted before is in the background after it. */
async function settle(): Promise<void> {
  const events = h.app.state().diagnostics.eventsReceived;
  h.server.control.emitRaw({
    event: 'connection:ack',
    payload: { socketId: 'x', timestamp: iso(Date.now()) },
  });
  await waitFor('marker event received', () => h.app.state().diagnostics.eventsReceived > events);
  await sleep(20);
}

describe('duplicates and disorder', () => {
  it('the same alert twice: one alert, one notification', async () => {
    const payload = triggered('dup-alert-1');
    h.server.control.emitRaw({ event: 'alert:triggered', payload });
    h.server.control.emitRaw({ event: 'alert:triggered', payload });
    await settle();
    await waitFor('notified', () => h.createdFor('dup-alert-1') >= 1);
    await sleep(300);
    expect(h.createdFor('dup-alert-1')).toBe(1);
    expect([...h.app.state().alerts.keys()].filter((id) => id === 'dup-alert-1')).toHaveLength(1);
  });

  it('resolved before triggered: the late trigger stays dead, nothing is notified', async () => {
    h.server.control.emitRaw({
      event: 'alert:resolved',
      payload: { alertId: 'early-resolve-1', unitId: UNIT, resolvedAt: iso(Date.now()) },
    });
    h.server.control.emitRaw({ event: 'alert:triggered', payload: triggered('early-resolve-1') });
    await settle();
    await sleep(300);
    expect(h.app.state().alerts.has('early-resolve-1')).toBe(false);
    expect(h.createdFor('early-resolve-1')).toBe(0);
  });

  it('an old reading after a new one: the newest by sensor time stays the latest', async () => {
    // Newer than anything the resync after sign-in fetched (sensor clocks may run a little ahead).
    const now = Date.now();
    h.server.control.injectReadings({
      unitId: UNIT,
      readings: [{ id: 'rd-new', temperature: 3.3, timestamp: iso(now + 1_000) }],
    });
    h.server.control.injectReadings({
      unitId: UNIT,
      readings: [{ id: 'rd-old', temperature: 9.9, timestamp: iso(now - 60_000) }],
    });
    await waitFor('both readings in the history', () => {
      const ids = unitHistory(h.app.state().units.get(UNIT)).map((r) => r.id);
      return ids.includes('rd-new') && ids.includes('rd-old');
    });
    const unit = h.app.state().units.get(UNIT);
    expect(unit?.latest?.id).toBe('rd-new');
    expect(unit?.latest?.temperature).toBe(3.3);
    const ids = unitHistory(unit).map((r) => r.id);
    expect(ids.indexOf('rd-old')).toBeLessThan(ids.indexOf('rd-new'));
  });

  it('the same batch twice (org and unit room): counted as duplicates, stored once', async () => {
    const before = h.app.state().diagnostics.duplicatesDropped;
    const batch = {
      unitId: UNIT,
      readings: [
        {
          id: 'rd-twice',
          temperature: 4,
          humidity: null,
          battery: 80,
          signalStrength: -60,
          timestamp: iso(Date.now()),
        },
      ],
      count: 1,
    };
    h.server.control.emitRaw({ event: 'sensor:readings:batch', payload: batch });
    h.server.control.emitRaw({ event: 'sensor:readings:batch', payload: batch });
    await settle();
    await waitFor(
      'duplicate counted',
      () => h.app.state().diagnostics.duplicatesDropped === before + 1,
    );
    const history = unitHistory(h.app.state().units.get(UNIT));
    expect(history.filter((r) => r.id === 'rd-twice')).toHaveLength(1);
  });

  it('replay after recovery: a crash replays what was missed; nothing is notified twice, nothing resolved comes back', async () => {
    const { server, app } = h;
    const a = server.control.injectAlert({ unitId: UNIT, message: 'before the crash' });
    await waitFor('notified', () => h.createdFor(a.id) === 1);
    const connections = server.control.counters().connections.total;
    await server.control.dropSockets('crash');
    // Missed while down: a new alert, and the resolution of the first one.
    const b = server.control.injectAlert({ unitId: UNIT, message: 'during the crash' });
    server.control.resolveAlert(a.id);
    await waitFor(
      'reconnected',
      () => server.control.counters().connections.total > connections,
      15_000,
    );
    await h.waitLive();
    await waitFor('missed alert notified', () => h.createdFor(b.id) === 1);
    await waitFor('resolved alert gone', async () => !(`alert:${a.id}` in (await h.shown())));
    // The backend replays the old trigger again (a second recovery, a buggy relay): still dead.
    server.control.emitRaw({ event: 'alert:triggered', payload: triggered(a.id) });
    server.control.emitRaw({ event: 'alert:triggered', payload: triggered(b.id) });
    await settle();
    await sleep(300);
    expect(app.state().alerts.has(a.id)).toBe(false);
    expect(app.state().alerts.has(b.id)).toBe(true);
    expect(h.createdFor(a.id)).toBe(1);
    expect(h.createdFor(b.id)).toBe(1);
    const recovered = app.state().diagnostics.history.some((e) => e.detail === 'live (recovered)');
    console.info(`[faults] replay: connection state recovery used: ${recovered}`);
  }, 30_000);
});
