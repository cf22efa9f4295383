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
} from '../lib/model';
import { useBridge, type LivePort } from './bridge';
import { useConnection, useLink, useSession } from './live-data';
import { queryKeys, type LinkState, type UnitStatusData } from './query-keys';
import {
  applyAlertChanges,
  compareAlerts,
  logAlerts,
  mergeHistory,
  newestReading,
  type AlertLogEntry,
} from './realtime-merge';

/* ------------------------------------------------------------------ */
/* Sensor data: per-unit keys                                          */
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

/**
 * Writes readings into the cache for one unit at a time: the latest reading
 * (`['unit-latest-reading', id]`), the unit status, and the history
 * (`['sensor-readings', id]`, deduplicated by id, capped at 100). A unit
 * nobody patched is never written, so its row does not re-render.
 */
export function createSensorDataApplier(queryClient: QueryClient): SensorDataApplier {
  /**
   * Writes the unit's status. Its condition is the worker's (the unit view,
   * issue #9): nothing here classifies or re-sorts.
   */
  const writeStatus = (unitId: string, next: UnitStatusData): void => {
    const key = queryKeys.unitStatus(unitId);
    if (sameStatus(queryClient.getQueryData<UnitStatusData>(key), next)) return;
    queryClient.setQueryData(key, next);
  };

  return {
    applySnapshot(units) {
      const prevIds = queryClient.getQueryData<string[]>(queryKeys.unitIds()) ?? [];
      const nextIds = Object.keys(units);
      const changed =
        prevIds.length !== nextIds.length || prevIds.some((id, i) => id !== nextIds[i]);
      for (const id of prevIds) {
        if (units[id]) continue;
        for (const key of [
          queryKeys.unitStatus(id),
          queryKeys.unitLatestReading(id),
          queryKeys.sensorReadings(id),
        ]) {
          queryClient.removeQueries({ queryKey: key, exact: true });
        }
      }
      for (const unit of Object.values(units)) {
        // Structural sharing keeps the old references when a re-snapshot repeats what we had.
        queryClient.setQueryData(queryKeys.unitLatestReading(unit.unitId), unit.latest);
        queryClient.setQueryData(queryKeys.sensorReadings(unit.unitId), unit.history);
        writeStatus(unit.unitId, statusFrom(unit.latest, unit.state));
      }
      if (changed) queryClient.setQueryData(queryKeys.unitIds(), nextIds);
    },

    applyPatch(readings, units) {
      const touched = new Set([...Object.keys(readings ?? {}), ...Object.keys(units ?? {})]);
      if (touched.size === 0) return;
      for (const unitId of touched) {
        const incoming = readings?.[unitId] ?? [];
        if (incoming.length > 0) {
          queryClient.setQueryData<Reading[]>(queryKeys.sensorReadings(unitId), (prev) =>
            mergeHistory(prev ?? [], incoming),
          );
        }
        const explicit = units?.[unitId];
        const latestKey = queryKeys.unitLatestReading(unitId);
        const latest = explicit
          ? explicit.latest
          : newestReading(queryClient.getQueryData<Reading | null>(latestKey), incoming);
        if (queryClient.getQueryData(latestKey) !== latest)
          queryClient.setQueryData(latestKey, latest);
        const state =
          explicit?.state ??
          queryClient.getQueryData<UnitStatusData>(queryKeys.unitStatus(unitId))?.state ??
          'unknown';
        writeStatus(unitId, statusFrom(latest, state));
      }
      const ids = queryClient.getQueryData<string[]>(queryKeys.unitIds()) ?? [];
      const known = new Set(ids);
      const added = [...touched].filter((id) => !known.has(id));
      if (added.length > 0) queryClient.setQueryData(queryKeys.unitIds(), [...ids, ...added]);
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
    const offMessage = port.onMessage((msg) => {
      if (msg.type === 'snapshot') {
        applySnapshot(queryClient, sensor, msg.snapshot);
        if (resendHolds) {
          // A new port (the worker restarted) knows nothing of the old one's holds.
          for (const h of holdsRef.current.values())
            port.post({ type: 'hold', entity: h.entity, id: h.id });
          resendHolds = false;
        }
      } else {
        applyPatch(queryClient, sensor, msg.patch);
      }
    });
    const offDisconnect = port.onDisconnect(() => {
      resendHolds = true;
      writeLink(queryClient, 'lost', false);
    });
    return () => {
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
