import { describe, expect, it } from 'vitest';
import type { ConnectionError, Reading } from '../../lib/model';
import {
  EMPTY_HISTORY,
  GHOST_UNIT_LIMIT,
  HISTORY_LIMIT,
  TOMBSTONE_LIMIT,
  historyLength,
  historyReadings,
  activeAlerts,
  alertCounts,
  initialState,
  isStale,
  isUnitInScope,
  openAlerts,
  reduce,
  reduceAll,
  unitHistory,
  unitsInScope,
  type State,
  type StateEvent,
} from '../../lib/state';
import { MINUTE, T0, alert, directory, liveState, reading, triggered } from './fixtures';

function readings(
  unitId: string,
  list: { id: string; at: number; temperature?: number }[],
  receivedAt = T0,
): StateEvent {
  return {
    type: 'readings',
    batches: [{ unitId, readings: list.map((r) => reading({ unitId, ...r })) }],
    receivedAt,
  };
}

const transportError: ConnectionError = { code: 'transport', message: 'transport close', at: T0 };

describe('readings', () => {
  it('keeps the newest reading by sensor time, not by arrival', () => {
    const state = reduceAll(liveState(), [
      readings('u1', [{ id: 'new', at: T0 - MINUTE, temperature: 5 }]),
      readings('u1', [{ id: 'late', at: T0 - 10 * MINUTE, temperature: 9 }]),
    ]);
    const unit = state.units.get('u1');
    expect(unit?.latest?.id).toBe('new');
    expect(unitHistory(unit).map((r) => r.id)).toEqual(['late', 'new']);
    expect(state.connection.lastDataAt).toBe(T0 - MINUTE);
  });

  it('sorts an out-of-order batch and merges it into the history', () => {
    const state = reduceAll(liveState(), [
      readings('u1', [
        { id: 'b', at: T0 - 4 * MINUTE },
        { id: 'd', at: T0 - 2 * MINUTE },
      ]),
      readings('u1', [
        { id: 'e', at: T0 - MINUTE },
        { id: 'a', at: T0 - 5 * MINUTE },
        { id: 'c', at: T0 - 3 * MINUTE },
      ]),
    ]);
    expect(unitHistory(state.units.get('u1')).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(state.units.get('u1')?.latest?.id).toBe('e');
  });

  it('caps the history at 100, keeping the newest', () => {
    const list = Array.from({ length: 150 }, (_, i) => ({
      id: `r${i}`,
      at: T0 - (150 - i) * 1000,
    }));
    const state = reduce(liveState(), readings('u1', list));
    const history = unitHistory(state.units.get('u1'));
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]?.id).toBe('r50');
    expect(history[HISTORY_LIMIT - 1]?.id).toBe('r149');
  });

  it('a reading older than a full window does not come back as latest', () => {
    const list = Array.from({ length: 100 }, (_, i) => ({
      id: `r${i}`,
      at: T0 - (100 - i) * 1000,
    }));
    const state = reduceAll(liveState(), [
      readings('u1', list),
      readings('u1', [{ id: 'ancient', at: T0 - 3_600_000 }]),
    ]);
    const unit = state.units.get('u1');
    expect(unitHistory(unit).some((r) => r.id === 'ancient')).toBe(false);
    expect(unit?.latest?.id).toBe('r99');
  });

  it('delivering the same batch twice (org room + unit room) keeps one copy and counts the duplicates', () => {
    const batch = readings('u1', [
      { id: 'r1', at: T0 - 2 * MINUTE },
      { id: 'r2', at: T0 - MINUTE },
    ]);
    const once = reduce(liveState(), batch);
    const twice = reduce(once, batch);
    expect(unitHistory(twice.units.get('u1')).map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(twice.diagnostics.duplicatesDropped).toBe(2);
    expect(twice.diagnostics.readingsReceived).toBe(4);
    // Nothing new: the units map is not copied.
    expect(twice.units).toBe(once.units);
  });

  it('deduplicates inside one coalesced event too', () => {
    const event: StateEvent = {
      type: 'readings',
      batches: [
        { unitId: 'u1', readings: [reading({ id: 'r1', at: T0 - MINUTE })] },
        { unitId: 'u1', readings: [reading({ id: 'r1', at: T0 - MINUTE })] },
        { unitId: 'u2', readings: [reading({ id: 'x', unitId: 'u2', at: T0 - 2 * MINUTE })] },
      ],
      receivedAt: T0,
    };
    const state = reduce(liveState(), event);
    expect(unitHistory(state.units.get('u1'))).toHaveLength(1);
    expect(unitHistory(state.units.get('u2'))).toHaveLength(1);
    expect(state.diagnostics.duplicatesDropped).toBe(1);
    expect(state.diagnostics.eventsReceived).toBe(3);
  });

  it('does not mutate the previous state', () => {
    const before = reduce(liveState(), readings('u1', [{ id: 'r1', at: T0 - MINUTE }]));
    const history = before.units.get('u1')?.history;
    reduce(before, readings('u1', [{ id: 'r2', at: T0 }]));
    expect(before.units.get('u1')?.history).toBe(history);
    expect(unitHistory(before.units.get('u1')).map((r) => r.id)).toEqual(['r1']);
  });

  it('updates lastEventAt on arrival and lastDataAt to the newest sensor time', () => {
    const state = reduce(
      liveState(),
      readings('u1', [{ id: 'r1', at: T0 - 3 * MINUTE }], T0 + 500),
    );
    expect(state.connection.lastEventAt).toBe(T0 + 500);
    expect(state.connection.lastDataAt).toBe(T0 - 3 * MINUTE);
  });

  it('handles 20,000 readings across 500 units in one event quickly', () => {
    const batches = Array.from({ length: 500 }, (_, u) => ({
      unitId: `unit${u}`,
      readings: Array.from({ length: 40 }, (_, i) =>
        reading({ id: `${u}-${i}`, unitId: `unit${u}`, at: T0 + i }),
      ),
    }));
    let state = liveState();
    const started = performance.now();
    for (let round = 0; round < 5; round += 1) {
      state = reduce(state, {
        type: 'readings',
        batches: batches.map((b) => ({
          unitId: b.unitId,
          readings: b.readings.map((r) => ({
            ...r,
            id: `${round}:${r.id}`,
            at: r.at + round * 100,
          })),
        })),
        receivedAt: T0,
      });
    }
    const elapsed = performance.now() - started;
    expect(unitHistory(state.units.get('unit0'))).toHaveLength(HISTORY_LIMIT);
    // 100,000 readings; generous bound for a shared CI machine (measured ~100 ms).
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('reading history storage (issue #5)', () => {
  const batch = (list: Reading[], receivedAt = T0): StateEvent => ({
    type: 'readings',
    batches: [{ unitId: 'u1', readings: list }],
    receivedAt,
  });
  const typical = (i: number): Reading =>
    reading({
      id: `rd-5f3a9c1e-${i}`,
      at: T0 + i * MINUTE,
      temperature: -18.5 + (i % 7) * 0.125,
      humidity: i % 3 === 0 ? null : 40 + i / 10,
      battery: i % 4 === 0 ? null : 100 - (i % 50),
      signalStrength: i % 5 === 0 ? null : -70 + (i % 20),
    });

  it('packs typical readings and gives back exactly what came in', () => {
    const list = Array.from({ length: 30 }, (_, i) => typical(i));
    let state = reduce(liveState(), batch(list.slice(0, 10)));
    for (const r of list.slice(10)) state = reduce(state, batch([r]));
    const unit = state.units.get('u1');
    // The compact form is the point of issue #5: losing it silently would undo the fix.
    expect(unit?.history.kind).toBe('packed');
    expect(unitHistory(unit)).toEqual(list);
    expect(historyReadings(unit?.history ?? EMPTY_HISTORY, 3)).toEqual(list.slice(-3));
    expect(unit?.latest).toBe(list[29]);
  });

  it('keeps readings it cannot pack exactly as they are, and packs again once they leave the window', () => {
    const odd = [
      reading({ id: 'neg-zero', at: T0, temperature: -0 }),
      reading({ id: 'fine', at: T0 + 1, temperature: 4.12345 }),
      reading({ id: 'half', at: T0 + 2, battery: 87.5 }),
      reading({ id: 'ünïcødé-✓', at: T0 + 3 }),
      reading({ id: 'x'.repeat(300), at: T0 + 4 }),
    ];
    for (const r of odd) {
      const one = reduce(liveState(), batch([typical(0), r]));
      expect(one.units.get('u1')?.history.kind, r.id).toBe('plain');
      expect(Object.is(unitHistory(one.units.get('u1'))[1]?.temperature, r.temperature)).toBe(true);
      expect(unitHistory(one.units.get('u1'))).toEqual([typical(0), r]);
    }
    let state = reduce(liveState(), batch(odd));
    expect(unitHistory(state.units.get('u1'))).toEqual(odd);
    const later = Array.from({ length: HISTORY_LIMIT }, (_, i) => typical(100 + i));
    for (const r of later) state = reduce(state, batch([r]));
    expect(state.units.get('u1')?.history.kind).toBe('packed');
    expect(unitHistory(state.units.get('u1'))).toEqual(later);
  });

  it('reducing an older state again does not change what a newer state holds', () => {
    const base = reduce(liveState(), batch(Array.from({ length: 5 }, (_, i) => typical(i))));
    const a = reduce(base, batch([typical(10)]));
    const b = reduce(base, batch([typical(20)]));
    const a2 = reduce(a, batch([typical(11)]));
    expect(unitHistory(base.units.get('u1')).map((r) => r.id)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `rd-5f3a9c1e-${i}`),
    );
    expect(unitHistory(a.units.get('u1')).at(-1)).toEqual(typical(10));
    expect(unitHistory(b.units.get('u1')).at(-1)).toEqual(typical(20));
    expect(unitHistory(a2.units.get('u1')).slice(-2)).toEqual([typical(10), typical(11)]);
    expect(historyLength(b.units.get('u1')?.history ?? EMPTY_HISTORY)).toBe(6);
  });

  it('keeps the last 100 in order across many single appends, late ones and duplicates', () => {
    let state = liveState();
    const all: Reading[] = [];
    for (let i = 0; i < 350; i += 1) {
      const r = typical(i * 2);
      all.push(r);
      state = reduce(state, batch([r]));
      if (i % 37 === 0) {
        // A late reading between two held ones, and the same reading again.
        const late = typical(i * 2 - 1);
        all.push(late);
        state = reduce(state, batch([late, late]));
      }
    }
    const expected = all.sort((x, y) => x.at - y.at).slice(-HISTORY_LIMIT);
    expect(unitHistory(state.units.get('u1'))).toEqual(expected);
    expect(state.diagnostics.duplicatesDropped).toBe(10);
  });

  describe('ids (#14, row 5: half the bytes of a reading)', () => {
    const uuid = (i: number) => `0f1e2d3c-4b5a-4697-a8b9-${(0xc0ffee000000 + i).toString(16)}`;
    const packedBytes = (state: ReturnType<typeof reduce>) => {
      const history = state.units.get('u1')?.history;
      if (history?.kind !== 'packed') throw new Error('not packed');
      return history.store;
    };

    it('keeps the prefix the ids share once, up to its last separator', () => {
      const list = Array.from({ length: 12 }, (_, i) => typical(95 + i)); // 95 → 106: the counter rolls over
      let state = reduce(liveState(), batch(list.slice(0, 5)));
      for (const r of list.slice(5)) state = reduce(state, batch([r]));
      expect(packedBytes(state).ids).toEqual({ kind: 'suffix', prefix: 'rd-5f3a9c1e-' });
      expect(unitHistory(state.units.get('u1'))).toEqual(list);
    });

    it('holds canonical UUIDs in 16 bytes and gives them back exactly', () => {
      const list = Array.from({ length: 40 }, (_, i) => ({ ...typical(i), id: uuid(i) }));
      const state = reduce(liveState(), batch(list));
      const store = packedBytes(state);
      expect(store.ids).toEqual({ kind: 'uuid' });
      expect(unitHistory(state.units.get('u1'))).toEqual(list);
      // The same ids in capitals are not canonical: held as text, 20 bytes more each.
      const shouting = list.map((r) => ({ ...r, id: r.id.toUpperCase() }));
      const text = packedBytes(reduce(liveState(), batch(shouting)));
      expect(text.ids).toEqual({ kind: 'suffix', prefix: '0F1E2D3C-4B5A-4697-A8B9-' });
      expect(unitHistory(reduce(liveState(), batch(shouting)).units.get('u1'))).toEqual(shouting);
      const plainIds = packedBytes(
        reduce(
          liveState(),
          batch(list.map((r, i) => ({ ...r, id: `${i % 2 ? 'A' : 'B'}${r.id.toUpperCase()}` }))),
        ),
      );
      expect(plainIds.ids).toEqual({ kind: 'suffix', prefix: '' });
      expect(plainIds.buffer.byteLength - store.buffer.byteLength).toBeGreaterThanOrEqual(
        list.length * 20,
      );
    });

    it('moves to a new buffer when an id does not fit, and loses none', () => {
      const first = Array.from({ length: 5 }, (_, i) => ({ ...typical(i), id: uuid(i) }));
      let state = reduce(liveState(), batch(first));
      const other = { ...typical(5), id: 'other-scheme-1' };
      state = reduce(state, batch([other]));
      expect(packedBytes(state).ids).toEqual({ kind: 'suffix', prefix: '' });
      const again = { ...typical(6), id: uuid(6) };
      const prefixed = { ...typical(7), id: 'rd-5f3a9c1e-7' };
      state = reduce(state, batch([again]));
      state = reduce(state, batch([prefixed]));
      expect(unitHistory(state.units.get('u1'))).toEqual([...first, other, again, prefixed]);
      // Duplicates are still recognised by their full id.
      const repeated = reduce(state, batch([again, other]));
      expect(unitHistory(repeated.units.get('u1'))).toHaveLength(8);
      expect(repeated.diagnostics.duplicatesDropped).toBe(state.diagnostics.duplicatesDropped + 2);
    });
  });
});

describe('alert lifecycle', () => {
  it('triggered → escalated → acknowledged → resolved', () => {
    let state = reduce(liveState(), triggered(alert({ id: 'al1' })));
    expect(state.alerts.get('al1')).toMatchObject({ severity: 'warning', status: 'active' });

    state = reduce(state, {
      type: 'alert/escalated',
      alertId: 'al1',
      unitId: 'u1',
      level: 1,
      receivedAt: T0,
    });
    expect(state.alerts.get('al1')).toMatchObject({ severity: 'critical', escalationLevel: 1 });

    state = reduce(state, {
      type: 'alert/acknowledged',
      alertId: 'al1',
      by: 'Ana',
      at: T0 + 1,
      receivedAt: T0,
    });
    expect(state.alerts.get('al1')).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'Ana',
      acknowledgedAt: T0 + 1,
      severity: 'critical',
    });

    state = reduce(state, {
      type: 'alert/resolved',
      alertId: 'al1',
      unitId: 'u1',
      at: T0 + 2,
      receivedAt: T0,
    });
    expect(state.alerts.has('al1')).toBe(false);
    expect(state.tombstones.get('al1')).toBe(T0 + 2);
    expect(state.diagnostics.eventsReceived).toBe(4);
  });

  it('a replayed trigger after resolution does nothing', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'al1' })),
      { type: 'alert/resolved', alertId: 'al1', unitId: 'u1', at: T0, receivedAt: T0 },
      triggered(alert({ id: 'al1' })),
    ]);
    expect(state.alerts.has('al1')).toBe(false);
  });

  it('a resolution that overtakes its trigger keeps the alert dead', () => {
    const state = reduceAll(liveState(), [
      { type: 'alert/resolved', alertId: 'al1', unitId: 'u1', at: T0, receivedAt: T0 },
      triggered(alert({ id: 'al1' })),
    ]);
    expect(state.alerts.size).toBe(0);
    expect(state.tombstones.has('al1')).toBe(true);
  });

  it('a duplicate trigger does not undo an escalation', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'al1' })),
      { type: 'alert/escalated', alertId: 'al1', unitId: 'u1', level: 1, receivedAt: T0 },
      triggered(alert({ id: 'al1', severity: 'warning' })),
    ]);
    expect(state.alerts.get('al1')?.severity).toBe('critical');
  });

  it('an escalation to a lower level is ignored', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'al1' })),
      { type: 'alert/escalated', alertId: 'al1', unitId: 'u1', level: 2, receivedAt: T0 },
      { type: 'alert/escalated', alertId: 'al1', unitId: 'u1', level: 1, receivedAt: T0 },
    ]);
    expect(state.alerts.get('al1')?.escalationLevel).toBe(2);
  });

  it('an escalation or acknowledgement for an unknown alert is ignored; the escalation is counted', () => {
    const before = liveState();
    const state = reduceAll(before, [
      { type: 'alert/escalated', alertId: 'ghost', unitId: 'u1', level: 1, receivedAt: T0 },
      { type: 'alert/acknowledged', alertId: 'ghost', by: null, at: T0, receivedAt: T0 },
    ]);
    expect(state.alerts.size).toBe(0);
    expect(state.diagnostics.invalidByKind).toEqual({ 'alert:escalated/unknown-alert': 1 });
  });

  it('keeps at most TOMBSTONE_LIMIT tombstones, forgetting the oldest', () => {
    let state = liveState();
    for (let i = 0; i <= TOMBSTONE_LIMIT; i += 1) {
      state = reduce(state, {
        type: 'alert/resolved',
        alertId: `a${i}`,
        unitId: 'u1',
        at: T0 + i,
        receivedAt: T0,
      });
    }
    expect(state.tombstones.size).toBe(TOMBSTONE_LIMIT);
    expect(state.tombstones.has('a0')).toBe(false);
    expect(state.tombstones.has(`a${TOMBSTONE_LIMIT}`)).toBe(true);
  });
});

