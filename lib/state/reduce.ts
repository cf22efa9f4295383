/**
 * The pure reducer. No clocks, no I/O: every time comes in on the event.
 *
 * Decisions:
 * - A unit's `latest` is its newest reading by sensor time, never the last to
 *   arrive (PROTOCOL.md: events arrive late and out of order after a
 *   reconnect). `history` is kept sorted by time, unique by id, capped at
 *   `HISTORY_LIMIT`, packed (`./history.ts`, issue #5); the common case
 *   (newer readings appended) copies the kept tail and writes the new ones.
 * - Readings are deduplicated by id (the server sends each batch to the org
 *   room and the unit room). A replay older than the whole window is merged
 *   and trimmed away again, so it cannot come back as `latest`.
 * - Resolved alerts leave a tombstone; a trigger, escalation or sync entry
 *   for a tombstoned id does nothing, so a replay cannot resurrect it. A
 *   resolution for an alert we never saw still leaves a tombstone (the
 *   resolution can overtake the trigger).
 * - An escalation or acknowledgement for an unknown alert is ignored; the
 *   escalation is counted (`alert:escalated/unknown-alert`) because the REST
 *   resync will bring the alert with its level.
 * - `alerts/synced` merges monotonically: escalation level and acknowledgement
 *   never go backwards (a live event may be newer than the REST snapshot).
 *   It is also the reconcile of issue #10 (acknowledges and resolves made
 *   elsewhere are not pushed): an open alert the answer does not list was
 *   resolved elsewhere and leaves, unless it arrived by push after the
 *   request went out (`sentAt`, local clock) or was triggered after it (`at`).
 *   A tombstone keeps an alert resolved by push from coming back.
 * - Ghost units (issue #11): live data for units the loaded directory does not
 *   list are kept for at most `GHOST_UNIT_LIMIT` of them; more are dropped
 *   and counted (`ghost-unit`). A directory load prunes the ghosts to the
 *   bound, keeping those with the newest data. Alerts are never bounded.
 * - A directory load seeds each unit's latest reading from its REST
 *   `lastTemperature` / `lastReadingAt` (issue #10): `get:latest` answers
 *   null after a server restart or on another node, and the database's last
 *   reading is then all there is. It goes through the same merge as a live
 *   reading, so it never replaces a newer one (newest by time wins).
 */
import type { Alert, ConnectionInfo, ConnectionStatus, Diagnostics, Reading } from '../model';
import type { DiagnosticKind } from '../normalize';
import {
  DIAGNOSTICS_HISTORY_LIMIT,
  GHOST_UNIT_LIMIT,
  HISTORY_LIMIT,
  TOMBSTONE_LIMIT,
  admitsNewUnit,
  indexDirectory,
  isGhostUnit,
  type ReadingsBatch,
  type RestoredSnapshot,
  type State,
  type StateEvent,
  type UnitLiveState,
} from './state';
import {
  EMPTY_HISTORY,
  historyAppend,
  historyFrom,
  historyIds,
  historyLastAt,
  historyLength,
  historyReadings,
  type ReadingHistory,
} from './history';

