/**
 * The directory reload caused by units the directory does not know
 * (lib/directory-loader.ts `createUnknownUnitReload`), issue #11: a unit that
 * keeps reporting but is not in the directory used to reload the whole
 * directory every 6-7 s for ever. Fake timers; the reload is a stand-in that
 * records when it ran and what the directory then knows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  UNKNOWN_UNIT_RELOAD_MAX_MS,
  UNKNOWN_UNIT_RELOAD_MS,
  createUnknownUnitReload,
} from '../../lib/directory-loader';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

function setup(known: Set<string> = new Set()) {
  const reloads: number[] = [];
  const reload = createUnknownUnitReload({
    reload: async () => {
      reloads.push(Date.now() - T0);
    },
    isKnown: (unitId) => known.has(unitId),
  });
  return { reload, reloads, known };
}

/** The ghost reports once a second for `ms`. */
async function reportFor(reload: { notice(id: string): void }, id: string, ms: number) {
  for (let t = 0; t < ms; t += 1_000) {
    reload.notice(id);
    await vi.advanceTimersByTimeAsync(1_000);
  }
}

describe('directory reloads for unknown units (issue #11)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('backs off exponentially, up to 10 min, while a unit keeps reporting and never appears', async () => {
    const { reload, reloads } = setup();
    await reportFor(reload, 'ghost', 60 * 60_000);
    const gaps = reloads.slice(1).map((at, i) => at - (reloads[i] ?? 0));
    // Each wait at least doubles the last until the cap (plus up to 1 s until the next sighting).
    for (let i = 1; i < gaps.length; i += 1) {
      const previous = gaps[i - 1] ?? 0;
      expect(gaps[i]).toBeGreaterThanOrEqual(
        Math.min(UNKNOWN_UNIT_RELOAD_MAX_MS, previous * 2 - 1_000),
      );
    }
    expect(Math.max(...gaps)).toBeLessThanOrEqual(UNKNOWN_UNIT_RELOAD_MAX_MS + 1_000);
    // An hour: a dozen reloads, not the 500+ of a reload every 6-7 s.
    expect(reloads.length).toBeLessThanOrEqual(14);
    expect(reloads[0]).toBe(UNKNOWN_UNIT_RELOAD_MS);
    expect(reload.delay()).toBe(UNKNOWN_UNIT_RELOAD_MAX_MS);
  });

  it('is back to the first delay after a reload that found the unit', async () => {
    const { reload, reloads, known } = setup();
    await reportFor(reload, 'ghost', 60_000);
    expect(reload.delay()).toBeGreaterThan(UNKNOWN_UNIT_RELOAD_MS);
    known.add('new-unit');
    reload.notice('new-unit');
    await vi.advanceTimersByTimeAsync(UNKNOWN_UNIT_RELOAD_MAX_MS);
    expect(reload.delay()).toBe(UNKNOWN_UNIT_RELOAD_MS);
    const count = reloads.length;
    reload.notice('another-new-unit');
    await vi.advanceTimersByTimeAsync(UNKNOWN_UNIT_RELOAD_MS);
    expect(reloads.length).toBe(count + 1);
  });

  it('reset() (a new session) starts from the first delay; dispose() stops it', async () => {
    const { reload, reloads } = setup();
    await reportFor(reload, 'ghost', 120_000);
    reload.reset();
    expect(reload.delay()).toBe(UNKNOWN_UNIT_RELOAD_MS);
    reload.notice('ghost');
    reload.dispose();
    const count = reloads.length;
    await vi.advanceTimersByTimeAsync(UNKNOWN_UNIT_RELOAD_MAX_MS);
    expect(reloads.length).toBe(count);
  });

  it('nothing reported, nothing reloaded', async () => {
    const { reloads } = setup();
    await vi.advanceTimersByTimeAsync(UNKNOWN_UNIT_RELOAD_MAX_MS);
    expect(reloads).toEqual([]);
  });
});