describe('alerts/synced', () => {
  it('adds missed alerts, removes (and tombstones) resolved ones, skips tombstoned ones', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'gone', triggeredAt: T0 - 10 * MINUTE })),
      triggered(alert({ id: 'kept', triggeredAt: T0 - 10 * MINUTE })),
      { type: 'alert/resolved', alertId: 'dead', unitId: 'u1', at: T0, receivedAt: T0 },
      {
        type: 'alerts/synced',
        at: T0,
        alerts: [
          alert({ id: 'kept', triggeredAt: T0 - 10 * MINUTE }),
          alert({ id: 'missed', triggeredAt: T0 - 5 * MINUTE }),
          alert({ id: 'dead', triggeredAt: T0 - 5 * MINUTE }),
        ],
      },
    ]);
    expect([...state.alerts.keys()].sort()).toEqual(['kept', 'missed']);
    expect(state.tombstones.get('gone')).toBe(T0);
  });

  it('keeps an alert triggered after the request went out', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'fresh', triggeredAt: T0 + 1000 })),
      { type: 'alerts/synced', at: T0, alerts: [] },
    ]);
    expect(state.alerts.has('fresh')).toBe(true);
  });

  it('never moves an alert backwards (escalation, acknowledgement)', () => {
    const state = reduceAll(liveState(), [
      triggered(alert({ id: 'al1', triggeredAt: T0 - MINUTE })),
      { type: 'alert/escalated', alertId: 'al1', unitId: 'u1', level: 1, receivedAt: T0 },
      { type: 'alert/acknowledged', alertId: 'al1', by: 'Ana', at: T0, receivedAt: T0 },
      {
        type: 'alerts/synced',
        at: T0,
        alerts: [alert({ id: 'al1', triggeredAt: T0 - MINUTE, message: 'from REST' })],
      },
    ]);
    expect(state.alerts.get('al1')).toMatchObject({
      severity: 'critical',
      escalationLevel: 1,
      status: 'acknowledged',
      acknowledgedBy: 'Ana',
      message: 'from REST',
    });
  });
});

