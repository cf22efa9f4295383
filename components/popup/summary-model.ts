/**
 * What the popup's summary says, decided in one place (#14): the live React
 * `Summary` and the first view painted before React loads (`first-view.ts`)
 * both render this. Pure and React-free.
 */
import { formatAge } from '../../lib/format';
import { summaryLine } from '../../lib/state/page-rules';
import type { UnitView } from '../../lib/state/unit-view';
import { CONDITION_META, SEVERITY_ICON, type UnitCondition } from '../unit-condition';

/** The part of the worker's view the summary reads; `total` is the number of units. */
export type SummaryFacts = Pick<UnitView, 'alerts' | 'counts' | 'conditions'> & { total: number };

export interface SummaryModel {
  tone: 'critical' | 'warning' | 'muted' | 'ok';
  icon: string;
  /** The counts line; "Last known: …" when not live. */
  text: string;
  /** `Worst: Freezer 2 (alarm)`, or null when no unit needs a look. */
  worst: string | null;
  /** Not live: how old the data is; null while live. */
  lastKnown: string | null;
}

/** The worker's summary line (issue #9); the badge's tooltip carries the same line. */
export function summaryTextOf(facts: SummaryFacts): string {
  return summaryLine({
    alerts: facts.alerts,
    counts: facts.counts,
    entries: { length: facts.total },
  });
}

/** The icon of what makes the line's tone: the worst alert, else the worst unit. */
function summaryIcon(
  facts: SummaryFacts,
  worst: { condition: UnitCondition } | null,
  tone: SummaryModel['tone'],
): string {
  const alerts = facts.alerts;
  if (tone === 'ok') return '✓';
  if (alerts.critical) return SEVERITY_ICON.critical;
  if (worst !== null && CONDITION_META[worst.condition].rank > 0)
    return CONDITION_META[worst.condition].icon;
  if (alerts.unknown || alerts.warning) return SEVERITY_ICON.warning;
  if (alerts.info) return SEVERITY_ICON.info;
  return '…';
}

/**
 * The summary: `worst` is the first unit of the worker's order (or null);
 * `now` is server-clock now. Not live, it says the same facts as what was
 * last known, never a green "all fine".
 */
export function summaryModel(
  facts: SummaryFacts,
  worst: { name: string; condition: UnitCondition } | null,
  live: boolean,
  lastDataAt: number | null,
  now: number,
): SummaryModel {
  const counted = summaryTextOf(facts);
  const { counts, conditions, alerts } = facts;
  const tone: SummaryModel['tone'] =
    conditions.alarm || alerts.critical
      ? 'critical'
      : counts.outOfRange || alerts.warning || alerts.unknown
        ? 'warning'
        : counts.stale + counts.offline + counts.noData + alerts.info || !live
          ? 'muted'
          : 'ok';
  return {
    tone,
    icon: summaryIcon(facts, worst, tone),
    text: live ? counted : `Last known: ${counted.charAt(0).toLowerCase()}${counted.slice(1)}`,
    worst:
      worst !== null && CONDITION_META[worst.condition].rank > 0
        ? `Worst: ${worst.name} (${CONDITION_META[worst.condition].label})`
        : null,
    lastKnown: live
      ? null
      : `Last known data${
          lastDataAt !== null ? `, from ${formatAge(now - lastDataAt)}` : ', no readings yet'
        } — not live`,
  };
}