/** Applies one event. Returns `state` itself when nothing changed. */
export function reduce(state: State, event: StateEvent): State {
  switch (event.type) {
    case 'readings':
      return reduceReadings(state, event.batches, event.receivedAt, event.resync === true);
    case 'alert/triggered':
      return received(alertTriggered(state, event.alert, event.receivedAt), event.receivedAt, 1);
    case 'alert/acknowledged':
      return received(
        alertAcknowledged(state, event.alertId, event.by, event.at, event.byYou === true),
        event.receivedAt,
        1,
      );
    case 'alert/resolved':
      return received(alertResolved(state, event.alertId, event.at), event.receivedAt, 1);
    case 'alert/escalated':
      return received(alertEscalated(state, event.alertId, event.level), event.receivedAt, 1);
    case 'alerts/synced':
      return alertsSynced(state, event.alerts, event.at, event.sentAt);
    case 'unit/state':
      return received(unitState(state, event.unitId, event.state, event.at), event.receivedAt, 1);
    case 'event/received':
      return received(state, event.receivedAt, 1);
    case 'directory/loaded':
      return directoryLoaded(state, event.directory, event.seed ?? true);
    case 'connection/connecting':
      return transition(state, 'connecting', event.at, 'opening the connection', {});
    case 'connection/live':
      return transition(
        state,
        'live',
        event.at,
        event.recovered ? 'session recovered, missed events replayed' : 'connected',
        {
          lastError: null,
        },
      );
    case 'connection/down':
      return connectionDown(state, event.at, event.error, event.offline);
    case 'connection/signed-out':
      return transition(state, 'signed-out', event.at, event.error?.message ?? 'signed out', {
        lastError: event.error ?? null,
      });
    case 'connection/rtt':
      return connectionRtt(state, event.rtt, event.serverTime, event.at, event.clockRejected);
    case 'tick':
      return event.now === state.now ? state : { ...state, now: event.now };
    case 'dropped':
      return dropped(state, event.kind, event.count ?? 1);
    case 'notifications/shown':
      return event.count > 0
        ? {
            ...state,
            diagnostics: {
              ...state.diagnostics,
              notificationsShown: state.diagnostics.notificationsShown + event.count,
            },
          }
        : state;
    case 'snapshot/restored':
      return snapshotRestored(state, event.snapshot, event.at);
    case 'session/cleared':
      return {
        ...state,
        directory: null,
        directoryIndex: indexDirectory(null),
        units: new Map(),
        ghostUnits: 0,
        unitStateAt: new Map(),
        alerts: new Map(),
        alertSeenAt: new Map(),
        tombstones: new Map(),
        connection: { ...state.connection, lastDataAt: null, lastEventAt: null },
        now: Math.max(state.now, event.at),
      };
  }
}

/** Applies a list of events in order (for tests and replays). */
export function reduceAll(state: State, events: readonly StateEvent[]): State {
  let next = state;
  for (const event of events) next = reduce(next, event);
  return next;
}

// ---------------------------------------------------------------------------
// Server events
// ---------------------------------------------------------------------------

/** Any server event: bump the counters and `lastEventAt`. */
function received(state: State, receivedAt: number, events: number): State {
  return {
    ...state,
    connection: { ...state.connection, lastEventAt: receivedAt },
    diagnostics: {
      ...state.diagnostics,
      eventsReceived: state.diagnostics.eventsReceived + events,
    },
    now: Math.max(state.now, receivedAt),
  };
}

function reduceReadings(
  state: State,
  batches: readonly ReadingsBatch[],
  receivedAt: number,
  resync = false,
): State {
  let units: Map<string, UnitLiveState> | null = null;
  let lastDataAt = state.connection.lastDataAt;
  let readingsReceived = 0;
  let duplicates = 0;
  let ghostUnits = state.ghostUnits;
  let refused = 0;
  for (const batch of batches) {
    readingsReceived += batch.readings.length;
    if (batch.readings.length === 0) continue;
    const current = withoutMatchedSeed((units ?? state.units).get(batch.unitId), batch.readings);
    if (current === undefined) {
      if (!admitsNewUnit(state, units ?? state.units, ghostUnits, batch.unitId)) {
        refused += batch.readings.length;
        continue;
      }
      if (isGhostUnit(state, batch.unitId)) ghostUnits += 1;
    }
    const merged = mergeReadings(current, batch.unitId, batch.readings);
    duplicates += merged.duplicates;
    if (merged.unit === current || merged.unit === undefined) continue;
    units ??= new Map(state.units);
    units.set(batch.unitId, merged.unit);
    if (merged.newestFresh !== null && (lastDataAt === null || merged.newestFresh > lastDataAt)) {
      lastDataAt = merged.newestFresh;
    }
  }
  const next = received(state, receivedAt, batches.length);
  const reduced: State = {
    ...next,
    units: units ?? state.units,
    ghostUnits,
    connection: { ...next.connection, lastDataAt },
    diagnostics: {
      ...next.diagnostics,
      readingsReceived: next.diagnostics.readingsReceived + readingsReceived,
      duplicatesDropped: next.diagnostics.duplicatesDropped + (resync ? 0 : duplicates),
    },
  };
  return refused > 0 ? dropped(reduced, 'ghost-unit', refused) : reduced;
}

