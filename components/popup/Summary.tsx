import { formatAge } from '../../lib/format';
import { CONDITION_META } from '../unit-condition';
import type { UnitOverview } from './use-unit-overview';

/** `2 critical · 1 warning · 3 stale`, or `All 24 units in range`. */
export function summaryText(overview: UnitOverview): string {
  const { critical, warning, stale, offline } = overview.counts;
  const parts: string[] = [];
  if (critical) parts.push(`${critical} critical`);
  if (warning) parts.push(`${warning} warning`);
  if (stale) parts.push(`${stale} stale`);
  if (offline) parts.push(`${offline} offline`);
  const total = overview.entries.length;
  if (parts.length) return parts.join(' · ');
  if (total === 0) return 'No units in scope';
  return total === 1 ? 'The 1 unit is in range' : `All ${total} units in range`;
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
  const text = summaryText(overview);
  const worst = overview.worst;
  const showWorst = worst !== null && worst.rank > 0;
  const tone = overview.counts.critical
    ? 'critical'
    : overview.counts.warning
      ? 'warning'
      : overview.counts.stale + overview.counts.offline
        ? 'muted'
        : 'ok';
  return (
    <div className={`summary tone-${tone}`}>
      <p className="summary-counts">
        <span aria-hidden="true">
          {tone === 'ok' ? '✓' : CONDITION_META[worst?.condition ?? 'ok'].icon}
        </span>{' '}
        {text}
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
