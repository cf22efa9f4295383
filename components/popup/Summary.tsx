import { formatAge } from '../../lib/format';
import { CONDITION_META, SEVERITY_ICON } from '../unit-condition';
import type { UnitOverview } from './use-unit-overview';

/**
 * `2 critical · 1 warning · 3 stale`, or `All 24 units in range`; led by the
 * active alerts when there are any (`1 active alert · all 24 units in range`),
 * so the line never calls everything fine above an alert that needs action.
 */
export function summaryText(overview: UnitOverview): string {
  const { critical, warning, stale, offline } = overview.counts;
  const parts: string[] = [];
  if (critical) parts.push(`${critical} critical`);
  if (warning) parts.push(`${warning} warning`);
  if (stale) parts.push(`${stale} stale`);
  if (offline) parts.push(`${offline} offline`);
  const total = overview.entries.length;
  const alerts = overview.activeAlerts.total;
  const alertText = alerts === 1 ? '1 active alert' : `${alerts} active alerts`;
  if (parts.length) return alerts ? `${alertText} · ${parts.join(' · ')}` : parts.join(' · ');
  if (total === 0) return alerts ? alertText : 'No units in scope';
  const inRange = total === 1 ? 'the 1 unit is in range' : `all ${total} units in range`;
  return alerts ? `${alertText} · ${inRange}` : inRange.charAt(0).toUpperCase() + inRange.slice(1);
}

/** The icon of what makes the line's tone: the worst alert, else the worst unit. */
function summaryIcon(overview: UnitOverview, tone: string): string {
  const { activeAlerts, worst } = overview;
  if (tone === 'ok') return '✓';
  if (activeAlerts.critical) return SEVERITY_ICON.critical;
  if (worst !== null && worst.rank > 0) return CONDITION_META[worst.condition].icon;
  if (activeAlerts.warning) return SEVERITY_ICON.warning;
  if (activeAlerts.info) return SEVERITY_ICON.info;
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
  const { counts, activeAlerts } = overview;
  const tone =
    counts.critical || activeAlerts.critical
      ? 'critical'
      : counts.warning || activeAlerts.warning
        ? 'warning'
        : counts.stale + counts.offline + activeAlerts.info || !live
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