/**
 * A new directory: units it no longer lists become ghosts, and the ghosts
 * beyond `GHOST_UNIT_LIMIT` are forgotten, newest data kept (issue #11).
 */
function directoryLoaded(loaded: State, directory: State['directory'], seed = true): State {
  const directoryIndex = indexDirectory(directory);
  const state = seed ? seedFromDirectory(loaded, directory) : loaded;
  const next = { ...state, directory, directoryIndex };
  if (directory === null) return { ...next, ghostUnits: 0 };
  const ghosts: UnitLiveState[] = [];
  for (const [id, unit] of state.units) if (!directoryIndex.units.has(id)) ghosts.push(unit);
  if (ghosts.length <= GHOST_UNIT_LIMIT) return { ...next, ghostUnits: ghosts.length };
  ghosts.sort((a, b) => (b.latest?.at ?? -Infinity) - (a.latest?.at ?? -Infinity));
  const units = new Map(state.units);
  const unitStateAt = new Map(state.unitStateAt);
  for (const ghost of ghosts.slice(GHOST_UNIT_LIMIT)) {
    units.delete(ghost.unitId);
    unitStateAt.delete(ghost.unitId);
  }
  return { ...next, units, unitStateAt, ghostUnits: GHOST_UNIT_LIMIT };
}

/**
 * The id of a reading seeded from the directory: the same as `sensor:reading`
 * derives (`${unitId}@${at}`), so the seed and a live copy of it dedupe.
 */
export function directoryReadingId(unitId: string, at: number): string {
  return `${unitId}@${at}`;
}

/**
 * The unit without its directory-seeded latest reading when the batch brings
 * the real one (same time, the server's id and sensor fields): one reading,
 * not two points at the same time. Only a seeded `latest` is looked at, so
 * the common case costs one string comparison per batch.
 */
function withoutMatchedSeed(
  unit: UnitLiveState | undefined,
  incoming: readonly Reading[],
): UnitLiveState | undefined {
  const seed = unit?.latest;
  if (unit === undefined || seed == null || seed.id !== directoryReadingId(unit.unitId, seed.at))
    return unit;
  if (!incoming.some((reading) => reading.at === seed.at && reading.id !== seed.id)) return unit;
  const kept = historyReadings(unit.history).filter((reading) => reading.id !== seed.id);
  return {
    ...unit,
    latest: kept[kept.length - 1] ?? null,
    history: historyFrom(unit.unitId, kept),
  };
}

/** Each listed unit's REST last reading, where it is newer than what we hold. */
function seedFromDirectory(state: State, directory: State['directory']): State {
  if (directory === null) return state;
  let units: Map<string, UnitLiveState> | null = null;
  for (const info of directory.units) {
    if (info.lastTemperature === null || info.lastReadingAt === null) continue;
    const current = (units ?? state.units).get(info.id);
    const at = info.lastReadingAt;
    if (current?.latest != null && current.latest.at >= at) continue;
    const reading: Reading = {
      id: directoryReadingId(info.id, at),
      unitId: info.id,
      temperature: info.lastTemperature,
      humidity: null,
      battery: null,
      signalStrength: null,
      at,
    };
    const merged = mergeReadings(current, info.id, [reading]);
    if (merged.unit === undefined || merged.unit === current) continue;
    units ??= new Map(state.units);
    units.set(info.id, merged.unit);
  }
  return units === null ? state : { ...state, units };
}