describe('units', () => {
  it('unit/state creates the unit and ignores an older change arriving late', () => {
    const state = reduceAll(liveState(), [
      { type: 'unit/state', unitId: 'u9', state: 'critical', at: T0, receivedAt: T0 },
      { type: 'unit/state', unitId: 'u9', state: 'normal', at: T0 - MINUTE, receivedAt: T0 },
    ]);
    expect(state.units.get('u9')).toEqual({
      unitId: 'u9',
      latest: null,
      history: EMPTY_HISTORY,
      state: 'critical',
    });
  });

  it('readings keep the unit state', () => {
    const state = reduceAll(liveState(), [
      { type: 'unit/state', unitId: 'u1', state: 'warning', at: T0, receivedAt: T0 },
      readings('u1', [{ id: 'r', at: T0 }]),
    ]);
    expect(state.units.get('u1')?.state).toBe('warning');
  });
});

describe('connection', () => {
  const start = initialState(T0);

  it('starts signed out', () => {
    expect(start.connection).toMatchObject({ status: 'signed-out', reconnects: 0, since: T0 });
  });

  it('connecting → live → down (+1 reconnect) → live (recovered) → down offline', () => {
    const steps: StateEvent[] = [
      { type: 'connection/connecting', at: T0 + 1 },
      { type: 'connection/live', at: T0 + 2, recovered: false },
      { type: 'connection/down', at: T0 + 3, error: transportError, offline: false },
      { type: 'connection/down', at: T0 + 4, error: transportError, offline: false },
      { type: 'connection/live', at: T0 + 5, recovered: true },
      {
        type: 'connection/down',
        at: T0 + 6,
        error: { ...transportError, code: 'browser-offline' },
        offline: true,
      },
    ];
    const states: State[] = [];
    steps.reduce((s, e) => {
      const next = reduce(s, e);
      states.push(next);
      return next;
    }, start);
    expect(
      states.map((s) => [s.connection.status, s.connection.reconnects, s.connection.since]),
    ).toEqual([
      ['connecting', 0, T0 + 1],
      ['live', 0, T0 + 2],
      ['reconnecting', 1, T0 + 3],
      // still down: no second reconnect counted, `since` unchanged
      ['reconnecting', 1, T0 + 3],
      ['live', 1, T0 + 5],
      ['offline', 2, T0 + 6],
    ]);
    expect(states[2]?.connection.lastError).toEqual(transportError);
    expect(states[4]?.connection.lastError).toBeNull();
    expect(states[5]?.diagnostics.history.map((h) => h.detail)).toEqual([
      'opening the connection',
      'connected',
      'transport close',
      'session recovered, missed events replayed',
      'transport close',
    ]);
  });

  it('signed-out keeps its error and ignores a late socket close', () => {
    const error: ConnectionError = { code: 'refresh-failed', message: 'Session expired', at: T0 };
    const state = reduceAll(liveState(), [
      { type: 'connection/signed-out', at: T0 + 1, error },
      { type: 'connection/down', at: T0 + 2, error: transportError, offline: false },
    ]);
    expect(state.connection).toMatchObject({
      status: 'signed-out',
      lastError: error,
      since: T0 + 1,
    });
  });

  it('rtt updates the round trip and the clock offset', () => {
    // Ping sent at T0, ack at T0 + 200 carrying server time T0 + 5100: server is 5 s ahead.
    const state = reduce(liveState(), {
      type: 'connection/rtt',
      rtt: 200,
      serverTime: T0 + 5100,
      at: T0 + 200,
    });
    expect(state.connection.rtt).toBe(200);
    expect(state.connection.clockOffset).toBe(5000);
    const ignored = reduce(state, { type: 'connection/rtt', rtt: NaN, serverTime: 0, at: T0 });
    expect(ignored).toBe(state);
  });

  it('an implausible ping clock keeps the round trip and the last offset, and is counted (issue #11)', () => {
    const good = reduce(liveState(), {
      type: 'connection/rtt',
      rtt: 200,
      serverTime: T0 + 5100,
      at: T0 + 200,
    });
    const rejected = reduce(good, {
      type: 'connection/rtt',
      rtt: 300,
      serverTime: null,
      clockRejected: true,
      at: T0 + 20_000,
    });
    expect(rejected.connection.rtt).toBe(300);
    expect(rejected.connection.clockOffset).toBe(5000);
    expect(rejected.diagnostics.invalidByKind['ping/implausible-clock']).toBe(1);
  });

  it('diagnostics history is bounded', () => {
    let state = start;
    for (let i = 0; i < 200; i += 1) {
      state = reduce(state, {
        type: i % 2 ? 'connection/connecting' : 'connection/live',
        at: T0 + i,
        recovered: false,
      } as StateEvent);
    }
    expect(state.diagnostics.history.length).toBe(50);
  });
});

