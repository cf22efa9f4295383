/**
 * Issue #14: the worker's unit view is re-decided only for the units a batch
 * of readings or an alert changed (`createUnitViewCache`, `updateUnitView`,
 * `updateUnitViewAlerts`). Whatever
 * the sequence of events, the cached view must equal the view built whole
 * from the same state (a seeded property test, readings-heavy like the real
 * stream), and a batch that changes no unit's condition must give the very
 * same view object (so the pages are not sent it again).
 */
import { describe, expect, it } from 'vitest';
import type { Directory, Scope } from '../../lib/model';
import {
  createUnitViewCache,
  initialState,
  reduce,
  unitView,
  type State,
  type StateEvent,
} from '../../lib/state';
import { alert, MINUTE, reading, T0, unitInfo } from './fixtures';

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS = Array.from({ length: 24 }, (_, i) => `u${i + 1}`);
const STALE_MS = 15 * MINUTE;

function directoryAt(loadedAt: number): Directory {
  return {
    organizationId: 'org1',
    sites: [
      { id: 's1', name: 'Kitchen', timezone: 'UTC' },
      { id: 's2', name: 'Bar', timezone: 'UTC' },
    ],
    areas: [{ id: 'a1', siteId: 's1', name: 'Back' }],
    // Names that collate differently from their ids (numeric, case).
    units: UNITS.map((id, i) =>
      unitInfo({
        id,
        name: i % 3 === 0 ? `fridge ${24 - i}` : `Fridge ${i}`,
        siteId: `s${(i % 2) + 1}`,
      }),
    ),
    loadedAt,
  };
}

describe('unit view cache (issue #14)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`equals the view built whole after every event (seed ${seed})`, () => {
      const pick = random(seed);
      const one = <T>(list: readonly T[]): T => list[Math.floor(pick() * list.length)] as T;
      const scope: Scope =
        seed % 2 === 0
          ? { kind: 'organization' }
          : { kind: 'selection', siteIds: ['s1'], unitIds: ['u2'] };
      const cache = createUnitViewCache();
      let now = T0;
      let state: State = initialState(now);
      let seq = 0;
      const apply = (event: StateEvent) => {
        state = reduce(state, event);
      };
      apply({ type: 'connection/live', at: now, recovered: false });
      apply({ type: 'directory/loaded', directory: directoryAt(now) });
      for (let step = 0; step < 400; step += 1) {
        now += Math.floor(pick() * 3_000);
        const roll = pick();
        if (roll < 0.8) {
          const batches = Array.from({ length: 1 + Math.floor(pick() * 4) }, () => {
            const unitId = one([...UNITS, 'ghost']);
            seq += 1;
            return {
              unitId,
              readings: [
                reading({
                  id: `r${seq}`,
                  unitId,
                  // Mostly in range (2–5 °C), sometimes out, sometimes late.
                  temperature: pick() < 0.85 ? 3 + pick() : pick() * 12 - 3,
                  at: now - (pick() < 0.1 ? Math.floor(pick() * 30 * MINUTE) : 0),
                }),
              ],
            };
          });
          apply({ type: 'readings', batches, receivedAt: now });
        } else if (roll < 0.86) {
          seq += 1;
          apply({
            type: 'alert/triggered',
            receivedAt: now,
            alert: alert({
              id: `a${seq}`,
              // Now and then on a unit the directory does not list.
              unitId: one([...UNITS, 'ghost']),
              severity: one(['warning', 'critical', 'info']),
            }),
          });
        } else if (roll < 0.9 && state.alerts.size > 0) {
          // An open alert acknowledged, resolved or escalated.
          const open = one([...state.alerts.values()]);
          const what = pick();
          if (what < 0.4) {
            apply({
              type: 'alert/acknowledged',
              alertId: open.id,
              by: null,
              at: now,
              receivedAt: now,
            });
          } else if (what < 0.8) {
            apply({
              type: 'alert/resolved',
              alertId: open.id,
              unitId: open.unitId,
              at: now,
              receivedAt: now,
            });
          } else {
            apply({
              type: 'alert/escalated',
              alertId: open.id,
              unitId: open.unitId,
              level: 1,
              receivedAt: now,
            });
          }
        } else if (roll < 0.93) {
          apply({
            type: 'unit/state',
            unitId: one(UNITS),
            state: 'offline',
            at: now,
            receivedAt: now,
          });
        } else {
          now += Math.floor(pick() * 10 * MINUTE);
          apply({ type: 'tick', now });
        }
        const before = cache({ state, scope, staleMs: STALE_MS, now: state.now });
        const whole = unitView({ state, scope, staleMs: STALE_MS, now: state.now });
        expect(before, `seed ${seed}, step ${step}`).toEqual(whole);
      }
    });
  }

  it('gives the same view object when readings change no condition', () => {
    const cache = createUnitViewCache();
    // One scope object, as the store holds it (the cache compares it by reference).
    const org: Scope = { kind: 'organization' };
    let state = reduce(initialState(T0), { type: 'directory/loaded', directory: directoryAt(T0) });
    const batch = (id: string, temperature: number, n: number): StateEvent => ({
      type: 'readings',
      receivedAt: T0 + n,
      batches: [
        { unitId: id, readings: [reading({ id: `r${n}`, unitId: id, temperature, at: T0 + n })] },
      ],
    });
    state = reduce(state, batch('u1', 3, 1));
    const first = cache({
      state,
      scope: org,
      staleMs: STALE_MS,
      now: state.now,
    });
    state = reduce(state, batch('u1', 4, 2));
    const same = cache({
      state,
      scope: org,
      staleMs: STALE_MS,
      now: state.now,
    });
    expect(same).toBe(first);
    state = reduce(state, batch('u1', 9, 3));
    const moved = cache({
      state,
      scope: org,
      staleMs: STALE_MS,
      now: state.now,
    });
    expect(moved).not.toBe(first);
    expect(moved.entries[0]).toMatchObject({ unitId: 'u1', condition: 'high' });
    expect(moved.counts.outOfRange).toBe(1);
  });
});
