/**
 * Every row of the bench and its target, in one table (issue #14: targets
 * printed beside each figure, judged on the median of the runs). A row's
 * figures: `value` (the median or single value of a run), `p99` (for latency
 * rows) and `ratio` (for rows measured against a baseline in the same run).
 */

export type FigureName = 'value' | 'p99' | 'ratio';

/** A bound on one figure: at most (`max`) or at least (`min`). */
export type Bound = { max: number } | { min: number };

export interface RowSpec {
  id: string;
  metric: string;
  unit: string;
  /** Which figures every run of this row must produce (a missing one is a bench failure). */
  figures: readonly FigureName[];
  /** Bounds on the medians; absent for informational rows. */
  target?: Partial<Record<FigureName, Bound>>;
  /** How the target reads in the table. */
  targetText: string;
}

const ms = 'ms';

export const ROWS: readonly RowSpec[] = [
  {
    id: '1a',
    metric: 'alert → badge text set (worker), 1,000 readings/s',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 5 }, p99: { max: 20 } },
    targetText: 'p50 ≤ 5, p99 ≤ 20 ms',
  },
  {
    id: '1b',
    metric: 'alert → notification created (worker)',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 5 }, p99: { max: 20 } },
    targetText: 'p50 ≤ 5, p99 ≤ 20 ms',
  },
  {
    id: '1c',
    metric: 'alert emit → frame on a plain page beside the worker (1a floor)',
    unit: ms,
    figures: ['value', 'p99'],
    targetText: '(floor)',
  },
  {
    id: '1a-ff',
    metric: 'alert → badge text set (Firefox background page), 1,000 readings/s',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 5 }, p99: { max: 20 } },
    targetText: 'p50 ≤ 5, p99 ≤ 20 ms',
  },
  {
    id: '2a',
    metric: 'reading → popup DOM (extension)',
    unit: ms,
    figures: ['value', 'p99', 'ratio'],
    target: { ratio: { max: 1.3 }, p99: { max: 50 } },
    targetText: 'p50 ≤ 1.3× 2b, p99 ≤ 50 ms',
  },
  {
    id: '2b',
    metric: 'reading → baseline page DOM (same run)',
    unit: ms,
    figures: ['value', 'p99'],
    targetText: '(baseline)',
  },
  {
    id: '3a',
    metric: 'sustained reading rate, popup open',
    unit: 'rdg/s',
    figures: ['value'],
    target: { value: { min: 20_000 } },
    targetText: '≥ 20,000 /s',
  },
  {
    id: '3b',
    metric: 'worker CPU, 1,000 units × 1/s, popup closed',
    unit: '%',
    figures: ['value'],
    target: { value: { max: 5 } },
    targetText: '≤ 5 % of a core',
  },
  {
    id: '3c',
    metric: 'worker CPU, 1,000 units × 1/s, popup open',
    unit: '%',
    figures: ['value'],
    targetText: '(info)',
  },
  {
    id: '3d',
    metric: 'baseline page CPU, same stream, no rows (3b floor)',
    unit: '%',
    figures: ['value'],
    targetText: '(floor)',
  },
  {
    id: '4',
    metric: 'popup open → first 50 rows painted, 1,000 units',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 100 } },
    targetText: 'p50 ≤ 100 ms',
  },
  {
    id: '4-ff',
    metric: 'popup open → first 50 rows painted, 1,000 units (Firefox)',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 100 } },
    targetText: 'p50 ≤ 100 ms',
  },
  {
    id: '4b',
    metric: 'popup search, keystroke → list painted, 1,000 units',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 16 } },
    targetText: 'p50 ≤ 16 ms',
  },
  {
    id: '4b-floor',
    metric: 'plain page, same keystrokes, 50 text rows (4b floor)',
    unit: ms,
    figures: ['value', 'p99'],
    targetText: '(floor)',
  },
  {
    id: '4c',
    metric: 'popup JS heap after GC, 1,000 units',
    unit: 'MB',
    figures: ['value'],
    target: { value: { max: 15 } },
    targetText: '≤ 15 MB',
  },
  {
    id: '5',
    metric: 'worker memory, 5,000 units × 100 readings',
    unit: 'MB',
    figures: ['value'],
    target: { value: { max: 30 } },
    targetText: '≤ 30 MB',
  },
  {
    id: '6a',
    metric: 'background bundle, minified JS',
    unit: 'KiB',
    figures: ['value'],
    target: { value: { max: 100 } },
    targetText: '≤ 100 KiB',
  },
  {
    id: '6b',
    metric: 'popup bundle, minified JS',
    unit: 'KiB',
    figures: ['value'],
    target: { value: { max: 300 } },
    targetText: '≤ 300 KiB',
  },
  {
    id: '7',
    metric: 'wake (popup opened) → live, rooms, badge right',
    unit: ms,
    figures: ['value', 'p99'],
    target: { value: { max: 300 } },
    targetText: 'p50 ≤ 300 ms',
  },
];

export function rowSpec(id: string): RowSpec {
  const spec = ROWS.find((r) => r.id === id);
  if (spec === undefined) throw new Error(`no row '${id}' in the targets table`);
  return spec;
}

export function meets(value: number, bound: Bound): boolean {
  if (!Number.isFinite(value)) return false;
  return 'max' in bound ? value <= bound.max : value >= bound.min;
}