describe('tick, staleness, dropped, session', () => {
  it('a unit goes stale when its newest reading is older than staleMs (server clock)', () => {
    let state = reduce(liveState(), readings('u1', [{ id: 'r', at: T0 }]));
    const unit = () => state.units.get('u1') ?? { unitId: 'u1', latest: null };
    state = reduce(state, { type: 'tick', now: T0 + 15 * MINUTE });
    expect(isStale(unit(), state, 15 * MINUTE)).toBe(false);
    state = reduce(state, { type: 'tick', now: T0 + 15 * MINUTE + 1 });
    expect(isStale(unit(), state, 15 * MINUTE)).toBe(true);
    // The server is 1 min behind us: its "now" is 14 min after the reading.
    state = reduce(state, {
      type: 'connection/rtt',
      rtt: 0,
      serverTime: T0 + 14 * MINUTE,
      at: T0 + 15 * MINUTE,
    });
    expect(isStale(unit(), state, 15 * MINUTE)).toBe(false);
  });

  it('a unit with no data at all is stale; the directory time counts', () => {
    const state = liveState();
    expect(isStale({ unitId: 'u1', latest: null }, state, MINUTE)).toBe(true);
    expect(isStale({ unitId: 'nobody', latest: null }, state, MINUTE)).toBe(true);
  });

  it('dropped counts by kind', () => {
    const state = reduceAll(liveState(), [
      { type: 'dropped', kind: 'sensor:readings:batch' },
      { type: 'dropped', kind: 'sensor:readings:batch/item', count: 3 },
      { type: 'dropped', kind: 'sensor:readings:batch' },
    ]);
    expect(state.diagnostics.invalidByKind).toEqual({
      'sensor:readings:batch': 2,
      'sensor:readings:batch/item': 3,
    });
  });

  it('session/cleared forgets units, alerts, tombstones and the directory', () => {
    const state = reduceAll(liveState(), [
      readings('u1', [{ id: 'r', at: T0 }]),
      triggered(alert({ id: 'al1' })),
      { type: 'alert/resolved', alertId: 'x', unitId: 'u1', at: T0, receivedAt: T0 },
      { type: 'session/cleared', at: T0 },
    ]);
    expect([state.units.size, state.alerts.size, state.tombstones.size, state.directory]).toEqual([
      0,
      0,
      0,
      null,
    ]);
  });

  it('tick with the same time returns the same state', () => {
    const state = liveState();
    expect(reduce(state, { type: 'tick', now: state.now })).toBe(state);
  });
});