interface Merge {
  unit: UnitLiveState | undefined;
  duplicates: number;
  /** Sensor time of the newest reading that was not a duplicate. */
  newestFresh: number | null;
}

function mergeReadings(
  current: UnitLiveState | undefined,
  unitId: string,
  incoming: readonly Reading[],
): Merge {
  const history = current?.history ?? EMPTY_HISTORY;
  // The hot path (every reading passes here): readings newer than the whole
  // history cannot repeat one of it (an id names one reading, taken at one
  // time), so the history's ids are only read when something arrives late
  // or again, e.g. the same batch through the org and the unit room.
  const newestAt = historyLastAt(history);
  const seen = new Set<string>();
  if (newestAt !== null && incoming.some((reading) => reading.at <= newestAt)) {
    for (const id of historyIds(history)) seen.add(id);
  }
  const fresh: Reading[] = [];
  let duplicates = 0;
  let sorted = true;
  let newestFresh: number | null = null;
  for (const reading of incoming) {
    if (seen.has(reading.id)) {
      duplicates += 1;
      continue;
    }
    seen.add(reading.id);
    const previous = fresh[fresh.length - 1];
    if (previous !== undefined && reading.at < previous.at) sorted = false;
    if (newestFresh === null || reading.at > newestFresh) newestFresh = reading.at;
    fresh.push(reading);
  }
  if (fresh.length === 0) return { unit: current, duplicates, newestFresh };
  // Array.prototype.sort is stable: equal times keep their arrival order.
  if (!sorted) fresh.sort(byTime);
  const first = fresh[0] as Reading;
  const newestOfFresh = fresh[fresh.length - 1] as Reading;
  const length = historyLength(history);
  const total = length + fresh.length;
  const drop = Math.max(0, total - HISTORY_LIMIT);
  let kept: ReadingHistory;
  if (newestAt === null || first.at >= newestAt) {
    // All newer: keep the tail of the history and append.
    kept =
      drop <= length
        ? historyAppend(history, unitId, drop, fresh)
        : historyFrom(unitId, fresh.slice(-HISTORY_LIMIT));
  } else {
    const merged = mergeSorted(historyReadings(history), fresh);
    kept = historyFrom(unitId, drop > 0 ? merged.slice(drop) : merged);
  }
  // The newest reading is never trimmed. On equal times the later arrival
  // sorts last (mergeSorted), so it is the fresh one then; otherwise the
  // current `latest` is still the newest and keeps its identity.
  const latest =
    newestAt === null || newestOfFresh.at >= newestAt || current?.latest == null
      ? newestOfFresh
      : current.latest;
  return {
    unit: { unitId, latest, history: kept, state: current?.state ?? 'unknown' },
    duplicates,
    newestFresh,
  };
}

function byTime(a: Reading, b: Reading): number {
  return a.at - b.at;
}

/** Merges two time-sorted lists; on equal times the older list's entry comes first. */
function mergeSorted(older: readonly Reading[], newer: readonly Reading[]): Reading[] {
  const out: Reading[] = new Array<Reading>(older.length + newer.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < older.length && j < newer.length) {
    const a = older[i] as Reading;
    const b = newer[j] as Reading;
    if (b.at < a.at) {
      out[k++] = b;
      j += 1;
    } else {
      out[k++] = a;
      i += 1;
    }
  }
  while (i < older.length) out[k++] = older[i++] as Reading;
  while (j < newer.length) out[k++] = newer[j++] as Reading;
  return out;
}

