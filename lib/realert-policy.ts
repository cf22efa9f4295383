/**
 * Acknowledged is not fixed (issue #13): an acknowledged alert whose unit is
 * still out of range after `realertMinutes` (per severity, 0 = off) is
 * announced again, once per period, saying so: "Acknowledged 30 min ago by
 * you, still 9.1 °C". Monnit and Saveris do this; a supervisor who
 * acknowledged and forgot the door is reminded.
 *
 * Pure, like `lib/notification-policy.ts`, whose rules it shares: a re-alert
 * is a notification, so scope, muted sites, minimum severity and quiet hours
 * (critical breaks through) apply through `mayNotify`, and a snoozed alert
 * waits. `realerted` (alert id → when, local clock) is persisted by the
 * caller, so a restarted worker does not repeat one before its period; the
 * caller runs this on every tick, and the 30 s watchdog alarm ticks a
 * stopped worker awake, so the period survives worker stops.
 */
import { formatAge, showTemperature } from './format';
import type { Preferences, Scope, SessionInfo } from './model';
import {
  alertContent,
  mayNotify,
  preferenceSeverity,
  type NotificationOp,
} from './notification-policy';
import { isStale } from './state/selectors';
import type { State } from './state/state';
import { latestOutOfRange } from './state/unit-view';

/** Most re-alerted alerts remembered; the oldest closed ones are forgotten first. */
export const REALERT_MEMORY_LIMIT = 500;

export interface RealertInput {
  state: State;
  prefs: Preferences;
  scope: Scope;
  session: Pick<SessionInfo, 'userId'> | null;
  /** Alert id → when it was last re-alerted (local clock). */
  realerted: ReadonlyMap<string, number>;
  /** Alert id → end of its snooze, epoch ms. */
  snoozedUntil: ReadonlyMap<string, number>;
  /** Local clock. */
  now: number;
}

export interface RealertPlan {
  ops: NotificationOp[];
  /** The very map passed in when nothing changed (the caller skips persisting). */
  realerted: ReadonlyMap<string, number>;
}

/** "Acknowledged 30 min ago by you, still 9.1 °C" and the alert's own headline. Pure. */
export function realertMessage(input: {
  ackAgoMs: number;
  byYou: boolean;
  reading: string;
  headline: string;
}): string {
  const ago = formatAge(input.ackAgoMs);
  const by = input.byYou ? 'by you' : 'by a colleague';
  return `Acknowledged ${ago} ${by}, still ${input.reading}\n${input.headline}`;
}

/** The re-alerts due now. */
export function planRealerts(input: RealertInput): RealertPlan {
  const { state, prefs, scope, now } = input;
  const realerted = new Map(input.realerted);
  const ops: NotificationOp[] = [];
  let changed = false;
  const staleMs = prefs.staleMinutes * 60_000;

  for (const alert of state.alerts.values()) {
    if (alert.status !== 'acknowledged' || alert.acknowledgedAt === null) continue;
    const periodMs = prefs.realertMinutes[preferenceSeverity(alert.severity)] * 60_000;
    if (!(periodMs > 0)) continue;
    if (!mayNotify(alert, state, prefs, scope, now)) continue;
    if ((input.snoozedUntil.get(alert.id) ?? 0) > now) continue;
    // Server time to ours: the acknowledgement came with the server's clock.
    const ackAt = alert.acknowledgedAt - state.connection.clockOffset;
    const since = realerted.get(alert.id) ?? ackAt;
    if (now - since < periodMs) continue;
    const unit = state.units.get(alert.unitId);
    const latest = unit?.latest ?? null;
    // Only what is known: a reading that stopped coming is not "still" anything.
    if (latest === null || isStale({ unitId: alert.unitId, latest }, state, staleMs, now)) continue;
    if (latestOutOfRange(state, alert.unitId) === null) continue;
    const info = state.directoryIndex.units.get(alert.unitId);
    if (info === undefined) continue;
    const content = alertContent(alert, state, prefs);
    const headline = content.message.split('\n')[0] ?? '';
    ops.push({
      kind: 'create',
      alertId: alert.id,
      reason: 'realert',
      ...content,
      message: realertMessage({
        ackAgoMs: now - ackAt,
        byYou: input.session !== null && alert.acknowledgedBy === input.session.userId,
        reading: showTemperature(latest.temperature, info.tempUnit, prefs.tempScale),
        headline,
      }),
      // Already acknowledged: nothing to acknowledge; the click opens the alert.
      buttons: [],
    });
    realerted.set(alert.id, now);
    changed = true;
  }

  // Bounded, never by forgetting an open alert: right after a restart the
  // alerts are not restored yet, and forgetting then would repeat a re-alert.
  if (realerted.size > REALERT_MEMORY_LIMIT) {
    const closed = [...realerted]
      .filter(([id]) => !state.alerts.has(id))
      .sort((a, b) => a[1] - b[1]);
    for (const [id] of closed.slice(0, realerted.size - REALERT_MEMORY_LIMIT)) {
      realerted.delete(id);
      changed = true;
    }
  }
  return { ops, realerted: changed ? realerted : input.realerted };
}
