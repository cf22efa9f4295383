/**
 * The printed table and bench/results.json (issue #14). One row per target:
 * the median of the runs' figures with their spread (min–max), the p99 and
 * the ratio to the same run's baseline where the row has them, the target
 * from bench/targets.ts, and PASS / MISS (the product) or FAIL (the bench
 * produced no figure). A busy machine is announced above and below the table.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import type { RowResult, Spread } from './aggregate';
import { busyVerdict, type LoadRecord } from './load';
import { round } from './stats';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  chromium: string;
  os: string;
}

export function machineInfo(chromium: string): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    chromium,
    os: `${os.type()} ${os.release()}`,
  };
}

/** The commit measured, with `-dirty` when the worktree had changes. */
export function currentCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

const cores = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(2));

export function machineLine(m: Machine, load: LoadRecord): string {
  return [
    `machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; ${m.chromium}`,
    `load: load avg ${load.start.loadAverage.join('/')} → ${(load.end?.loadAverage ?? []).join('/')}; ` +
      `other processes ${cores(load.othersBeforeCores)} cores before, ${cores(load.othersDuringCores)} during` +
      (load.waitedForQuietMs === undefined
        ? ''
        : `; waited ${Math.round(load.waitedForQuietMs / 1000)} s for the load to fall first`),
  ].join('\n');
}

/** The loud banner for a busy machine; empty when it was quiet. */
export function busyBanner(load: LoadRecord): string {
  const { busy, reasons } = busyVerdict(load);
  if (!busy) return '';
  const line = '!'.repeat(78);
  return [
    line,
    '!! BUSY MACHINE: these figures are NOT comparable to a quiet run.',
    ...reasons.map((r) => `!!   ${r}`),
    line,
  ].join('\n');
}

/** Digits that keep a figure readable: 3 significant for small values, none for large. */
export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v
    .toFixed(a >= 1 ? 2 : 3)
    .replace(/0+$/, '')
    .replace(/\.$/, '');
}

/** `median (min–max)`, or `median` when every run gave the same figure. */
export function fmtSpread(s: Spread | undefined, suffix = ''): string {
  if (s === undefined) return '';
  if (s.runs === 0) return '—';
  const m = `${fmt(s.median)}${suffix}`;
  return s.min === s.max ? m : `${m} (${fmt(s.min)}–${fmt(s.max)})`;
}

export function formatTable(rows: readonly RowResult[], load: LoadRecord, runs: number): string {
  const header = [
    '#',
    'metric',
    `median of ${runs} runs (min–max)`,
    'p99 (min–max)',
    'unit',
    'ratio',
    'target',
    'result',
  ];
  const body = rows.map((r) => [
    r.id,
    r.metric,
    fmtSpread(r.figures.value),
    fmtSpread(r.figures.p99),
    r.unit,
    fmtSpread(r.figures.ratio, '×'),
    r.targetText,
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  const failures = rows.filter((r) => r.verdict === 'FAIL');
  const notes = rows.flatMap((r) => {
    const perRun = r.runs
      .map((run) => `${fmt(run.value)}${run.of !== undefined ? ` n=${run.n}/${run.of}` : ''}`)
      .join(', ');
    return [`  ${r.id}: runs [${perRun}]${r.note ? `; ${r.note}` : ''}`];
  });
  const banner = busyBanner(load);
  return [
    ...(banner ? [banner, ''] : []),
    line(header),
    sep,
    ...body.map(line),
    ...(failures.length > 0
      ? [
          '',
          `BENCH FAILURE: ${failures.length} row(s) produced no figure (exit code 1):`,
          ...failures.map((r) => `  ${r.id} ${r.metric}: ${r.failure ?? ''}`),
        ]
      : []),
    ...(banner ? ['', banner] : []),
    '',
    'notes:',
    ...notes,
  ].join('\n');
}

export interface ResultsFile {
  machine: Machine;
  commit: string;
  load: LoadRecord & { busy: boolean; busyReasons: string[]; perRun: unknown[] };
  runs: number;
  rows: RowResult[];
  details: Record<string, unknown>;
  args: unknown;
  durationS: number;
}

export async function writeResults(file: string, data: ResultsFile): Promise<void> {
  const clean = JSON.parse(
    JSON.stringify(data, (_k, v: unknown) =>
      typeof v === 'number' ? (Number.isFinite(v) ? round(v, 3) : null) : v,
    ),
  ) as unknown;
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), ...(clean as object) }, null, 2)}\n`,
  );
}
