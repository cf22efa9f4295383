/**
 * Monitoring: the live connection (which owns its socket), the ingest step
 * that validates what it brings, and the resync after each connect, wired
 * to the store. Moved out of the background root (issue #9).
 */
import type { ApiClient } from './api';
import { createUnknownUnitReload } from './directory-loader';
import { createIngest, type Ingest } from './ingest';
import {
  createLiveConnection,
  type ConnectionSignal,
  type LiveConnection,
} from './live-connection';
import { normalizeAlerts, normalizeLatestReading, type DiagnosticKind } from './normalize';
import { isUnitInScope, type ReadingsBatch } from './state';
import type { Store } from './store';
import type { SessionTokens } from './session';
import { createSync, type Sync } from './sync';

/** Server messages kept for the diagnostics text. */
const SERVER_MESSAGES_KEPT = 20;
/**
 * The resync's `get:latest` answers are reduced together, at most this long
 * after the first of a batch arrived (#14): one at a time, 1,000 answers were
 * 1,000 reductions, each copying the unit map and running every effect,
 * while a woken worker's badge and alerts waited behind them.
 */
export const LATEST_BATCH_MS = 20;

export interface MonitoringDeps {
  store: Pick<Store, 'getState' | 'dispatch'>;
  /** Token calls bound to the signed-in session's epoch (#11). */
  tokens: SessionTokens;
  api(): ApiClient | null;
  /** Rooms open pages hold, subscribed too. */
  holds(): { entity: 'site' | 'unit'; id: string }[];
  refreshDirectory(): Promise<unknown>;
  /** The server refused the session for good. */
  onStopped(): void;
  isOnline(): boolean;
  now(): number;
}

export interface Monitoring {
  connection: LiveConnection;
  sync: Sync;
  ingest: Ingest;
  serverNow(): number;
  dropped(kind: DiagnosticKind, count?: number): void;
  serverMessages(): readonly string[];
  /** A new session: forget the unknown units and the reload backoff of the last one. */
  resetUnknownUnits(): void;
  stop(): void;
}

