/**
 * Which desktop notifications to show, update or clear: a pure function of
 * the state before and after an event, the preferences and what was already
 * shown (persisted by the caller, STYLE.md §9). `lib/notifications.ts` is the
 * sink that carries a plan out.
 *
 * Rules:
 * - One notification per alert id, ever: once an id is in `notified` it is
 *   never announced as new again, across resyncs and worker restarts.
 * - An alert that is not eligible yet (below the minimum severity, quiet
 *   hours, muted site, out of scope) is not marked; it is announced when it
 *   becomes eligible while still active and unacknowledged (it escalates,
 *   quiet hours end, the scope grows). Acknowledged alerts never notify.
 * - Critical alerts break through quiet hours; out-of-scope units and muted
 *   sites never notify.
 * - Escalation of an announced alert updates its notification (same id),
 *   even while it is snoozed: a confirmed excursion must be seen.
 * - An announced, unacknowledged critical alert is re-announced every
 *   `renotifyMinutes` (0 = off). `notified` maps each id to when it was last
 *   shown, so it doubles as the re-notify clock.
 * - A snoozed alert is not re-announced before the snooze ends; when it ends
 *   and the alert is still active and eligible it is shown once more, and the
 *   id is returned in `snoozesEnded` for the caller to forget.
 * - Acknowledged or resolved (or no longer open) → its notification clears.
 * - More than `STORM_THRESHOLD` new alerts in one plan → one grouped
 *   notification; each id is still marked notified.
 * - Signed out after a failed token refresh → one "monitoring stopped"
 *   notice, quiet hours or not: nobody is watching the fridges any more.
 */
import { SEVERITY_RANK, alertTypeLabel, severityLabel, showTemperature } from './format';
import type { Alert, PreferenceSeverity, Preferences, Scope, Severity } from './model';
import { isAlertInScope, severitySummaryCounts, unitLabel } from './state/selectors';
import type { State } from './state/state';

export const NOTIFICATION_IDS = {
  group: 'frostline:group',
  monitoringStopped: 'frostline:monitoring-stopped',
  test: 'frostline:test',
} as const;

const ALERT_PREFIX = 'alert:';

/** More new alerts than this (in one plan, or within STORM_WINDOW_MS) become one grouped notification. */
export const STORM_THRESHOLD = 5;
/** Alerts notified this recently count towards a storm. */
export const STORM_WINDOW_MS = 10_000;
/** Most alert ids remembered as notified; the oldest closed ones are forgotten first. */
export const NOTIFIED_LIMIT = 5000;
/** Snooze offered by the notification button: one hour (issue #3). */
export const SNOOZE_MINUTES = 60;

export type NotificationAction = 'acknowledge' | 'snooze';

export interface NotificationButton {
  action: NotificationAction;
  title: string;
}

/** The buttons of every alert notification, in index order (`onButtonClicked` gives the index). */
export const ALERT_BUTTONS: readonly NotificationButton[] = [
  { action: 'acknowledge', title: 'Acknowledge' },
  { action: 'snooze', title: 'Snooze 1 h' },
];

/** `chrome.notifications` priority: 2 critical, 1 warning or unknown, 0 info. */
export type NotificationPriority = 0 | 1 | 2;

export interface NotificationContent {
  notificationId: string;
  title: string;
  message: string;
  priority: NotificationPriority;
  requireInteraction: boolean;
  buttons: readonly NotificationButton[];
}

/** `realert`: acknowledged, and the unit still out of range (issue #13, `lib/realert-policy.ts`). */
export type CreateReason = 'new' | 'renotify' | 'snooze-ended' | 'realert';

export type NotificationOp =
  | ({ kind: 'create'; alertId: string; reason: CreateReason } & NotificationContent)
  /** Escalation: replace the alert's notification in place. */
  | ({ kind: 'update'; alertId: string } & NotificationContent)
  | { kind: 'clear'; notificationId: string; alertId: string | null }
  | ({
      kind: 'group';
      count: number;
      alertIds: string[];
      bySeverity: Record<Severity, number>;
    } & NotificationContent)
  /** Not about one alert: monitoring stopped, test. */
  | ({ kind: 'notice' } & NotificationContent);

export type NotificationOpKind = NotificationOp['kind'];

/** Work for the notifier: what `apply()` takes. */
export interface NotificationOps {
  ops: NotificationOp[];
}

