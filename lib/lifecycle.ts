/**
 * The worker's lifecycle: reading storage when it starts (hydrate), the
 * alarms that wake it, and every browser listener, registered synchronously
 * (STYLE.md §1: a woken worker must not miss the event that woke it).
 */
import { markOnce } from './marks';
import type { Browser as BrowserTypes, WxtBrowser } from 'wxt/browser';
import type { LiveConnection } from './live-connection';
import type { PortHub } from './port-hub';
import { settledWithin } from './settle';
import {
  loadStoredDirectory,
  migratePreferencesV2,
  loadSnapshot,
  preferencesItem,
  scopeItem,
  sessionItem,
  stoppedNotifiedItem,
} from './storage';
import type { Store } from './store';

/** Watchdog: wakes the worker and reconnects if the socket is down. */
export const WATCHDOG_ALARM = 'frostline:watchdog';
export const WATCHDOG_PERIOD_MIN = 0.5;
/** Directory refresh while connected. */
export const DIRECTORY_ALARM = 'frostline:directory';
export const DIRECTORY_PERIOD_MIN = 10;
/**
 * Reconciles the open alerts through REST while signed in (issue #10: an
 * acknowledge or resolve made elsewhere is never pushed). An alarm, so it
 * survives worker stops; 45 s so that a change made elsewhere leaves the
 * badge within 60 s, request time included.
 */
export const ALERTS_ALARM = 'frostline:alerts';
export const ALERTS_PERIOD_MIN = 0.75;
/** Staleness and "not live since" are re-evaluated this often. */
export const TICK_MS = 5_000;

export interface HydrateOptions {
  /**
   * Awaited before anything is dispatched (what the notifications effect
   * remembers). A function is called once the session reads are issued, so
   * its reads queue behind them (#14).
   */
  before?: Promise<unknown> | (() => Promise<unknown>);
  /**
   * Called once the session and settings are in the store, when monitoring
   * should run, before the directory and the last snapshot (the large items)
   * are restored: a woken worker connects while they load (#14). The
   * restore merges under live data (the reducer keeps what is newer).
   */
  onSettings?: () => void;
  /**
   * Called once the saved alerts and the directory are restored (without the
   * units' readings): the rooms can be joined.
   */
  onDirectory?: () => void;
  /**
   * Called right after `onSettings` (when monitoring runs), and its promise
   * awaited before the units' saved readings are restored (#14): restoring
   * 1,000 units holds the worker's thread for about 100 ms on a wake-up, and
   * the badge needs only the alerts and the directory. Until then the state
   * says `restoring`. Without it they are restored at once.
   */
  beforeUnits?: () => Promise<unknown>;
}

