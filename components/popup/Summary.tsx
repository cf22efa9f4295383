import { formatAge } from '../../lib/format';
import { summaryLine } from '../../lib/state/unit-view';
import { CONDITION_META, SEVERITY_ICON } from '../unit-condition';
import type { UnitOverview } from './use-unit-overview';

/**
 * The worker's summary line (issue #9): active alerts by severity, then units
 * out of range / offline / stale / without data, then how many are in range.
 * The badge's tooltip carries the same line, from the same view.
 */
export function summaryText(overview: UnitOverview): string {
  return summaryLine(overview.view);
}

/** The icon of what makes the line's tone: the worst alert, else the worst unit. */
function summaryIcon(overview: UnitOverview, tone: string): string {
  const { worst } = overview;
  const alerts = overview.view.alerts;
  if (tone === 'ok') return '✓';
  if (alerts.critical) return SEVERITY_ICON.critical;
  if (worst !== null && worst.rank > 0) return CONDITION_META[worst.condition].icon;
  if (alerts.unknown || alerts.warning) return SEVERITY_ICON.warning;
  if (alerts.info) return SEVERITY_ICON.info;
  return '…';
}

/**
 * The line a supervisor reads first: how many problems, and the worst unit.
 * When the data is not live it says "last known" and how old it is.
 */
export function Summary({
  overview,
  live,
  lastDataAt,
}: {
  overview: UnitOverview;
  live: boolean;
  lastDataAt: number | null;
}) {
  // Not live: the same facts, but as what was last known, never a green "all fine".
  const counted = summaryText(overview);
  const text = live ? counted : `Last known: ${counted.charAt(0).toLowerCase()}${counted.slice(1)}`;
  const worst = overview.worst;
  const showWorst = worst !== null && worst.rank > 0;
  const { counts, conditions, alerts } = overview.view;
  const tone =
    conditions.alarm || alerts.critical
      ? 'critical'
      : counts.outOfRange || alerts.warning || alerts.unknown
        ? 'warning'
        : counts.stale + counts.offline + counts.noData + alerts.info || !live
          ? 'muted'
          : 'ok';
  return (
    <div className={`summary tone-${tone}`}>
      <p className="summary-counts">
        <span aria-hidden="true">{summaryIcon(overview, tone)}</span> {text}
      </p>
      {showWorst && (
        <p className="summary-worst">
          Worst: {worst.info.name} ({CONDITION_META[worst.condition].label})
        </p>
      )}
      {!live && (
        <p className="last-known">
          Last known data
          {lastDataAt !== null
            ? `, from ${formatAge(overview.now - lastDataAt)}`
            : ', no readings yet'}{' '}
          — not live
        </p>
      )}
    </div>
  );
}
