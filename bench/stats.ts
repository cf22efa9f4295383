/**
 * Order statistics for latency samples. Percentiles use the nearest-rank
 * method (no interpolation): a p99 over 200 samples is the 198th smallest,
 * a value that was really observed.
 */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** Rounds for display and JSON (3 significant decimals are noise at these scales). */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Per name, the median of the values the records have for it, names in time
 * order (the milestones of rows 4 and 7: ms after a navigation start).
 */
export function medianByName(
  records: readonly Readonly<Record<string, number>>[],
): Record<string, number> {
  const by = new Map<string, number[]>();
  for (const r of records)
    for (const [k, v] of Object.entries(r)) by.set(k, [...(by.get(k) ?? []), v]);
  return Object.fromEntries(
    [...by.entries()].map(([k, vs]) => [k, median(vs)] as const).sort((a, b) => a[1] - b[1]),
  );
}