export interface NotificationPlan extends NotificationOps {
  /**
   * Alert id → when it was last shown; the caller persists this. The very
   * `notified` passed in when nothing changed.
   */
  notified: ReadonlyMap<string, number>;
  /** Snoozes that ended in this plan; the caller removes them. */
  snoozesEnded: string[];
}

export interface PlanInput {
  prev: State;
  next: State;
  prefs: Preferences;
  scope: Scope;
  /** Alert id → when its notification was last shown (persisted by the caller). */
  notified: ReadonlyMap<string, number>;
  /** Alert id → end of its snooze, epoch ms. */
  snoozedUntil: ReadonlyMap<string, number>;
  /** Local clock. */
  now: number;
}

/** `alert:<id>` for an alert's notification. */
export function alertNotificationId(alertId: string): string {
  return `${ALERT_PREFIX}${alertId}`;
}

export type ParsedNotificationId =
  | { kind: 'alert'; alertId: string }
  | { kind: 'group' }
  | { kind: 'monitoring-stopped' }
  | { kind: 'test' };

/**
 * Of the notifications on screen, those whose alert should no longer show
 * one (issue #3): gone from the state (resolved), or acknowledged and not
 * re-alerted since (a re-alert shows an acknowledged alert again on purpose,
 * `lib/realert-policy.ts`). The storm group, the notices and anyone else's
 * ids are never listed. For what closed while no worker ran: a notification
 * outlives the worker that showed them, and the next one learns of the
 * change only from a resync, with no change of state to plan from.
 */
export function closedOnScreen(
  shownIds: readonly string[],
  alerts: ReadonlyMap<string, Alert>,
  realerted: ReadonlyMap<string, number>,
): string[] {
  return shownIds.filter((id) => {
    const parsed = parseNotificationId(id);
    if (parsed?.kind !== 'alert') return false;
    const alert = alerts.get(parsed.alertId);
    if (alert === undefined) return true;
    return alert.status === 'acknowledged' && !realerted.has(alert.id);
  });
}

/** The inverse of the ids this module hands out; null for anyone else's. */
export function parseNotificationId(notificationId: string): ParsedNotificationId | null {
  if (notificationId.startsWith(ALERT_PREFIX)) {
    const alertId = notificationId.slice(ALERT_PREFIX.length);
    return alertId === '' ? null : { kind: 'alert', alertId };
  }
  if (notificationId === NOTIFICATION_IDS.group) return { kind: 'group' };
  if (notificationId === NOTIFICATION_IDS.monitoringStopped) return { kind: 'monitoring-stopped' };
  if (notificationId === NOTIFICATION_IDS.test) return { kind: 'test' };
  return null;
}

