/**
 * The popup's first view (#14, popup open → first rows ≤ 100 ms): what the
 * popup showed last, as the worker holds it, small enough to paint before
 * React has loaded. The worker keeps it in `storage.session`
 * (`lib/effects/first-view.ts`); the popup's entry module paints it as "last
 * known, updating", then the live popup replaces it once its snapshot is in.
 * It is built from the worker's one unit view, so its summary and rows agree
 * with the badge the view decided (issue #9).
 *
 * This module is the contract between the two (the key and the shape); the
 * worker builds the view in `lib/effects/first-view.ts` (`firstViewOf`), so
 * the popup's entry module loads none of the worker's code (issue #14, row 6b).
 */
import type { Preferences } from './model';
import type { TempUnit } from './protocol';
import type { UnitExcursions } from './state/excursions';
import type { AlertTally, ConditionGroup, UnitCondition } from './state/unit-view';

/** Rows in the first view: the popup list's first page (components/popup/UnitList.tsx). */
export const FIRST_VIEW_ROWS = 50;

/** The `storage.session` key (`firstViewItem` in lib/storage.ts); the popup reads it raw. */
export const FIRST_VIEW_KEY = 'firstView';

export interface FirstViewRow {
  id: string;
  name: string;
  siteId: string;
  areaId: string;
  siteName: string;
  areaName: string;
  tempMin: number | null;
  tempMax: number | null;
  tempUnit: TempUnit;
  condition: UnitCondition;
  /** The newest reading (sensor time), or null when the unit never reported. */
  latest: {
    temperature: number;
    humidity: number | null;
    battery: number | null;
    at: number;
  } | null;
  excursion?: UnitExcursions;
}

export interface FirstView {
  organizationId: string;
  /** Local clock when the worker built it: the "as of" the popup shows. */
  savedAt: number;
  /** Server clock minus local clock, for the rows' ages. */
  clockOffset: number;
  tempScale: Preferences['tempScale'];
  /** When the worker last had data (local clock); the first view is never shown as live. */
  lastDataAt: number | null;
  /** The summary's facts, from the same view as the rows. */
  alerts: AlertTally;
  counts: Record<ConditionGroup, number>;
  conditions: Record<UnitCondition, number>;
  /** Units in the view; the rows are its first `FIRST_VIEW_ROWS`, worst first. */
  total: number;
  rows: FirstViewRow[];
}
