/**
 * The notifications effect: the only code that touches `browser.notifications`
 * (with `lib/notifications.ts`, which carries out its plans), listeners
 * included. It owns what it remembers: which alerts were announced and which
 * are snoozed, both persisted (one notification per alert, ever, also across
 * a worker restart; issue #3).
 */
import type { WxtBrowser } from 'wxt/browser';
import {
  NOTIFICATION_IDS,
  NOTIFIED_LIMIT,
  SNOOZE_MINUTES,
  alertNotificationId,
  closedOnScreen,
  planNotifications,
  testNotification,
} from '../notification-policy';
import type { PermissionLevel } from '../delivery';
import { createNotifier, listenToNotifications, type ApplyResult } from '../notifications';
import type { Result } from '../messages';
import { planRealerts } from '../realert-policy';
import { notifiedItem, realertedItem, snoozedItem } from '../storage';
import type { Listener, Store } from '../store';

export interface NotificationsEffectDeps {
  notifications: WxtBrowser['notifications'];
  store: Pick<Store, 'getState' | 'dispatch'>;
  /** Chrome shows notification buttons; Firefox does not. */
  supportsButtons: boolean;
  iconUrl: string | (() => string);
  now(): number;
  /** Resolves once the worker has read its storage. */
  ready: Promise<void>;
  acknowledge(alertId: string): Promise<Result<null>>;
  openDashboard(alertId: string | null, unitId: string | null): void;
  openPopup(): void;
  openOptions(): void;
  /** An alert was snoozed (the sound effect stops it; nothing in the store changes). */
  onSnoozed?(alertId: string): void;
}

export interface NotificationsEffect {
  listener: Listener;
  /** Reads what was announced and snoozed before the worker stopped. */
  hydrate(): Promise<void>;
  /** Registers the click and button listeners; synchronous. Returns the disposer. */
  listen(): () => void;
  snooze(alertId: string, minutes: number): Promise<void>;
  test(): Promise<void>;
  /** Nothing shown is true any more (signed out). */
  clearAll(): Promise<void>;
  /** Alert id → end of its snooze (the sound effect reads it). */
  snoozedUntil(): ReadonlyMap<string, number>;
  /** Reads the permission level where the browser tells it (issue #13). */
  checkPermission(): Promise<void>;
}

/** `chrome.notifications` permission level, where the browser has it (Firefox does not). */
interface PermissionSurface {
  getPermissionLevel?: () => Promise<string>;
  onPermissionLevelChanged?: {
    addListener(listener: (level: string) => void): void;
    removeListener(listener: (level: string) => void): void;
  };
}

function permissionLevel(level: unknown): PermissionLevel {
  return level === 'granted' || level === 'denied' ? level : 'unknown';
}

