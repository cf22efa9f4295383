/**
 * The background service worker, assembled (issue #3). `main()` calls
 * `createBackground(env)`, then `listen()` synchronously (every browser event
 * listener is registered before any `await`, or a woken worker misses the
 * event that woke it), then `start()`.
 *
 * Data flow: socket → `ingest` (validate) → `reduce` (pure) → `effects`
 * (badge, notifications, pages, storage). Everything that must survive the
 * worker being stopped lives in `lib/storage.ts`; memory holds rebuildable
 * state only.
 */
import type { Browser as BrowserTypes, WxtBrowser } from 'wxt/browser';
import { createApiClient, type ApiClient } from './api';
import { createTokenStore, type TokenStore } from './auth';
import { badgeFor, createBadgeRenderer, DEFAULT_BADGE_GRACE_MS } from './badge';
import { createCommandHandler } from './commands';
import { loadDirectory } from './directory-loader';
import { createIngest } from './ingest';
import {
  createLiveConnection,
  type ConnectionSignal,
  type LiveConnection,
} from './live-connection';
import type { Patch, Result, Snapshot } from './messages';
import type { Alert, Directory, Preferences, Scope, SessionInfo } from './model';
import {
  normalizeAlerts,
  normalizeLatestReading,
  normalizeTokens,
  type DiagnosticKind,
} from './normalize';
import {
  NOTIFIED_LIMIT,
  SNOOZE_MINUTES,
  alertNotificationId,
  planNotifications,
  testNotification,
} from './notification-policy';
import { buttonAction, createNotifier, handleClicked } from './notifications';
import { createPortHub, type Port, type PortHub } from './port-hub';
import {
  historyLength,
  historyReadings,
  isUnitInScope,
  openAlerts,
  reduce,
  initialState,
  sameView,
  unitView,
  type State,
  type StateEvent,
  type UnitView,
} from './state';
import {
  DEFAULT_PREFERENCES,
  DEFAULT_SCOPE,
  directoryItem,
  notifiedItem,
  preferencesItem,
  scopeItem,
  sessionItem,
  snapshotItem,
  snoozedItem,
  stoppedNotifiedItem,
  type PersistedSnapshot,
} from './storage';
import { createSync, type Sync } from './sync';
import { buildDashboardUrl } from './format';

/** Watchdog: wakes the worker and reconnects if the socket is down. */
export const WATCHDOG_ALARM = 'frostline:watchdog';
export const WATCHDOG_PERIOD_MIN = 0.5;
/** Directory refresh while connected. */
export const DIRECTORY_ALARM = 'frostline:directory';
export const DIRECTORY_PERIOD_MIN = 10;
/** Unknown units seen in events trigger one directory refresh after this quiet time. */
export const UNKNOWN_UNIT_DEBOUNCE_MS = 5_000;
/** Storage writes of the snapshot and dedupe sets are throttled to this. */
export const PERSIST_INTERVAL_MS = 2_000;
/** Readings per unit sent after a snapshot for the sparklines, and units per message. */
export const BACKFILL_READINGS = 40;
export const BACKFILL_UNITS_PER_CHUNK = 100;
/** Staleness and "not live since" are re-evaluated this often. */
export const TICK_MS = 5_000;

export interface BackgroundEnv {
  browser: WxtBrowser;
  /** Chrome shows notification buttons; Firefox does not. */
  supportsButtons: boolean;
  now?: () => number;
  isOnline?: () => boolean;
  fetch?: typeof fetch;
  /** Where `online`/`offline` events come from (the worker's global scope). */
  events?: Pick<EventTarget, 'addEventListener'>;
}

/** What the command handler and tests may use. */
export interface BackgroundApi {
  readonly browser: WxtBrowser;
  now(): number;
  ready: Promise<void>;
  state(): State;
  dispatch(event: StateEvent): void;
  session(): SessionInfo | null;
  preferences(): Preferences;
  scope(): Scope;
  tokens: TokenStore;
  api(origin?: string): ApiClient | null;
  snapshot(): Snapshot;
  /** Signs in with a validated session and tokens already saved. */
  begin(session: SessionInfo): Promise<void>;
  end(): Promise<void>;
  setScope(scope: Scope): Promise<void>;
  setPreferences(preferences: Preferences): Promise<void>;
  acknowledge(alertId: string): Promise<Result<null>>;
  snooze(alertId: string, minutes: number): Promise<void>;
  testNotification(): Promise<void>;
  refreshDirectory(): Promise<Result<Directory>>;
  connection: LiveConnection;
  sync: Sync;
  hub: PortHub;
  dropped(kind: DiagnosticKind, count?: number): void;
  diagnosticsText(): string;
}

