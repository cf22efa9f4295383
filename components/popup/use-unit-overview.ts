/**
 * The list-level view of all units, as the worker decided it (issue #9): each
 * unit's condition, its place in the list (worst first), the counts for the
 * summary line. This hook only joins the worker's view with the directory's
 * names for search and grouping; it classifies nothing. Rows subscribe to
 * their own unit's readings separately.
 */
import { useMemo } from 'react';
import type { Directory, UnitInfo } from '../../lib/model';
import type { UnitExcursions } from '../../lib/state/excursions';
import type { UnitView } from '../../lib/state/unit-view';
import { useClockOffset, useDirectory, useUnitView } from '../live-data';
import { CONDITION_META, type UnitCondition } from '../unit-condition';
import { useNow } from '../use-now';

export interface UnitEntry {
  id: string;
  /** Stable per directory load, so memoised rows keep their props. */
  info: UnitInfo;
  siteName: string;
  areaName: string;
  condition: UnitCondition;
  rank: number;
  hasActiveAlert: boolean;
  /** The worker's excursion intervals for the unit (issue #13); absent when none. */
  excursion?: UnitExcursions;
  /** Name, area and site, lower-cased once per directory load: what search matches (#14). */
  searchKey: string;
}

export interface UnitOverview {
  /** In the worker's order: worst first. */
  entries: UnitEntry[];
  /** The worker's view (counts, alerts by severity), as sent. */
  view: UnitView;
  worst: UnitEntry | null;
  /** Server-clock "now", for the ages rows show. */
  now: number;
}

export const EMPTY_VIEW: UnitView = {
  entries: [],
  counts: { outOfRange: 0, offline: 0, stale: 0, noData: 0, inRange: 0 },
  conditions: {
    alarm: 0,
    high: 0,
    low: 0,
    warning: 0,
    offline: 0,
    stale: 0,
    'no-data': 0,
    ok: 0,
  },
  alerts: { critical: 0, unknown: 0, warning: 0, info: 0, total: 0 },
  acknowledged: 0,
  staleMs: 0,
};

function placeholderInfo(id: string): UnitInfo {
  return {
    id,
    name: id,
    siteId: '',
    areaId: '',
    unitType: '',
    tempMin: null,
    tempMax: null,
    tempUnit: 'C',
    sortOrder: 0,
    status: '',
    lastReadingAt: null,
    lastTemperature: null,
  };
}

/**
 * Lower-cased names per directory entry, made once: a keystroke used to
 * lower-case three names of every unit (#14, search ≤ 16 ms at 1,000 units).
 */
const searchKeys = new WeakMap<UnitInfo, string>();

function searchKeyOf(info: UnitInfo, areaName: string, siteName: string): string {
  let key = searchKeys.get(info);
  if (key === undefined) {
    // Newlines cannot be typed in the search box, so no match spans two names.
    key = `${info.name}\n${areaName}\n${siteName}`.toLocaleLowerCase();
    searchKeys.set(info, key);
  }
  return key;
}

/**
 * The worker's entries joined with the directory's names, in the worker's
 * order. Pure; `placeholders` keeps a unit the directory does not know on
 * one stable `info` object across renders.
 */
export function entriesFrom(
  view: UnitView,
  directory: Directory | null | undefined,
  placeholders: Map<string, UnitInfo> = new Map(),
): UnitEntry[] {
  const units = new Map((directory?.units ?? []).map((u) => [u.id, u]));
  const sites = new Map((directory?.sites ?? []).map((s) => [s.id, s.name]));
  const areas = new Map((directory?.areas ?? []).map((a) => [a.id, a.name]));
  return view.entries.map((entry): UnitEntry => {
    let info = units.get(entry.unitId);
    if (!info) {
      info = placeholders.get(entry.unitId) ?? placeholderInfo(entry.unitId);
      placeholders.set(entry.unitId, info);
    }
    const siteName = sites.get(info.siteId) ?? 'Other';
    const areaName = areas.get(info.areaId) ?? '';
    return {
      id: entry.unitId,
      info,
      siteName,
      areaName,
      condition: entry.condition,
      rank: CONDITION_META[entry.condition].rank,
      hasActiveAlert: entry.activeAlerts > 0,
      excursion: entry.excursion,
      searchKey: searchKeyOf(info, areaName, siteName),
    };
  });
}

export function useUnitOverview(): UnitOverview {
  const view = useUnitView() ?? EMPTY_VIEW;
  const directory = useDirectory();
  const offset = useClockOffset();
  const localNow = useNow();
  const placeholders = useMemo(() => new Map<string, UnitInfo>(), []);
  const entries = useMemo(
    () => entriesFrom(view, directory, placeholders),
    [view, directory, placeholders],
  );

  return useMemo(
    () => ({ entries, view, worst: entries[0] ?? null, now: localNow + offset }),
    [entries, view, localNow, offset],
  );
}
