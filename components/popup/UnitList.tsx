/**
 * Units grouped by site then area, worst first, with search and filters.
 * Renders rows in pages (`PAGE_SIZE`) so 1,000+ units stay cheap; rows are
 * real list items, so the off-page ones are just not mounted yet.
 */
import { Fragment, memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Preferences, Reading } from '../../lib/model';
import { afterNextPaint } from '../after-paint';
import { useLive } from '../live-data';
import { queryKeys, type HistoriesData, type UnitsData } from '../query-keys';
import { isProblem, isStaleLike } from '../unit-condition';
import { areaListLabel, groupEntries, moreUnitsText } from './unit-groups';
import { UnitRow } from './UnitRow';
import type { UnitEntry, UnitOverview } from './use-unit-overview';

/**
 * Rows mounted at first, and added each time the end of the list scrolls into
 * view: four popup-heights of rows, so opening the popup paints in one short
 * frame even with 1,000+ units (issue #5, popup time to data).
 */
export const PAGE_SIZE = 50;

/**
 * Rows a search keystroke or a filter change mounts in its own frame: more
 * than a popup-height (600 px, about 13 rows). The rest of the page follows
 * in the next task, after that frame is painted (#14, search ≤ 16 ms per
 * keystroke: style and layout of 50 new rows alone took 15–20 ms).
 */
export const FIRST_SCREEN_ROWS = 16;

export { groupEntries };

/** A unit without history: one array, so its row's memo holds. */
const NO_READINGS: readonly Reading[] = [];

export function filterEntries(
  entries: readonly UnitEntry[],
  query: string,
  alertsOnly: boolean,
  staleOnly: boolean,
): UnitEntry[] {
  const q = query.trim().toLocaleLowerCase();
  return entries.filter(
    (e) =>
      (!alertsOnly || e.hasActiveAlert || isProblem(e.condition)) &&
      (!staleOnly || isStaleLike(e.condition)) &&
      (!q || e.searchKey.includes(q)),
  );
}

export interface UnitListProps {
  overview: UnitOverview;
  tempScale: Preferences['tempScale'];
  live: boolean;
  onOpen(unitId: string): void;
}

export const UnitList = memo(function UnitList({
  overview,
  tempScale,
  live,
  onOpen,
}: UnitListProps) {
  const [query, setQuery] = useState('');
  const [alertsOnly, setAlertsOnly] = useState(false);
  const [staleOnly, setStaleOnly] = useState(false);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const searchId = useId();
  // A query or filter shows its first screen at once and its page right after.
  const refilter = () => setLimit(FIRST_SCREEN_ROWS);
  useEffect(
    () =>
      limit >= PAGE_SIZE
        ? undefined
        : afterNextPaint(() => setLimit((n) => Math.max(n, PAGE_SIZE))),
    [limit],
  );
  // The list's one subscription to the live keys (#14): each row gets its
  // unit's entries as props instead of observing the keys itself.
  const units = useLive<UnitsData>(queryKeys.units());
  const histories = useLive<HistoriesData>(queryKeys.readings());

  // The filter runs in the keystroke's own render, not deferred: the live
  // keys are read through useSyncExternalStore, whose updates are urgent, so
  // under a stream of patches a deferred (transition) render was thrown away
  // and restarted until it expired (#14, search ≤ 16 ms per keystroke). The
  // keystroke's render stays small: a precomputed search key per unit, one
  // page of rows, and rows that own no query observer.
  const filtered = useMemo(
    () => filterEntries(overview.entries, query, alertsOnly, staleOnly),
    [overview.entries, query, alertsOnly, staleOnly],
  );
  // Kept across renders: a patch re-renders the list, which then regroups nothing.
  const visible = useMemo(
    () => (filtered.length > limit ? filtered.slice(0, limit) : filtered),
    [filtered, limit],
  );
  const groups = useMemo(() => groupEntries(visible), [visible]);
  const remaining = filtered.length - visible.length;
  const hasMore = remaining > 0;

  // Load the next page when the "more" button scrolls into view (if the browser can tell us).
  const moreRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const el = moreRef.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((items) => {
      if (items.some((i) => i.isIntersecting)) setLimit((n) => n + PAGE_SIZE);
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore]);

  const row = (e: UnitEntry) => (
    <UnitRow
      key={e.id}
      info={e.info}
      data={units?.get(e.id)}
      history={histories?.get(e.id) ?? NO_READINGS}
      tempScale={tempScale}
      condition={e.condition}
      excursion={e.excursion}
      now={overview.now}
      live={live}
      onOpen={onOpen}
    />
  );

  return (
    <section aria-label="Units" className="units">
      <div className="unit-tools">
        <label htmlFor={searchId} className="visually-hidden">
          Search units
        </label>
        <input
          id={searchId}
          type="search"
          className="search"
          placeholder="Unit, area or site"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            refilter();
          }}
        />
        <label className="toggle">
          <input
            type="checkbox"
            checked={alertsOnly}
            onChange={(e) => {
              setAlertsOnly(e.target.checked);
              refilter();
            }}
          />{' '}
          Alerts only
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            checked={staleOnly}
            onChange={(e) => {
              setStaleOnly(e.target.checked);
              refilter();
            }}
          />{' '}
          Stale only
        </label>
      </div>
      {filtered.length === 0 ? (
        <p className="empty">
          {overview.entries.length === 0 ? 'No units in scope.' : 'No units match.'}
        </p>
      ) : (
        groups.map((site) => (
          <div key={site.key} className="site-group" role="group" aria-label={site.name}>
            <h2 className="site-name">{site.name}</h2>
            {site.areas.map((area) => (
              <Fragment key={area.key}>
                {area.name && <h3 className="area-name">{area.name}</h3>}
                <ul className="unit-list" aria-label={areaListLabel(site.name, area.name)}>
                  {area.units.map(row)}
                </ul>
              </Fragment>
            ))}
          </div>
        ))
      )}
      {hasMore && (
        <button
          ref={moreRef}
          type="button"
          className="button more"
          onClick={() => setLimit((n) => n + PAGE_SIZE)}
        >
          {moreUnitsText(remaining)}
        </button>
      )}
    </section>
  );
});
