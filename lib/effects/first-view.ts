/**
 * The first-view effect (#14): keeps the popup's first view
 * (`lib/first-view.ts`) in `storage.session`, so the popup paints its rows
 * before React has loaded. Written at most once per `FIRST_VIEW_INTERVAL_MS`
 * and only when it changed (about 15 KB of JSON for 50 rows, one string); a
 * change of readings alone (the rows' latest values, the time of the last
 * data) at most once per `READINGS_ONLY_INTERVAL_MS`, because at 1,000 units
 * a reading a second the rows change every second and the storage write was
 * the worker's largest cost while idle (bench row 3b). Alerts, counts,
 * conditions, order and names still land within a second; the popup says how
 * old the view is either way;
 * removed at once at sign-out or when another account signs in, so a popup
 * never paints another account's units. A restarted worker keeps the stored
 * one until it has units of its own to show, their readings restored.
 */
import { FIRST_VIEW_ROWS, type FirstView, type FirstViewRow } from '../first-view';
import type { UnitView } from '../state';
import type { Listener, WorkerState } from '../store';

export const FIRST_VIEW_INTERVAL_MS = 1_000;
/** How often a view that differs from the stored one only by its readings is written. */
export const READINGS_ONLY_INTERVAL_MS = 10_000;
/** How the JSON of a view made with `savedAt` 0 starts (`firstViewOf` puts it first). */
const UNSTAMPED = '{"savedAt":0,';

export interface FirstViewEffectDeps {
  getState(): WorkerState;
  view(worker: WorkerState): UnitView;
  now(): number;
  /** Stores the JSON text, or removes it (null). Never throws into the worker. */
  write(json: string | null): Promise<void>;
}

export interface FirstViewEffect {
  listener: Listener;
  /** Stops the timer; nothing is flushed. */
  dispose(): void;
}

const areaNames = new WeakMap<object, Map<string, string>>();

function areaNamesOf(worker: WorkerState): Map<string, string> {
  const directory = worker.live.directory;
  if (directory === null) return new Map();
  let names = areaNames.get(directory);
  if (names === undefined) {
    names = new Map(directory.areas.map((a) => [a.id, a.name]));
    areaNames.set(directory, names);
  }
  return names;
}

/** The view without its readings: what must land within a second when it changes. */
function withoutReadings(view: FirstView): string {
  return JSON.stringify({
    ...view,
    lastDataAt: null,
    rows: view.rows.map((row) => ({ ...row, latest: null })),
  });
}

/**
 * The first view of `view` (the worker's unit view of `worker`), or null when
 * signed out. Names are joined as the popup joins them
 * (components/popup/use-unit-overview.ts `entriesFrom`). Pure.
 */
export function firstViewOf(worker: WorkerState, view: UnitView, now: number): FirstView | null {
  const { session, live: state } = worker;
  if (session === null) return null;
  const areas = areaNamesOf(worker);
  const rows = view.entries.slice(0, FIRST_VIEW_ROWS).map((entry): FirstViewRow => {
    const info = state.directoryIndex.units.get(entry.unitId);
    const latest = state.units.get(entry.unitId)?.latest ?? null;
    const row: FirstViewRow = {
      id: entry.unitId,
      name: info?.name ?? entry.unitId,
      siteId: info?.siteId ?? '',
      areaId: info?.areaId ?? '',
      siteName: (info && state.directoryIndex.sites.get(info.siteId)?.name) ?? 'Other',
      areaName: (info && areas.get(info.areaId)) ?? '',
      tempMin: info?.tempMin ?? null,
      tempMax: info?.tempMax ?? null,
      tempUnit: info?.tempUnit ?? 'C',
      condition: entry.condition,
      latest:
        latest === null
          ? null
          : {
              temperature: latest.temperature,
              humidity: latest.humidity,
              battery: latest.battery,
              at: latest.at,
            },
    };
    if (entry.excursion !== undefined) row.excursion = entry.excursion;
    return row;
  });
  return {
    // First: the time is stamped on the stored text (`UNSTAMPED` below).
    savedAt: now,
    organizationId: session.organizationId,
    clockOffset: state.connection.clockOffset,
    tempScale: worker.preferences.tempScale,
    lastDataAt: state.connection.lastDataAt,
    alerts: view.alerts,
    counts: view.counts,
    conditions: view.conditions,
    total: view.entries.length,
    rows,
  };
}

export function createFirstViewEffect(deps: FirstViewEffectDeps): FirstViewEffect {
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The last written view without its time (so an unchanged view is not written again); null: none. */
  let written: string | null = null;
  /** `written` without its readings, and when it was written. */
  let writtenShape: string | null = null;
  let writtenAt = 0;
  /** The timer waits for readings only: any change brings it forward to the usual interval. */
  let deferred = false;

  function write(json: string | null): void {
    void deps.write(json).catch(() => undefined);
  }

  function flush(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    deferred = false;
    const worker = deps.getState();
    const view = firstViewOf(worker, deps.view(worker), 0);
    // No units yet (just signed in, the directory still loading), or their
    // readings not restored yet (a woken worker): keep what is stored rather
    // than paint a list the live popup then fills.
    if (view === null || view.total === 0 || worker.restoring) return;
    const body = JSON.stringify(view);
    if (body === written) return;
    const shape = withoutReadings(view);
    const at = deps.now();
    if (shape === writtenShape && at - writtenAt < READINGS_ONLY_INTERVAL_MS) {
      // Only readings moved: they land with the next write, at the latest when this interval ends.
      timer = setTimeout(flush, writtenAt + READINGS_ONLY_INTERVAL_MS - at);
      deferred = true;
      return;
    }
    written = body;
    writtenShape = shape;
    writtenAt = at;
    // The view's time (0 above, so an unchanged view compares equal) is its
    // first key: stamped on the same text, not by a second stringify.
    write(
      body.startsWith(UNSTAMPED)
        ? `{"savedAt":${Math.round(at)},${body.slice(UNSTAMPED.length)}`
        : JSON.stringify({ ...view, savedAt: at }),
    );
  }

  function remove(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    deferred = false;
    written = null;
    writtenShape = null;
    write(null);
  }

  return {
    listener(next, prev) {
      const before = prev.session;
      const after = next.session;
      if (after === null) {
        // Signed out: no popup may paint the old units.
        if (before !== null) remove();
        return;
      }
      // Someone else, or another organization: the stored view is not theirs.
      if (
        before !== null &&
        (before.userId !== after.userId ||
          before.organizationId !== after.organizationId ||
          before.serverUrl !== after.serverUrl)
      )
        remove();
      if (timer !== null && !deferred) return;
      if (
        next.live === prev.live &&
        next.preferences === prev.preferences &&
        next.scope === prev.scope &&
        next.excursions === prev.excursions &&
        next.restoring === prev.restoring &&
        before !== null
      )
        return;
      if (timer !== null) clearTimeout(timer);
      deferred = false;
      timer = setTimeout(flush, FIRST_VIEW_INTERVAL_MS);
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      deferred = false;
    },
  };
}
