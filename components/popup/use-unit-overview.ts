/**
 * The list-level view of all units: each unit's condition, names for search
 * and grouping, the counts for the summary line. Recomputed when the set of
 * units, the directory, settings, alerts or some unit's condition changes
 * (`conditionEpoch`), and on the clock tick for staleness — never per reading.
 * Rows subscribe to their own unit's data separately.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { UnitInfo } from '../../lib/model';
import {
  useAlerts,
  useClockOffset,
  useConditionEpoch,
  useDirectory,
  usePreferences,
  useUnitIds,
} from '../live-data';
import { queryKeys, type UnitStatusData } from '../query-keys';
import {
  classifyUnit,
  CONDITION_META,
  isProblem,
  isStaleLike,
  type UnitCondition,
} from '../unit-condition';
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
}

export interface UnitOverview {
  entries: UnitEntry[];
  counts: { critical: number; warning: number; stale: number; offline: number };
  /** Active (unacknowledged) alerts in scope, by severity: what the badge counts. */
  activeAlerts: { total: number; critical: number; warning: number; info: number };
  worst: UnitEntry | null;
  /** Server-clock "now" used for staleness, passed to rows. */
  now: number;
  staleMs: number;
}

const DEFAULT_STALE_MINUTES = 10;

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

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Worst condition first, then by name. */
export function compareEntries(a: UnitEntry, b: UnitEntry): number {
  return b.rank - a.rank || byName.compare(a.info.name, b.info.name);
}

export function useUnitOverview(): UnitOverview {
  const queryClient = useQueryClient();
  const ids = useUnitIds();
  const directory = useDirectory();
  const preferences = usePreferences();
  const alerts = useAlerts();
  const epoch = useConditionEpoch();
  const offset = useClockOffset();
  const localNow = useNow();
  const staleMs = (preferences?.staleMinutes ?? DEFAULT_STALE_MINUTES) * 60_000;

  const placeholders = useMemo(() => new Map<string, UnitInfo>(), []);

  return useMemo(() => {
    void epoch; // a trigger: the statuses read below changed
    const now = localNow + offset;
    const units = new Map((directory?.units ?? []).map((u) => [u.id, u]));
    const sites = new Map((directory?.sites ?? []).map((s) => [s.id, s.name]));
    const areas = new Map((directory?.areas ?? []).map((a) => [a.id, a.name]));
    const active = (alerts ?? []).filter((a) => a.status === 'active');
    const alerting = new Set(active.map((a) => a.unitId));
    const activeAlerts = {
      total: active.length,
      critical: active.filter((a) => a.severity === 'critical').length,
      // A severity a newer server invented is treated like a warning.
      warning: active.filter((a) => a.severity === 'warning' || a.severity === 'unknown').length,
      info: active.filter((a) => a.severity === 'info').length,
    };
    const counts = { critical: 0, warning: 0, stale: 0, offline: 0 };
    const entries: UnitEntry[] = [];
    for (const id of ids ?? []) {
      let info = units.get(id);
      if (!info) {
        info = placeholders.get(id) ?? placeholderInfo(id);
        placeholders.set(id, info);
      }
      const status = queryClient.getQueryData<UnitStatusData>(queryKeys.unitStatus(id));
      const condition = classifyUnit(info, status, staleMs, now);
      if (condition === 'alarm') counts.critical += 1;
      else if (isProblem(condition)) counts.warning += 1;
      else if (condition === 'offline') counts.offline += 1;
      else if (isStaleLike(condition)) counts.stale += 1;
      entries.push({
        id,
        info,
        siteName: sites.get(info.siteId) ?? 'Other',
        areaName: areas.get(info.areaId) ?? '',
        condition,
        rank: CONDITION_META[condition].rank,
        hasActiveAlert: alerting.has(id),
      });
    }
    entries.sort(compareEntries);
    return { entries, counts, activeAlerts, worst: entries[0] ?? null, now, staleMs };
  }, [queryClient, ids, directory, alerts, epoch, offset, localNow, staleMs, placeholders]);
}
