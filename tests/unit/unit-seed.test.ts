/**
 * Every unit, with the server's state (issue #10): the directory seeds each
 * unit's latest reading from REST, the REST `status` is part of its
 * condition, and a unit with no reading is still listed, as such.
 */
import { describe, expect, it } from 'vitest';
import type { Directory } from '../../lib/model';
import { historyReadings, initialState, reduceAll, type StateEvent } from '../../lib/state';
import { serverUnitState, unitView } from '../../lib/state/unit-view';
import { MINUTE, T0, directory, reading, unitInfo } from './fixtures';

const STALE = 15 * MINUTE;

function withUnits(...units: ReturnType<typeof unitInfo>[]): Directory {
  return { ...directory(), units, loadedAt: T0 };
}

function stateOf(events: readonly StateEvent[]) {
  return reduceAll(initialState(T0 - 5 * MINUTE), [
    { type: 'connection/live', at: T0 - MINUTE, recovered: false },
    ...events,
    { type: 'tick', now: T0 },
  ]);
}

function view(events: readonly StateEvent[]) {
  const state = stateOf(events);
  return {
    state,
    view: unitView({ state, scope: { kind: 'organization' }, staleMs: STALE, now: T0 }),
  };
}

const conditionOf = (v: ReturnType<typeof unitView>, unitId: string) =>
  v.entries.find((e) => e.unitId === unitId)?.condition;

describe('units seeded from the directory', () => {
  it('a unit whose get:latest answered null shows its REST last reading', () => {
    const { state, view: v } = view([
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', lastTemperature: 3.5, lastReadingAt: T0 - 2 * MINUTE }),
        ),
      },
    ]);
    expect(state.units.get('u1')?.latest).toMatchObject({ temperature: 3.5, at: T0 - 2 * MINUTE });
    expect(conditionOf(v, 'u1')).toBe('ok');
  });

  it('an older REST value never overwrites a newer live reading', () => {
    const { state } = view([
      {
        type: 'readings',
        batches: [
          { unitId: 'u1', readings: [reading({ id: 'r1', at: T0 - MINUTE, temperature: 4.2 })] },
        ],
        receivedAt: T0 - MINUTE,
      },
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', lastTemperature: 3.5, lastReadingAt: T0 - 10 * MINUTE }),
        ),
      },
    ]);
    expect(state.units.get('u1')?.latest).toMatchObject({ id: 'r1', temperature: 4.2 });
  });

  it('a newer REST value replaces an older live reading, and a later live one wins again', () => {
    const { state } = view([
      {
        type: 'readings',
        batches: [{ unitId: 'u1', readings: [reading({ id: 'r1', at: T0 - 9 * MINUTE })] }],
        receivedAt: T0 - 9 * MINUTE,
      },
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', lastTemperature: 6.5, lastReadingAt: T0 - 3 * MINUTE }),
        ),
      },
    ]);
    expect(state.units.get('u1')?.latest).toMatchObject({ temperature: 6.5, at: T0 - 3 * MINUTE });
    const later = reduceAll(state, [
      {
        type: 'readings',
        batches: [{ unitId: 'u1', readings: [reading({ id: 'r2', at: T0, temperature: 3 })] }],
        receivedAt: T0,
      },
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', lastTemperature: 6.5, lastReadingAt: T0 - 3 * MINUTE }),
        ),
      },
    ]);
    expect(later.units.get('u1')?.latest).toMatchObject({ id: 'r2', temperature: 3 });
  });

  it('the real reading of the same time replaces the seed: one point, not two', () => {
    const { state } = view([
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', lastTemperature: 3.5, lastReadingAt: T0 - 2 * MINUTE }),
        ),
      },
      {
        type: 'readings',
        batches: [
          {
            unitId: 'u1',
            readings: [
              reading({ id: 'rd-1', at: T0 - 2 * MINUTE, temperature: 3.5, humidity: 40 }),
            ],
          },
        ],
        receivedAt: T0,
        resync: true,
      },
    ]);
    const unit = state.units.get('u1');
    expect(unit?.latest).toMatchObject({ id: 'rd-1', humidity: 40 });
    expect(historyReadings(unit!.history).map((r) => r.id)).toEqual(['rd-1']);
  });

  it('a restored snapshot newer than the cached directory wins (worker restart)', () => {
    const { state } = view([
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', lastTemperature: 3.5, lastReadingAt: T0 - 10 * MINUTE }),
        ),
      },
      {
        type: 'snapshot/restored',
        snapshot: {
          latest: [
            { unitId: 'u1', reading: reading({ id: 'saved', at: T0 - MINUTE }), state: 'normal' },
          ],
          alerts: [],
          tombstones: [],
          lastDataAt: T0 - MINUTE,
        },
        at: T0 - MINUTE,
      },
    ]);
    expect(state.units.get('u1')?.latest?.id).toBe('saved');
  });

  it('a unit that never reported is listed, with no data', () => {
    const { state, view: v } = view([
      {
        type: 'directory/loaded',
        directory: withUnits(unitInfo({ id: 'u1' }), unitInfo({ id: 'u9' })),
      },
    ]);
    expect(state.units.get('u9')).toBeUndefined();
    expect(v.entries.map((e) => e.unitId).sort()).toEqual(['u1', 'u9']);
    expect(conditionOf(v, 'u9')).toBe('no-data');
    expect(v.counts.noData).toBe(2);
  });
});

