/**
 * The unit view: what every surface says about the watched units, decided
 * once, here, in the worker (issue #9; STYLE.md §16). The badge, its tooltip,
 * the popup's summary line, its rows and the unit detail all display this
 * view; none of them classifies a unit again, so they cannot disagree.
 *
 * A unit's condition weighs, in this order: its active alerts and the
 * server's word on its state (`unit:state:changed`, else the directory's
 * REST `status`, whichever is newer), whether it has reported at all, one
 * staleness rule (`Preferences.staleMinutes`), then its newest reading
 * against its range. Units that never reported are in the list and the
 * counts ("no data"), and so is a unit only an alert names.
 */
import { SEVERITY_RANK } from '../format';
import type { Scope, Severity, UnitState } from '../model';
import type { UnitExcursions } from './excursions';
import {
  CONDITION_GROUP,
  CONDITION_RANK,
  readingOutOfRange,
  type ConditionGroup,
  type UnitCondition,
} from './page-rules';
import { isAlertInScope, isStale, isUnitInScope, unitsInScope } from './selectors';
import type { State } from './state';

// The rules the pages use too live in `./page-rules.ts` (issue #14, row 6b).
export {
  CONDITION_GROUP,
  CONDITION_RANK,
  readingOutOfRange,
  SUMMARY_SEVERITY_WORDS,
  summaryLine,
  type ConditionGroup,
  type UnitCondition,
} from './page-rules';

export interface UnitViewEntry {
  unitId: string;
  condition: UnitCondition;
  /** Active (unacknowledged) alerts on the unit. */
  activeAlerts: number;
  /** The worst of them, or null. */
  worstAlert: Severity | null;
  /**
   * Its excursions (issue #13): the one in progress and the closed ones of
   * the last 24 h, the same object until one starts or ends. Absent when it
   * has none; the pages compute the live minutes with `excursionTotalMs`.
   */
  excursion?: UnitExcursions;
}

export type AlertTally = Record<Severity, number> & { total: number };

export interface UnitView {
  /** Every watched unit, worst first, then by name. */
  entries: UnitViewEntry[];
  /** Units per summary bucket; they add up to `entries.length`. */
  counts: Record<ConditionGroup, number>;
  /** Units per condition (the summary's tone and the worst unit). */
  conditions: Record<UnitCondition, number>;
  /** Active alerts in scope by severity: what the badge counts. */
  alerts: AlertTally;
  /** Acknowledged open alerts in scope (mentioned, never counted on the badge). */
  acknowledged: number;
  /** The staleness the view was decided with (ms). */
  staleMs: number;
}

export interface UnitViewInput {
  state: State;
  scope: Scope;
  staleMs: number;
  /** Local clock. */
  now: number;
  /** Excursions per unit (`./excursions.ts`); none when absent. */
  excursions?: ReadonlyMap<string, UnitExcursions>;
}

/**
 * The directory's REST `status` as a unit state (PROTOCOL.md lists `ok`,
 * `excursion`, `alarm_active`, `monitoring_interrupted`, `manual_required`,
 * `restoring`, `offline`; anything newer is `unknown`).
 */
export const REST_UNIT_STATUS: Readonly<Record<string, UnitState>> = {
  ok: 'normal',
  excursion: 'warning',
  alarm_active: 'critical',
  monitoring_interrupted: 'offline',
  manual_required: 'warning',
  restoring: 'warning',
  offline: 'offline',
};

/**
 * The server's word on a unit's state: the live `unit:state:changed` when it
 * is newer than the directory's load, else the directory's REST `status`
 * (the only source after a reconnect Socket.IO did not recover: the
 * directory is read again then, issue #9).
 */
