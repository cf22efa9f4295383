import { useLastDataAt } from '../RealtimeProvider';
import { summaryModel, summaryTextOf } from './summary-model';
import type { UnitOverview } from './use-unit-overview';

/**
 * The worker's summary line (issue #9): active alerts by severity, then units
 * out of range / offline / stale / without data, then how many are in range.
 * The badge's tooltip carries the same line, from the same view.
 */
export function summaryText(overview: UnitOverview): string {
  return summaryTextOf({ ...overview.view, total: overview.view.entries.length });
}

/**
 * The line a supervisor reads first: how many problems, and the worst unit.
 * When the data is not live it says "last known" and how old it is. The words
 * are `summaryModel`'s, shared with the popup's first view (#14).
 */
export function Summary({ overview, live }: { overview: UnitOverview; live: boolean }) {
  // How old the data is matters only when it is not live: not observed while live (#14).
  const lastDataAt = useLastDataAt(!live);
  const { view, worst } = overview;
  const m = summaryModel(
    { ...view, total: view.entries.length },
    worst === null ? null : { name: worst.info.name, condition: worst.condition },
    live,
    lastDataAt,
    overview.now,
  );
  return (
    <div className={`summary tone-${m.tone}`}>
      <p className="summary-counts">
        <span aria-hidden="true">{m.icon}</span> {m.text}
      </p>
      {m.worst !== null && <p className="summary-worst">{m.worst}</p>}
      {m.lastKnown !== null && <p className="last-known">{m.lastKnown}</p>}
    </div>
  );
}