describe('the REST status is part of the condition', () => {
  it.each([
    ['offline', 'offline'],
    ['monitoring_interrupted', 'offline'],
    ['alarm_active', 'alarm'],
    ['excursion', 'warning'],
    ['manual_required', 'warning'],
    ['restoring', 'warning'],
    ['ok', 'ok'],
  ] as const)('status %s: %s (fresh sign-in, a reading in range)', (status, condition) => {
    const { view: v } = view([
      { type: 'session/cleared', at: T0 - MINUTE },
      {
        type: 'directory/loaded',
        directory: withUnits(
          unitInfo({ id: 'u1', status, lastTemperature: 3.5, lastReadingAt: T0 - MINUTE }),
        ),
      },
    ]);
    expect(conditionOf(v, 'u1')).toBe(condition);
  });

  it('an offline unit never shows normal after a fresh sign-in, whatever a restored snapshot said', () => {
    const { state, view: v } = view([
      {
        type: 'snapshot/restored',
        snapshot: {
          latest: [
            { unitId: 'u1', reading: reading({ id: 'old', at: T0 - MINUTE }), state: 'normal' },
          ],
          alerts: [],
          tombstones: [],
          lastDataAt: T0 - MINUTE,
        },
        at: T0 - MINUTE,
      },
      {
        type: 'directory/loaded',
        directory: withUnits(unitInfo({ id: 'u1', status: 'offline' })),
      },
    ]);
    expect(serverUnitState(state, 'u1')).toBe('offline');
    expect(conditionOf(v, 'u1')).toBe('offline');
  });

  it('a live state change newer than the directory wins over its status', () => {
    const { view: v } = view([
      {
        type: 'directory/loaded',
        directory: {
          ...withUnits(unitInfo({ id: 'u1', status: 'offline' })),
          loadedAt: T0 - 3 * MINUTE,
        },
      },
      {
        type: 'unit/state',
        unitId: 'u1',
        state: 'normal',
        at: T0 - MINUTE,
        receivedAt: T0 - MINUTE,
      },
      {
        type: 'readings',
        batches: [{ unitId: 'u1', readings: [reading({ id: 'r1', at: T0 - MINUTE })] }],
        receivedAt: T0 - MINUTE,
      },
    ]);
    expect(conditionOf(v, 'u1')).toBe('ok');
  });
});
