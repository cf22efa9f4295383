/**
 * The few rules the pages apply to what the worker decided, in a module of
 * their own (issue #14, row 6b): the popup loads these, not the worker's
 * state code (the reducer's helpers, the unit view, the excursion tracker),
 * which is bundled with them otherwise. The worker uses the same functions
 * (re-exported by `./unit-view.ts`, `./excursions.ts`, `./selectors.ts` and
 * `./state.ts`), so the pages and the worker still cannot disagree (issue #9).
 */
import { SEVERITY_RANK } from '../format';
import type { Alert, Severity, UnitInfo } from '../model';
import type { UnitExcursions } from './excursions';
import type { UnitView } from './unit-view';

/** Readings kept per unit for the sparkline. */
export const HISTORY_LIMIT = 100;

// ---------------------------------------------------------------------------
// Unit conditions (`./unit-view.ts` decides them)
// ---------------------------------------------------------------------------

export type UnitCondition =
  'alarm' | 'high' | 'low' | 'warning' | 'offline' | 'stale' | 'no-data' | 'ok';

/** Sort rank, worst highest: alarm, out of range, warning, offline, stale/no data, ok. */
export const CONDITION_RANK: Record<UnitCondition, number> = {
  alarm: 6,
  high: 5,
  low: 5,
  warning: 4,
  offline: 3,
  stale: 2,
  'no-data': 2,
  ok: 0,
};

/** The buckets the summary line counts; every unit is in exactly one. */
export type ConditionGroup = 'outOfRange' | 'offline' | 'stale' | 'noData' | 'inRange';

export const CONDITION_GROUP: Record<UnitCondition, ConditionGroup> = {
  alarm: 'outOfRange',
  high: 'outOfRange',
  low: 'outOfRange',
  warning: 'outOfRange',
  offline: 'offline',
  stale: 'stale',
  'no-data': 'noData',
  ok: 'inRange',
};

/**
 * The one range rule: which side of its range a temperature (in the unit's
 * own scale) is on, or null when within it or the unit has no limit there.
 * The condition below and the excursion intervals (issue #13) both use it.
 */
export function readingOutOfRange(
  info: Pick<UnitInfo, 'tempMin' | 'tempMax'> | undefined,
  temperature: number,
): 'high' | 'low' | null {
  if (info?.tempMax != null && temperature > info.tempMax) return 'high';
  if (info?.tempMin != null && temperature < info.tempMin) return 'low';
  return null;
}

// ---------------------------------------------------------------------------
// The summary line
// ---------------------------------------------------------------------------

/** How the summary line names each severity (a record: a new severity must be named). */
export const SUMMARY_SEVERITY_WORDS: Record<Severity, string> = {
  critical: 'critical',
  unknown: 'unclassified',
  warning: 'warning',
  info: 'info',
};

const SUMMARY_SEVERITY_ORDER: readonly Severity[] = ['critical', 'unknown', 'warning', 'info'];

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The summary line, shared by the popup and the badge's tooltip: active
 * alerts by severity, then units out of range / offline / stale / without
 * data, then how many of the watched units are in range. E.g.
 * `1 critical alert · 2 out of range · 1 stale · 21 of 24 units in range`, or
 * `All 24 units in range` when nothing needs a look.
 */
export function summaryLine(
  view: Pick<UnitView, 'alerts' | 'counts'> & { entries: { readonly length: number } },
): string {
  const parts: string[] = [];
  for (const severity of SUMMARY_SEVERITY_ORDER) {
    const n = view.alerts[severity];
    if (n > 0)
      parts.push(
        count(
          n,
          `${SUMMARY_SEVERITY_WORDS[severity]} alert`,
          `${SUMMARY_SEVERITY_WORDS[severity]} alerts`,
        ),
      );
  }
  const { outOfRange, offline, stale, noData, inRange } = view.counts;
  if (outOfRange) parts.push(`${outOfRange} out of range`);
  if (offline) parts.push(`${offline} offline`);
  if (stale) parts.push(`${stale} stale`);
  if (noData) parts.push(`${noData} without data`);
  const total = view.entries.length;
  if (total === 0) parts.push('no units in scope');
  else if (inRange === total)
    parts.push(total === 1 ? 'the 1 unit is in range' : `all ${total} units in range`);
  else parts.push(`${inRange} of ${count(total, 'unit', 'units')} in range`);
  const line = parts.join(' · ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

// ---------------------------------------------------------------------------
// Time out of range (`./excursions.ts` keeps the intervals)
// ---------------------------------------------------------------------------

/** The window the cumulative time out of range covers. */
export const EXCURSION_WINDOW_MS = 24 * 60 * 60_000;

/** Time in the excursion in progress (ms), or null when the unit is in range. */
export function openExcursionMs(rec: UnitExcursions | undefined, serverNow: number): number | null {
  if (rec === undefined || rec.openSince === null) return null;
  return Math.max(0, serverNow - rec.openSince);
}

/**
 * Cumulative time out of range over the last 24 h (ms): each interval's
 * overlap with the window, the excursion in progress up to `serverNow`. The
 * worker and the pages use this one sum.
 */
export function excursionTotalMs(rec: UnitExcursions | undefined, serverNow: number): number {
  if (rec === undefined) return 0;
  const cutoff = serverNow - EXCURSION_WINDOW_MS;
  let total = 0;
  for (const [start, end] of rec.closed) {
    total += Math.max(0, Math.min(end, serverNow) - Math.max(start, cutoff));
  }
  if (rec.openSince !== null) total += Math.max(0, serverNow - Math.max(rec.openSince, cutoff));
  return total;
}

// ---------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------

/**
 * The one alert order (issue #9: the worker and the pages sorted differently):
 * active before acknowledged, then worst first (SEVERITY_RANK), then newest,
 * then by id for a stable order.
 */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    (a.status === b.status ? 0 : a.status === 'active' ? -1 : 1) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    b.triggeredAt - a.triggeredAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