export function serverUnitState(state: State, unitId: string): UnitState {
  const live = state.units.get(unitId);
  const liveAt = state.unitStateAt.get(unitId);
  const info = state.directoryIndex.units.get(unitId);
  const rest = info === undefined ? 'unknown' : (REST_UNIT_STATUS[info.status] ?? 'unknown');
  const liveState = live?.state ?? 'unknown';
  if (liveState === 'unknown') return rest;
  if (rest === 'unknown') return liveState;
  // A restored state (no time) is older than any directory read since.
  if (liveAt === undefined) return rest;
  return state.directory === null || liveAt >= state.directory.loadedAt ? liveState : rest;
}

/** Whether a unit's latest reading is out of its range (the rule above); null without a reading. */
export function latestOutOfRange(state: State, unitId: string): 'high' | 'low' | null {
  const latest = state.units.get(unitId)?.latest ?? null;
  return latest === null
    ? null
    : readingOutOfRange(state.directoryIndex.units.get(unitId), latest.temperature);
}

/** One unit's condition. Pure; the only classification in the extension. */
export function unitCondition(
  state: State,
  unitId: string,
  worstAlert: Severity | null,
  staleMs: number,
  now: number,
): UnitCondition {
  const server = serverUnitState(state, unitId);
  if (worstAlert === 'critical' || server === 'critical') return 'alarm';
  if (server === 'offline') return 'offline';
  const latest = state.units.get(unitId)?.latest ?? null;
  if (latest === null) return 'no-data';
  if (isStale({ unitId, latest }, state, staleMs, now)) return 'stale';
  const side = readingOutOfRange(state.directoryIndex.units.get(unitId), latest.temperature);
  if (side !== null) return side;
  if (worstAlert === 'warning' || worstAlert === 'unknown' || server === 'warning') {
    return 'warning';
  }
  return 'ok';
}

function emptyTally(): AlertTally {
  return { critical: 0, unknown: 0, warning: 0, info: 0, total: 0 };
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Each unit's place in name order (by directory name, the id when it has
 * none, then by id), computed once per directory load. Comparing two
 * integers instead of two names with `Intl.Collator` made sorting 1,000
 * units about ten times cheaper; it was most of the view's cost (#14).
 */
const nameRankCache = new WeakMap<State['directoryIndex'], Map<string, number>>();

