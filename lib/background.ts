/**
 * The background service worker, assembled (issues #3, #9). This file only
 * wires: a store (`lib/store.ts`: dispatch → pure reducer → subscribers),
 * the effects that subscribe to it (`lib/effects/`: badge, notifications,
 * persistence, pages; adding a sink is one more file there), the session
 * (`lib/session.ts`), monitoring (`lib/monitoring.ts`: live connection,
 * ingest, resync) and the commands (`lib/commands.ts`). `main()` calls
 * `createBackground(env)`, then `listen()` synchronously, then `start()`.
 */
import { markOnce } from './marks';
import { createNotificationIcon } from './notification-icon';
import type { WxtBrowser } from 'wxt/browser';
import { createApiClient } from './api';
import type { TokenStore } from './auth';
import { createCommandHandler } from './commands';
import { diagnosticsText } from './diagnostics-text';
import { createBadgeEffect } from './effects/badge';
import { createEventLogEffect } from './effects/event-log';
import { createExcursionsEffect } from './effects/excursions';
import { createFirstViewEffect } from './effects/first-view';
import { createNotificationsEffect } from './effects/notifications';
import { createPagesEffect } from './effects/pages';
import { createPersistenceEffect } from './effects/persistence';
import { createSoundEffect } from './effects/sound';
import { createDashboardOpener, openPopup } from './dashboard';
import {
  ensureAlarms,
  hydrate,
  listen as listenAll,
  ownPageCheck,
  unitsRestoreWait,
} from './lifecycle';
import type { LiveConnection } from './live-connection';
import { NOTHING_MANAGED, readManaged, watchManaged, type ManagedConfig } from './managed';
import type { Snapshot } from './messages';
import type { SessionInfo } from './model';
import { createMonitoring } from './monitoring';
import type { PortHub } from './port-hub';
import { createSession, createSessionClients, type Session } from './session';
import type { State, StateEvent } from './state';
import {
  DEFAULT_PREFERENCES,
  DEFAULT_SCOPE,
  firstViewItem,
  preferencesItem,
  scopeItem,
} from './storage';
import { createStackAuthClient } from './stack-auth';
import { createStore, createWorkerView, initialWorkerState } from './store';
import type { Sync } from './sync';
import { soundPlayerFor, type SoundPlayer } from './sound-player';

export { WATCHDOG_ALARM, DIRECTORY_ALARM, ALERTS_ALARM, TICK_MS } from './lifecycle';
export { PERSIST_INTERVAL_MS } from './effects/persistence';

export interface BackgroundEnv {
  browser: WxtBrowser;
  /** Chrome shows notification buttons; Firefox does not. */
  supportsButtons: boolean;
  now?: () => number;
  isOnline?: () => boolean;
  fetch?: typeof fetch;
  /** Where `online`/`offline` events come from (the worker's global scope). */
  events?: Pick<EventTarget, 'addEventListener'>;
  /** Where alert sounds play; by default chosen from what the browser has (`soundPlayerFor`). */
  soundPlayer?: SoundPlayer;
}

/** What tests may observe and drive. */
export interface BackgroundApi {
  readonly browser: WxtBrowser;
  now(): number;
  ready: Promise<void>;
  state(): State;
  dispatch(event: StateEvent): void;
  session(): SessionInfo | null;
  tokens: TokenStore;
  snapshot(): Snapshot;
  end(): Promise<void>;
  connection: LiveConnection;
  sync: Sync;
  hub: PortHub;
  sessionService: Session;
}