function unitState(
  state: State,
  unitId: string,
  unitStatus: UnitLiveState['state'],
  at: number,
): State {
  const appliedAt = state.unitStateAt.get(unitId);
  // Late delivery after a reconnect: an older change must not overwrite a newer one.
  if (appliedAt !== undefined && at < appliedAt) return state;
  const current = state.units.get(unitId);
  let ghostUnits = state.ghostUnits;
  if (current === undefined) {
    if (!admitsNewUnit(state, state.units, ghostUnits, unitId)) {
      return dropped(state, 'ghost-unit', 1);
    }
    if (isGhostUnit(state, unitId)) ghostUnits += 1;
  }
  const units = new Map(state.units);
  units.set(
    unitId,
    current === undefined
      ? { unitId, latest: null, history: EMPTY_HISTORY, state: unitStatus }
      : { ...current, state: unitStatus },
  );
  const unitStateAt = new Map(state.unitStateAt);
  unitStateAt.set(unitId, at);
  return { ...state, units, unitStateAt, ghostUnits };
}

// ---------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------

function withAlert(state: State, alert: Alert): State {
  const alerts = new Map(state.alerts);
  alerts.set(alert.id, alert);
  return { ...state, alerts };
}

function alertTriggered(state: State, alert: Alert, receivedAt: number): State {
  // Replays: a resolved alert stays resolved; an open one keeps what it learned since.
  if (state.tombstones.has(alert.id) || state.alerts.has(alert.id)) return state;
  const alertSeenAt = new Map(state.alertSeenAt);
  alertSeenAt.set(alert.id, receivedAt);
  return { ...withAlert(state, alert), alertSeenAt };
}

function alertAcknowledged(
  state: State,
  alertId: string,
  by: string | null,
  at: number,
  byYou: boolean,
): State {
  const alert = state.alerts.get(alertId);
  if (alert === undefined) return state;
  // Our own acknowledge's answer says who and when, even if a reconcile got there first.
  if (alert.status === 'acknowledged' && !byYou) return state;
  if (alert.status === 'acknowledged' && alert.acknowledgedByYou === true) return state;
  return withAlert(state, {
    ...alert,
    status: 'acknowledged',
    acknowledgedAt: at,
    acknowledgedBy: by,
    ...(byYou ? { acknowledgedByYou: true } : {}),
  });
}

function alertResolved(state: State, alertId: string, at: number): State {
  if (state.tombstones.has(alertId) && !state.alerts.has(alertId)) return state;
  let alerts = state.alerts;
  let alertSeenAt = state.alertSeenAt;
  if (alerts.has(alertId)) {
    const copy = new Map(alerts);
    copy.delete(alertId);
    alerts = copy;
  }
  if (alertSeenAt.has(alertId)) {
    const copy = new Map(alertSeenAt);
    copy.delete(alertId);
    alertSeenAt = copy;
  }
  return {
    ...state,
    alerts,
    alertSeenAt,
    tombstones: addTombstones(state.tombstones, [[alertId, at]]),
  };
}

function alertEscalated(state: State, alertId: string, level: number): State {
  const alert = state.alerts.get(alertId);
  if (alert === undefined) {
    // Resolved already: nothing to do. Unknown: the REST resync brings it with its level.
    return state.tombstones.has(alertId)
      ? state
      : dropped(state, 'alert:escalated/unknown-alert', 1);
  }
  if (level <= alert.escalationLevel) return state;
  return withAlert(state, escalate(alert, level));
}

/** PROTOCOL.md: `escalationLevel` 1 means the alert is now critical. */
function escalate(alert: Alert, level: number): Alert {
  return { ...alert, escalationLevel: level, severity: level >= 1 ? 'critical' : alert.severity };
}

