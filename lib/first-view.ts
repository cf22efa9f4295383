/**
 * The popup's first view (#14, popup open → first rows ≤ 100 ms): what the
 * popup showed last, as the worker holds it, small enough to paint before
 * React has loaded. The worker keeps it in `storage.session`
 * (`lib/effects/first-view.ts`); the popup's entry module paints it as "last
 * known, updating", then the live popup replaces it once its snapshot is in.
 * It is built from the worker's one unit view, so its summary and rows agree
 * with the badge the view decided (issue #9).
 */
import type { Preferences } from './model';
import type { TempUnit } from './protocol';
import type { UnitExcursions } from './state/excursions';
import type { AlertTally, ConditionGroup, UnitCondition, UnitView } from './state/unit-view';
import type { WorkerState } from './store';

/** Rows in the first view: the popup list's first page (components/popup/UnitList.tsx). */
export const FIRST_VIEW_ROWS = 50;

/** The `storage.session` key (`firstViewItem` in lib/storage.ts); the popup reads it raw. */
export const FIRST_VIEW_KEY = 'firstView';

export interface FirstViewRow {
  id: string;
  name: string;
  siteId: string;
  areaId: string;
  siteName: string;
  areaName: string;
  tempMin: number | null;
  tempMax: number | null;
  tempUnit: TempUnit;
  condition: UnitCondition;
  /** The newest reading (sensor time), or null when the unit never reported. */
  latest: {
    temperature: number;
    humidity: number | null;
    battery: number | null;
    at: number;
  } | null;
  excursion?: UnitExcursions;
}

export interface FirstView {
  organizationId: string;
  /** Local clock when the worker built it: the "as of" the popup shows. */
  savedAt: number;
  /** Server clock minus local clock, for the rows' ages. */
  clockOffset: number;
  tempScale: Preferences['tempScale'];
  /** When the worker last had data (local clock); the first view is never shown as live. */
  lastDataAt: number | null;
  /** The summary's facts, from the same view as the rows. */
  alerts: AlertTally;
  counts: Record<ConditionGroup, number>;
  conditions: Record<UnitCondition, number>;
  /** Units in the view; the rows are its first `FIRST_VIEW_ROWS`, worst first. */
  total: number;
  rows: FirstViewRow[];
}

const areaNames = new WeakMap<object, Map<string, string>>();

function areaNamesOf(worker: WorkerState): Map<string, string> {
  const directory = worker.live.directory;
  if (directory === null) return new Map();
  let names = areaNames.get(directory);
  if (names === undefined) {
    names = new Map(directory.areas.map((a) => [a.id, a.name]));
    areaNames.set(directory, names);
  }
  return names;
}

/**
 * The first view of `view` (the worker's unit view of `worker`), or null when
 * signed out. Names are joined as the popup joins them
 * (components/popup/use-unit-overview.ts `entriesFrom`). Pure.
 */
export function firstViewOf(worker: WorkerState, view: UnitView, now: number): FirstView | null {
  const { session, live: state } = worker;
  if (session === null) return null;
  const areas = areaNamesOf(worker);
  const rows = view.entries.slice(0, FIRST_VIEW_ROWS).map((entry): FirstViewRow => {
    const info = state.directoryIndex.units.get(entry.unitId);
    const latest = state.units.get(entry.unitId)?.latest ?? null;
    const row: FirstViewRow = {
      id: entry.unitId,
      name: info?.name ?? entry.unitId,
      siteId: info?.siteId ?? '',
      areaId: info?.areaId ?? '',
      siteName: (info && state.directoryIndex.sites.get(info.siteId)?.name) ?? 'Other',
      areaName: (info && areas.get(info.areaId)) ?? '',
      tempMin: info?.tempMin ?? null,
      tempMax: info?.tempMax ?? null,
      tempUnit: info?.tempUnit ?? 'C',
      condition: entry.condition,
      latest:
        latest === null
          ? null
          : {
              temperature: latest.temperature,
              humidity: latest.humidity,
              battery: latest.battery,
              at: latest.at,
            },
    };
    if (entry.excursion !== undefined) row.excursion = entry.excursion;
    return row;
  });
  return {
    // First: the effect stamps the time on the stored text (lib/effects/first-view.ts).
    savedAt: now,
    organizationId: session.organizationId,
    clockOffset: state.connection.clockOffset,
    tempScale: worker.preferences.tempScale,
    lastDataAt: state.connection.lastDataAt,
    alerts: view.alerts,
    counts: view.counts,
    conditions: view.conditions,
    total: view.entries.length,
    rows,
  };
}
