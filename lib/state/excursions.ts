/**
 * Time out of range (issue #13): per unit, the excursion in progress and the
 * closed excursion intervals of the last 24 hours. Vaccine and food-safety
 * rules count cumulative excursion minutes, so the intervals are kept (not a
 * running total) and survive worker restarts (`lib/effects/excursions.ts`
 * persists them, `excursions/restored` brings them back).
 *
 * Rules, decided here once:
 * - A reading is out of range by the unit view's one rule (`readingOutOfRange`
 *   in `./page-rules.ts`): the same test that makes a row say "out of range".
 * - An excursion starts at the sensor time of the first out-of-range reading
 *   and ends at the sensor time of the first in-range reading after it.
 * - Readings are taken in sensor-time order. A late reading (older than the
 *   unit's newest) changes nothing, except that an out-of-range one newer
 *   than the last in-range reading before the excursion in progress moves
 *   its start back: the excursion began earlier than we first heard.
 * - A unit that goes offline or stale while out of range stays in its
 *   excursion until a reading in range arrives: nothing says it came back,
 *   and the rules this serves treat unknown time as time out of range. The
 *   row and the detail show the reading's age beside it.
 * - Bounded: at most `EXCURSIONS_PER_UNIT` closed intervals per unit (the two
 *   oldest are merged beyond it, counting the gap between them as out of
 *   range: a flapping unit is over-counted, never under-counted), at most
 *   `EXCURSIONS_TOTAL` in all (the unit with the oldest interval loses it),
 *   and intervals that ended more than 24 h ago are dropped on each tick.
 *
 * Cost: O(1) per reading (a lookup and two comparisons); the map is copied
 * only when an excursion starts or ends, never per reading (#14).
 */
import type { Reading, UnitInfo } from '../model';
import type { ReadingsBatch, State } from './state';
import { EXCURSION_WINDOW_MS, readingOutOfRange } from './page-rules';

// The sums the pages use too live in `./page-rules.ts` (issue #14, row 6b).
export { EXCURSION_WINDOW_MS, excursionTotalMs, openExcursionMs } from './page-rules';

/** Closed intervals kept per unit (a unit flapping across its limit every few minutes). */
export const EXCURSIONS_PER_UNIT = 48;
/** Closed intervals kept in all. */
export const EXCURSIONS_TOTAL = 5_000;

/** One unit's excursions. Immutable: replaced, never changed, so views compare by reference. */
export interface UnitExcursions {
  /** Sensor time (server clock) of the first out-of-range reading of the excursion in progress. */
  readonly openSince: number | null;
  /**
   * Sensor time of the newest reading before `openSince` (in range, or not
   * classified), or null when none is known: a late out-of-range reading
   * newer than it moves `openSince` back.
   */
  readonly before: number | null;
  /** Closed excursions `[start, end]` (sensor times), oldest first. */
  readonly closed: readonly (readonly [number, number])[];
}

export interface ExcursionState {
  readonly units: ReadonlyMap<string, UnitExcursions>;
  /** Closed intervals in all `units` (the total bound). */
  readonly intervals: number;
}

export const EMPTY_EXCURSIONS: ExcursionState = { units: new Map(), intervals: 0 };

const NONE: UnitExcursions = { openSince: null, before: null, closed: [] };

type Range = Pick<UnitInfo, 'tempMin' | 'tempMax'>;

/**
 * Applies a batch of readings. `newestAt` is the sensor time of the unit's
 * newest reading before them (from the live state before the event).
 */
function applyBatch(
  current: UnitExcursions,
  range: Range,
  readings: readonly Reading[],
  newestAt: number | null,
): UnitExcursions {
  let rec = current;
  let newest = newestAt;
  let sorted = true;
  for (let i = 1; i < readings.length; i += 1) {
    if ((readings[i] as Reading).at < (readings[i - 1] as Reading).at) sorted = false;
  }
  // Rare (a backlog out of order): sort a copy, so the batch is taken in sensor time.
  const inOrder = sorted ? readings : [...readings].sort((a, b) => a.at - b.at);
  for (const reading of inOrder) {
    const out = readingOutOfRange(range, reading.temperature) !== null;
    if (newest === null || reading.at >= newest) {
      if (out && rec.openSince === null) {
        rec = { openSince: reading.at, before: newest, closed: rec.closed };
      } else if (!out && rec.openSince !== null && reading.at > rec.openSince) {
        rec = {
          openSince: null,
          before: null,
          closed: [...rec.closed, [rec.openSince, reading.at]],
        };
      }
      newest = reading.at;
    } else if (
      out &&
      rec.openSince !== null &&
      reading.at < rec.openSince &&
      (rec.before === null || reading.at > rec.before)
    ) {
      rec = { ...rec, openSince: reading.at };
    }
  }
  return rec;
}