function alertsSynced(
  state: State,
  list: readonly Alert[],
  at: number,
  sentAt: number | undefined,
): State {
  const alerts = new Map<string, Alert>();
  const listed = new Set<string>();
  let changed = false;
  for (const incoming of list) {
    if (listed.has(incoming.id)) continue; // on two pages (the list moved under the paging)
    listed.add(incoming.id);
    // Resolved by push (or by us) meanwhile: the answer is older; it stays resolved.
    if (state.tombstones.has(incoming.id)) continue;
    const live = state.alerts.get(incoming.id);
    const merged = live === undefined ? incoming : mergeSynced(live, incoming);
    if (merged !== live) changed = true;
    alerts.set(incoming.id, merged);
  }
  const resolved: [string, number][] = [];
  for (const [id, alert] of state.alerts) {
    if (listed.has(id)) continue;
    const seenAt = state.alertSeenAt.get(id);
    // Triggered or pushed after the request went out: the answer could not know it yet.
    if (
      alert.triggeredAt >= at ||
      (sentAt !== undefined && seenAt !== undefined && seenAt >= sentAt)
    )
      alerts.set(id, alert);
    else resolved.push([id, at]);
  }
  // Nothing new: keep the state itself, so a reconcile every 45 s wakes no effect.
  if (!changed && resolved.length === 0 && alerts.size === state.alerts.size) return state;
  let alertSeenAt = state.alertSeenAt;
  if (resolved.length > 0) {
    const kept = new Map(alertSeenAt);
    for (const [id] of resolved) kept.delete(id);
    alertSeenAt = kept;
  }
  return {
    ...state,
    alerts,
    alertSeenAt,
    tombstones: resolved.length > 0 ? addTombstones(state.tombstones, resolved) : state.tombstones,
  };
}

/** The REST view of an alert merged with what we know; `live` itself when nothing changes. */
function mergeSynced(live: Alert, rest: Alert): Alert {
  const level = Math.max(live.escalationLevel, rest.escalationLevel);
  const acknowledged = live.status === 'acknowledged' || rest.status === 'acknowledged';
  const merged: Alert = {
    ...rest,
    escalationLevel: level,
    severity: level >= 1 ? 'critical' : rest.severity,
    status: acknowledged ? 'acknowledged' : 'active',
    acknowledgedAt: acknowledged ? (rest.acknowledgedAt ?? live.acknowledgedAt) : null,
    acknowledgedBy: acknowledged ? (rest.acknowledgedBy ?? live.acknowledgedBy) : null,
  };
  // "You" is only known from our own acknowledge; the server names a profile id.
  if (live.acknowledgedByYou === true && acknowledged) {
    // Our answer may not have named us (null); then the server's id is ours.
    const sameAck =
      rest.acknowledgedBy === null ||
      live.acknowledgedBy === null ||
      rest.acknowledgedBy === live.acknowledgedBy;
    if (sameAck) merged.acknowledgedByYou = true;
  }
  return sameAlert(live, merged) ? live : merged;
}

function sameAlert(a: Alert, b: Alert): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Alert>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** Adds tombstones as the newest entries and forgets the oldest beyond the limit. */
function addTombstones(
  tombstones: ReadonlyMap<string, number> | readonly (readonly [string, number])[],
  entries: readonly (readonly [string, number])[],
): ReadonlyMap<string, number> {
  const next = new Map(tombstones);
  for (const [id, at] of entries) {
    next.delete(id);
    next.set(id, at);
  }
  if (next.size > TOMBSTONE_LIMIT) {
    let excess = next.size - TOMBSTONE_LIMIT;
    for (const id of next.keys()) {
      if (excess-- <= 0) break;
      next.delete(id);
    }
  }
  return next;
}

