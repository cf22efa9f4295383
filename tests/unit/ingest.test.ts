import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BURST_MS, BURST_FLUSHES, MIN_GAP_MS, createIngest } from '../../lib/ingest';
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

  it('gathers the messages right after a flush for MIN_GAP_MS, and a stream into BURST_FLUSHES events per BURST_MS', async () => {
    const { ingest, events } = setup();
    const sizes = () => events.map((e) => (e.type === 'readings' ? e.batches.length : -1));
    ingest.handle('sensor:readings:batch', batch('u1', 'r1'));
    await Promise.resolve();
    expect(sizes()).toEqual([1]);
    // Right after the flush: the next messages are gathered, not reduced one by one.
    for (let i = 0; i < 50; i += 1) {
      ingest.handle('sensor:readings:batch', batch(`u${i}`, `b${i}`));
      await Promise.resolve();
    }
    expect(sizes()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(MIN_GAP_MS - 1);
    expect(sizes()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sizes()).toEqual([1, 50]);
    // Two flushes in this frame: a stream, so the next messages wait for the frame's end, together.
    ingest.handle('sensor:readings:batch', batch('u1', 'c1'));
    ingest.handle('sensor:readings:batch', batch('u2', 'c2'));
    await vi.advanceTimersByTimeAsync(BURST_MS - MIN_GAP_MS - 1);
    expect(sizes()).toEqual([1, 50]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sizes()).toEqual([1, 50, 2]);
    // A steady stream, one message per ms for 1 s: at most BURST_FLUSHES events per BURST_MS.
    await vi.advanceTimersByTimeAsync(BURST_MS);
    const before = events.length;
    for (let t = 0; t < 1_000; t += 1) {
      ingest.handle('sensor:readings:batch', batch(`u${t % 7}`, `s${t}`));
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(BURST_MS);
    const stream = events.slice(before);
    expect(stream.length).toBeLessThanOrEqual(Math.ceil(1_000 / BURST_MS) * BURST_FLUSHES + 1);
    // Nothing lost or reduced twice.
    expect(stream.reduce((n, e) => n + (e.type === 'readings' ? e.batches.length : 0), 0)).toBe(
      1_000,
    );
  });

  it('reduces a batch at once again after a quiet spell', async () => {
    const { ingest, events } = setup();
    ingest.handle('sensor:readings:batch', batch('u1', 'r1'));
    await Promise.resolve();
    await vi.advanceTimersByTimeAsync(MIN_GAP_MS);
    ingest.handle('sensor:readings:batch', batch('u1', 'r2'));
    await Promise.resolve();
    expect(events).toHaveLength(2);
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
      triggerTemperature: 81,
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

  it('a 9999-12-31 "critical" cannot freeze a unit: it is dropped, a current "normal" applies (issue #11)', () => {
    const { ingest, events } = setup();
    const change = (newState: string, timestamp: string) => ({
      unitId: 'u1',
      previousState: 'normal',
      newState,
      timestamp,
      reason: 'x',
    });
    ingest.handle('unit:state:changed', change('critical', '9999-12-31T00:00:00Z'));
    ingest.handle('unit:state:changed', change('normal', new Date(T0).toISOString()));
    expect(events).toEqual([
      { type: 'dropped', kind: 'unit:state:changed', count: 1 },
      { type: 'unit/state', unitId: 'u1', state: 'normal', at: T0, receivedAt: T0 },
    ]);
  });

  it('counts out-of-range optional values once per message, keeping the readings', async () => {
    const { ingest, events } = setup();
    const bad = batch('u1', 'r1');
    bad.readings[0] = { ...bad.readings[0]!, battery: 180, signalStrength: 5_000 };
    ingest.handle('sensor:readings:batch', bad);
    await Promise.resolve();
    expect(events[0]).toEqual({
      type: 'dropped',
      kind: 'sensor:readings:batch/value-out-of-range',
      count: 2,
    });
    expect(events[1]).toMatchObject({
      type: 'readings',
      batches: [{ unitId: 'u1', readings: [{ id: 'r1', battery: null, signalStrength: null }] }],
    });
  });

  it('a server clock estimate decades off does not drop readings (issue #11)', async () => {
    const events: StateEvent[] = [];
    const ingest = createIngest({
      dispatch: (event) => void events.push(event),
      now: () => Date.now(),
      // What a ping answered with 0 made of the server clock before the bound.
      serverNow: () => Date.now() - 56 * 365 * 24 * 3_600_000,
      unitScale: () => 'C',
      isKnownUnit: () => true,
      onUnknownUnit: () => undefined,
      onServerMessage: () => undefined,
    });
    ingest.handle('sensor:readings:batch', batch('u1', 'r1'));
    await Promise.resolve();
    expect(events).toMatchObject([{ type: 'readings', batches: [{ readings: [{ id: 'r1' }] }] }]);
  });
});
