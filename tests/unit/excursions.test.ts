/**
 * Time out of range (issue #13): excursion intervals start and end by sensor
 * time, late readings only move a start back, the 24 h window and the caps
 * bound them, the hot path copies nothing, and a restarted worker gets them
 * back from storage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createExcursionsEffect, EXCURSIONS_PERSIST_MS } from '../../lib/effects/excursions';
import type { Reading } from '../../lib/model';
import {
  EXCURSION_WINDOW_MS,
  EXCURSIONS_PER_UNIT,
  EXCURSIONS_TOTAL,
  excursionTotalMs,
  openExcursionMs,
  sameView,
} from '../../lib/state';
import { DEFAULT_PREFERENCES, DEFAULT_SCOPE, excursionsItem } from '../../lib/storage';
import { createStore, createWorkerView, initialWorkerState, type Store } from '../../lib/store';
import { directory, MINUTE, reading, session, T0, unitInfo } from './fixtures';

const HOUR = 60 * MINUTE;
const SESSION = session({ organizationId: 'org1' });

let seq = 0;
/** u1's range is 2..5 °C: 9 is out of range, 4 is in. */
function r(minutesAfterT0: number, temperature: number, unitId = 'u1'): Reading {
  seq += 1;
  return reading({ id: `r${seq}`, unitId, at: T0 + minutesAfterT0 * MINUTE, temperature });
}

function newStore(): Store {
  const store = createStore(
    initialWorkerState(T0, { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE }),
  );
  store.dispatch({ type: 'session/begun', session: SESSION });
  store.dispatch({ type: 'directory/loaded', directory: directory() });
  return store;
}

/** Delivered long after the sensor took them: only sensor times count. */
function send(store: Store, readings: Reading[], receivedAt = T0 + 10 * HOUR): void {
  const unitId = readings[0]?.unitId ?? 'u1';
  store.dispatch({ type: 'readings', batches: [{ unitId, readings }], receivedAt });
}

const u1 = (store: Store) => store.getState().excursions.units.get('u1');

