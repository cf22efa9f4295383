/**
 * The toolbar badge: a pure `badgeFor()` (STYLE.md §4) and the one sink that
 * writes it, `createBadgeRenderer()`. Nothing else touches `browser.action`.
 *
 * What the badge says, by phase (`BADGE_LOOKS` is the table):
 * - signed out: `!`, monitoring is off, sign in;
 * - starting (connecting, never had a server event): `...`;
 * - watching (live, or not live for less than the grace period): the number
 *   of active alerts in scope (capped `99+`) coloured by the worst severity,
 *   or nothing when there are none. Short drops happen on every deploy
 *   (PROTOCOL.md: the server disconnects everyone), so the badge does not
 *   flicker to `off` for them;
 * - off (reconnecting/offline longer than the grace period): `off` on grey.
 * Acknowledged alerts never count; the title mentions them. The title always
 * summarises: connection, alerts by severity, stale units, last update.
 */
import type { DeliveryNotice } from './delivery';
import { formatClock } from './format';
import type { Scope, Severity } from './model';
import type { SeverityCounts } from './state/selectors';
import type { State } from './state/state';
import { summaryLine, unitView, type UnitView } from './state/unit-view';

/** How long a dropped connection keeps showing the last live badge. */
export const DEFAULT_BADGE_GRACE_MS = 10_000;
/** Above this the badge shows `99+` (Chrome fits about four characters). */
export const BADGE_COUNT_CAP = 99;

export const BADGE_COLORS = {
  critical: '#d32f2f',
  warning: '#f59e0b',
  info: '#1e6fd9',
  off: '#6b7280',
  signedOut: '#7f1d1d',
} as const;

/** White on every badge colour except amber, where white fails contrast (WCAG 1.4.3). */
const TEXT_ON_DARK = '#ffffff';
const TEXT_ON_AMBER = '#111827';

export interface Badge {
  text: string;
  /** Background colour. */
  color: string;
  /** Text colour (applied where the browser supports it). */
  textColor: string;
  /** Tooltip: the full summary. */
  title: string;
}

export interface BadgeInput {
  state: State;
  scope: Scope;
  /** A unit is stale when it has not reported for this long. */
  staleMs: number;
  graceMs?: number;
  /** Local clock. */
  now: number;
  /**
   * The unit view the other surfaces show (issue #9: one truth); built from
   * the other fields when the caller has none.
   */
  view?: UnitView;
  /**
   * What may keep alerts from reaching the supervisor (issue #13,
   * `deliveryNotices`): each is a line of the tooltip, where they look.
   */
  delivery?: readonly DeliveryNotice[];
  /**
   * A woken worker has not restored its units' readings yet (`WorkerState.restoring`):
   * the tooltip leaves out what it would say of the units rather than count
   * them as without data.
   */
  restoring?: boolean;
}

export type BadgePhase = 'signed-out' | 'starting' | 'watching' | 'off';

type Look = { text: string; color: string; textColor: string };

/** The fixed looks; the `watching` look depends on the alerts (see `watchingLook`). */
export const BADGE_LOOKS: Record<Exclude<BadgePhase, 'watching'>, Look> = {
  'signed-out': { text: '!', color: BADGE_COLORS.signedOut, textColor: TEXT_ON_DARK },
  starting: { text: '...', color: BADGE_COLORS.off, textColor: TEXT_ON_DARK },
  off: { text: 'off', color: BADGE_COLORS.off, textColor: TEXT_ON_DARK },
};

/** Badge colour for the worst active severity. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: BADGE_COLORS.critical,
  unknown: BADGE_COLORS.warning,
  warning: BADGE_COLORS.warning,
  info: BADGE_COLORS.info,
};

/** Which row of the table applies. */
export function badgePhase(input: BadgeInput): BadgePhase {
  const { connection } = input.state;
  if (connection.status === 'signed-out') return 'signed-out';
  if (connection.status === 'live') return 'watching';
  const neverLive = connection.lastEventAt === null && connection.reconnects === 0;
  const grace = input.graceMs ?? DEFAULT_BADGE_GRACE_MS;
  if (neverLive)
    return connection.status === 'connecting' || input.now - connection.since < grace
      ? 'starting'
      : 'off';
  return input.now - connection.since < grace ? 'watching' : 'off';
}

/** The badge for a state. Pure: same input, same badge. */
export function badgeFor(input: BadgeInput): Badge {
  const phase = badgePhase(input);
  const view = input.view ?? unitView(input);
  const look = phase === 'watching' ? watchingLook(view) : BADGE_LOOKS[phase];
  return { ...look, title: titleFor(input, view, phase) };
}

/** The worst severity with an active alert, or null. */
function worstSeverity(view: UnitView): Severity | null {
  return SEVERITY_ORDER.find((severity) => view.alerts[severity] > 0) ?? null;
}

function watchingLook(view: UnitView): Look {
  const worst = worstSeverity(view);
  if (worst === null || view.alerts.total === 0) {
    return { text: '', color: BADGE_COLORS.info, textColor: TEXT_ON_DARK };
  }
  const total = view.alerts.total;
  const color = SEVERITY_COLORS[worst];
  return {
    text: total > BADGE_COUNT_CAP ? `${BADGE_COUNT_CAP}+` : String(total),
    color,
    textColor: color === BADGE_COLORS.warning ? TEXT_ON_AMBER : TEXT_ON_DARK,
  };
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'unknown', 'warning', 'info'];

