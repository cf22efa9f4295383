/**
 * Read-only views of `State` for the badge, notifications and pages.
 *
 * Scope rule: a unit is in scope when it is selected by id, or when the
 * directory lists it and the scope is the whole organization or its site is
 * selected. Before any directory has loaded every unit is (nothing can be
 * told apart yet); after, a unit the directory does not list is a ghost
 * (issue #11: inactive, deleted or made up) and is not watched: it does not
 * count among the units, the stale ones, or the pages' rows.
 *
 * Alerts are different: an alert whose unit the directory does not know is
 * always in scope. The directory can be late or stale, and hiding an alert
 * because of that would be the worst failure this extension can have.
 */
import { SEVERITY_RANK } from '../format';
import type { Alert, Scope, Severity } from '../model';
import type { UnitLive } from '../messages';
import { compareAlerts } from './page-rules';
import type { State } from './state';

// The one alert order lives in `./page-rules.ts`, which the pages load (issue #14, row 6b).
export { compareAlerts } from './page-rules';

/**
 * True when the unit's newest data (live, else the directory's) is older than
 * `staleMs`. `now` (local clock) defaults to the state's last tick.
 */
export function isStale(
  unit: Pick<UnitLive, 'unitId' | 'latest'>,
  state: State,
  staleMs: number,
  now: number = state.now,
): boolean {
  const last =
    unit.latest?.at ?? state.directoryIndex.units.get(unit.unitId)?.lastReadingAt ?? null;
  if (last === null) return true;
  // Sensor times are on the server's clock; compare with the server's "now".
  const serverNow = now + state.connection.clockOffset;
  return serverNow - last > staleMs;
}

/** Whether a unit is watched under `scope` (see the scope rule above). */
export function isUnitInScope(state: State, scope: Scope, unitId: string): boolean {
  if (scope.kind === 'selection' && scope.unitIds.includes(unitId)) return true;
  const info = state.directoryIndex.units.get(unitId);
  if (info === undefined) return state.directory === null;
  return scope.kind === 'organization' || scope.siteIds.includes(info.siteId);
}

/** Whether an alert on `unitId` is shown under `scope`: unknown units' alerts always are. */
export function isAlertInScope(state: State, scope: Scope, unitId: string): boolean {
  return !state.directoryIndex.units.has(unitId) || isUnitInScope(state, scope, unitId);
}

/** Ids of the watched units: the directory's in scope (and live ones before it loads). */
export function unitsInScope(state: State, scope: Scope): string[] {
  const ids = new Set<string>();
  for (const unit of state.directoryIndex.units.values()) {
    if (isUnitInScope(state, scope, unit.id)) ids.add(unit.id);
  }
  if (scope.kind === 'selection') {
    for (const id of scope.unitIds) ids.add(id);
  }
  for (const id of state.units.keys()) {
    if (isUnitInScope(state, scope, id)) ids.add(id);
  }
  return [...ids];
}

function alertsWhere(state: State, keep: (alert: Alert) => boolean): Alert[] {
  const out: Alert[] = [];
  for (const alert of state.alerts.values()) if (keep(alert)) out.push(alert);
  return out.sort(compareAlerts);
}

/** Unacknowledged open alerts (optionally in scope), worst first. */
export function activeAlerts(state: State, scope?: Scope): Alert[] {
  return alertsWhere(
    state,
    (alert) =>
      alert.status === 'active' &&
      (scope === undefined || isAlertInScope(state, scope, alert.unitId)),
  );
}

/** All open alerts (optionally in scope): active ones first, each group worst first. */
export function openAlerts(state: State, scope?: Scope): Alert[] {
  return alertsWhere(
    state,
    (alert) => scope === undefined || isAlertInScope(state, scope, alert.unitId),
  );
}

export type SeverityCounts = Record<Severity, number> & { total: number };

export interface AlertCounts {
  /** Open, not acknowledged: these drive the badge. */
  active: SeverityCounts;
  acknowledged: SeverityCounts;
}

function emptyCounts(): SeverityCounts {
  return { critical: 0, unknown: 0, warning: 0, info: 0, total: 0 };
}

/** Open alerts counted by status and severity (optionally in scope). */
export function alertCounts(state: State, scope?: Scope): AlertCounts {
  const counts: AlertCounts = { active: emptyCounts(), acknowledged: emptyCounts() };
  for (const alert of state.alerts.values()) {
    if (scope !== undefined && !isAlertInScope(state, scope, alert.unitId)) continue;
    const bucket = alert.status === 'active' ? counts.active : counts.acknowledged;
    bucket[alert.severity] += 1;
    bucket.total += 1;
  }
  return counts;
}

/** The worst severity among active alerts in scope, or null when there are none. */
export function worstActiveSeverity(state: State, scope?: Scope): Severity | null {
  let worst: Severity | null = null;
  for (const alert of state.alerts.values()) {
    if (alert.status !== 'active') continue;
    if (scope !== undefined && !isAlertInScope(state, scope, alert.unitId)) continue;
    if (worst === null || SEVERITY_RANK[alert.severity] > SEVERITY_RANK[worst])
      worst = alert.severity;
  }
  return worst;
}

/** Display names for an alert's unit and site; the unit id when the directory does not know it. */
export function unitLabel(state: State, unitId: string): { unit: string; site: string | null } {
  const info = state.directoryIndex.units.get(unitId);
  if (info === undefined) return { unit: unitId, site: null };
  return { unit: info.name, site: state.directoryIndex.sites.get(info.siteId)?.name ?? null };
}

/** Counts a list of alerts by severity. */
export function severitySummaryCounts(alerts: Iterable<Alert>): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, unknown: 0, warning: 0, info: 0 };
  for (const alert of alerts) counts[alert.severity] += 1;
  return counts;
}
