import { describe, expect, it } from 'vitest';
import {
  benchProcesses,
  busyVerdict,
  otherCores,
  othersOf,
  waitForQuiet,
  type LoadRecord,
} from '../../bench/load';
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

describe("the bench's own processes", () => {
  const proc = (ppid: number, cmdline: string, state = 'S', ticks = 0) => ({
    ppid,
    state,
    ticks,
    cmdline,
  });
  // The job's shell → npm exec → sh -c → tsx's parent → the bench → its browser and esbuild;
  // a crashpad handler the browser double-forked, now init's; another bench's browser beside it.
  const all = new Map([
    [1, proc(0, '/sbin/init')],
    [50, proc(1, '/bin/bash')],
    [60, proc(50, 'npm exec tsx bench/run.ts --quick')],
    [61, proc(60, 'sh -c tsx bench/run.ts --quick')],
    [62, proc(61, 'node /repo/node_modules/.bin/tsx bench/run.ts --quick')],
    [63, proc(62, '/usr/bin/node --import tsx bench/run.ts --quick')],
    [70, proc(63, '/usr/lib/chromium/chromium --headless')],
    [71, proc(70, '/usr/lib/chromium/chromium --type=renderer')],
    [72, proc(63, '/repo/node_modules/@esbuild/linux-x64/bin/esbuild --service')],
    [80, proc(1, '/usr/lib/chromium/chrome_crashpad_handler')],
    [90, proc(1, '/usr/lib/chromium/chromium --headless')],
    [91, proc(90, '/usr/lib/chromium/chromium --type=renderer')],
    [95, proc(50, 'npx vitest run')],
  ]);

  it('holds the bench, its descendants, its launchers and what it started that left the tree', () => {
    const ours = benchProcesses(all, 63, (pid) => pid === 80);
    expect([...ours].sort((a, b) => a - b)).toEqual([60, 61, 62, 63, 70, 71, 72, 80]);
  });

  it("leaves out the user's shell, init, and other processes, browsers included", () => {
    const ours = benchProcesses(all, 63, () => false);
    for (const pid of [1, 50, 80, 90, 91, 95]) expect(ours.has(pid)).toBe(false);
  });

  it('leaves zombies out (whose they were cannot be told) and counts every other process', () => {
    const procs = new Map([
      [63, proc(62, 'node bench/run.ts', 'S', 500)],
      [90, proc(1, '', 'Z', 4_000)],
      [95, proc(50, 'npx vitest run', 'R', 300)],
    ]);
    expect(othersOf(procs, new Set([63]))).toEqual(new Map([[95, 300]]));
  });
});

describe('waiting for a quiet machine', () => {
  /** A clock and a sleep that advance together, and a load that decays as time passes. */
  function fakeTime(loadAt: (ms: number) => number) {
    let t = 0;
    return {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
      readLoad: () => loadAt(t),
    };
  }

  it('starts once the load per core has fallen to the busy threshold', async () => {
    // 1.2 on 2 cores, falling 0.1 every 5 s: 0.5 (0.25 per core) after 35 s.
    const time = fakeTime((ms) => Math.max(0, 1.2 - 0.1 * Math.floor(ms / 5_000)));
    const waited = await waitForQuiet({ cores: 2, maxMs: 180_000, pollMs: 5_000, ...time });
    expect(waited).toEqual({ waitedMs: 35_000, quiet: true });
  });

  it('does not wait on a quiet machine, and gives up at the bound on a loaded one', async () => {
    expect(await waitForQuiet({ cores: 2, maxMs: 180_000, ...fakeTime(() => 0.1) })).toEqual({
      waitedMs: 0,
      quiet: true,
    });
    expect(
      await waitForQuiet({ cores: 2, maxMs: 20_000, pollMs: 5_000, ...fakeTime(() => 3) }),
    ).toEqual({ waitedMs: 20_000, quiet: false });
  });
});
