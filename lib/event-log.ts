/**
 * "Since you last looked" (issue #13): a bounded local log of what happened
 * to the watched alerts and units, recorded from the store's transitions by
 * `lib/effects/event-log.ts`, shown when the popup opens after a while. The
 * shift-change question answered in one glance.
 *
 * Pure: what a transition adds to the log, how the log is bounded, what the
 * popup is sent, and how each entry reads.
 *
 * - Each transition has a key (`triggered:<alert id>`, `escalated:<id>:<level>`,
 *   …) and is recorded once: an alert restored from the snapshot after a
 *   restart, or brought back by the REST resync, is not "triggered" again.
 * - Times are the server's where it said when (trigger, acknowledgement,
 *   resolution), else the worker's clock corrected by the server's offset.
 * - Who acknowledged is "you" or a readable label, never a raw profile id
 *   (PROTOCOL.md: `acknowledgedBy` is a UUID).
 */
import type { Alert, Severity, SessionInfo } from './model';
import { unitLabel, type State, type UnitCondition } from './state';

// How an entry reads is in `./event-text.ts`, which the popup loads (issue #14, row 6b).
export { eventText } from './event-text';

/** The log keeps at most this many entries… */
export const EVENT_LOG_LIMIT = 200;
/** …none older than this. */
export const EVENT_LOG_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

export type LoggedEventKind =
  | 'alert-triggered'
  | 'alert-escalated'
  | 'alert-acknowledged'
  | 'alert-resolved'
  | 'unit-offline'
  | 'unit-back';

export interface LoggedEvent {
  /** The transition's identity: recorded once. */
  key: string;
  kind: LoggedEventKind;
  /** When it happened (server clock). */
  at: number;
  unitId: string;
  /** The unit's name when it happened (the id when the directory did not know it). */
  unitName: string;
  /** Alert events: the alert's severity then. */
  severity?: Severity;
  /** `alert-acknowledged`: "you", a readable name, or "a colleague"; never a raw id. */
  by?: string;
  /** `unit-offline`: the server said offline, or the unit stopped reporting (stale). */
  reason?: 'offline' | 'stale';
}

/** What the popup asks for when it opens. */
export interface SinceLastLooked {
  /** When the popup was last closed (server clock), or null the first time. */
  since: number | null;
  /** What happened after `since`, newest first. */
  events: LoggedEvent[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acknowledged, as a person reads it. */
export function acknowledgerLabel(by: string | null, session: SessionInfo | null): string {
  if (by === null) return 'someone';
  if (session !== null && (by === session.email || by === session.userId)) return 'you';
  // The real server sends profile ids, not names (PROTOCOL.md).
  if (UUID.test(by)) return 'a colleague';
  return by;
}

function alertEvent(
  state: State,
  alert: Alert,
  kind: LoggedEventKind,
  key: string,
  at: number,
): LoggedEvent {
  return {
    key,
    kind,
    at,
    unitId: alert.unitId,
    unitName: unitLabel(state, alert.unitId).unit,
    severity: alert.severity,
  };
}

/**
 * The alert transitions between two states: triggered (new open alerts),
 * escalated (a higher level), acknowledged, resolved (gone with a
 * tombstone; a sign-out clears alerts without one and records nothing).
 */
export function alertEvents(
  prev: State,
  next: State,
  session: SessionInfo | null,
  serverNow: number,
): LoggedEvent[] {
  if (prev.alerts === next.alerts) return [];
  const out: LoggedEvent[] = [];
  for (const [id, alert] of next.alerts) {
    const before = prev.alerts.get(id);
    if (before === alert) continue;
    if (before === undefined) {
      out.push(alertEvent(next, alert, 'alert-triggered', `triggered:${id}`, alert.triggeredAt));
    }
    if (alert.escalationLevel > (before?.escalationLevel ?? 0)) {
      out.push(
        alertEvent(
          next,
          alert,
          'alert-escalated',
          `escalated:${id}:${alert.escalationLevel}`,
          before === undefined ? alert.triggeredAt : serverNow,
        ),
      );
    }
    if (alert.status === 'acknowledged' && before?.status !== 'acknowledged') {
      out.push({
        ...alertEvent(
          next,
          alert,
          'alert-acknowledged',
          `acknowledged:${id}`,
          alert.acknowledgedAt ?? serverNow,
        ),
        by: acknowledgerLabel(alert.acknowledgedBy, session),
      });
    }
  }
  for (const [id, alert] of prev.alerts) {
    if (next.alerts.has(id)) continue;
    const resolvedAt = next.tombstones.get(id);
    if (resolvedAt === undefined) continue;
    out.push(alertEvent(next, alert, 'alert-resolved', `resolved:${id}`, resolvedAt));
  }
  return out;
}

/** Not reporting: what "went offline" means in the log (the unit view's conditions). */
export function unreachable(condition: UnitCondition): 'offline' | 'stale' | null {
  return condition === 'offline' ? 'offline' : condition === 'stale' ? 'stale' : null;
}

/**
 * A unit that stopped reporting or came back. `seq` makes the key unique
 * (a unit can go and come back many times).
 */
export function unitEvent(
  state: State,
  unitId: string,
  reason: 'offline' | 'stale' | null,
  at: number,
): LoggedEvent {
  const base = { at, unitId, unitName: unitLabel(state, unitId).unit };
  return reason === null
    ? { ...base, key: `back:${unitId}:${at}`, kind: 'unit-back' }
    : { ...base, key: `offline:${unitId}:${at}`, kind: 'unit-offline', reason };
}

/**
 * The log with `events` added (each key once), oldest first, bounded to
 * `EVENT_LOG_LIMIT` entries and `EVENT_LOG_MAX_AGE_MS` before `serverNow`.
 * Returns `log` itself when nothing changed.
 */
export function appendEvents(
  log: readonly LoggedEvent[],
  events: readonly LoggedEvent[],
  serverNow: number,
): readonly LoggedEvent[] {
  const cutoff = serverNow - EVENT_LOG_MAX_AGE_MS;
  const keys = new Set(log.map((e) => e.key));
  const fresh = events.filter((e) => {
    if (keys.has(e.key) || e.at < cutoff) return false;
    keys.add(e.key);
    return true;
  });
  const first = log[0];
  if (fresh.length === 0 && log.length <= EVENT_LOG_LIMIT && (!first || first.at >= cutoff)) {
    return log;
  }
  const merged = [...log, ...fresh].filter((e) => e.at >= cutoff);
  // Stable: equal times keep the order they were recorded in.
  merged.sort((a, b) => a.at - b.at);
  return merged.length > EVENT_LOG_LIMIT ? merged.slice(-EVENT_LOG_LIMIT) : merged;
}

/** What happened after `since` (all of the log when null), newest first. */
export function eventsSince(log: readonly LoggedEvent[], since: number | null): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  for (let i = log.length - 1; i >= 0; i -= 1) {
    const event = log[i] as LoggedEvent;
    if (since !== null && event.at <= since) break;
    out.push(event);
  }
  return out;
}