export function createBackground(env: BackgroundEnv) {
  const { browser } = env;
  const now = env.now ?? (() => Date.now());
  const lifetime = new AbortController();
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const store = createStore(
    initialWorkerState(now(), { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE }),
  );
  const getState = store.getState;

  const { api, resetApi, tokens, sessionTokens } = createSessionClients({
    session: () => getState().session,
    fetch: env.fetch,
    now,
    // Stack Auth tokens live minutes: renew from `exp`, and on any REST 401 (#10).
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    onUnauthorized: () => void session.unauthorized(),
    onRejected: () => void session.unauthorized(),
  });
  /** The administrator's policy (#10), read at start and whenever it changes. */
  let managed: Promise<ManagedConfig> = Promise.resolve(NOTHING_MANAGED);
  const loadManaged = () => {
    managed = readManaged(browser.storage);
  };
  const view = createWorkerView();
  const isOwnPage = ownPageCheck(browser.runtime);

  const pages = createPagesEffect({
    getState,
    view,
    ready,
    isTrusted: (port) => isOwnPage(port.sender),
    onRoomsChanged: () => monitoring.sync.reconcile(),
    now,
  });
  const monitoring = createMonitoring({
    store,
    tokens: sessionTokens,
    api,
    holds: () => pages.hub.holds(),
    refreshDirectory: () => session.directory(),
    onStopped: () => session.stopped(),
    isOnline: env.isOnline ?? (() => globalThis.navigator?.onLine ?? true),
    now,
  });
  const session = createSession({
    store,
    tokens,
    api,
    resetApi,
    sessionTokens,
    resetUnknownUnits: monitoring.resetUnknownUnits,
    connection: monitoring.connection,
    now,
    serverNow: monitoring.serverNow,
    dropped: monitoring.dropped,
    refreshAlerts: () => void monitoring.sync.refreshAlerts(),
    revoke: (config, accessToken, refreshToken) =>
      createStackAuthClient({ config, fetch: env.fetch, timeoutMs: 5_000 }).signOut(
        accessToken,
        refreshToken,
      ),
  });
  // Firefox's MV2 build has `browserAction`, the same surface under its old name (#12).
  const action = browser.action ?? browser.browserAction;
  const badge = createBadgeEffect({ action, getState, view, now });
  const persistence = createPersistenceEffect({ getState, now });
  const firstView = createFirstViewEffect({
    getState,
    view,
    now,
    write: (json) => (json === null ? firstViewItem.removeValue() : firstViewItem.setValue(json)),
  });
  const excursions = createExcursionsEffect({ store, now });
  const eventLog = createEventLogEffect({ store, view, now });
  const notificationIcon = createNotificationIcon(browser.runtime.getURL('/icon/80.png'));
  const notifications = createNotificationsEffect({
    notifications: browser.notifications,
    store,
    supportsButtons: env.supportsButtons,
    iconUrl: notificationIcon.url,
    now,
    ready,
    // The notification's button acknowledges without a note (issue #10).
    acknowledge: (alertId) => session.acknowledge(alertId),
    openDashboard: createDashboardOpener(browser, getState),
    openPopup: () => openPopup(browser, action),
    openOptions: () => void browser.runtime.openOptionsPage(),
    onSnoozed: () => sound.evaluate(),
  });
  const sound = createSoundEffect({
    player: env.soundPlayer ?? soundPlayerFor(browser),
    getState,
    snoozedUntil: () => notifications.snoozedUntil(),
    now,
  });
  const effects = [
    badge,
    notifications,
    sound,
    persistence,
    firstView,
    excursions,
    eventLog,
    pages,
  ];
  const disposers = effects.map((effect) => store.subscribe(effect.listener));

  const handleCommand = createCommandHandler({
    ready,
    now,
    snapshot: pages.snapshot,
    api: (origin) => createApiClient({ origin, fetch: env.fetch }),
    stackAuth: (config) => createStackAuthClient({ config, fetch: env.fetch }),
    managed: () => managed,
    tokens,
    session,
    preferences: () => getState().preferences,
    async setPreferences(preferences) {
      await preferencesItem.setValue(preferences);
      store.dispatch({ type: 'preferences/set', preferences });
    },
    async setScope(scope) {
      await scopeItem.setValue(scope);
      store.dispatch({ type: 'scope/set', scope });
      monitoring.sync.reconcile();
    },
    snooze: notifications.snooze,
    testNotification: notifications.test,
    sinceLastLooked: eventLog.sinceLastLooked,
    testSound: () => sound.test(),
    diagnosticsText: () =>
      diagnosticsText({
        version: browser.runtime.getManifest().version,
        session: getState().session,
        state: getState().live,
        serverMessages: monitoring.serverMessages(),
      }),
  });

  const app: BackgroundApi = {
    browser,
    now,
    ready,
    state: () => getState().live,
    dispatch: store.dispatch,
    session: () => getState().session,
    tokens,
    snapshot: pages.snapshot,
    end: session.end,
    connection: monitoring.connection,
    sync: monitoring.sync,
    hub: pages.hub,
    sessionService: session,
  };

  /** Registers every listener; synchronous, first thing in `main()`. */
  function listen(): void {
    disposers.push(watchManaged(browser.storage, loadManaged));
    disposers.push(
      ...listenAll({
        browser,
        store,
        ready,
        isOwnPage,
        handleCommand,
        hub: {
          accept(port) {
            pages.hub.accept(port);
            // The popup's port closing is when it was last looked at (#13).
            if (isOwnPage(port.sender)) eventLog.watchPort(port);
          },
        },
        connection: monitoring.connection,
        refreshDirectory: session.directory,
        reconcileAlerts: () => void monitoring.sync.refreshAlerts(),
        listenNotifications: notifications.listen,
        events: env.events ?? globalThis,
        signal: lifetime.signal,
        now,
      }),
    );
  }

  async function start(): Promise<void> {
    // Connect first: the alarms are only a watchdog, and every millisecond
    // before the handshake is a millisecond the badge is not live (#14). The
    // socket starts as soon as the session is read, while the directory and
    // the last snapshot still load.
    const connect = () => {
      // The restored session owns the tokens the store holds now (#11).
      sessionTokens.adopt();
      const { session: current, monitoringStopped } = getState();
      if (current !== null && !monitoringStopped) {
        markOnce('socket-start');
        monitoring.connection.start(current.serverUrl);
      }
    };
    // Read beside the rest, never waited for by the start (#10, #14):
    // Chromium's managed storage can take seconds to answer.
    loadManaged();
    // The handshake's token, asked before the large restore reads (#14).
    tokens.readAhead();
    try {
      // What was announced first: the restored alerts must not be announced
      // (or sounded) again, so the effects' memory is in before any alert;
      // and whether notifications can show at all (#13), so the first
      // snapshot a page gets says it. Asked after the session reads (#14).
      const hydrating = hydrate(store, now, {
        before: () =>
          Promise.all([notifications.hydrate(), sound.hydrate(), notifications.checkPermission()]),
        onSettings: () => {
          connect();
          // The open alerts are asked beside the handshake, not after it (#14):
          // the badge is right when the socket is live, not a list's round
          // trip later. The connect's own reconcile follows (an alert
          // triggered or resolved before the org room was joined is in it)
          // and overtakes this answer.
          void monitoring.sync.refreshAlerts();
        },
        onDirectory: () => monitoring.sync.reconcile(),
        beforeUnits: () => unitsRestoreWait(store, badge.idle),
      });
      // Read beside the rest, behind the reads the reconnect needs, restored
      // once the session is known (issue #13).
      const savedExcursions = excursions.load();
      const savedEventLog = eventLog.load();
      await hydrating;
      excursions.restore(await savedExcursions);
      eventLog.restore(await savedEventLog);
      // Its renewal is scheduled again from the stored token's `exp` (#10).
      await tokens.resume();
    } finally {
      resolveReady();
    }
    connect();
    badge.render();
    void notificationIcon.load();
    await ensureAlarms(browser.alarms);
  }

  /**
   * Ends this instance the way a terminated worker ends: listeners removed,
   * timers and the socket closed, storage left exactly as it is.
   */
  function stop(): void {
    lifetime.abort();
    store.close();
    for (const dispose of disposers.splice(0)) dispose();
    monitoring.stop();
    tokens.dispose();
    badge.dispose();
    persistence.dispose();
    firstView.dispose();
    excursions.dispose();
    eventLog.dispose();
    sound.dispose();
  }

  return { app, listen, start, stop };
}