describe('selectors', () => {
  const withAlerts = () =>
    reduceAll(liveState(), [
      triggered(alert({ id: 'w-old', severity: 'warning', triggeredAt: T0 - 3 * MINUTE })),
      triggered(alert({ id: 'w-new', severity: 'warning', triggeredAt: T0 - MINUTE })),
      triggered(
        alert({ id: 'crit', severity: 'critical', unitId: 'u3', triggeredAt: T0 - 5 * MINUTE }),
      ),
      triggered(
        alert({ id: 'unk', severity: 'unknown', unitId: 'u2', triggeredAt: T0 - 5 * MINUTE }),
      ),
      triggered(alert({ id: 'info', severity: 'info', unitId: 'mystery', triggeredAt: T0 })),
      triggered(alert({ id: 'ack', severity: 'critical', triggeredAt: T0 })),
      { type: 'alert/acknowledged', alertId: 'ack', by: null, at: T0, receivedAt: T0 },
    ]);

  it('activeAlerts: worst first, then newest; acknowledged left out', () => {
    expect(activeAlerts(withAlerts()).map((a) => a.id)).toEqual([
      'crit',
      'unk',
      'w-new',
      'w-old',
      'info',
    ]);
  });

  it('openAlerts puts acknowledged ones last', () => {
    expect(openAlerts(withAlerts()).map((a) => a.id)).toEqual([
      'crit',
      'unk',
      'w-new',
      'w-old',
      'info',
      'ack',
    ]);
  });

  it('alertCounts by status and severity, in scope; unknown units always count', () => {
    const state = withAlerts();
    expect(alertCounts(state)).toEqual({
      active: { critical: 1, unknown: 1, warning: 2, info: 1, total: 5 },
      acknowledged: { critical: 1, unknown: 0, warning: 0, info: 0, total: 1 },
    });
    // Site s2 only: u3 (crit) and the unit the directory does not know (info).
    expect(alertCounts(state, { kind: 'selection', siteIds: ['s2'], unitIds: [] }).active).toEqual({
      critical: 1,
      unknown: 0,
      warning: 0,
      info: 1,
      total: 2,
    });
    // A selected unit counts even when its site is not selected.
    expect(
      alertCounts(state, { kind: 'selection', siteIds: [], unitIds: ['u2'] }).active.total,
    ).toBe(2);
  });

  // Issue #11 changed this rule: a live unit the loaded directory does not list
  // (a ghost) is no longer watched; its alerts still are (the test above).
  it('unitsInScope: the directory units of the scope; a ghost only when selected by id', () => {
    const state = reduce(withAlerts(), readings('stranger', [{ id: 'r', at: T0 }]));
    expect(unitsInScope(state, { kind: 'organization' }).sort()).toEqual(['u1', 'u2', 'u3']);
    expect(
      unitsInScope(state, { kind: 'selection', siteIds: ['s1'], unitIds: ['u3'] }).sort(),
    ).toEqual(['u1', 'u2', 'u3']);
    expect(unitsInScope(state, { kind: 'selection', siteIds: ['s2'], unitIds: [] }).sort()).toEqual(
      ['u3'],
    );
    expect(
      unitsInScope(state, { kind: 'selection', siteIds: [], unitIds: ['stranger'] }).sort(),
    ).toEqual(['stranger']);
  });

  it('before any directory has loaded, every live unit is watched', () => {
    const state = reduce(initialState(T0), readings('early', [{ id: 'r', at: T0 }]));
    expect(isUnitInScope(state, { kind: 'organization' }, 'early')).toBe(true);
    expect(unitsInScope(state, { kind: 'organization' })).toEqual(['early']);
  });
});