describe('excursion intervals', () => {
  it('start at the first out-of-range reading and end at the first in-range one, by sensor time', () => {
    const store = newStore();
    send(store, [r(0, 4)]);
    send(store, [r(1, 9)]);
    send(store, [r(2, 9.5)]);
    expect(u1(store)).toMatchObject({ openSince: T0 + MINUTE, closed: [] });
    expect(openExcursionMs(u1(store), T0 + 13 * MINUTE)).toBe(12 * MINUTE);
    send(store, [r(5, 4)]);
    expect(u1(store)).toMatchObject({ openSince: null, closed: [[T0 + MINUTE, T0 + 5 * MINUTE]] });
    expect(openExcursionMs(u1(store), T0 + 6 * MINUTE)).toBeNull();
    // A second excursion adds to the cumulative time.
    send(store, [r(10, 1), r(13, 3)]);
    expect(excursionTotalMs(u1(store), T0 + 20 * MINUTE)).toBe(7 * MINUTE);
    // One in progress counts up to now.
    send(store, [r(20, 6)]);
    expect(excursionTotalMs(u1(store), T0 + 30 * MINUTE)).toBe(17 * MINUTE);
  });

  it('units without a range, or unknown to the directory, never have one', () => {
    const store = newStore();
    store.dispatch({
      type: 'directory/loaded',
      directory: { ...directory(), units: [unitInfo({ id: 'u1', tempMin: null, tempMax: null })] },
    });
    send(store, [r(0, 40)]);
    send(store, [r(0, 40, 'ghost')]);
    expect(store.getState().excursions.units.size).toBe(0);
  });

  it('late readings: an out-of-range one after the last in-range reading moves the start back; nothing else changes', () => {
    const store = newStore();
    send(store, [r(5, 4)]);
    send(store, [r(10, 9)]);
    expect(u1(store)?.openSince).toBe(T0 + 10 * MINUTE);
    send(store, [r(8, 9)]); // late, out, after the in-range reading at +5: started earlier
    expect(u1(store)?.openSince).toBe(T0 + 8 * MINUTE);
    send(store, [r(4, 9)]); // late, before the in-range reading at +5: a different excursion
    expect(u1(store)?.openSince).toBe(T0 + 8 * MINUTE);
    send(store, [r(9, 4)]); // late and in range: the newest reading says out of range
    expect(u1(store)).toMatchObject({ openSince: T0 + 8 * MINUTE, closed: [] });
    // A batch out of order is taken in sensor time: in at +12 ends it, out at +11 does not matter.
    send(store, [r(12, 4), r(11, 9)]);
    expect(u1(store)).toMatchObject({
      openSince: null,
      closed: [[T0 + 8 * MINUTE, T0 + 12 * MINUTE]],
    });
  });

  it('readings that start or end nothing copy nothing (the hot path)', () => {
    const store = newStore();
    send(store, [r(0, 4)]);
    const before = store.getState().excursions;
    send(store, [r(1, 4.5), r(2, 3)]);
    send(store, [r(3, 2.5)]);
    expect(store.getState().excursions).toBe(before);
    send(store, [r(4, 9)]);
    const open = store.getState().excursions;
    expect(open).not.toBe(before);
    send(store, [r(5, 9.1), r(6, 9.3)]);
    expect(store.getState().excursions).toBe(open);
  });

  it('a tick drops intervals that ended more than 24 h ago and counts only the window', () => {
    const store = newStore();
    send(store, [r(0, 9), r(60, 4)]); // 1 h out, ending at T0+1h
    send(store, [r(120, 9), r(180, 4)]); // 1 h out, ending at T0+3h
    // 24 h 30 min after the first ended: the second straddles nothing, the first is gone.
    const now = T0 + HOUR + EXCURSION_WINDOW_MS + 30 * MINUTE;
    store.dispatch({ type: 'tick', now });
    expect(u1(store)?.closed).toEqual([[T0 + 2 * HOUR, T0 + 3 * HOUR]]);
    expect(store.getState().excursions.intervals).toBe(1);
    // The window's edge cuts through the second: 30 of its 60 minutes are within it.
    expect(excursionTotalMs(u1(store), T0 + 2.5 * HOUR + EXCURSION_WINDOW_MS)).toBe(30 * MINUTE);
    store.dispatch({ type: 'tick', now: T0 + 4 * HOUR + EXCURSION_WINDOW_MS });
    expect(store.getState().excursions.units.has('u1')).toBe(false);
    expect(store.getState().excursions.intervals).toBe(0);
  });

  it('an excursion in progress longer than the window counts 24 h and is kept', () => {
    const store = newStore();
    send(store, [r(0, 9)]);
    store.dispatch({ type: 'tick', now: T0 + 30 * HOUR });
    expect(u1(store)?.openSince).toBe(T0);
    expect(excursionTotalMs(u1(store), T0 + 30 * HOUR)).toBe(EXCURSION_WINDOW_MS);
  });

  it(`keeps at most ${EXCURSIONS_PER_UNIT} intervals a unit, merging the oldest (never under-counting)`, () => {
    const store = newStore();
    for (let i = 0; i < EXCURSIONS_PER_UNIT + 5; i += 1)
      send(store, [r(i * 2, 9), r(i * 2 + 1, 4)]);
    const closed = u1(store)?.closed ?? [];
    expect(closed).toHaveLength(EXCURSIONS_PER_UNIT);
    // Six intervals (0–1 … 10–11 min) merged into one.
    expect(closed[0]).toEqual([T0, T0 + 11 * MINUTE]);
    const now = T0 + 200 * MINUTE;
    expect(excursionTotalMs(u1(store), now)).toBeGreaterThanOrEqual(
      (EXCURSIONS_PER_UNIT + 5) * MINUTE,
    );
  });

  it(`keeps at most ${EXCURSIONS_TOTAL} intervals in all, dropping the oldest`, () => {
    const store = newStore();
    const units = Array.from(
      { length: Math.ceil(EXCURSIONS_TOTAL / EXCURSIONS_PER_UNIT) + 5 },
      (_, i) => unitInfo({ id: `x${i}` }),
    );
    store.dispatch({ type: 'directory/loaded', directory: { ...directory(), units } });
    for (let k = 0; k < EXCURSIONS_PER_UNIT; k += 1) {
      const batches = units.map((u, i) => ({
        unitId: u.id,
        readings: [r(k * 2 + i / 1000, 9, u.id), r(k * 2 + 1, 4, u.id)],
      }));
      store.dispatch({ type: 'readings', batches, receivedAt: T0 });
    }
    const { units: byUnit, intervals } = store.getState().excursions;
    let counted = 0;
    for (const rec of byUnit.values()) counted += rec.closed.length;
    expect(intervals).toBe(EXCURSIONS_TOTAL);
    expect(counted).toBe(EXCURSIONS_TOTAL);
    // The newest round of every unit is kept.
    for (const rec of byUnit.values()) {
      expect(rec.closed[rec.closed.length - 1]?.[1]).toBe(
        T0 + (EXCURSIONS_PER_UNIT * 2 - 1) * MINUTE,
      );
    }
  });

  it('a unit that goes offline while out of range stays in its excursion until a reading in range', () => {
    const store = newStore();
    send(store, [r(0, 4), r(5, 9)]);
    store.dispatch({
      type: 'unit/state',
      unitId: 'u1',
      state: 'offline',
      at: T0 + 6 * MINUTE,
      receivedAt: T0 + 6 * MINUTE,
    });
    store.dispatch({ type: 'tick', now: T0 + 65 * MINUTE });
    expect(u1(store)?.openSince).toBe(T0 + 5 * MINUTE);
    expect(openExcursionMs(u1(store), T0 + 65 * MINUTE)).toBe(60 * MINUTE);
    // Back with a reading in range: the excursion ends at that reading's time.
    send(store, [r(70, 4)]);
    expect(u1(store)).toMatchObject({
      openSince: null,
      closed: [[T0 + 5 * MINUTE, T0 + 70 * MINUTE]],
    });
  });

  it('sign-out forgets them', () => {
    const store = newStore();
    send(store, [r(0, 9)]);
    store.dispatch({ type: 'session/cleared', at: T0 });
    expect(store.getState().excursions.units.size).toBe(0);
  });

  it('the unit view carries each unit’s excursion, and a start or end changes the view', () => {
    const store = newStore();
    const view = createWorkerView();
    send(store, [r(0, 4)]);
    const before = view(store.getState());
    expect(before.entries.find((e) => e.unitId === 'u1')?.excursion).toBeUndefined();
    send(store, [r(1, 9)]);
    const after = view(store.getState());
    expect(after.entries.find((e) => e.unitId === 'u1')?.excursion?.openSince).toBe(T0 + MINUTE);
    expect(sameView(before, after)).toBe(false);
    send(store, [r(2, 9.2)]);
    expect(sameView(after, view(store.getState()))).toBe(true);
  });
});