/** Merges the two oldest intervals while a unit has more than its bound. */
function boundUnit(rec: UnitExcursions): UnitExcursions {
  if (rec.closed.length <= EXCURSIONS_PER_UNIT) return rec;
  const closed = rec.closed.slice();
  while (closed.length > EXCURSIONS_PER_UNIT) {
    const [a, b] = closed.splice(0, 2) as [readonly [number, number], readonly [number, number]];
    closed.unshift([a[0], b[1]]);
  }
  return { ...rec, closed };
}

function withTotalBound(units: Map<string, UnitExcursions>, intervals: number): ExcursionState {
  let total = intervals;
  while (total > EXCURSIONS_TOTAL) {
    let oldestId: string | null = null;
    let oldestEnd = Infinity;
    for (const [id, rec] of units) {
      const first = rec.closed[0];
      if (first !== undefined && first[1] < oldestEnd) {
        oldestEnd = first[1];
        oldestId = id;
      }
    }
    if (oldestId === null) break;
    const rec = units.get(oldestId) as UnitExcursions;
    units.set(oldestId, { ...rec, closed: rec.closed.slice(1) });
    total -= 1;
  }
  return { units, intervals: total };
}

/**
 * The excursions after a readings event: `prev` and `next` are the live
 * state before and after it (ranges from the directory, the unit's newest
 * reading before the event). Returns `excursions` itself when nothing
 * started or ended.
 */
export function excursionsAfterReadings(
  excursions: ExcursionState,
  batches: readonly ReadingsBatch[],
  prev: State,
  next: State,
): ExcursionState {
  let units: Map<string, UnitExcursions> | null = null;
  let intervals = excursions.intervals;
  for (const batch of batches) {
    const info = next.directoryIndex.units.get(batch.unitId);
    // No range, nothing to be out of (ghost units, units before the directory loads).
    if (info === undefined || (info.tempMin === null && info.tempMax === null)) continue;
    if (batch.readings.length === 0) continue;
    const current = (units ?? excursions.units).get(batch.unitId) ?? NONE;
    const newestAt = prev.units.get(batch.unitId)?.latest?.at ?? null;
    const applied = applyBatch(current, info, batch.readings, newestAt);
    if (applied === current) continue;
    const bounded = boundUnit(applied);
    units ??= new Map(excursions.units);
    units.set(batch.unitId, bounded);
    intervals += bounded.closed.length - current.closed.length;
  }
  if (units === null) return excursions;
  return intervals > EXCURSIONS_TOTAL ? withTotalBound(units, intervals) : { units, intervals };
}

/**
 * Drops the intervals that ended before the window (`serverNow` minus 24 h),
 * and units left with nothing. Returns `excursions` itself when none did.
 */
export function pruneExcursions(excursions: ExcursionState, serverNow: number): ExcursionState {
  const cutoff = serverNow - EXCURSION_WINDOW_MS;
  let units: Map<string, UnitExcursions> | null = null;
  let intervals = excursions.intervals;
  for (const [id, rec] of excursions.units) {
    const first = rec.closed[0];
    if (first === undefined ? rec.openSince !== null : first[1] >= cutoff) continue;
    const closed = rec.closed.filter(([, end]) => end >= cutoff);
    units ??= new Map(excursions.units);
    intervals -= rec.closed.length - closed.length;
    if (closed.length === 0 && rec.openSince === null) units.delete(id);
    else units.set(id, { ...rec, closed });
  }
  return units === null ? excursions : { units, intervals };
}

/**
 * What a restarted worker saved, added where the units have nothing yet
 * (anything live since the start is newer), then bounded and pruned.
 */
export function restoreExcursions(
  excursions: ExcursionState,
  saved: Readonly<Record<string, UnitExcursions>>,
  serverNow: number,
): ExcursionState {
  const units = new Map(excursions.units);
  let intervals = excursions.intervals;
  for (const [id, rec] of Object.entries(saved)) {
    if (units.has(id)) continue;
    const bounded = boundUnit(rec);
    units.set(id, bounded);
    intervals += bounded.closed.length;
  }
  return pruneExcursions(withTotalBound(units, intervals), serverNow);
}