/** `HH:MM` to minutes after midnight, or null. */
export function parseClockTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (match === null) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** Whether `now` (local time) is inside the quiet hours; the window may wrap midnight. */
export function inQuietHours(quiet: Preferences['quietHours'], now: number): boolean {
  if (!quiet.enabled) return false;
  const start = parseClockTime(quiet.start);
  const end = parseClockTime(quiet.end);
  // Malformed or empty windows are off: never silence alerts by accident.
  if (start === null || end === null || start === end) return false;
  const date = new Date(now);
  const minute = date.getHours() * 60 + date.getMinutes();
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

const PREFERENCE_RANK: Record<Preferences['minSeverity'], number> = {
  info: SEVERITY_RANK.info,
  warning: SEVERITY_RANK.warning,
  critical: SEVERITY_RANK.critical,
};

const PRIORITY: Record<Severity, NotificationPriority> = {
  critical: 2,
  unknown: 1,
  warning: 1,
  info: 0,
};

/**
 * Whether an alert may make itself heard now: in scope, not on a muted site,
 * and outside quiet hours unless critical. Notifications and sounds share it
 * (issue #13: quiet hours and muted sites apply to sound exactly as to
 * notifications); each adds its own per-severity choice.
 */
export function mayAlert(
  alert: Alert,
  state: State,
  prefs: Preferences,
  scope: Scope,
  now: number,
): boolean {
  if (!isAlertInScope(state, scope, alert.unitId)) return false;
  const siteId = state.directoryIndex.units.get(alert.unitId)?.siteId;
  if (siteId !== undefined && prefs.mutedSiteIds.includes(siteId)) return false;
  return alert.severity === 'critical' || !inQuietHours(prefs.quietHours, now);
}

/** Whether an alert may notify now (`mayAlert`, and at least the minimum severity). */
export function mayNotify(
  alert: Alert,
  state: State,
  prefs: Preferences,
  scope: Scope,
  now: number,
): boolean {
  if (SEVERITY_RANK[alert.severity] < PREFERENCE_RANK[prefs.minSeverity]) return false;
  return mayAlert(alert, state, prefs, scope, now);
}

/** The preference row an alert's severity reads: `unknown` follows `warning` (as its priority does). */
export function preferenceSeverity(severity: Severity): PreferenceSeverity {
  return severity === 'unknown' ? 'warning' : severity;
}

/** Title and body of an alert's notification. */
export function alertContent(alert: Alert, state: State, prefs: Preferences): NotificationContent {
  const label = unitLabel(state, alert.unitId);
  const title = label.site === null ? label.unit : `${label.unit} · ${label.site}`;
  const info = state.directoryIndex.units.get(alert.unitId);
  let headline = alertTypeLabel(alert.type, alert.typeLabel);
  if (alert.severity === 'critical' || alert.severity === 'unknown') {
    headline = `${severityLabel(alert.severity, alert.severityLabel)}: ${headline}`;
  }
  if (alert.triggerTemperature !== null) {
    if (info === undefined) {
      // Without the directory the scale is unknown: show the number, not a guessed unit.
      headline += ` ${(Math.round(alert.triggerTemperature * 10) / 10).toFixed(1)}°`;
    } else {
      headline += ` ${showTemperature(alert.triggerTemperature, info.tempUnit, prefs.tempScale)}`;
      const limit =
        alert.thresholdViolated === 'max'
          ? info.tempMax
          : alert.thresholdViolated === 'min'
            ? info.tempMin
            : null;
      if (limit !== null) {
        const side = alert.thresholdViolated === 'max' ? 'above max' : 'below min';
        headline += `, ${side} ${showTemperature(limit, info.tempUnit, prefs.tempScale)}`;
      }
    }
  }
  const message = alert.message === '' ? headline : `${headline}\n${alert.message}`;
  return {
    notificationId: alertNotificationId(alert.id),
    title,
    message,
    priority: PRIORITY[alert.severity],
    requireInteraction: alert.severity === 'critical',
    buttons: ALERT_BUTTONS,
  };
}

/** Compares two states and lists the notification work. Pure. */
export function planNotifications(input: PlanInput): NotificationPlan {
  const { prev, next, prefs, scope, now } = input;
  const notified = new Map(input.notified);
  const ops: NotificationOp[] = [];
  const fresh: Alert[] = [];
  const snoozesEnded: string[] = [];
  const renotifyMs = prefs.renotifyMinutes > 0 ? prefs.renotifyMinutes * 60_000 : null;

  for (const alert of next.alerts.values()) {
    const shownAt = input.notified.get(alert.id);
    const before = prev.alerts.get(alert.id);
    if (alert.status === 'acknowledged') {
      if (shownAt !== undefined && before?.status === 'active') ops.push(clearOp(alert.id));
      continue;
    }
    const eligible = mayNotify(alert, next, prefs, scope, now);
    if (!eligible) continue;
    if (shownAt === undefined) {
      fresh.push(alert);
      notified.set(alert.id, now);
      continue;
    }
    if (before !== undefined && alert.escalationLevel > before.escalationLevel) {
      ops.push({ kind: 'update', alertId: alert.id, ...alertContent(alert, next, prefs) });
      notified.set(alert.id, now);
      continue;
    }
    const snoozeEnd = input.snoozedUntil.get(alert.id);
    if (snoozeEnd !== undefined) {
      if (snoozeEnd > now) continue;
      snoozesEnded.push(alert.id);
      ops.push(createOp(alert, next, prefs, 'snooze-ended'));
      notified.set(alert.id, now);
      continue;
    }
    if (alert.severity === 'critical' && renotifyMs !== null && now - shownAt >= renotifyMs) {
      ops.push(createOp(alert, next, prefs, 'renotify'));
      notified.set(alert.id, now);
    }
  }

  for (const id of prev.alerts.keys()) {
    if (!next.alerts.has(id) && input.notified.has(id)) ops.push(clearOp(id));
  }

  // A storm: live alerts arrive one event at a time, so the threshold counts
  // those shown in the last STORM_WINDOW_MS too. Past it, one grouped
  // notification (updated in place) stands for them; the badge stays exact.
  if (fresh.length > 0) {
    const recent = [...input.notified.entries()]
      .filter(([, shownAt]) => now - shownAt < STORM_WINDOW_MS)
      .map(([id]) => next.alerts.get(id))
      .filter((alert): alert is Alert => alert !== undefined);
    if (fresh.length + recent.length > STORM_THRESHOLD)
      ops.push(groupOp([...recent, ...fresh], next));
    else for (const alert of fresh) ops.push(createOp(alert, next, prefs, 'new'));
  }

  ops.push(...connectionOps(prev, next));
  // Same map back when nothing was marked, so the caller can skip persisting.
  const marked = fresh.length > 0 || ops.some((op) => op.kind === 'create' || op.kind === 'update');
  const pruned = prune(notified, next);
  return {
    ops,
    notified: marked || pruned.size !== input.notified.size ? pruned : input.notified,
    snoozesEnded,
  };
}

function createOp(
  alert: Alert,
  state: State,
  prefs: Preferences,
  reason: CreateReason,
): NotificationOp {
  return { kind: 'create', alertId: alert.id, reason, ...alertContent(alert, state, prefs) };
}

function clearOp(alertId: string): NotificationOp {
  return { kind: 'clear', notificationId: alertNotificationId(alertId), alertId };
}

function groupOp(alerts: readonly Alert[], state: State): NotificationOp {
  const bySeverity = severitySummaryCounts(alerts);
  const worst = alerts.reduce<Severity>(
    (acc, alert) => (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[acc] ? alert.severity : acc),
    'info',
  );
  const units = [...new Set(alerts.map((alert) => unitLabel(state, alert.unitId).unit))];
  const shown = units.slice(0, 3).join(', ');
  const more = units.length > 3 ? ` and ${units.length - 3} more` : '';
  const counts = (['critical', 'unknown', 'warning', 'info'] as const)
    .filter((severity) => bySeverity[severity] > 0)
    .map((severity) => `${bySeverity[severity]} ${severity}`)
    .join(', ');
  return {
    kind: 'group',
    notificationId: NOTIFICATION_IDS.group,
    count: alerts.length,
    alertIds: alerts.map((alert) => alert.id),
    bySeverity,
    title: `${alerts.length} new alerts`,
    message: `${counts}\n${shown}${more}`,
    priority: PRIORITY[worst],
    requireInteraction: worst === 'critical',
    buttons: [],
  };
}

function connectionOps(prev: State, next: State): NotificationOp[] {
  const was = prev.connection.status;
  const is = next.connection.status;
  if (
    was !== 'signed-out' &&
    is === 'signed-out' &&
    next.connection.lastError?.code === 'refresh-failed'
  ) {
    return [
      {
        kind: 'notice',
        notificationId: NOTIFICATION_IDS.monitoringStopped,
        title: 'Frostline stopped monitoring',
        message:
          'Your session expired and could not be renewed. Sign in again to keep receiving alerts.',
        priority: 2,
        requireInteraction: true,
        buttons: [],
      },
    ];
  }
  if (was === 'signed-out' && is !== 'signed-out') {
    return [{ kind: 'clear', notificationId: NOTIFICATION_IDS.monitoringStopped, alertId: null }];
  }
  return [];
}

/** Keeps `notified` bounded without ever forgetting an alert that is still open. */
function prune(notified: Map<string, number>, state: State): ReadonlyMap<string, number> {
  if (notified.size <= NOTIFIED_LIMIT) return notified;
  const closed = [...notified].filter(([id]) => !state.alerts.has(id)).sort((a, b) => a[1] - b[1]);
  let excess = notified.size - NOTIFIED_LIMIT;
  for (const [id] of closed) {
    if (excess-- <= 0) break;
    notified.delete(id);
  }
  return notified;
}

/**
 * The ops behind the options page's "Send a test notification". Not a full
 * plan on purpose: it must not touch the persisted `notified` map.
 */
export function testNotification(): NotificationOps {
  return {
    ops: [
      {
        kind: 'notice',
        notificationId: NOTIFICATION_IDS.test,
        title: 'Frostline test notification',
        message: 'Notifications work. Alerts from your units will look like this.',
        priority: 0,
        requireInteraction: false,
        buttons: [],
      },
    ],
  };
}
