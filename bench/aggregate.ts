/**
 * From runs to a row (issue #14): every figure of the table is the median of
 * the figures of at least three runs made in one invocation, printed with the
 * spread (min–max) of those runs, and judged against the targets table on
 * that median. A run that produced no sample is not a quiet gap: the row is a
 * FAIL of the bench, says which run and why, and the bench exits non-zero.
 */
import { meets, type FigureName, type RowSpec } from './targets';

/** What one run measured for one row. */
export interface RunFigure {
  /** The run's median (latency rows) or its single value; NaN when it had no sample. */
  value: number;
  p99?: number;
  /** Popup over baseline, both from this run. */
  ratio?: number;
  /** Samples behind the figure (0 = none). */
  n: number;
  /** Samples attempted, when the row takes several. */
  of?: number;
  /** Why the run has no or too few samples, when known. */
  reason?: string;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Runs that gave this figure. */
  runs: number;
}

export type Verdict = 'PASS' | 'MISS' | 'FAIL' | 'info';

export interface RowResult {
  id: string;
  metric: string;
  unit: string;
  targetText: string;
  runs: RunFigure[];
  figures: Partial<Record<FigureName, Spread>>;
  verdict: Verdict;
  /** Why the row is a FAIL (the bench could not produce the figure). */
  failure?: string;
  note?: string;
}

/** Median of the finite values (mean of the middle two for an even count); NaN when none. */
export function medianOf(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function spreadOf(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  return {
    median: medianOf(finite),
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    runs: finite.length,
  };
}

/** Why a run gave no usable figure for `spec`, or undefined when it did. */
export function runFailure(spec: RowSpec, run: RunFigure): string | undefined {
  if (run.n <= 0) return `n = 0: no sample${run.reason ? ` (${run.reason})` : ''}`;
  for (const name of spec.figures) {
    const v = run[name];
    if (v === undefined || !Number.isFinite(v))
      return `no ${name === 'value' ? 'figure' : name}${run.reason ? ` (${run.reason})` : ''}`;
  }
  return undefined;
}

/**
 * The row from its runs. FAIL when fewer runs than `expectedRuns` reported,
 * or when any run has no sample or a missing figure: the median of the
 * others would hide that the bench broke.
 */
export function aggregateRow(
  spec: RowSpec,
  runs: readonly RunFigure[],
  expectedRuns: number,
  note?: string,
): RowResult {
  const figures: Partial<Record<FigureName, Spread>> = {};
  for (const name of spec.figures) {
    figures[name] = spreadOf(runs.map((r) => r[name] ?? Number.NaN));
  }
  const problems: string[] = [];
  if (runs.length < expectedRuns)
    problems.push(`${runs.length} of ${expectedRuns} runs reported a figure`);
  runs.forEach((run, i) => {
    const why = runFailure(spec, run);
    if (why !== undefined) problems.push(`run ${i + 1}: ${why}`);
  });
  let verdict: Verdict;
  if (problems.length > 0) verdict = 'FAIL';
  else if (!spec.target) verdict = 'info';
  else {
    const bounds = Object.entries(spec.target) as [
      FigureName,
      NonNullable<RowSpec['target']>[FigureName],
    ][];
    verdict = bounds.every(([name, bound]) => bound && meets(figures[name]?.median ?? NaN, bound))
      ? 'PASS'
      : 'MISS';
  }
  return {
    id: spec.id,
    metric: spec.metric,
    unit: spec.unit,
    targetText: spec.targetText,
    runs: [...runs],
    figures,
    verdict,
    ...(problems.length > 0 ? { failure: problems.join('; ') } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/** A row whose measurement threw: every run is missing, and the error says why. */
export function failedRow(spec: RowSpec, expectedRuns: number, error: string): RowResult {
  const row = aggregateRow(spec, [], expectedRuns);
  return { ...row, failure: `${error}; ${row.failure ?? ''}`.replace(/; $/, '') };
}

/** Exit code of `npm run bench`: 1 when any row is a FAIL of the bench (a miss is not). */
export function exitCodeFor(rows: readonly RowResult[]): number {
  return rows.some((r) => r.verdict === 'FAIL') ? 1 : 0;
}
