/**
 * Delivery you can trust (issue #13): "the badge updates but no notification
 * ever appears" is the most common complaint about notifier extensions. What
 * can be detected is kept in the store (`WorkerState.delivery`) and decided
 * here, once, by `deliveryNotices()`; the popup, the options page and the
 * badge tooltip show its words (STYLE.md §16: one rule, one place).
 *
 * Detected:
 * - the notification permission level (`notifications.getPermissionLevel`
 *   and `onPermissionLevelChanged`, where the browser has them; Firefox does
 *   not, so there it stays `unknown` and says nothing);
 * - a notification that failed to create (cleared by the next one shown);
 * - the server silent too long while "live": no event and no `ping` answer
 *   for longer than a ping period plus its timeout and a margin. The ping
 *   normally drops such a link itself; this catches the case it cannot see
 *   (its timer not running, an answer that never settles).
 */
import { formatClock } from './format';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from './live-connection';
import type { State } from './state/state';

/** What the browser says about our notifications; `unknown` where it cannot say. */
export type PermissionLevel = 'granted' | 'denied' | 'unknown';

export interface DeliveryState {
  permission: PermissionLevel;
  /** The last notification that failed to show, until one is shown again. */
  failure: { at: number; message: string } | null;
  /** Local time of the last `ping` answer (the server's sign of life between events). */
  lastPongAt: number | null;
}

export const INITIAL_DELIVERY: DeliveryState = {
  permission: 'unknown',
  failure: null,
  lastPongAt: null,
};

/** Longer than this without a word from the server while "live" is silence (30 s). */
export const SILENT_AFTER_MS = PING_INTERVAL_MS + PING_TIMEOUT_MS + 7_000;

export type DeliveryNoticeKind = 'blocked' | 'failed' | 'silent';

export interface DeliveryNotice {
  kind: DeliveryNoticeKind;
  /** One sentence, shown as is by every surface. */
  text: string;
}

export const BLOCKED_TEXT = 'Notifications are blocked: alerts will only show on the badge';

/** What may keep an alert from reaching the supervisor, worst first. Pure. */
export function deliveryNotices(
  delivery: DeliveryState,
  live: Pick<State, 'connection'>,
  now: number,
): DeliveryNotice[] {
  const notices: DeliveryNotice[] = [];
  if (delivery.permission === 'denied') notices.push({ kind: 'blocked', text: BLOCKED_TEXT });
  else if (delivery.failure !== null) {
    notices.push({
      kind: 'failed',
      text: `A notification could not be shown (${delivery.failure.message}): alerts may only show on the badge`,
    });
  }
  const { connection } = live;
  if (connection.status === 'live') {
    const heard = Math.max(connection.since, connection.lastEventAt ?? 0, delivery.lastPongAt ?? 0);
    if (now - heard > SILENT_AFTER_MS) {
      notices.push({
        kind: 'silent',
        text: `No word from the server since ${formatClock(heard)}: new alerts may be late`,
      });
    }
  }
  return notices;
}

/** Whether two notice lists say the same (so an unchanged list is not sent again). */
export function sameNotices(a: readonly DeliveryNotice[] | null, b: readonly DeliveryNotice[]) {
  return a !== null && a.length === b.length && a.every((n, i) => n.text === b[i]?.text);
}