export function createNotificationsEffect(deps: NotificationsEffectDeps): NotificationsEffect {
  const surface = deps.notifications;
  const notifier = createNotifier(surface, {
    supportsButtons: deps.supportsButtons,
    iconUrl: deps.iconUrl,
  });
  let notified = new Map<string, number>();
  let snoozed = new Map<string, number>();
  let realerted: ReadonlyMap<string, number> = new Map();
  const permission = surface as unknown as PermissionSurface;

  /** Tells the store what delivery looked like (issue #13: a failed create is shown). */
  function report(result: ApplyResult): void {
    const failed = result.failures.find((failure) => failure.op !== 'clear');
    if (result.shown > 0 || failed !== undefined) {
      deps.store.dispatch({
        type: 'delivery/result',
        at: deps.now(),
        shown: result.shown,
        failure: failed?.message ?? null,
      });
    }
  }

  /** Bounded: forgets the oldest notified ids of alerts that are no longer open. */
  function trimNotified(): void {
    if (notified.size <= NOTIFIED_LIMIT) return;
    const alerts = deps.store.getState().live.alerts;
    const closed = [...notified.entries()].filter(([id]) => !alerts.has(id));
    closed.sort((a, b) => a[1] - b[1]);
    for (const [id] of closed.slice(0, notified.size - NOTIFIED_LIMIT)) notified.delete(id);
  }

  /**
   * Writes what changed: what was announced, when a notification was shown;
   * the snoozes, when one began or ended. Each write is a storage call on the
   * worker's thread (#14: writing both for every alert was a third of the
   * storage calls while alerts came in).
   */
  function save(changed: { notified: boolean; snoozed: boolean }): Promise<unknown> {
    const writes: Promise<unknown>[] = [];
    if (changed.notified) {
      trimNotified();
      writes.push(notifiedItem.setValue(Object.fromEntries(notified)));
    }
    if (changed.snoozed) writes.push(snoozedItem.setValue(Object.fromEntries(snoozed)));
    return Promise.all(writes);
  }

  const listener: Listener = (worker, before, event) => {
    if (before.session !== null && worker.session === null) {
      void clearAll();
      return;
    }
    // Before the early return: a resync that changed nothing may still find
    // a notification left over from before this worker.
    if (event.type === 'alerts/synced') void clearClosed();
    const prev = before.live;
    const next = worker.live;
    // Ticks too: re-notify intervals and snoozes end with time alone.
    if (
      prev.alerts === next.alerts &&
      prev.connection.status === next.connection.status &&
      prev.directory === next.directory &&
      event.type !== 'tick'
    ) {
      return;
    }
    const plan = planNotifications({
      prev,
      next,
      prefs: worker.preferences,
      scope: worker.scope,
      notified,
      snoozedUntil: snoozed,
      now: deps.now(),
    });
    const changed = {
      notified: plan.notified !== notified,
      snoozed: plan.snoozesEnded.length > 0,
    };
    if (changed.notified || changed.snoozed) {
      notified = new Map(plan.notified);
      for (const id of plan.snoozesEnded) snoozed.delete(id);
      // Written now, not throttled: a worker stopped right after a
      // notification would otherwise announce the alert again after the
      // restart (issue #3). It changes only when a notification is shown.
      void save(changed);
    }
    const realert = planRealerts({
      state: next,
      prefs: worker.preferences,
      scope: worker.scope,
      session: worker.session,
      realerted,
      snoozedUntil: snoozed,
      now: deps.now(),
    });
    if (realert.realerted !== realerted) {
      realerted = realert.realerted;
      // Persisted at once, like `notified`: a restart must not repeat it (#13).
      void realertedItem.setValue(Object.fromEntries(realerted));
    }
    const ops = [...plan.ops, ...realert.ops];
    if (ops.length > 0) {
      void notifier.apply({ ops }).then((result) => {
        if (result.shown > 0)
          deps.store.dispatch({ type: 'notifications/shown', count: result.shown });
        report(result);
      });
    }
  };

  /**
   * After each resync (`alerts/synced`: every connect, and every 45 s), what
   * is on screen is held against the state (`closedOnScreen`): an alert
   * resolved or acknowledged while no worker ran shows no change of state
   * for `planNotifications` to clear it by. A failure only leaves it for the
   * next resync.
   */
  async function clearClosed(): Promise<void> {
    try {
      await deps.ready; // the re-alerted ids are read
      const shown = Object.keys(await surface.getAll());
      const closed = closedOnScreen(shown, deps.store.getState().live.alerts, realerted);
      await Promise.all(closed.map((id) => surface.clear(id)));
    } catch {
      // The next resync tries again.
    }
  }

  async function clearAll(): Promise<void> {
    const shown = await surface.getAll();
    await Promise.all(Object.keys(shown).map((id) => surface.clear(id)));
  }

  return {
    listener,
    async hydrate() {
      const [storedNotified, storedSnoozed, storedRealerted] = await Promise.all([
        notifiedItem.getValue(),
        snoozedItem.getValue(),
        realertedItem.getValue(),
      ]);
      notified = new Map(Object.entries(storedNotified));
      snoozed = new Map(Object.entries(storedSnoozed));
      realerted = new Map(Object.entries(storedRealerted));
    },
    listen() {
      const clear = (id: string) => void surface.clear(id);
      // Firefox has a placeholder `onButtonClicked` that warns when listened to
      // and never fires: listen only where buttons exist (#12).
      const events = {
        onClicked: surface.onClicked,
        onClosed: surface.onClosed,
        onButtonClicked: deps.supportsButtons ? surface.onButtonClicked : undefined,
      };
      // The permission level (issue #13), where the browser has the event.
      const onLevel = (level: string) =>
        deps.store.dispatch({ type: 'delivery/permission', level: permissionLevel(level) });
      permission.onPermissionLevelChanged?.addListener(onLevel);
      const stopClicks = listenToNotifications(events, {
        onAlertClicked: (alertId) =>
          void deps.ready.then(() => {
            clear(alertNotificationId(alertId));
            // No buttons (Firefox): the click leads to the popup, alerts first,
            // where Acknowledge is (#12).
            if (!deps.supportsButtons) return deps.openPopup();
            const unitId = deps.store.getState().live.alerts.get(alertId)?.unitId ?? null;
            deps.openDashboard(alertId, unitId);
          }),
        onGroupClicked: () =>
          void deps.ready.then(() => {
            clear(NOTIFICATION_IDS.group);
            deps.openPopup();
          }),
        onNoticeClicked: (notice) =>
          void deps.ready.then(() => {
            clear(notice === 'test' ? NOTIFICATION_IDS.test : NOTIFICATION_IDS.monitoringStopped);
            if (notice === 'monitoring-stopped') deps.openOptions();
          }),
        onAlertAction: (alertId, action) =>
          void deps.ready.then(async () => {
            if (action === 'acknowledge') {
              const result = await deps.acknowledge(alertId);
              if (result.ok || result.error.code === 'already-acknowledged') {
                await surface.clear(alertNotificationId(alertId));
              }
            } else {
              await snooze(alertId, SNOOZE_MINUTES);
            }
          }),
      });
      return () => {
        stopClicks();
        permission.onPermissionLevelChanged?.removeListener(onLevel);
      };
    },
    snooze,
    async test() {
      report(await notifier.apply(testNotification()));
    },
    clearAll,
    snoozedUntil: () => snoozed,
    async checkPermission() {
      if (typeof permission.getPermissionLevel !== 'function') return;
      try {
        const level = await permission.getPermissionLevel();
        deps.store.dispatch({ type: 'delivery/permission', level: permissionLevel(level) });
      } catch {
        // Not knowing is not "denied": say nothing.
      }
    },
  };

  async function snooze(alertId: string, minutes: number): Promise<void> {
    snoozed.set(alertId, deps.now() + minutes * 60_000);
    deps.onSnoozed?.(alertId);
    await surface.clear(alertNotificationId(alertId));
    await save({ notified: false, snoozed: true });
  }
}