export function createMonitoring(deps: MonitoringDeps): Monitoring {
  const { store, tokens, now } = deps;
  const live = () => store.getState().live;
  const dispatch = store.dispatch;
  const serverNow = () => now() + live().connection.clockOffset;
  const serverMessages: string[] = [];
  // Unknown units reload the directory, backing off while that does not help (#11).
  const unknownUnits = createUnknownUnitReload({
    reload: () => deps.refreshDirectory(),
    isKnown: (unitId) => live().directoryIndex.units.has(unitId),
  });

  function dropped(kind: DiagnosticKind, count = 1): void {
    if (count > 0) dispatch({ type: 'dropped', kind, count });
  }

  const ingest = createIngest({
    dispatch,
    now,
    serverNow,
    unitScale: (unitId) => live().directoryIndex.units.get(unitId)?.tempUnit,
    isKnownUnit: (unitId) => live().directory === null || live().directoryIndex.units.has(unitId),
    onUnknownUnit: (unitId) => unknownUnits.notice(unitId),
    onServerMessage: (message) => {
      serverMessages.push(`${new Date(now()).toISOString()} ${message}`);
      if (serverMessages.length > SERVER_MESSAGES_KEPT) serverMessages.shift();
    },
  });

  function onSignal(signal: ConnectionSignal): void {
    const at = now();
    switch (signal.type) {
      case 'connecting':
        return dispatch({ type: 'connection/connecting', at });
      case 'live':
        return dispatch({ type: 'connection/live', at, recovered: signal.recovered });
      case 'down':
        return dispatch({
          type: 'connection/down',
          at,
          error: signal.error,
          offline: signal.error.code === 'browser-offline',
        });
      case 'signed-out':
        deps.onStopped();
        return dispatch({ type: 'connection/signed-out', at, error: signal.error });
      case 'rtt':
        return dispatch({
          type: 'connection/rtt',
          rtt: signal.rtt,
          serverTime: signal.serverTime,
          clockRejected: signal.clockRejected,
          at,
        });
    }
  }

  const latest = createLatestBatcher({
    organizationId: () => store.getState().session?.organizationId ?? null,
    apply: (batches) => {
      // Live readings that came first are reduced first: arrival order is kept.
      ingest.flush();
      dispatch({ type: 'readings', batches, receivedAt: now(), resync: true });
    },
  });

  const connection = createLiveConnection({
    accessToken: () => tokens.accessToken(),
    refresh: () => tokens.refresh(),
    onSignal,
    onServerEvent: (name, payload) => ingest.handle(name, payload),
    onUnknownEvent: (name) => ingest.unknownEvent(name),
    onConnected: (recovered) => void sync.onConnected(recovered),
    isOnline: deps.isOnline,
    now,
  });

  function watchTargets(): { siteIds: string[]; unitIds: string[] } {
    const { scope, live: state } = store.getState();
    const siteIds = new Set<string>();
    const unitIds = new Set<string>();
    if (scope.kind === 'organization') {
      for (const site of state.directory?.sites ?? []) siteIds.add(site.id);
    } else {
      for (const id of scope.siteIds) siteIds.add(id);
      for (const id of scope.unitIds) unitIds.add(id);
    }
    for (const h of deps.holds()) (h.entity === 'site' ? siteIds : unitIds).add(h.id);
    return { siteIds: [...siteIds], unitIds: [...unitIds] };
  }

  const sync = createSync({
    socket: () => connection.connected(),
    api: deps.api,
    accessToken: () => tokens.accessToken(),
    organizationId: () => store.getState().session?.organizationId ?? null,
    targets: watchTargets,
    watchedUnits: () => {
      const { scope, live: state } = store.getState();
      return (state.directory?.units ?? [])
        .filter((u) => isUnitInScope(state, scope, u.id))
        .map((u) => u.id);
    },
    refreshDirectory: async () => {
      await deps.refreshDirectory();
      sync.reconcile();
    },
    applyAlerts: (raw, startedAt) => {
      const result = normalizeAlerts(raw, { now: serverNow(), localNow: now(), count: dropped });
      if (!result.ok) return dropped(result.kind);
      dropped('rest:alerts/item', result.value.dropped);
      dispatch({
        type: 'alerts/synced',
        alerts: result.value.items,
        at: startedAt + live().connection.clockOffset,
        sentAt: startedAt,
      });
    },
    applyLatest: (unitId, raw) => {
      const result = normalizeLatestReading(raw, {
        now: serverNow(),
        localNow: now(),
        count: dropped,
        unitScale: (id) => live().directoryIndex.units.get(id)?.tempUnit,
        expectUnitId: unitId,
      });
      if (!result.ok) return dropped(result.kind);
      if (result.value !== null) latest.add(unitId, result.value);
    },
    onUnauthorized: () => void tokens.refresh(),
    getLatest: (unitId) => connection.getLatest(unitId),
    now,
  });

  return {
    connection,
    sync,
    ingest,
    serverNow,
    dropped,
    serverMessages: () => serverMessages,
    resetUnknownUnits: () => unknownUnits.reset(),
    stop() {
      latest.clear();
      connection.stop();
      unknownUnits.dispose();
    },
  };
}

export interface LatestBatcher {
  add(unitId: string, reading: ReadingsBatch['readings'][number]): void;
  /** Drops what is waiting (monitoring stopped). */
  clear(): void;
}

/**
 * Gathers the resync's latest readings for `LATEST_BATCH_MS` and applies
 * them as one batch. A batch gathered under one organization is dropped if
 * the session changed before it went out (its units are not the new ones').
 */
export function createLatestBatcher(deps: {
  organizationId(): string | null;
  apply(batches: ReadingsBatch[]): void;
}): LatestBatcher {
  let batches: ReadingsBatch[] = [];
  let organizationId: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const ready = batches;
    batches = [];
    if (ready.length > 0 && deps.organizationId() === organizationId) deps.apply(ready);
  };
  return {
    add(unitId, reading) {
      if (timer === null) {
        organizationId = deps.organizationId();
        timer = setTimeout(flush, LATEST_BATCH_MS);
      }
      batches.push({ unitId, readings: [reading] });
    },
    clear() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      batches = [];
    },
  };
}