/** `2 critical, 1 warning` or '' when there are none. */
export function severitySummary(counts: Omit<SeverityCounts, 'total'>): string {
  return SEVERITY_ORDER.filter((severity) => counts[severity] > 0)
    .map((severity) => `${counts[severity]} ${severity}`)
    .join(', ');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function titleFor(input: BadgeInput, view: UnitView, phase: BadgePhase): string {
  const { state, now } = input;
  const { connection } = state;
  const lines: string[] = [];
  // Sensor times are on the server's clock; show them on ours.
  const lastData =
    connection.lastDataAt === null ? null : connection.lastDataAt - connection.clockOffset;
  const lastDataText = lastData === null ? 'no data yet' : `last data ${formatClock(lastData)}`;
  const watched = view.entries.length;
  switch (phase) {
    case 'signed-out':
      lines.push(
        connection.lastError?.code === 'refresh-failed'
          ? 'Frostline: monitoring is off, your session expired. Sign in to watch your units again.'
          : 'Frostline: monitoring is off. Sign in to watch your units.',
      );
      break;
    case 'starting':
      lines.push('Frostline: connecting…');
      break;
    case 'off':
      lines.push(
        `Frostline: not live since ${formatClock(connection.since)}${connection.status === 'offline' ? ' (browser offline)' : ''}, ${lastDataText}`,
      );
      break;
    case 'watching':
      lines.push(
        connection.status === 'live'
          ? `Frostline: live, watching ${plural(watched, 'unit', 'units')}`
          : `Frostline: reconnecting (since ${formatClock(connection.since)}), watching ${plural(watched, 'unit', 'units')}`,
      );
      break;
  }
  if (phase !== 'signed-out') {
    const active = severitySummary(view.alerts);
    const acknowledged = view.acknowledged;
    lines.push(
      `${active === '' ? 'No active alerts' : `Active alerts: ${active}`}${acknowledged > 0 ? `; ${acknowledged} acknowledged` : ''}`,
    );
    if (input.restoring === true) {
      lines.push('Restoring the last readings…');
    } else {
      lines.push(plural(view.counts.stale, 'stale unit', 'stale units'));
      // The popup's summary line, word for word (issue #9).
      lines.push(summaryLine(view));
    }
    for (const notice of input.delivery ?? []) lines.push(`⚠ ${notice.text}`);
  }
  lines.push(
    connection.lastEventAt === null
      ? 'No update yet'
      : `Last update ${formatClock(Math.min(connection.lastEventAt, now))}`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// The sink
// ---------------------------------------------------------------------------

/**
 * The part of `browser.action` the badge uses. `setBadgeTextColor` is optional:
 * Chrome has it since 110, and a missing method must not break the badge.
 */
export interface BadgeSurface {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
  setTitle(details: { title: string }): Promise<void> | void;
  setBadgeTextColor?(details: { color: string }): Promise<void> | void;
}

export type BadgeField = 'text' | 'color' | 'textColor' | 'title';

export interface BadgeRenderResult {
  written: BadgeField[];
  failed: BadgeField[];
}

export interface BadgeRenderer {
  /** Writes the fields that differ from what was last written. Never throws. */
  render(badge: Badge): Promise<BadgeRenderResult>;
  /** Resolves once every write started so far has been answered by the browser. */
  idle(): Promise<void>;
}

/**
 * The only writer of the badge. Skips unchanged fields (each write wakes the
 * browser UI). `onWritten` hears each field as soon as the browser confirmed
 * it, before the other fields of the same render.
 */
export function createBadgeRenderer(
  action: BadgeSurface,
  onWritten?: (field: BadgeField, value: string) => void,
): BadgeRenderer {
  const written: Partial<Record<BadgeField, string>> = {};
  const writers: Record<BadgeField, ((value: string) => Promise<void> | void) | null> = {
    text: (text) => action.setBadgeText({ text }),
    color: (color) => action.setBadgeBackgroundColor({ color }),
    textColor: action.setBadgeTextColor ? (color) => action.setBadgeTextColor?.({ color }) : null,
    title: (title) => action.setTitle({ title }),
  };
  /** Every render started so far, settled (a render never rejects). */
  let settled: Promise<unknown> = Promise.resolve();
  return {
    idle: () => settled.then(() => undefined),
    render(badge) {
      const rendering = writeFields(badge);
      settled = Promise.all([settled, rendering]);
      return rendering;
    },
  };

  async function writeFields(badge: Badge): Promise<BadgeRenderResult> {
    const result: BadgeRenderResult = { written: [], failed: [] };
    const fields: BadgeField[] = ['text', 'color', 'textColor', 'title'];
    await Promise.all(
      fields.map(async (field) => {
        const write = writers[field];
        const value = badge[field];
        if (write === null || written[field] === value) return;
        // Remember before awaiting, so an overlapping render does not write it twice.
        written[field] = value;
        try {
          await write(value);
          result.written.push(field);
          onWritten?.(field, value);
        } catch {
          // Forget it, so that the next render tries again.
          if (written[field] === value) delete written[field];
          result.failed.push(field);
        }
      }),
    );
    return result;
  }
}
