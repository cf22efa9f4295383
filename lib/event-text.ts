/**
 * How an entry of the "since you last looked" log reads (issue #13), in a
 * module of its own so that the popup, which shows the entries, loads it
 * without the log's bookkeeping (`lib/event-log.ts`, the worker's; issue #14,
 * row 6b).
 */
import type { LoggedEvent } from './event-log';
import { SEVERITY_LABELS } from './format';

/** How an entry reads: `Critical alert on Walk-in 2 acknowledged by you`. */
export function eventText(event: LoggedEvent): string {
  const severity =
    event.severity === undefined || event.severity === 'unknown'
      ? 'Alert'
      : `${SEVERITY_LABELS[event.severity]} alert`;
  switch (event.kind) {
    case 'alert-triggered':
      return `${severity} on ${event.unitName} triggered`;
    case 'alert-escalated':
      return `Alert on ${event.unitName} escalated to ${
        event.severity === undefined || event.severity === 'unknown'
          ? 'a higher level'
          : SEVERITY_LABELS[event.severity].toLowerCase()
      }`;
    case 'alert-acknowledged':
      return `${severity} on ${event.unitName} acknowledged by ${event.by ?? 'someone'}`;
    case 'alert-resolved':
      return `${severity} on ${event.unitName} resolved`;
    case 'unit-offline':
      return event.reason === 'stale'
        ? `${event.unitName} stopped reporting`
        : `${event.unitName} went offline`;
    case 'unit-back':
      return `${event.unitName} is reporting again`;
  }
}