function nameRanks(state: State, entries: readonly UnitViewEntry[]): Map<string, number> {
  const cached = nameRankCache.get(state.directoryIndex);
  if (cached !== undefined && entries.every((e) => cached.has(e.unitId))) return cached;
  const ids = new Set<string>(state.directoryIndex.units.keys());
  for (const e of entries) ids.add(e.unitId);
  const named = [...ids].map((id) => ({
    id,
    name: state.directoryIndex.units.get(id)?.name ?? id,
  }));
  named.sort((a, b) => byName.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ranks = new Map(named.map((n, i) => [n.id, i]));
  nameRankCache.set(state.directoryIndex, ranks);
  return ranks;
}

/** Worst first, then the worst alert, then by name (`nameRanks`). Sorts in place. */
function sortEntries(entries: UnitViewEntry[], ranks: ReadonlyMap<string, number>): void {
  entries.sort(
    (a, b) =>
      CONDITION_RANK[b.condition] - CONDITION_RANK[a.condition] ||
      (b.worstAlert === null ? 0 : SEVERITY_RANK[b.worstAlert]) -
        (a.worstAlert === null ? 0 : SEVERITY_RANK[a.worstAlert]) ||
      (ranks.get(a.unitId) as number) - (ranks.get(b.unitId) as number),
  );
}

/** The alerts in scope: tallied by severity, the acknowledged counted, and per unit. */
interface AlertFigures {
  alerts: AlertTally;
  acknowledged: number;
  /** Active alerts and the worst of them, for the units `only` keeps (all without it). */
  perUnit: Map<string, { count: number; worst: Severity }>;
}

function alertFigures(state: State, scope: Scope, only?: ReadonlySet<string>): AlertFigures {
  const alerts = emptyTally();
  let acknowledged = 0;
  const perUnit = new Map<string, { count: number; worst: Severity }>();
  for (const alert of state.alerts.values()) {
    if (!isAlertInScope(state, scope, alert.unitId)) continue;
    if (alert.status !== 'active') {
      acknowledged += 1;
      continue;
    }
    alerts[alert.severity] += 1;
    alerts.total += 1;
    if (only !== undefined && !only.has(alert.unitId)) continue;
    const current = perUnit.get(alert.unitId);
    if (current === undefined) perUnit.set(alert.unitId, { count: 1, worst: alert.severity });
    else {
      current.count += 1;
      if (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[current.worst])
        current.worst = alert.severity;
    }
  }
  return { alerts, acknowledged, perUnit };
}

/** Builds the view. Pure: same state, scope, staleness and clock, same view. */
export function unitView({ state, scope, staleMs, now, excursions }: UnitViewInput): UnitView {
  const { alerts, acknowledged, perUnit } = alertFigures(state, scope);
  const ids = new Set(unitsInScope(state, scope));
  // A unit only an alert names is still a unit to show (issue #9).
  for (const unitId of perUnit.keys()) ids.add(unitId);
  for (const alert of state.alerts.values()) {
    if (isAlertInScope(state, scope, alert.unitId)) ids.add(alert.unitId);
  }
  const counts: Record<ConditionGroup, number> = {
    outOfRange: 0,
    offline: 0,
    stale: 0,
    noData: 0,
    inRange: 0,
  };
  const conditions: Record<UnitCondition, number> = {
    alarm: 0,
    high: 0,
    low: 0,
    warning: 0,
    offline: 0,
    stale: 0,
    'no-data': 0,
    ok: 0,
  };
  const entries: UnitViewEntry[] = [];
  for (const unitId of ids) {
    const mine = perUnit.get(unitId);
    const worstAlert = mine?.worst ?? null;
    const condition = unitCondition(state, unitId, worstAlert, staleMs, now);
    counts[CONDITION_GROUP[condition]] += 1;
    conditions[condition] += 1;
    const entry: UnitViewEntry = {
      unitId,
      condition,
      activeAlerts: mine?.count ?? 0,
      worstAlert,
    };
    const excursion = excursions?.get(unitId);
    if (excursion !== undefined) entry.excursion = excursion;
    entries.push(entry);
  }
  sortEntries(entries, nameRanks(state, entries));
  return { entries, counts, conditions, alerts, acknowledged, staleMs };
}

/** True when two views would render the same (so an unchanged view is not sent again). */
export function sameView(a: UnitView | null, b: UnitView): boolean {
  if (a === b) return true;
  if (a === null || a.entries.length !== b.entries.length) return false;
  if (a.staleMs !== b.staleMs || a.acknowledged !== b.acknowledged) return false;
  for (const key of Object.keys(b.alerts) as (keyof AlertTally)[]) {
    if (a.alerts[key] !== b.alerts[key]) return false;
  }
  for (let i = 0; i < b.entries.length; i += 1) {
    const x = a.entries[i] as UnitViewEntry;
    const y = b.entries[i] as UnitViewEntry;
    if (
      x.unitId !== y.unitId ||
      x.condition !== y.condition ||
      x.activeAlerts !== y.activeAlerts ||
      x.worstAlert !== y.worstAlert ||
      x.excursion !== y.excursion
    )
      return false;
  }
  return true;
}

/** The server time a unit's data turns stale at, or null when it has none. */
function staleAt(state: State, unitId: string, staleMs: number): number | null {
  const last =
    state.units.get(unitId)?.latest?.at ??
    state.directoryIndex.units.get(unitId)?.lastReadingAt ??
    null;
  return last === null ? null : last + staleMs;
}

/**
 * The earliest server time at which a unit of the view that is not stale
 * now turns stale (`isStale`): until then time alone changes no condition.
 */
function nextStaleAt(
  state: State,
  entries: readonly UnitViewEntry[],
  input: UnitViewInput,
): number {
  const serverNow = input.now + state.connection.clockOffset;
  let next = Infinity;
  for (const { unitId } of entries) {
    const at = staleAt(state, unitId, input.staleMs);
    if (at !== null && at >= serverNow && at < next) next = at;
  }
  return next;
}

/**
 * Copy-on-write changes to a view's entries and counts: nothing is copied
 * until the first entry changes condition or figures.
 */
function entryEdits(view: UnitView) {
  let entries: UnitViewEntry[] | null = null;
  let counts = view.counts;
  let conditions = view.conditions;
  return {
    /** Puts `next` in place of `entry` (at `at`), moving it between the counts. */
    replace(at: number, entry: UnitViewEntry, next: UnitViewEntry): void {
      if (entries === null) {
        entries = [...view.entries];
        counts = { ...counts };
        conditions = { ...conditions };
      }
      counts[CONDITION_GROUP[entry.condition]] -= 1;
      counts[CONDITION_GROUP[next.condition]] += 1;
      conditions[entry.condition] -= 1;
      conditions[next.condition] += 1;
      entries[at] = next;
    },
    /** The changed parts, or null when nothing changed. */
    done(): Pick<UnitView, 'entries' | 'counts' | 'conditions'> | null {
      return entries === null ? null : { entries, counts, conditions };
    },
  };
}

/**
 * Re-decides only the units whose live state changed since `view` was built
 * from `before`, when nothing else the view depends on moved but readings
 * and the clock, and the clock did not reach `deadline` (`nextStaleAt`):
 * readings are the worker's hot path, and every batch moves the clock (#14).
 * Returns `view` itself when no condition changed, a re-sorted copy when one
 * did, and `null` when the view must be built whole (a unit appeared or went).
 */
export function updateUnitView(
  view: UnitView,
  index: ReadonlyMap<string, number>,
  before: State,
  input: UnitViewInput,
): { view: UnitView; deadline: number } | null {
  const { state, staleMs, now } = input;
  if (before.units.size !== state.units.size) return null;
  const edits = entryEdits(view);
  let deadline = Infinity;
  for (const [unitId, unit] of state.units) {
    const old = before.units.get(unitId);
    if (old === unit) continue;
    if (old === undefined) return null;
    const at = index.get(unitId);
    // Not in the view (a ghost, out of scope): a reading does not bring it in.
    if (at === undefined) continue;
    const until = staleAt(state, unitId, staleMs);
    if (until !== null && until >= now + state.connection.clockOffset && until < deadline) {
      deadline = until;
    }
    const entry = view.entries[at] as UnitViewEntry;
    const condition = unitCondition(state, unitId, entry.worstAlert, staleMs, now);
    if (condition === entry.condition) continue;
    edits.replace(at, entry, { ...entry, condition });
  }
  const changed = edits.done();
  if (changed === null) return { view, deadline };
  sortEntries(changed.entries, nameRanks(state, changed.entries));
  return { view: { ...view, ...changed }, deadline };
}

/** More alerts changed than this at once (a resync's list): the view is built whole. */
const ALERT_UPDATE_LIMIT = 32;

/**
 * Re-decides only the units whose alerts changed since `view` was built from
 * `before` (#14: every alert triggered, acknowledged or resolved rebuilt the
 * view of 1,000 units on the way to the badge), with the tallies counted
 * again over the alerts. Each such unit must be one the view shows whatever
 * its alerts (a directory unit in scope); otherwise, or when many alerts
 * moved, returns `null` and the view is built whole. Readings are left to
 * `updateUnitView`: run this first, then that.
 */
export function updateUnitViewAlerts(
  view: UnitView,
  index: ReadonlyMap<string, number>,
  before: State,
  input: UnitViewInput,
): UnitView | null {
  const { state, scope, staleMs, now } = input;
  const touched = new Set<string>();
  for (const [id, alert] of state.alerts) {
    const old = before.alerts.get(id);
    if (old === alert) continue;
    touched.add(alert.unitId);
    if (old !== undefined) touched.add(old.unitId);
  }
  for (const [id, old] of before.alerts) {
    if (!state.alerts.has(id)) touched.add(old.unitId);
  }
  if (touched.size > ALERT_UPDATE_LIMIT) return null;
  for (const unitId of touched) {
    if (
      !index.has(unitId) ||
      !state.directoryIndex.units.has(unitId) ||
      !isUnitInScope(state, scope, unitId)
    ) {
      return null;
    }
  }
  // The tallies over every alert (few), the per-unit figures for the touched units.
  const { alerts, acknowledged, perUnit } = alertFigures(state, scope, touched);
  const edits = entryEdits(view);
  for (const unitId of touched) {
    const at = index.get(unitId) as number;
    const entry = view.entries[at] as UnitViewEntry;
    const mine = perUnit.get(unitId);
    const worstAlert = mine?.worst ?? null;
    const activeAlerts = mine?.count ?? 0;
    const condition = unitCondition(state, unitId, worstAlert, staleMs, now);
    if (
      condition === entry.condition &&
      worstAlert === entry.worstAlert &&
      activeAlerts === entry.activeAlerts
    ) {
      continue;
    }
    edits.replace(at, entry, { ...entry, condition, activeAlerts, worstAlert });
  }
  const sameTally =
    acknowledged === view.acknowledged &&
    (Object.keys(alerts) as (keyof AlertTally)[]).every((key) => alerts[key] === view.alerts[key]);
  const changed = edits.done();
  if (changed === null) return sameTally ? view : { ...view, alerts, acknowledged };
  sortEntries(changed.entries, nameRanks(state, changed.entries));
  return { ...view, ...changed, alerts, acknowledged };
}

/**
 * A memo of `unitView` for the worker's effects: the badge and the pages ask
 * for the view of the same state, and it is built once. When only readings
 * (and the clock they move) changed, only the units they changed are decided
 * again (`updateUnitView`); the view is built whole when anything else moved,
 * or when the clock reached the next unit's staleness.
 */
export function createUnitViewCache(): (input: UnitViewInput) => UnitView {
  let key: readonly unknown[] = [];
  let cached: UnitView | null = null;
  let cachedState: State | null = null;
  let cachedNow = -Infinity;
  /** Server time before which time alone changes no condition (`nextStaleAt`). */
  let deadline = -Infinity;
  /** unitId → its place in `cached.entries`, built when first needed. */
  let index: Map<string, number> | null = null;
  return (input) => {
    const { state, scope, staleMs, now, excursions } = input;
    const next = [
      // Copied only when an excursion starts or ends (issue #13): rare, so a
      // change rebuilds the view whole.
      excursions,
      state.directoryIndex,
      state.directory,
      state.unitStateAt,
      state.connection.clockOffset,
      scope,
      staleMs,
    ];
    if (
      cached !== null &&
      cachedState !== null &&
      now >= cachedNow &&
      now + state.connection.clockOffset <= deadline &&
      next.every((part, i) => part === key[i])
    ) {
      if (state.units === cachedState.units && state.alerts === cachedState.alerts) return cached;
      index ??= new Map(cached.entries.map((e, i) => [e.unitId, i]));
      // Alerts first (they set each entry's worst alert), then readings.
      const withAlerts =
        state.alerts === cachedState.alerts
          ? cached
          : updateUnitViewAlerts(cached, index, cachedState, input);
      // Re-sorted: the places in `index` moved.
      const places =
        withAlerts === null || withAlerts.entries === cached.entries
          ? index
          : new Map(withAlerts.entries.map((e, i) => [e.unitId, i]));
      const updated =
        withAlerts === null ? null : updateUnitView(withAlerts, places, cachedState, input);
      if (updated !== null) {
        cachedState = state;
        cachedNow = now;
        deadline = Math.min(deadline, updated.deadline);
        index = updated.view.entries === cached.entries ? index : null;
        cached = updated.view;
        return cached;
      }
    }
    key = next;
    cachedState = state;
    cachedNow = now;
    index = null;
    cached = unitView(input);
    deadline = nextStaleAt(state, cached.entries, input);
    return cached;
  };
}
