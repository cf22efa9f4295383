/**
 * How the pages word a unit's time out of range (issue #13). Display only:
 * the worker keeps the intervals (`lib/state/excursions.ts`) and sends them
 * with its unit view; the sums are the worker's own functions, evaluated
 * with the page's server-clock "now" so the minutes tick without a refetch.
 */
import { formatDuration } from '../lib/format';
import { excursionTotalMs, openExcursionMs } from '../lib/state/page-rules';
import type { UnitExcursions } from '../lib/state/excursions';

export interface ExcursionText {
  /** `Out of range for 12 min`, or null when the unit is in range. */
  current: string | null;
  /**
   * The cumulative time over the last 24 h: `40 min in the last 24 h` beside
   * an excursion in progress, `40 min out of range in the last 24 h` alone;
   * null when there was none.
   */
  total: string | null;
}

export function excursionText(
  excursion: UnitExcursions | undefined,
  serverNow: number,
): ExcursionText {
  const open = openExcursionMs(excursion, serverNow);
  const total = excursionTotalMs(excursion, serverNow);
  return {
    current: open === null ? null : `Out of range for ${formatDuration(open)}`,
    total:
      total <= 0
        ? null
        : `${formatDuration(total)} ${open === null ? 'out of range ' : ''}in the last 24 h`,
  };
}

/** The two parts on one line: `Out of range for 12 min · 40 min in the last 24 h`. */
export function excursionLine(text: ExcursionText): string | null {
  const parts = [text.current, text.total].filter((p): p is string => p !== null);
  return parts.length === 0 ? null : parts.join(' · ');
}
