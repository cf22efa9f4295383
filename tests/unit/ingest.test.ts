import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngest } from '../../lib/ingest';
import type { StateEvent } from '../../lib/state';

const T0 = Date.parse('2026-01-10T12:00:00Z');

function batch(unitId: string, id: string, secondsAgo = 1) {
  return {
    unitId,
    readings: [
      {
        id,
        temperature: 3.2,
        humidity: null,
        battery: 80,
        signalStrength: -60,
        timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
      },
    ],
    count: 1,
  };
}

function setup() {
  const events: StateEvent[] = [];
  const ingest = createIngest({
    dispatch: (event) => void events.push(event),
    now: () => Date.now(),
    serverNow: () => Date.now(),
    unitScale: () => 'C',
    isKnownUnit: () => true,
    onUnknownUnit: () => undefined,
    onServerMessage: () => undefined,
  });
  return { ingest, events, types: () => events.map((e) => e.type) };
}

describe('ingest', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reduces a lone batch right after its message, without waiting for a task', async () => {
    const { ingest, events } = setup();
    ingest.handle('sensor:readings:batch', batch('u1', 'r1'));
    expect(events).toEqual([]);
    await Promise.resolve();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'readings', batches: [{ unitId: 'u1' }] });
  });

  it('coalesces a burst into one readings event per task', async () => {
    const { ingest, events } = setup();
    ingest.handle('sensor:readings:batch', batch('u1', 'r1'));
    await Promise.resolve();
    // Within the burst window: the next messages are gathered, not reduced one by one.
    for (let i = 0; i < 50; i += 1) {
      ingest.handle('sensor:readings:batch', batch(`u${i}`, `b${i}`));
      await Promise.resolve();
    }
    expect(events).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toHaveLength(2);
    const second = events[1];
    expect(second?.type === 'readings' && second.batches).toHaveLength(50);
  });

  it('never delays an alert, and reduces the readings before it first', () => {
    const { ingest, types } = setup();
    ingest.handle('sensor:readings:batch', batch('u1', 'r1'));
    ingest.handle('alert:triggered', {
      alertId: 'a1',
      unitId: 'u1',
      alertType: 'alarm_active',
      severity: 'warning',
      message: 'Too warm',
      triggerTemperature: 8.1,
      thresholdViolated: 'max',
      triggeredAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(types()).toEqual(['readings', 'alert/triggered']);
  });

  it('drops and counts what fails validation, and unknown event names', () => {
    const { ingest, events } = setup();
    ingest.handle('alert:resolved', { alertId: 42 });
    ingest.unknownEvent('sensor:telepathy');
    expect(events).toEqual([
      { type: 'dropped', kind: 'alert:resolved', count: 1 },
      { type: 'dropped', kind: 'unknown-event', count: 1 },
    ]);
  });
});