/** Fills in what a restarted worker saved, without overriding anything newer. */
function snapshotRestored(state: State, snapshot: RestoredSnapshot, at: number): State {
  const units = new Map(state.units);
  for (const saved of snapshot.latest) {
    const current = units.get(saved.unitId);
    if (current === undefined) {
      units.set(saved.unitId, {
        unitId: saved.unitId,
        latest: saved.reading,
        history:
          saved.reading === null ? EMPTY_HISTORY : historyFrom(saved.unitId, [saved.reading]),
        state: saved.state,
      });
    } else if (current.latest === null && saved.reading !== null) {
      // No reading yet means an empty history: the saved one is all there is.
      units.set(saved.unitId, {
        ...current,
        latest: saved.reading,
        history: historyFrom(saved.unitId, [saved.reading]),
      });
    } else if (saved.reading !== null && current.latest !== null) {
      // Newest by time wins (issue #10): a directory restored first seeds its
      // REST reading, which may be older than the one the worker saved.
      const merged = mergeReadings(current, saved.unitId, [saved.reading]);
      if (merged.unit !== undefined) units.set(saved.unitId, merged.unit);
    }
  }
  const tombstones = addTombstones(
    snapshot.tombstones.filter(([id]) => !state.tombstones.has(id)),
    [...state.tombstones],
  );
  const alerts = new Map(state.alerts);
  for (const saved of snapshot.alerts) {
    if (!alerts.has(saved.id) && !tombstones.has(saved.id)) alerts.set(saved.id, saved);
  }
  const lastDataAt =
    state.connection.lastDataAt === null
      ? snapshot.lastDataAt
      : Math.max(state.connection.lastDataAt, snapshot.lastDataAt ?? -Infinity);
  // The saved units are counted (and bounded) against the directory like live ones.
  return directoryLoaded(
    {
      ...state,
      units,
      alerts,
      tombstones,
      connection: { ...state.connection, lastDataAt },
      now: Math.max(state.now, at),
    },
    state.directory,
  );
}

// ---------------------------------------------------------------------------
// Connection and diagnostics
// ---------------------------------------------------------------------------

function transition(
  state: State,
  status: ConnectionStatus,
  at: number,
  detail: string,
  patch: Partial<ConnectionInfo>,
): State {
  const changed = state.connection.status !== status;
  const connection: ConnectionInfo = {
    ...state.connection,
    ...patch,
    status,
    since: changed ? at : state.connection.since,
  };
  const diagnostics: Diagnostics = changed
    ? {
        ...state.diagnostics,
        history: appendHistory(state.diagnostics.history, { at, status, detail }),
      }
    : state.diagnostics;
  return { ...state, connection, diagnostics, now: Math.max(state.now, at) };
}

function appendHistory(history: Diagnostics['history'], entry: Diagnostics['history'][number]) {
  const next =
    history.length >= DIAGNOSTICS_HISTORY_LIMIT
      ? history.slice(1 - DIAGNOSTICS_HISTORY_LIMIT)
      : history.slice();
  next.push(entry);
  return next;
}

function connectionDown(
  state: State,
  at: number,
  error: NonNullable<ConnectionInfo['lastError']>,
  offline: boolean,
): State {
  // A socket closing after sign-out must not bring back "reconnecting".
  if (state.connection.status === 'signed-out') return state;
  const reconnects = state.connection.reconnects + (state.connection.status === 'live' ? 1 : 0);
  return transition(state, offline ? 'offline' : 'reconnecting', at, error.message, {
    lastError: error,
    reconnects,
  });
}

function connectionRtt(
  state: State,
  rtt: number,
  serverTime: number | null,
  at: number,
  clockRejected = false,
): State {
  if (!Number.isFinite(rtt) || rtt < 0 || !Number.isFinite(at)) return state;
  // An implausible server clock (issue #11) keeps the last offset and is counted.
  const counted = clockRejected ? dropped(state, 'ping/implausible-clock', 1) : state;
  if (serverTime === null || !Number.isFinite(serverTime)) {
    return { ...counted, connection: { ...counted.connection, rtt } };
  }
  // The server read its clock about half a round trip before the ack arrived.
  const clockOffset = Math.round(serverTime - (at - rtt / 2));
  return { ...counted, connection: { ...counted.connection, rtt, clockOffset } };
}

function dropped(state: State, kind: DiagnosticKind, count: number): State {
  if (!(count > 0)) return state;
  const invalidByKind = { ...state.diagnostics.invalidByKind };
  invalidByKind[kind] = (invalidByKind[kind] ?? 0) + count;
  return { ...state, diagnostics: { ...state.diagnostics, invalidByKind } };
}
