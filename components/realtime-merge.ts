/**
 * Pure merges the realtime layer applies to cached data. Each returns the
 * previous value unchanged (same reference) when nothing changed, so React
 * Query observers do not re-render.
 */
import type { UnitChange } from '../lib/messages';
import type { Alert, Reading } from '../lib/model';
import { compareAlerts, HISTORY_LIMIT } from '../lib/state/page-rules';

/** How many readings a unit's history keeps: the worker's one cap (issue #9). */
export const HISTORY_CAP = HISTORY_LIMIT;

/** The worker's one alert order (issue #9), re-exported for the pages. */
export { compareAlerts };

/**
 * Appends `incoming` to `prev` (both oldest first by sensor time), drops
 * duplicate ids, keeps the newest `cap`.
 */
export function mergeHistory(
  prev: readonly Reading[],
  incoming: readonly Reading[],
  cap = HISTORY_CAP,
): Reading[] {
  if (incoming.length === 0) return prev as Reading[];
  const lastAt = prev[prev.length - 1]?.at;
  // The live path (#14): readings newer than the whole history cannot repeat
  // one of it (an id names one reading, taken at one time), so its ids are
  // only collected when something arrives late or again.
  const seen = new Set<string>(
    lastAt !== undefined && incoming.some((r) => r.at <= lastAt) ? prev.map((r) => r.id) : [],
  );
  const fresh: Reading[] = [];
  for (const r of incoming) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    fresh.push(r);
  }
  if (fresh.length === 0) return prev as Reading[];
  const last = prev[prev.length - 1];
  const inOrder = fresh.every((r, i) =>
    i === 0 ? !last || r.at >= last.at : r.at >= (fresh[i - 1] as Reading).at,
  );
  // Late readings (a sensor's backlog) are placed by sensor time, not arrival.
  const merged = inOrder ? [...prev, ...fresh] : [...prev, ...fresh].sort((a, b) => a.at - b.at);
  return merged.length > cap ? merged.slice(merged.length - cap) : merged;
}

/** The newest reading by sensor time among `current` and `incoming`. */
export function newestReading(
  current: Reading | null | undefined,
  incoming: readonly Reading[],
): Reading | null {
  let newest = current ?? null;
  for (const r of incoming) if (!newest || r.at > newest.at) newest = r;
  return newest;
}

/**
 * A unit's latest reading after a patch: the patch's word on it when it has
 * one (in full, or as the id of one of its `incoming` readings), else the
 * newest of what the page had and what came in.
 */
export function patchedLatest(
  current: Reading | null | undefined,
  incoming: readonly Reading[],
  change: UnitChange | undefined,
): Reading | null {
  if (change === undefined) return newestReading(current, incoming);
  if (!('latestId' in change)) return change.latest;
  return incoming.find((r) => r.id === change.latestId) ?? newestReading(current, incoming);
}

export function applyAlertChanges(
  prev: readonly Alert[],
  upsert: readonly Alert[],
  remove: readonly string[],
): Alert[] {
  if (upsert.length === 0 && remove.length === 0) return prev as Alert[];
  const byId = new Map(prev.map((a) => [a.id, a]));
  for (const id of remove) byId.delete(id);
  for (const a of upsert) byId.set(a.id, a);
  return [...byId.values()].sort(compareAlerts);
}

/** One alert as seen during this page's life; `closedAt` once the background dropped it. */
export interface AlertLogEntry {
  alert: Alert;
  closedAt: number | null;
}

/** Records new versions of alerts and closes removed ones, newest trigger first. */
export function logAlerts(
  prev: readonly AlertLogEntry[],
  seen: readonly Alert[],
  closedIds: ReadonlySet<string>,
  at: number,
): AlertLogEntry[] {
  const byId = new Map(prev.map((e) => [e.alert.id, e]));
  for (const alert of seen) byId.set(alert.id, { alert, closedAt: null });
  for (const id of closedIds) {
    const entry = byId.get(id);
    if (entry && entry.closedAt === null) byId.set(id, { ...entry, closedAt: at });
  }
  return [...byId.values()].sort((a, b) => b.alert.triggeredAt - a.alert.triggeredAt);
}
