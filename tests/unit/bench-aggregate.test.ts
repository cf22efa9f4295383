import { describe, expect, it } from 'vitest';
import {
  aggregateRow,
  exitCodeFor,
  failedRow,
  medianOf,
  spreadOf,
  type RunFigure,
} from '../../bench/aggregate';
import { rowSpec, ROWS } from '../../bench/targets';

const latency = rowSpec('1a'); // p50 ≤ 5, p99 ≤ 20 ms
const run = (value: number, p99: number, n = 50): RunFigure => ({ value, p99, n, of: 50 });

describe('median and spread of runs', () => {
  it('takes the middle run for an odd count and the mean of the middle two for an even one', () => {
    expect(medianOf([9, 1, 4])).toBe(4);
    expect(medianOf([9, 1, 4, 2])).toBe(3);
  });

  it('ignores runs without a figure and is NaN when none has one', () => {
    expect(medianOf([Number.NaN, 7, 3])).toBe(5);
    expect(medianOf([Number.NaN])).toBeNaN();
  });

  it('gives min and max of the runs beside the median, and how many runs it rests on', () => {
    expect(spreadOf([2.5, 1.0, 40.1])).toEqual({ median: 2.5, min: 1.0, max: 40.1, runs: 3 });
  });
});

describe('a row from its runs', () => {
  it('judges the median of the runs, not the best or the worst run', () => {
    const row = aggregateRow(latency, [run(1, 12), run(1.2, 45), run(0.9, 18)], 3);
    expect(row.figures.p99).toEqual({ median: 18, min: 12, max: 45, runs: 3 });
    expect(row.verdict).toBe('PASS');
    const slow = aggregateRow(latency, [run(1, 25), run(1.2, 45), run(0.9, 18)], 3);
    expect(slow.verdict).toBe('MISS');
  });

  it('judges a ratio row on the median of the per-run ratios', () => {
    const spec = rowSpec('2a'); // ratio ≤ 1.3, p99 ≤ 50
    const runs = [1.2, 1.4, 1.25].map((ratio) => ({ value: 3, p99: 20, ratio, n: 100 }));
    const row = aggregateRow(spec, runs, 3);
    expect(row.figures.ratio?.median).toBe(1.25);
    expect(row.verdict).toBe('PASS');
  });

  it('is a FAIL of the bench, not a quiet dash, when one run had no sample', () => {
    const row = aggregateRow(
      latency,
      [
        run(1, 10),
        { value: Number.NaN, p99: Number.NaN, n: 0, of: 5, reason: 'badge never right' },
        run(1, 11),
      ],
      3,
    );
    expect(row.verdict).toBe('FAIL');
    expect(row.failure).toBe('run 2: n = 0: no sample (badge never right)');
    expect(exitCodeFor([row])).toBe(1);
  });

  it('is a FAIL when a run lacks a figure the row needs', () => {
    const row = aggregateRow(latency, [run(1, 10), { value: 1, n: 40 }, run(1, 11)], 3);
    expect(row.verdict).toBe('FAIL');
    expect(row.failure).toContain('run 2: no p99');
  });

  it('is a FAIL when fewer runs reported than were asked for', () => {
    const row = aggregateRow(latency, [run(1, 10), run(1, 11)], 3);
    expect(row.verdict).toBe('FAIL');
    expect(row.failure).toContain('2 of 3 runs');
  });

  it('says why when the measurement itself threw', () => {
    const row = failedRow(rowSpec('7'), 3, 'timed out waiting for the worker to stop');
    expect(row.verdict).toBe('FAIL');
    expect(row.failure).toMatch(/^timed out waiting for the worker to stop; 0 of 3 runs/);
  });

  it('leaves informational rows without a verdict, and exits 0 on misses alone', () => {
    const info = aggregateRow(rowSpec('2b'), [run(1, 5), run(2, 6), run(3, 7)], 3);
    expect(info.verdict).toBe('info');
    const miss = aggregateRow(latency, [run(9, 99), run(9, 99), run(9, 99)], 3);
    expect(miss.verdict).toBe('MISS');
    expect(exitCodeFor([info, miss])).toBe(0);
  });

  it('has one target table entry per row id, each with a text beside its bounds', () => {
    const ids = ROWS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rowSpec('4b').target).toEqual({ value: { max: 16 } });
    expect(rowSpec('4c').target).toEqual({ value: { max: 15 } });
    expect(() => rowSpec('99')).toThrow(/no row '99'/);
  });
});
