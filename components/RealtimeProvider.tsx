/**
 * The realtime data layer: opens the live port through the bridge and writes
 * the background's snapshot and each patch into the TanStack Query cache with
 * `setQueryData`, touching only the keys a patch names. Components read that
 * cache through the hooks in `live-data.ts`.
 */
import { notifyManager, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { Patch, PortIn, Snapshot, UnitLive } from '../lib/messages';
import type {
  Alert,
  ConnectionError,
  ConnectionInfo,
  ConnectionStatus,
  Reading,
  SessionInfo,
  UnitState,
} from '../lib/model';
import { afterNextPaint } from './after-paint';
import { useBridge, type LivePort } from './bridge';
import { useConnection, useLink, useLiveSelect, useSession } from './live-data';
import {
  queryKeys,
  type HistoriesData,
  type LinkState,
  type UnitData,
  type UnitsData,
  type UnitStatusData,
} from './query-keys';
import {
  applyAlertChanges,
  compareAlerts,
  logAlerts,
  mergeHistory,
  patchedLatest,
  type AlertLogEntry,
} from './realtime-merge';
import { UnitTable } from './unit-table';

/* ------------------------------------------------------------------ */
/* Sensor data: one key for every unit's latest data, one for history  */
/* ------------------------------------------------------------------ */

export interface SensorDataApplier {
  /** Replaces every unit's live data from a snapshot; drops units no longer present. */
  applySnapshot(units: Record<string, UnitLive>): void;
  /** Applies a patch's new readings and changed `latest`/`state`, unit by unit. */
  applyPatch(readings: Patch['readings'], units: Patch['units']): void;
}

function sameStatus(a: UnitStatusData | undefined, b: UnitStatusData): boolean {
  return (
    !!a &&
    a.state === b.state &&
    a.lastReadingAt === b.lastReadingAt &&
    a.lastTemperature === b.lastTemperature
  );
}

function statusFrom(latest: Reading | null, state: UnitStatusData['state']): UnitStatusData {
  return { lastTemperature: latest?.temperature ?? null, lastReadingAt: latest?.at ?? null, state };
}

/** The unit's entry, or `prev` itself when nothing a row shows changed. */
function unitData(prev: UnitData | undefined, latest: Reading | null, state: UnitState): UnitData {
  const status = statusFrom(latest, state);
  if (prev !== undefined && prev.latest === latest && sameStatus(prev.status, status)) return prev;
  return {
    latest,
    status: prev !== undefined && sameStatus(prev.status, status) ? prev.status : status,
  };
}

/**
 * Writes readings into the cache: every unit's latest reading and status in
 * one key (`queryKeys.units()`), the histories in another
 * (`queryKeys.readings()`, deduplicated by id, capped at 100). A snapshot of
 * 1,000 units is two `setQueryData` calls, not 3,000: the per-unit keys cost
 * TanStack Query a key hash and an options merge each, about half of the
 * popup's first paint (#14). Each row selects its own unit's entry, and a
 * unit nobody patched keeps its objects, so its row does not re-render.
 * Both keys hold `UnitTable`s: a patch copies the buckets of the units it
 * touches, not every unit's entry (#14).
 */
export function createSensorDataApplier(queryClient: QueryClient): SensorDataApplier {
  const ids = (units: object) => Object.keys(units);
  const writeIds = (nextIds: string[]) => {
    const prevIds = queryClient.getQueryData<string[]>(queryKeys.unitIds()) ?? [];
    const changed = prevIds.length !== nextIds.length || prevIds.some((id, i) => id !== nextIds[i]);
    if (changed) queryClient.setQueryData(queryKeys.unitIds(), nextIds);
  };

  return {
    applySnapshot(units) {
      const prev = queryClient.getQueryData<UnitsData>(queryKeys.units());
      const prevHistory = queryClient.getQueryData<HistoriesData>(queryKeys.readings());
      const list = Object.values(units);
      const next = UnitTable.from(
        list.map((unit) => [
          unit.unitId,
          unitData(prev?.get(unit.unitId), unit.latest, unit.state),
        ]),
      );
      const history = UnitTable.from(
        list.map((unit) => {
          const before = prevHistory?.get(unit.unitId);
          // A snapshot's history is empty (the backfill follows): keep the old reference then.
          const kept =
            before !== undefined && before.length === 0 && unit.history.length === 0
              ? before
              : unit.history;
          return [unit.unitId, kept] as const;
        }),
      );
      queryClient.setQueryData(queryKeys.units(), next);
      queryClient.setQueryData(queryKeys.readings(), history);
      writeIds(ids(units));
    },

    applyPatch(readings, units) {
      const touched = new Set([...ids(readings ?? {}), ...ids(units ?? {})]);
      if (touched.size === 0) return;
      const prevUnits =
        queryClient.getQueryData<UnitsData>(queryKeys.units()) ?? UnitTable.empty<UnitData>();
      const prevHistory =
        queryClient.getQueryData<HistoriesData>(queryKeys.readings()) ??
        UnitTable.empty<Reading[]>();
      const unitChanges: [string, UnitData][] = [];
      const historyChanges: [string, Reading[]][] = [];
      for (const unitId of touched) {
        const incoming = readings?.[unitId] ?? [];
        if (incoming.length > 0) {
          const before = prevHistory.get(unitId);
          const merged = mergeHistory(before ?? [], incoming);
          if (merged !== before) historyChanges.push([unitId, merged]);
        }
        const prev = prevUnits.get(unitId);
        const explicit = units?.[unitId];
        const latest = patchedLatest(prev?.latest, incoming, explicit);
        const state = explicit?.state ?? prev?.status.state ?? 'unknown';
        const entry = unitData(prev, latest, state);
        if (entry !== prev) unitChanges.push([unitId, entry]);
      }
      if (historyChanges.length > 0)
        queryClient.setQueryData(queryKeys.readings(), prevHistory.with(historyChanges));
      if (unitChanges.length > 0)
        queryClient.setQueryData(queryKeys.units(), prevUnits.with(unitChanges));
      // A unit the cache had is in the id list already (both are written
      // together): the list of 1,000 ids is looked at only for a new one.
      const fresh = [...touched].filter((id) => !prevUnits.has(id));
      if (fresh.length === 0) return;
      const known = queryClient.getQueryData<string[]>(queryKeys.unitIds()) ?? [];
      const knownSet = new Set(known);
      const added = fresh.filter((id) => !knownSet.has(id));
      if (added.length > 0) queryClient.setQueryData(queryKeys.unitIds(), [...known, ...added]);
    },
  };
}

/**
 * The hook that applies reading patches to the cache. `RealtimeProvider`
 * calls it once and feeds it every snapshot and patch.
 */
export function useRealtimeSensorData(): SensorDataApplier {
  const queryClient = useQueryClient();
  return useMemo(() => createSensorDataApplier(queryClient), [queryClient]);
}

/* ------------------------------------------------------------------ */
/* Everything else in a snapshot or patch                              */
/* ------------------------------------------------------------------ */

function writeAlertLog(
  queryClient: QueryClient,
  seen: readonly Alert[],
  closed: readonly Alert[],
  at: number,
) {
  const byUnit = new Map<string, { seen: Alert[]; closed: Set<string> }>();
  const entry = (unitId: string) => {
    let e = byUnit.get(unitId);
    if (!e) byUnit.set(unitId, (e = { seen: [], closed: new Set() }));
    return e;
  };
  for (const a of seen) entry(a.unitId).seen.push(a);
  for (const a of closed) entry(a.unitId).closed.add(a.id);
  for (const [unitId, change] of byUnit) {
    queryClient.setQueryData<AlertLogEntry[]>(queryKeys.alertHistory(unitId), (prev) =>
      logAlerts(prev ?? [], change.seen, change.closed, at),
    );
  }
}

function writeLink(queryClient: QueryClient, phase: LinkState['phase'], snapshotArrived: boolean) {
  queryClient.setQueryData<LinkState>(queryKeys.link(), (prev) => {
    const now = Date.now();
    return {
      phase,
      since: prev && prev.phase === phase ? prev.since : now,
      snapshotAt: snapshotArrived ? now : (prev?.snapshotAt ?? null),
    };
  });
}

function applySnapshot(queryClient: QueryClient, sensor: SensorDataApplier, snapshot: Snapshot) {
  notifyManager.batch(() => {
    queryClient.setQueryData(queryKeys.connection(), snapshot.connection);
    queryClient.setQueryData(queryKeys.session(), snapshot.session);
    queryClient.setQueryData(queryKeys.preferences(), snapshot.preferences);
    queryClient.setQueryData(queryKeys.scope(), snapshot.scope);
    queryClient.setQueryData(queryKeys.directory(), snapshot.directory);
    queryClient.setQueryData(queryKeys.diagnostics(), snapshot.diagnostics);
    // An older worker's snapshot has no notices: none is what it knew.
    queryClient.setQueryData(queryKeys.delivery(), snapshot.delivery ?? []);
    const prevAlerts = queryClient.getQueryData<Alert[]>(queryKeys.alerts()) ?? [];
    const nextIds = new Set(snapshot.alerts.map((a) => a.id));
    const closed = prevAlerts.filter((a) => !nextIds.has(a.id));
    queryClient.setQueryData(queryKeys.alerts(), [...snapshot.alerts].sort(compareAlerts));
    queryClient.setQueryData(queryKeys.unitView(), snapshot.view);
    writeAlertLog(queryClient, snapshot.alerts, closed, snapshot.at);
    // The background sends only watched units, and a new snapshot when the scope changes.
    sensor.applySnapshot(snapshot.units);
    writeLink(queryClient, 'open', true);
  });
}

function applyPatch(queryClient: QueryClient, sensor: SensorDataApplier, patch: Patch) {
  notifyManager.batch(() => {
    if (patch.connection) queryClient.setQueryData(queryKeys.connection(), patch.connection);
    if (patch.session !== undefined) queryClient.setQueryData(queryKeys.session(), patch.session);
    if (patch.preferences) queryClient.setQueryData(queryKeys.preferences(), patch.preferences);
    if (patch.directory !== undefined)
      queryClient.setQueryData(queryKeys.directory(), patch.directory);
    if (patch.diagnostics) queryClient.setQueryData(queryKeys.diagnostics(), patch.diagnostics);
    if (patch.delivery) queryClient.setQueryData(queryKeys.delivery(), patch.delivery);
    if (patch.alerts) {
      const prev = queryClient.getQueryData<Alert[]>(queryKeys.alerts()) ?? [];
      const removed = new Set(patch.alerts.remove);
      const closed = prev.filter((a) => removed.has(a.id));
      queryClient.setQueryData(
        queryKeys.alerts(),
        applyAlertChanges(prev, patch.alerts.upsert, patch.alerts.remove),
      );
      writeAlertLog(queryClient, patch.alerts.upsert, closed, patch.at);
    }
    sensor.applyPatch(patch.readings, patch.units);
    if (patch.view) queryClient.setQueryData(queryKeys.unitView(), patch.view);
    if (patch.scope) queryClient.setQueryData(queryKeys.scope(), patch.scope);
  });
}

/**
 * The history chunks that follow a snapshot (`Patch.backfill`), applied only
 * after the frame that paints the snapshot, one chunk per task: the rows come
 * first, their sparklines after (#14: the backfill landing before the first
 * frame, and the rows re-rendering for it, were a third of the popup's time
 * to its first rows). Live patches are not held: history merges by sensor
 * time and id, so a chunk applied after a newer reading lands in place.
 */
function createBackfillQueue(apply: (patch: Patch) => void) {
  let queue: Patch[] = [];
  let waiting = false;
  let generation = 0;
  const nextTask = (fn: () => void) => setTimeout(fn, 0);

  function drain(mine: number): void {
    if (mine !== generation) return;
    const patch = queue.shift();
    if (patch === undefined) {
      waiting = false;
      return;
    }
    apply(patch);
    nextTask(() => drain(mine));
  }

  return {
    push(patch: Patch): void {
      queue.push(patch);
      if (waiting) return;
      waiting = true;
      const mine = generation;
      afterNextPaint(() => drain(mine));
    },
    /** A new snapshot (or the page closing): chunks for the old one are dropped. */
    reset(): void {
      generation += 1;
      queue = [];
      waiting = false;
    },
  };
}

/* ------------------------------------------------------------------ */
/* Provider                                                            */
/* ------------------------------------------------------------------ */

type Entity = PortIn['entity'];

interface RealtimeContextValue {
  /** Holds a room while the caller is mounted; returns the release. */
  hold(entity: Entity, id: string): () => void;
}

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

export function RealtimeProvider({ children }: { children?: ReactNode }) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const sensor = useRealtimeSensorData();
  const portRef = useRef<LivePort | null>(null);
  /** `entity:id` -> how many mounted views hold it; re-posted after each reconnect. */
  const holdsRef = useRef(new Map<string, { entity: Entity; id: string; count: number }>());

  useEffect(() => {
    writeLink(queryClient, 'connecting', false);
    const port = bridge.connect();
    portRef.current = port;
    // Children's effects ran first: post the holds they registered before the port existed.
    for (const h of holdsRef.current.values())
      port.post({ type: 'hold', entity: h.entity, id: h.id });
    let resendHolds = false;
    const backfill = createBackfillQueue((patch) => applyPatch(queryClient, sensor, patch));
    const offMessage = port.onMessage((msg) => {
      if (msg.type === 'snapshot') {
        backfill.reset();
        applySnapshot(queryClient, sensor, msg.snapshot);
        if (resendHolds) {
          // A new port (the worker restarted) knows nothing of the old one's holds.
          for (const h of holdsRef.current.values())
            port.post({ type: 'hold', entity: h.entity, id: h.id });
          resendHolds = false;
        }
      } else if (msg.patch.backfill) {
        backfill.push(msg.patch);
      } else {
        applyPatch(queryClient, sensor, msg.patch);
      }
    });
    const offDisconnect = port.onDisconnect(() => {
      resendHolds = true;
      writeLink(queryClient, 'lost', false);
    });
    return () => {
      backfill.reset();
      offMessage();
      offDisconnect();
      port.disconnect();
      portRef.current = null;
    };
  }, [bridge, queryClient, sensor]);

  const value = useMemo<RealtimeContextValue>(
    () => ({
      hold(entity, id) {
        const key = `${entity}:${id}`;
        const holds = holdsRef.current;
        const existing = holds.get(key);
        if (existing) existing.count += 1;
        else {
          holds.set(key, { entity, id, count: 1 });
          portRef.current?.post({ type: 'hold', entity, id });
        }
        let released = false;
        return () => {
          if (released) return;
          released = true;
          const h = holds.get(key);
          if (!h) return;
          h.count -= 1;
          if (h.count === 0) {
            holds.delete(key);
            portRef.current?.post({ type: 'release', entity, id });
          }
        };
      },
    }),
    [],
  );

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** Holds the `site` or `unit` room while the calling component is mounted. */
export function useRealtimeSubscription(entity: Entity, id: string | null | undefined): void {
  const ctx = useContext(RealtimeContext);
  if (!ctx) throw new Error('useRealtimeSubscription() needs a <RealtimeProvider>.');
  useEffect(() => {
    if (!id) return;
    return ctx.hold(entity, id);
  }, [ctx, entity, id]);
}

/* ------------------------------------------------------------------ */
/* Status                                                              */
/* ------------------------------------------------------------------ */

export interface RealtimeStatus {
  isConnected: boolean;
  isConnecting: boolean;
  connectionError: ConnectionError | null;
  /** What the header says; `reconnecting` also while the page's own port is re-opening. */
  status: ConnectionStatus;
  since: number | null;
  /** Only while live. */
  rtt: number | null;
  lastDataAt: number | null;
  reconnects: number;
  /** False until the first snapshot: show a skeleton, not data. */
  hasSnapshot: boolean;
}

export function deriveRealtimeStatus(
  connection: ConnectionInfo | undefined,
  link: LinkState | undefined,
  session: SessionInfo | null | undefined,
): RealtimeStatus {
  const base = {
    connectionError: connection?.lastError ?? null,
    lastDataAt: connection?.lastDataAt ?? null,
    reconnects: connection?.reconnects ?? 0,
  };
  if (!link || link.snapshotAt === null || !connection) {
    return {
      ...base,
      status: 'connecting',
      since: link?.since ?? null,
      rtt: null,
      isConnected: false,
      isConnecting: true,
      hasSnapshot: false,
    };
  }
  if (link.phase !== 'open') {
    return {
      ...base,
      status: 'reconnecting',
      since: link.since,
      rtt: null,
      isConnected: false,
      isConnecting: true,
      hasSnapshot: true,
    };
  }
  const status: ConnectionStatus = session ? connection.status : 'signed-out';
  return {
    ...base,
    status,
    since: connection.since,
    rtt: status === 'live' ? connection.rtt : null,
    isConnected: status === 'live',
    isConnecting: status === 'connecting' || status === 'reconnecting',
    hasSnapshot: true,
  };
}

export function useRealtimeStatus(): RealtimeStatus {
  const connection = useConnection();
  const link = useLink();
  const session = useSession();
  return useMemo(
    () => deriveRealtimeStatus(connection, link, session),
    [connection, link, session],
  );
}

const selectConnectionStatus = (c: ConnectionInfo) => c.status;
const selectConnection = (c: ConnectionInfo) => c;
/** Live, the times that move with every reading are left out (the result is shared while equal). */
const selectConnectionWithoutTimes = (c: ConnectionInfo): ConnectionInfo =>
  c.status === 'live' ? { ...c, lastEventAt: null, lastDataAt: null } : c;

/**
 * `useRealtimeStatus` for a header that shows how old the data is only when
 * it is not live: while the page's link is open and the connection live,
 * `lastDataAt` is null and a reading does not re-render the caller (#14).
 * Any other state has the full status, times included.
 */
export function useRealtimeStatusWithoutLiveTimes(): RealtimeStatus {
  const link = useLink();
  const connection = useLiveSelect(
    queryKeys.connection(),
    link?.phase === 'open' ? selectConnectionWithoutTimes : selectConnection,
  );
  const session = useSession();
  return useMemo(
    () => deriveRealtimeStatus(connection, link, session),
    [connection, link, session],
  );
}
const selectLastDataAt = (c: ConnectionInfo) => c.lastDataAt;
const selectNothing = (): null => null;

/**
 * The part of `useRealtimeStatus` a page's layout needs: whether the first
 * snapshot is in and whether the data is live, with the same rules. It does
 * not observe the connection's per-reading times, so a component that only
 * lays the page out does not re-render for every patch (#14).
 */
export function useRealtimeLiveness(): Pick<RealtimeStatus, 'hasSnapshot' | 'isConnected'> {
  const status = useLiveSelect(queryKeys.connection(), selectConnectionStatus);
  const link = useLink();
  const session = useSession();
  const hasSnapshot = !!link && link.snapshotAt !== null && status !== undefined;
  const isConnected = hasSnapshot && link.phase === 'open' && !!session && status === 'live';
  return useMemo(() => ({ hasSnapshot, isConnected }), [hasSnapshot, isConnected]);
}

/** The newest reading's sensor time, observed only while `wanted` (e.g. while not live). */
export function useLastDataAt(wanted: boolean): number | null {
  return useLiveSelect(queryKeys.connection(), wanted ? selectLastDataAt : selectNothing) ?? null;
}
