import { describe, expect, it } from 'vitest';
import { busyVerdict, otherCores, type LoadRecord } from '../../bench/load';
import { busyBanner, fmtSpread, formatTable } from '../../bench/report';
import { aggregateRow } from '../../bench/aggregate';
import { rowSpec } from '../../bench/targets';

const quiet: LoadRecord = {
  start: { at: '2026-12-02T05:00:00Z', loadAverage: [0.02, 0.05, 0.1] },
  end: { at: '2026-12-02T05:02:00Z', loadAverage: [1.5, 0.6, 0.3] },
  othersBeforeCores: 0.01,
  othersDuringCores: 0.02,
  cores: 2,
};

describe('machine load', () => {
  it('counts CPU used by other processes, each by its own growth', () => {
    const before = {
      total: 1_000,
      idle: 800,
      others: new Map([
        [10, 500],
        [11, 40],
      ]),
    };
    // 1,000 machine ticks on 2 cores: pid 10 grew by 30, pid 12 was born with 20 → 50 ticks,
    // 5 % of the machine, 0.1 of a core. Pid 11 ended and counts nothing.
    const after = {
      total: 2_000,
      idle: 1_600,
      others: new Map([
        [10, 530],
        [12, 20],
      ]),
    };
    expect(otherCores(before, after, 2)).toBeCloseTo(0.1);
  });

  it('counts none of our own work as other, even when our processes end in between', () => {
    // The bench's browsers are not in `others` at all, so their exit changes nothing.
    const before = { total: 1_000, idle: 500, others: new Map([[10, 500]]) };
    const after = { total: 2_000, idle: 900, others: new Map([[10, 500]]) };
    expect(otherCores(before, after, 2)).toBe(0);
  });

  it('calls a quiet machine quiet even though the bench itself raised the load by the end', () => {
    expect(busyVerdict(quiet)).toEqual({ busy: false, reasons: [] });
    expect(busyBanner(quiet)).toBe('');
  });

  it('calls the machine busy, with reasons, when the load or other processes were high', () => {
    const busy: LoadRecord = {
      ...quiet,
      start: { at: quiet.start.at, loadAverage: [3.2, 2, 1] },
      othersDuringCores: 1.4,
    };
    const verdict = busyVerdict(busy);
    expect(verdict.busy).toBe(true);
    expect(verdict.reasons).toEqual([
      'load average 3.20 on 2 cores before the start',
      'other processes used 1.40 cores during the run',
    ]);
  });

  it('prints the busy warning above and below the table', () => {
    const busy: LoadRecord = { ...quiet, othersBeforeCores: 0.9 };
    const spec = rowSpec('3b');
    const row = aggregateRow(
      spec,
      [3, 4, 5].map((value) => ({ value, n: 100 })),
      3,
    );
    const table = formatTable([row], busy, 3);
    const warnings = table.split('\n').filter((l) => l.includes('BUSY MACHINE'));
    expect(warnings).toHaveLength(2);
    expect(table).toContain('other processes used 0.90 cores before the start');
  });

  it('prints the median with the runs’ spread, and FAIL rows in their own section', () => {
    expect(fmtSpread({ median: 2.5, min: 1, max: 40.1, runs: 3 })).toBe('2.5 (1–40.1)');
    expect(fmtSpread({ median: 133, min: 133, max: 133, runs: 3 })).toBe('133');
    const failed = aggregateRow(rowSpec('7'), [{ value: Number.NaN, n: 0, of: 2 }], 1);
    const table = formatTable([failed], quiet, 1);
    expect(table).toMatch(/^7 .* FAIL$/m);
    expect(table).toContain('BENCH FAILURE: 1 row(s) produced no figure (exit code 1):');
    expect(table).toContain('run 1: n = 0: no sample');
  });
});