/** Reads what survived the worker's restart into the store. */
export async function hydrate(
  store: Pick<Store, 'dispatch' | 'getState'>,
  now: () => number,
  options: HydrateOptions = {},
): Promise<void> {
  // Every read is issued at once, the small ones first (#14): the browser
  // answers in order, and the large answers (the directory, the snapshot)
  // take the worker's thread to decode, so asked first they held back the
  // session the reconnect needs.
  const small = Promise.all([
    sessionItem.getValue(),
    preferencesItem.getValue(),
    scopeItem.getValue(),
    stoppedNotifiedItem.getValue(),
  ]);
  const before = typeof options.before === 'function' ? options.before() : options.before;
  const large = Promise.all([loadStoredDirectory(), loadSnapshot()]);
  // Never an unhandled rejection while the small ones are awaited.
  large.catch(() => undefined);
  const [[session, prefs, scope, stopped]] = await Promise.all([small, before]);
  markOnce('session-read');
  // Nested defaults too: a preference added later (issue #13) is never undefined.
  const preferences = migratePreferencesV2(prefs);
  const monitoringStopped = session !== null && stopped;
  if (session !== null && !monitoringStopped) {
    // Signed in: a woken worker is reconnecting, not signed out. Said before
    // anything else is restored, or the first badge after a wake said "!"
    // (sign in) for over a second (#14).
    store.dispatch({ type: 'connection/connecting', at: now() });
  }
  store.dispatch({ type: 'settings/hydrated', session, preferences, scope, monitoringStopped });
  if (session === null) {
    store.dispatch({ type: 'connection/signed-out', at: now() });
    await large.catch(() => undefined);
    return;
  }
  let unitsWait: Promise<unknown> | undefined;
  if (!monitoringStopped) {
    options.onSettings?.();
    unitsWait = options.beforeUnits?.();
  }
  const [directory, snapshot] = await large;
  const own = <T extends { organizationId: string }>(item: T | null) =>
    item !== null && item.organizationId === session.organizationId ? item : null;
  const savedUnits = own(snapshot);
  // First what the badge and the rooms need: the saved alerts and the
  // directory, without a unit per directory entry (`seed: false`).
  if (savedUnits !== null) {
    store.dispatch({
      type: 'snapshot/restored',
      snapshot: { ...savedUnits, latest: [] },
      at: now(),
    });
  }
  const ownDirectory = own(directory);
  if (ownDirectory !== null) {
    store.dispatch({ type: 'directory/loaded', directory: ownDirectory, seed: false });
  }
  options.onDirectory?.();
  // Then the units' readings, seeding from the directory what they lack.
  await unitsWait;
  // Only into the session it was read for: a sign-in meanwhile ended `restoring`.
  const current = store.getState();
  if (current.restoring && current.session?.organizationId === session.organizationId) {
    if (savedUnits !== null) {
      store.dispatch({
        type: 'snapshot/restored',
        snapshot: { ...savedUnits, alerts: [], tombstones: [] },
        at: now(),
      });
    } else if (current.live.directory !== null) {
      // No saved readings: the directory's own (the newest one, if a live
      // load came meanwhile).
      store.dispatch({ type: 'directory/loaded', directory: current.live.directory });
    }
    markOnce('snapshot-restored');
  }
  store.dispatch({ type: 'restore/done' });
  if (monitoringStopped) {
    // Still signed out; the notice was shown before the restart.
    store.dispatch({
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

/**
 * How long a woken worker's units wait for the first open-alert list before
 * they are restored anyway (#14, `HydrateOptions.beforeUnits`). On this
 * machine the list answers 60–150 ms after the socket starts.
 */
export const UNITS_RESTORE_WAIT_MS = 750;
/**
 * After that list, how long the units wait at most for the browser to answer
 * the badge writes it caused.
 */
export const BADGE_SHOWN_WAIT_MS = 100;

/**
 * What a woken worker's units wait for (`HydrateOptions.beforeUnits`): the
 * live connection with an open-alert list in (`liveWithAlerts`), then the
 * browser's answer to the badge writes in flight (`badgeIdle`, at most
 * `BADGE_SHOWN_WAIT_MS`). Restoring 1,000 units holds the worker's thread for
 * about 50 ms: started before, it came between the badge the list drew and
 * the browser's answer, or (the list is asked beside the handshake) between
 * the handshake and the live badge (#14, row 7).
 */
export async function unitsRestoreWait(
  store: Pick<Store, 'getState' | 'subscribe'>,
  badgeIdle: () => Promise<void>,
): Promise<void> {
  await liveWithAlerts(store, UNITS_RESTORE_WAIT_MS);
  await settledWithin(badgeIdle(), BADGE_SHOWN_WAIT_MS);
}

/**
 * Resolves once the connection is live and an open-alert list has come from
 * the server (`alerts/synced`) since the call, in either order: the badge then
 * counts the server's alerts. Also once the connection is not on its way to
 * live (signed out, offline, a retry), or after `capMs`, whichever is first.
 */
export function liveWithAlerts(
  store: Pick<Store, 'getState' | 'subscribe'>,
  capMs: number,
): Promise<void> {
  const status = () => store.getState().live.connection.status;
  const fallenBack = () => status() !== 'connecting' && status() !== 'live';
  if (fallenBack()) return Promise.resolve();
  let listed = false;
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, capMs);
    const unsubscribe = store.subscribe((_next, _prev, event) => {
      if (event.type === 'alerts/synced') listed = true;
      if ((listed && status() === 'live') || fallenBack()) finish();
    });
  });
}

export async function ensureAlarms(alarms: WxtBrowser['alarms']): Promise<void> {
  if ((await alarms.get(WATCHDOG_ALARM)) === undefined) {
    await alarms.create(WATCHDOG_ALARM, { periodInMinutes: WATCHDOG_PERIOD_MIN });
  }
  if ((await alarms.get(DIRECTORY_ALARM)) === undefined) {
    await alarms.create(DIRECTORY_ALARM, { periodInMinutes: DIRECTORY_PERIOD_MIN });
  }
  if ((await alarms.get(ALERTS_ALARM)) === undefined) {
    await alarms.create(ALERTS_ALARM, { periodInMinutes: ALERTS_PERIOD_MIN });
  }
}

export interface ListenDeps {
  browser: WxtBrowser;
  store: Pick<Store, 'getState' | 'dispatch'>;
  ready: Promise<void>;
  isOwnPage(sender: BrowserTypes.runtime.MessageSender | undefined): boolean;
  handleCommand(message: unknown): Promise<unknown>;
  hub: Pick<PortHub, 'accept'>;
  connection: Pick<LiveConnection, 'start' | 'kick' | 'isConnected'>;
  refreshDirectory(): Promise<unknown>;
  /**
   * Reconciles the open alerts through REST (issue #10): on the alerts alarm
   * while signed in, and when one of our pages (popup, options) opens.
   * Optional for older callers; without it nothing is reconciled here.
   */
  reconcileAlerts?(): void;
  /** The notifications effect's listeners. */
  listenNotifications(): () => void;
  /** Where `online`/`offline` events come from (the worker's global scope). */
  events: Pick<EventTarget, 'addEventListener'>;
  signal: AbortSignal;
  now(): number;
}

/** Registers every listener; synchronous. Returns the disposers. */
export function listen(deps: ListenDeps): (() => void)[] {
  const { browser, store, ready, connection, now } = deps;
  const disposers: (() => void)[] = [];
  const onMessage = (message: unknown, sender: BrowserTypes.runtime.MessageSender) => {
    if (!deps.isOwnPage(sender)) return undefined;
    return deps.handleCommand(message);
  };
  browser.runtime.onMessage.addListener(onMessage);
  disposers.push(() => browser.runtime.onMessage.removeListener(onMessage));
  const signedIn = () => {
    const { session, monitoringStopped } = store.getState();
    return session !== null && !monitoringStopped;
  };
  const onConnect = (port: BrowserTypes.runtime.Port) => {
    deps.hub.accept(port);
    // A page opening is when a supervisor looks: show what changed elsewhere (#10).
    if (deps.isOwnPage(port.sender)) void ready.then(() => signedIn() && deps.reconcileAlerts?.());
  };
  browser.runtime.onConnect.addListener(onConnect);
  disposers.push(() => browser.runtime.onConnect.removeListener(onConnect));
  const onAlarm = (alarm: BrowserTypes.alarms.Alarm) => {
    void ready.then(() => {
      const { session, monitoringStopped } = store.getState();
      if (alarm.name === WATCHDOG_ALARM) {
        if (session !== null && !monitoringStopped) connection.start(session.serverUrl);
        connection.kick();
        store.dispatch({ type: 'tick', now: now() });
      } else if (alarm.name === DIRECTORY_ALARM && connection.isConnected()) {
        void deps.refreshDirectory();
      } else if (alarm.name === ALERTS_ALARM && signedIn()) {
        deps.reconcileAlerts?.();
      }
    });
  };
  browser.alarms.onAlarm.addListener(onAlarm);
  disposers.push(() => browser.alarms.onAlarm.removeListener(onAlarm));
  disposers.push(deps.listenNotifications());
  const { signal } = deps;
  deps.events.addEventListener('online', () => void ready.then(() => connection.kick()), {
    signal,
  });
  deps.events.addEventListener(
    'offline',
    () => {
      if (connection.isConnected()) return; // the socket will tell us if it breaks
      store.dispatch({
        type: 'connection/down',
        at: now(),
        offline: true,
        error: { code: 'browser-offline', message: 'This computer is offline', at: now() },
      });
    },
    { signal },
  );
  const ticker = setInterval(() => store.dispatch({ type: 'tick', now: now() }), TICK_MS);
  disposers.push(() => clearInterval(ticker));
  return disposers;
}

/** Messages and ports are accepted only from the extension's own pages (sender id and origin). */
export function ownPageCheck(
  runtime: Pick<WxtBrowser['runtime'], 'id' | 'getURL'>,
): (sender: BrowserTypes.runtime.MessageSender | undefined) => boolean {
  const extensionOrigin = new URL(runtime.getURL('/')).origin;
  return (sender) => {
    if (sender === undefined || sender.id !== runtime.id) return false;
    // Our pages only: a content script or another extension has another origin.
    try {
      return new URL(sender.url ?? sender.origin ?? '').origin === extensionOrigin;
    } catch {
      return false;
    }
  };
}