export function createBackground(env: BackgroundEnv) {
  const browser = env.browser;
  const now = env.now ?? (() => Date.now());
  const isOnline = env.isOnline ?? (() => globalThis.navigator?.onLine ?? true);

  let state = initialState(now());
  let session: SessionInfo | null = null;
  let preferences: Preferences = DEFAULT_PREFERENCES;
  let scope: Scope = DEFAULT_SCOPE;
  let notified = new Map<string, number>();
  /**
   * The server refused the session for good (refresh rejected). Persisted in
   * `stoppedNotifiedItem`: neither the watchdog nor a restarted worker may
   * reconnect (one more refused handshake and one more "monitoring stopped"
   * notice every 30 s) until the user signs in again.
   */
  let monitoringStopped = false;
  let snoozed = new Map<string, number>();
  const serverMessages: string[] = [];
  /** Aborted by `stop()`; listeners and late callbacks check it. */
  const lifetime = new AbortController();
  const disposers: (() => void)[] = [];
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  // -- clients ---------------------------------------------------------------
  let apiClient: ApiClient | null = null;
  const api = (origin?: string): ApiClient | null => {
    const target = origin ?? session?.serverUrl;
    if (target === undefined) return null;
    if (origin !== undefined) return createApiClient({ origin, fetch: env.fetch });
    apiClient ??= createApiClient({ origin: target, fetch: env.fetch });
    return apiClient;
  };
  const tokens = createTokenStore({
    api: () => api(),
    keepSignedIn: () => session?.keepSignedIn ?? false,
    parseTokens: (raw) => {
      const result = normalizeTokens(raw, { now: now() });
      return result.ok ? result.value : null;
    },
    now,
  });

  // -- state and effects -----------------------------------------------------
  const badge = createBadgeRenderer(browser.action);
  const notifier = createNotifier(browser.notifications, {
    supportsButtons: env.supportsButtons,
    iconUrl: browser.runtime.getURL('/icon/128.png'),
  });
  let persistTimer: ReturnType<typeof setTimeout> | null = null;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  let lastBadgeAt = 0;

  function dispatch(event: StateEvent): void {
    // A stopped instance (terminated worker) must not act on late callbacks.
    if (lifetime.signal.aborted) return;
    const prev = state;
    state = reduce(prev, event);
    if (state !== prev || event.type === 'tick') effects(prev, state, event);
  }

  /** The unit view of the current state, built at most once per state, scope and setting. */
  let viewCache: { key: readonly unknown[]; view: UnitView } | null = null;
  function view(): UnitView {
    const staleMs = preferences.staleMinutes * 60_000;
    const key = [
      state.units,
      state.alerts,
      state.directoryIndex,
      state.unitStateAt,
      state.connection.clockOffset,
      state.now,
      scope,
      staleMs,
    ];
    if (viewCache === null || key.some((part, i) => part !== viewCache?.key[i])) {
      viewCache = { key, view: unitView({ state, scope, staleMs, now: state.now }) };
    }
    return viewCache.view;
  }
  /** The last view the pages were sent (so an unchanged one is not sent again). */
  let sentView: UnitView | null = null;

  function renderBadge(): void {
    if (lifetime.signal.aborted) return;
    lastBadgeAt = now();
    void badge.render(
      badgeFor({
        state,
        scope,
        staleMs: preferences.staleMinutes * 60_000,
        graceMs: DEFAULT_BADGE_GRACE_MS,
        now: now(),
        view: view(),
      }),
    );
  }

  function effects(prev: State, next: State, event: StateEvent): void {
    const alertsChanged = prev.alerts !== next.alerts;
    const connectionChanged = prev.connection.status !== next.connection.status;
    // Readings alone move only "last update" in the tooltip: at most once a second.
    if (event.type !== 'readings' || now() - lastBadgeAt > 1_000) renderBadge();
    if (connectionChanged && next.connection.status !== 'live') {
      // The badge turns "off" only after the grace period: check again then.
      if (graceTimer !== null) clearTimeout(graceTimer);
      graceTimer = setTimeout(renderBadge, DEFAULT_BADGE_GRACE_MS + 50);
    }
    // Ticks too: re-notify intervals and snoozes end with time alone.
    if (
      alertsChanged ||
      connectionChanged ||
      prev.directory !== next.directory ||
      event.type === 'tick'
    ) {
      const plan = planNotifications({
        prev,
        next,
        prefs: preferences,
        scope,
        notified,
        snoozedUntil: snoozed,
        now: now(),
      });
      if (plan.notified !== notified || plan.snoozesEnded.length > 0) {
        notified = new Map(plan.notified);
        for (const id of plan.snoozesEnded) snoozed.delete(id);
        // Written now, not with the throttled snapshot: a worker stopped within
        // PERSIST_INTERVAL_MS of a notification would otherwise forget it and
        // announce the alert again after the restart (issue #3, "one
        // notification per alert, ever"). It changes only when a notification
        // is shown, so this is rare.
        void Promise.all([
          notifiedItem.setValue(Object.fromEntries(notified)),
          snoozedItem.setValue(Object.fromEntries(snoozed)),
        ]);
      }
      if (plan.ops.length > 0) {
        void notifier.apply(plan).then((result) => {
          if (result.shown > 0) dispatch({ type: 'notifications/shown', count: result.shown });
        });
      }
    }
    if (alertsChanged || prev.units !== next.units) schedulePersist();
    if (hub.active()) queuePatch(prev, next, event);
  }

  function queuePatch(prev: State, next: State, event: StateEvent): void {
    const watched = (unitId: string) => isUnitInScope(next, scope, unitId);
    if (event.type === 'readings') {
      const units = [];
      const readings = [];
      for (const batch of event.batches) {
        if (!watched(batch.unitId)) continue;
        readings.push(batch);
        const unit = next.units.get(batch.unitId);
        if (unit !== undefined && unit !== prev.units.get(batch.unitId)) units.push(unit);
      }
      if (readings.length > 0) hub.queue({ readings, units });
    } else if (prev.units !== next.units) {
      const units = [];
      for (const [id, unit] of next.units) {
        if (prev.units.get(id) !== unit && watched(id)) units.push(unit);
      }
      if (units.length > 0) hub.queue({ units });
    }
    if (prev.alerts !== next.alerts) {
      const upsert: Alert[] = [];
      const remove: string[] = [];
      for (const [id, alert] of next.alerts) {
        if (prev.alerts.get(id) !== alert && isUnitInScope(next, scope, alert.unitId))
          upsert.push(alert);
      }
      for (const id of prev.alerts.keys()) if (!next.alerts.has(id)) remove.push(id);
      hub.queue({ alerts: { upsert, remove } });
    }
    if (prev.connection !== next.connection) hub.queue({ connection: next.connection });
    if (prev.directory !== next.directory) hub.queue({ directory: next.directory });
    if (prev.diagnostics !== next.diagnostics && event.type !== 'readings') {
      hub.queue({ diagnostics: next.diagnostics });
    }
    // The view is built when the patch goes out (`beforeFlush`), once per flush.
    if (
      prev.units !== next.units ||
      prev.alerts !== next.alerts ||
      prev.directoryIndex !== next.directoryIndex ||
      prev.now !== next.now ||
      prev.connection.clockOffset !== next.connection.clockOffset
    ) {
      hub.queue({});
    }
  }

  function schedulePersist(): void {
    if (persistTimer !== null) return;
    persistTimer = setTimeout(() => {
      persistTimer = null;
      void persist();
    }, PERSIST_INTERVAL_MS);
  }

  async function persist(): Promise<void> {
    if (session === null) return;
    const snapshot: PersistedSnapshot = {
      savedAt: now(),
      organizationId: session.organizationId,
      latest: [...state.units.values()].map((u) => ({
        unitId: u.unitId,
        reading: u.latest,
        state: u.state,
      })),
      alerts: [...state.alerts.values()],
      tombstones: [...state.tombstones.entries()],
      lastDataAt: state.connection.lastDataAt,
    };
    // Bounded: forget the oldest notified ids of alerts that are no longer open.
    if (notified.size > NOTIFIED_LIMIT) {
      const closed = [...notified.entries()].filter(([id]) => !state.alerts.has(id));
      closed.sort((a, b) => a[1] - b[1]);
      for (const [id] of closed.slice(0, notified.size - NOTIFIED_LIMIT)) notified.delete(id);
    }
    await Promise.all([
      snapshotItem.setValue(snapshot),
      notifiedItem.setValue(Object.fromEntries(notified)),
      snoozedItem.setValue(Object.fromEntries(snoozed)),
    ]);
  }

  // -- pages -------------------------------------------------------------------
  const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;
  function isOwnPage(sender: BrowserTypes.runtime.MessageSender | undefined): boolean {
    if (sender === undefined || sender.id !== browser.runtime.id) return false;
    // Our pages only: a content script or another extension has another origin.
    const url = sender.url ?? sender.origin ?? '';
    try {
      return new URL(url).origin === extensionOrigin;
    } catch {
      return false;
    }
  }

  const hub = createPortHub({
    isTrusted: (port: Port) => isOwnPage(port.sender),
    snapshot: async () => {
      await ready;
      return snapshot();
    },
    onHold: (entity, id) => {
      sync.reconcile();
      // A unit detail view shows the full history: send it the unit's readings.
      const unit = entity === 'unit' ? state.units.get(id) : undefined;
      if (unit !== undefined) {
        hub.queue({ readings: [{ unitId: id, readings: historyReadings(unit.history) }] });
      }
    },
    backfill: () => {
      const chunks: NonNullable<Patch['readings']>[] = [];
      let chunk: NonNullable<Patch['readings']> = {};
      let size = 0;
      for (const [id, unit] of state.units) {
        if (!isUnitInScope(state, scope, id) || historyLength(unit.history) === 0) continue;
        chunk[id] = historyReadings(unit.history, BACKFILL_READINGS);
        size += 1;
        if (size === BACKFILL_UNITS_PER_CHUNK) {
          chunks.push(chunk);
          chunk = {};
          size = 0;
        }
      }
      if (size > 0) chunks.push(chunk);
      return chunks;
    },
    onRelease: () => sync.reconcile(),
    beforeFlush: () => {
      const next = view();
      if (!sameView(sentView, next)) {
        sentView = next;
        hub.queue({ view: next });
      }
    },
    now,
  });

  function snapshot(): Snapshot {
    // Only what is watched: the badge, the alerts and the units must agree.
    const units: Snapshot['units'] = {};
    // Latest readings only: the history follows in chunks (port-hub backfill),
    // so the first paint of a popup with 1,000 units does not wait for it.
    for (const [id, unit] of state.units) {
      if (isUnitInScope(state, scope, id)) {
        units[id] = { unitId: unit.unitId, latest: unit.latest, state: unit.state, history: [] };
      }
    }
    return {
      connection: state.connection,
      session,
      preferences,
      scope,
      directory: state.directory,
      units,
      alerts: openAlerts(state, scope),
      view: (sentView = view()),
      diagnostics: state.diagnostics,
      at: now(),
    };
  }

  // -- connection ------------------------------------------------------------
  const serverNow = () => now() + state.connection.clockOffset;
  let unknownUnitTimer: ReturnType<typeof setTimeout> | null = null;
  const ingest = createIngest({
    dispatch,
    now,
    serverNow,
    unitScale: (unitId) => state.directoryIndex.units.get(unitId)?.tempUnit,
    isKnownUnit: (unitId) => state.directory === null || state.directoryIndex.units.has(unitId),
    onUnknownUnit: () => {
      if (unknownUnitTimer !== null) return;
      unknownUnitTimer = setTimeout(() => {
        void refreshDirectory().finally(() => {
          unknownUnitTimer = null;
        });
      }, UNKNOWN_UNIT_DEBOUNCE_MS);
    },
    onServerMessage: (message) => {
      serverMessages.push(`${new Date(now()).toISOString()} ${message}`);
      if (serverMessages.length > 20) serverMessages.shift();
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
        monitoringStopped = true;
        void stoppedNotifiedItem.setValue(true);
        return dispatch({ type: 'connection/signed-out', at, error: signal.error });
      case 'rtt':
        return dispatch({
          type: 'connection/rtt',
          rtt: signal.rtt,
          serverTime: signal.serverTime,
          at,
        });
    }
  }

  const connection = createLiveConnection({
    accessToken: () => tokens.accessToken(),
    refresh: () => tokens.refresh(),
    onSignal,
    onServerEvent: (name, payload) => ingest.handle(name, payload),
    onUnknownEvent: (name) => ingest.unknownEvent(name),
    onConnected: (recovered) => void sync.onConnected(recovered),
    isOnline,
    now,
  });

  function watchTargets(): { siteIds: string[]; unitIds: string[] } {
    const held = hub.holds();
    const siteIds = new Set<string>();
    const unitIds = new Set<string>();
    if (scope.kind === 'organization') {
      for (const site of state.directory?.sites ?? []) siteIds.add(site.id);
    } else {
      for (const id of scope.siteIds) siteIds.add(id);
      for (const id of scope.unitIds) unitIds.add(id);
    }
    for (const h of held) (h.entity === 'site' ? siteIds : unitIds).add(h.id);
    return { siteIds: [...siteIds], unitIds: [...unitIds] };
  }

  const sync = createSync({
    socket: () => connection.connected(),
    api: () => api(),
    accessToken: () => tokens.accessToken(),
    organizationId: () => session?.organizationId ?? null,
    targets: watchTargets,
    watchedUnits: () =>
      (state.directory?.units ?? [])
        .filter((u) => isUnitInScope(state, scope, u.id))
        .map((u) => u.id),
    refreshDirectory: async () => {
      await refreshDirectory();
      sync.reconcile();
    },
    applyAlerts: (raw, startedAt) => {
      const result = normalizeAlerts(raw, { now: serverNow() });
      if (!result.ok) return dropped(result.kind);
      dropped('rest:alerts/item', result.value.dropped);
      dispatch({
        type: 'alerts/synced',
        alerts: result.value.items,
        at: startedAt + state.connection.clockOffset,
      });
    },
    applyLatest: (unitId, raw) => {
      const result = normalizeLatestReading(raw, {
        now: serverNow(),
        unitScale: (id) => state.directoryIndex.units.get(id)?.tempUnit,
        expectUnitId: unitId,
      });
      if (!result.ok) return dropped(result.kind);
      if (result.value !== null) {
        ingest.flush();
        dispatch({
          type: 'readings',
          batches: [{ unitId, readings: [result.value] }],
          receivedAt: now(),
        });
      }
    },
    onUnauthorized: () => void tokens.refresh(),
    getLatest: (unitId) => connection.getLatest(unitId),
    now,
  });

  function dropped(kind: DiagnosticKind, count = 1): void {
    if (count > 0) dispatch({ type: 'dropped', kind, count });
  }

  let directoryInflight: Promise<Result<Directory>> | null = null;
  function refreshDirectory(): Promise<Result<Directory>> {
    directoryInflight ??= (async () => {
      const client = api();
      const current = session;
      const token = await tokens.accessToken();
      if (client === null || current === null || token === null) {
        return {
          ok: false as const,
          error: { code: 'not-signed-in' as const, message: 'Not signed in' },
        };
      }
      const result = await loadDirectory(
        client,
        token,
        current.organizationId,
        { now: serverNow() },
        dropped,
      );
      if (!result.ok) {
        return {
          ok: false as const,
          error: {
            code:
              result.error.kind === 'unreachable'
                ? ('server-unreachable' as const)
                : ('server-error' as const),
            message: result.error.message,
          },
        };
      }
      if (session !== current) return { ok: true as const, data: result.directory };
      dispatch({ type: 'directory/loaded', directory: result.directory });
      await directoryItem.setValue(result.directory);
      return { ok: true as const, data: result.directory };
    })().finally(() => {
      directoryInflight = null;
    });
    return directoryInflight;
  }

  // -- lifecycle -------------------------------------------------------------
  async function hydrate(): Promise<void> {
    const [
      storedSession,
      storedPrefs,
      storedScope,
      storedDirectory,
      storedNotified,
      storedSnoozed,
      stored,
      storedStopped,
    ] = await Promise.all([
      sessionItem.getValue(),
      preferencesItem.getValue(),
      scopeItem.getValue(),
      directoryItem.getValue(),
      notifiedItem.getValue(),
      snoozedItem.getValue(),
      snapshotItem.getValue(),
      stoppedNotifiedItem.getValue(),
    ]);
    session = storedSession;
    preferences = { ...DEFAULT_PREFERENCES, ...storedPrefs };
    scope = storedScope;
    notified = new Map(Object.entries(storedNotified));
    snoozed = new Map(Object.entries(storedSnoozed));
    if (session === null) {
      dispatch({ type: 'connection/signed-out', at: now() });
      return;
    }
    if (storedDirectory !== null && storedDirectory.organizationId === session.organizationId) {
      dispatch({ type: 'directory/loaded', directory: storedDirectory });
    }
    if (stored !== null && stored.organizationId === session.organizationId) {
      dispatch({ type: 'snapshot/restored', snapshot: stored, at: now() });
    }
    monitoringStopped = storedStopped;
    if (monitoringStopped) {
      // Still signed out; the notice was shown before the restart (state was already signed-out).
      dispatch({
        type: 'connection/signed-out',
        at: now(),
        error: {
          code: 'refresh-failed',
          message: 'The session has ended; sign in again to resume monitoring',
          at: now(),
        },
      });
    }
  }

  async function start(): Promise<void> {
    try {
      await hydrate();
    } finally {
      resolveReady();
    }
    renderBadge();
    await ensureAlarms();
    if (session !== null && !monitoringStopped) {
      connection.start(session.serverUrl);
    }
  }

  async function ensureAlarms(): Promise<void> {
    if ((await browser.alarms.get(WATCHDOG_ALARM)) === undefined) {
      await browser.alarms.create(WATCHDOG_ALARM, { periodInMinutes: WATCHDOG_PERIOD_MIN });
    }
    if ((await browser.alarms.get(DIRECTORY_ALARM)) === undefined) {
      await browser.alarms.create(DIRECTORY_ALARM, { periodInMinutes: DIRECTORY_PERIOD_MIN });
    }
  }

  async function begin(next: SessionInfo): Promise<void> {
    connection.stop();
    monitoringStopped = false;
    await stoppedNotifiedItem.setValue(false);
    const changedOrg = session?.organizationId !== next.organizationId;
    session = next;
    apiClient = null;
    await sessionItem.setValue(next);
    if (changedOrg) {
      dispatch({ type: 'session/cleared', at: now() });
      await directoryItem.removeValue();
      await snapshotItem.removeValue();
    }
    hub.queue({ session });
    connection.start(next.serverUrl);
    void refreshDirectory();
  }

  async function end(): Promise<void> {
    connection.stop();
    session = null;
    apiClient = null;
    await Promise.all([
      tokens.clear(),
      sessionItem.removeValue(),
      snapshotItem.removeValue(),
      directoryItem.removeValue(),
      stoppedNotifiedItem.removeValue(),
    ]);
    monitoringStopped = false;
    dispatch({ type: 'session/cleared', at: now() });
    dispatch({ type: 'connection/signed-out', at: now() });
    hub.queue({ session: null });
    // Nothing we showed is true any more.
    const shown = await browser.notifications.getAll();
    await Promise.all(Object.keys(shown).map((id) => browser.notifications.clear(id)));
  }

  async function acknowledge(alertId: string): Promise<Result<null>> {
    const client = api();
    const token = await tokens.accessToken();
    if (client === null || session === null || token === null) {
      return {
        ok: false,
        error: { code: 'not-signed-in', message: 'Sign in to acknowledge alerts' },
      };
    }
    const result = await client.acknowledge(token, session.organizationId, alertId);
    if (!result.ok) {
      const error = result.error;
      if (error.kind === 'http' && error.status === 409) {
        return {
          ok: false,
          error: {
            code: 'already-acknowledged',
            message: 'Someone already acknowledged this alert',
          },
        };
      }
      if (error.kind === 'http' && error.status === 404) {
        return { ok: false, error: { code: 'not-found', message: 'This alert no longer exists' } };
      }
      if (error.kind === 'unreachable') {
        return { ok: false, error: { code: 'server-unreachable', message: error.message } };
      }
      if (error.kind === 'unauthorized') {
        void tokens.refresh();
        return {
          ok: false,
          error: { code: 'token-expired', message: 'The session expired; try again' },
        };
      }
      return { ok: false, error: { code: 'server-error', message: error.message } };
    }
    dispatch({
      type: 'alert/acknowledged',
      alertId,
      by: session.email,
      at: serverNow(),
      receivedAt: now(),
    });
    return { ok: true, data: null };
  }

  async function snooze(alertId: string, minutes: number): Promise<void> {
    snoozed.set(alertId, now() + minutes * 60_000);
    await browser.notifications.clear(alertNotificationId(alertId));
    schedulePersist();
  }

  function openDashboard(alertId: string | null, unitId: string | null): void {
    if (session === null) return;
    const unit = unitId === null ? undefined : state.directoryIndex.units.get(unitId);
    const url = buildDashboardUrl(preferences.dashboardUrlTemplate, {
      server: session.serverUrl,
      org: session.organizationId,
      site: unit?.siteId ?? '',
      unit: unitId ?? '',
      alert: alertId ?? '',
    });
    if (url === null) return;
    void browser.tabs.create({ url }).then((tab) => {
      if (tab.windowId !== undefined) void browser.windows?.update(tab.windowId, { focused: true });
    });
  }

  function diagnosticsText(): string {
    const c = state.connection;
    const d = state.diagnostics;
    const lines = [
      `Frostline ${browser.runtime.getManifest().version}`,
      `Server: ${session?.serverUrl ?? '(signed out)'}`,
      `Organization: ${session?.organizationId ?? '-'}`,
      `Status: ${c.status} since ${new Date(c.since).toISOString()}`,
      `Round trip: ${c.rtt === null ? '-' : `${Math.round(c.rtt)} ms`}`,
      `Reconnects: ${c.reconnects}`,
      `Last event: ${c.lastEventAt === null ? '-' : new Date(c.lastEventAt).toISOString()}`,
      `Last data: ${c.lastDataAt === null ? '-' : new Date(c.lastDataAt).toISOString()}`,
      `Last error: ${c.lastError === null ? '-' : `${c.lastError.code}: ${c.lastError.message}`}`,
      `Events received: ${d.eventsReceived}`,
      `Readings received: ${d.readingsReceived}`,
      `Duplicates dropped: ${d.duplicatesDropped}`,
      `Notifications shown: ${d.notificationsShown}`,
      `Units: ${state.units.size}, open alerts: ${state.alerts.size}`,
      'Invalid payloads dropped:',
      ...Object.entries(d.invalidByKind).map(([kind, count]) => `  ${kind}: ${count}`),
      'Connection history:',
      ...d.history.map((h) => `  ${new Date(h.at).toISOString()} ${h.status} ${h.detail}`),
      'Server messages:',
      ...serverMessages.map((m) => `  ${m}`),
    ];
    return lines.join('\n');
  }

  const app: BackgroundApi = {
    browser,
    now,
    ready,
    state: () => state,
    dispatch,
    session: () => session,
    preferences: () => preferences,
    scope: () => scope,
    tokens,
    api,
    snapshot,
    begin,
    end,
    async setScope(next) {
      scope = next;
      await scopeItem.setValue(next);
      sync.reconcile();
      renderBadge();
      // The units and alerts a page shows change as a whole: send it all again.
      hub.resync();
    },
    async setPreferences(next) {
      preferences = next;
      await preferencesItem.setValue(next);
      hub.queue({ preferences: next });
      renderBadge();
    },
    acknowledge,
    snooze,
    async testNotification() {
      await notifier.apply(testNotification());
    },
    refreshDirectory,
    connection,
    sync,
    hub,
    dropped,
    diagnosticsText,
  };

  const handleCommand = createCommandHandler(app);

  /** Registers every listener; synchronous, first thing in `main()`. */
  function listen(): void {
    const onMessage = (message: unknown, sender: BrowserTypes.runtime.MessageSender) => {
      if (!isOwnPage(sender)) return undefined;
      return handleCommand(message);
    };
    browser.runtime.onMessage.addListener(onMessage);
    disposers.push(() => browser.runtime.onMessage.removeListener(onMessage));
    const onConnect = (port: BrowserTypes.runtime.Port) => hub.accept(port);
    browser.runtime.onConnect.addListener(onConnect);
    disposers.push(() => browser.runtime.onConnect.removeListener(onConnect));
    const onAlarm = (alarm: BrowserTypes.alarms.Alarm) => {
      void ready.then(() => {
        if (alarm.name === WATCHDOG_ALARM) {
          if (session !== null && !monitoringStopped) connection.start(session.serverUrl);
          connection.kick();
          dispatch({ type: 'tick', now: now() });
        } else if (alarm.name === DIRECTORY_ALARM && connection.isConnected()) {
          void refreshDirectory();
        }
      });
    };
    browser.alarms.onAlarm.addListener(onAlarm);
    disposers.push(() => browser.alarms.onAlarm.removeListener(onAlarm));
    const onClicked = (notificationId: string) => {
      void ready.then(() => {
        handleClicked(notificationId, {
          onAlertClicked: (alertId) => {
            openDashboard(alertId, state.alerts.get(alertId)?.unitId ?? null);
            void browser.notifications.clear(notificationId);
          },
          onGroupClicked: () => {
            void browser.notifications.clear(notificationId);
            void browser.action.openPopup?.().catch(() => undefined);
          },
          onNoticeClicked: (notice) => {
            void browser.notifications.clear(notificationId);
            if (notice === 'monitoring-stopped') void browser.runtime.openOptionsPage();
          },
        });
      });
    };
    browser.notifications.onClicked.addListener(onClicked);
    disposers.push(() => browser.notifications.onClicked.removeListener(onClicked));
    const onButtonClicked = (notificationId: string, buttonIndex: number) => {
      void ready.then(async () => {
        const alertId = notificationId.startsWith('alert:')
          ? notificationId.slice('alert:'.length)
          : null;
        const action = buttonAction(buttonIndex);
        if (alertId === null || action === null) return;
        if (action === 'acknowledge') {
          const result = await acknowledge(alertId);
          if (result.ok || result.error.code === 'already-acknowledged') {
            await browser.notifications.clear(notificationId);
          }
        } else {
          await snooze(alertId, SNOOZE_MINUTES);
        }
      });
    };
    browser.notifications.onButtonClicked.addListener(onButtonClicked);
    disposers.push(() => browser.notifications.onButtonClicked.removeListener(onButtonClicked));
    const events = env.events ?? globalThis;
    const { signal } = lifetime;
    events.addEventListener(
      'online',
      () => {
        void ready.then(() => connection.kick());
      },
      { signal },
    );
    events.addEventListener(
      'offline',
      () => {
        if (connection.isConnected()) return; // the socket will tell us if it breaks
        dispatch({
          type: 'connection/down',
          at: now(),
          offline: true,
          error: { code: 'browser-offline', message: 'This computer is offline', at: now() },
        });
      },
      { signal },
    );
    const ticker = setInterval(() => dispatch({ type: 'tick', now: now() }), TICK_MS);
    disposers.push(() => clearInterval(ticker));
  }

  /**
   * Ends this instance the way a terminated worker ends: listeners removed,
   * timers and the socket closed, storage left exactly as it is (nothing is
   * flushed, so a test of a restart sees what a killed worker leaves behind).
   */
  function stop(): void {
    lifetime.abort();
    for (const dispose of disposers.splice(0)) dispose();
    connection.stop();
    for (const timer of [persistTimer, graceTimer, unknownUnitTimer]) {
      if (timer !== null) clearTimeout(timer);
    }
    persistTimer = graceTimer = unknownUnitTimer = null;
  }

  return { app, listen, start, stop };
}