describe('snapshot/restored (worker restart)', () => {
  const saved = {
    latest: [
      {
        unitId: 'u1',
        reading: reading({ id: 'old', at: T0 - 10 * MINUTE }),
        state: 'normal' as const,
      },
      {
        unitId: 'u2',
        reading: reading({ id: 'u2-old', unitId: 'u2', at: T0 - 10 * MINUTE }),
        state: 'warning' as const,
      },
      { unitId: 'u3', reading: null, state: 'offline' as const },
    ],
    alerts: [alert({ id: 'saved' }), alert({ id: 'resolved-since' })],
    tombstones: [['dead', T0 - MINUTE]] as [string, number][],
    lastDataAt: T0 - 10 * MINUTE,
  };

  it('fills in units, alerts and tombstones without overriding newer live data', () => {
    const state = reduceAll(liveState(), [
      readings('u1', [{ id: 'live', at: T0 - MINUTE }]),
      { type: 'alert/resolved', alertId: 'resolved-since', unitId: 'u1', at: T0, receivedAt: T0 },
      { type: 'snapshot/restored', snapshot: saved, at: T0 },
      triggered(alert({ id: 'dead' })),
    ]);
    expect(state.units.get('u1')?.latest?.id).toBe('live');
    expect(state.units.get('u2')).toMatchObject({ latest: { id: 'u2-old' }, state: 'warning' });
    expect(state.units.get('u3')).toEqual({
      unitId: 'u3',
      latest: null,
      history: EMPTY_HISTORY,
      state: 'offline',
    });
    expect([...state.alerts.keys()]).toEqual(['saved']);
    expect(state.tombstones.has('dead')).toBe(true);
    expect(state.connection.lastDataAt).toBe(T0 - MINUTE);
  });
});