describe('the excursions effect: across a worker restart', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('writes within its throttle, never per reading, and a new worker restores the intervals', async () => {
    const store = newStore();
    const effect = createExcursionsEffect({ store, now: () => T0 });
    store.subscribe(effect.listener);
    const write = vi.spyOn(excursionsItem, 'setValue');
    send(store, [r(0, 9), r(30, 4)]);
    send(store, [r(40, 9)]);
    for (let i = 0; i < 50; i += 1) send(store, [r(41 + i * 0.1, 9.5)]);
    await vi.advanceTimersByTimeAsync(EXCURSIONS_PERSIST_MS);
    expect(write).toHaveBeenCalledTimes(1);
    effect.dispose();

    // The restarted worker: a new store, the same storage.
    const restarted = newStore();
    const again = createExcursionsEffect({ store: restarted, now: () => T0 + HOUR });
    again.restore(await again.load());
    expect(u1(restarted)).toEqual({
      openSince: T0 + 40 * MINUTE,
      before: T0 + 30 * MINUTE,
      closed: [[T0, T0 + 30 * MINUTE]],
    });
    expect(restarted.getState().excursions.intervals).toBe(1);
    // It goes on from there: the next in-range reading ends the restored excursion.
    send(restarted, [r(50, 4)]);
    expect(excursionTotalMs(u1(restarted), T0 + HOUR)).toBe(40 * MINUTE);
  });

  it('another organization’s intervals are not restored, and sign-out removes them', async () => {
    await excursionsItem.setValue({
      organizationId: 'other-org',
      savedAt: T0,
      units: { u1: { openSince: T0, before: null, closed: [] } },
    });
    const store = newStore();
    const effect = createExcursionsEffect({ store, now: () => T0 });
    store.subscribe(effect.listener);
    effect.restore(await effect.load());
    expect(store.getState().excursions.units.size).toBe(0);
    store.dispatch({ type: 'session/ended' });
    await vi.advanceTimersByTimeAsync(EXCURSIONS_PERSIST_MS);
    expect(await excursionsItem.getValue()).toBeNull();
  });
});