it('counts unknown server events', () => {
  const state = reduce(liveState(), { type: 'dropped', kind: 'unknown-event' });
  expect(state.diagnostics.invalidByKind).toEqual({ 'unknown-event': 1 });
});

describe('ghost units (issue #11)', () => {
  const ghostBatches = (from: number, count: number): StateEvent => ({
    type: 'readings',
    batches: Array.from({ length: count }, (_, i) => ({
      unitId: `ghost-${from + i}`,
      readings: [reading({ id: `g-${from + i}`, unitId: `ghost-${from + i}`, at: T0 + from + i })],
    })),
    receivedAt: T0,
  });

  it('keeps at most GHOST_UNIT_LIMIT units the directory does not know, and counts the rest', () => {
    let state = liveState();
    for (let i = 0; i < 50; i += 1) state = reduce(state, ghostBatches(i * 1_000, 1_000));
    const ghosts = [...state.units.keys()].filter((id) => id.startsWith('ghost-'));
    expect(ghosts).toHaveLength(GHOST_UNIT_LIMIT);
    expect(state.ghostUnits).toBe(GHOST_UNIT_LIMIT);
    expect(state.diagnostics.invalidByKind['ghost-unit']).toBe(50_000 - GHOST_UNIT_LIMIT);
    // A directory unit still gets in, and a kept ghost still gets its readings.
    state = reduce(state, readings('u1', [{ id: 'real', at: T0 }]));
    expect(state.units.get('u1')?.latest?.id).toBe('real');
    state = reduce(state, readings('ghost-0', [{ id: 'g-next', at: T0 + 1 }]));
    expect(state.units.get('ghost-0')?.latest?.id).toBe('g-next');
  });

  it('bounds state changes for unknown units the same way', () => {
    let state = reduce(liveState(), ghostBatches(0, GHOST_UNIT_LIMIT));
    state = reduce(state, {
      type: 'unit/state',
      unitId: 'one-too-many',
      state: 'critical',
      at: T0,
      receivedAt: T0,
    });
    expect(state.units.has('one-too-many')).toBe(false);
    expect(state.diagnostics.invalidByKind['ghost-unit']).toBe(1);
  });

  it('never counts a ghost among the watched units (badge, stale count, pages)', () => {
    const state = reduce(liveState(), ghostBatches(0, 500));
    expect(unitsInScope(state, { kind: 'organization' }).sort()).toEqual(['u1', 'u2', 'u3']);
  });

  it('a directory load prunes ghosts to the bound, newest data kept', () => {
    // Before the directory: bounded only by UNITS_WITHOUT_DIRECTORY_LIMIT.
    let state = reduce(initialState(T0), ghostBatches(0, 300));
    expect(state.units.size).toBe(300);
    state = reduce(state, { type: 'directory/loaded', directory: directory() });
    expect(state.ghostUnits).toBe(GHOST_UNIT_LIMIT);
    expect(state.units.size).toBe(GHOST_UNIT_LIMIT);
    expect(state.units.has('ghost-299')).toBe(true);
    expect(state.units.has('ghost-0')).toBe(false);
    // A unit the new directory no longer lists becomes a ghost; none is added past the bound.
    const fewer = { ...directory(), units: directory().units.filter((u) => u.id !== 'u1') };
    state = reduce(reduce(state, readings('u1', [{ id: 'x', at: T0 }])), {
      type: 'directory/loaded',
      directory: fewer,
    });
    expect(state.ghostUnits).toBe(GHOST_UNIT_LIMIT);
  });
});

describe('readings from a resync', () => {
  // Issue #9: a `get:latest` answer for a reading the worker already holds is
  // not a duplicate delivery, and the diagnostics must not count it as one.
  it('does not count the reading a get:latest answer repeats as a duplicate', () => {
    const r = reading({ id: 'r1', at: T0 });
    const first = reduce(initialState(T0), {
      type: 'readings',
      batches: [{ unitId: 'u1', readings: [r] }],
      receivedAt: T0,
    });
    const again = { type: 'readings' as const, batches: [{ unitId: 'u1', readings: [r] }] };
    expect(
      reduce(first, { ...again, receivedAt: T0 + 1, resync: true }).diagnostics.duplicatesDropped,
    ).toBe(0);
    expect(reduce(first, { ...again, receivedAt: T0 + 1 }).diagnostics.duplicatesDropped).toBe(1);
  });
});
