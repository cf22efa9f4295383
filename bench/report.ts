/**
 * The printed table and bench/results.json. One row per target: measured
 * median and p99 (or the single value), the ratio to the baseline where
 * there is one, the target, and pass/miss.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { round } from './stats';

export interface Row {
  id: string;
  metric: string;
  target: string;
  p50: number | null;
  p99: number | null;
  unit: string;
  ratio?: number | null;
  /** null: informational (no target). */
  pass: boolean | null;
  note?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  chromium: string;
  os: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
}

export function machineInfo(chromium: string): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    chromium,
    os: `${os.type()} ${os.release()}`,
    loadAverageStart: os.loadavg().map((l) => round(l, 2)),
  };
}

export function machineLine(m: Machine): string {
  return `machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; ${m.chromium}; load avg ${m.loadAverageStart.join('/')} → ${(m.loadAverageEnd ?? []).join('/')}`;
}

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

export function formatTable(rows: readonly Row[]): string {
  const header = ['#', 'metric', 'p50', 'p99', 'unit', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [
    r.id,
    r.metric,
    fmt(r.p50, r.unit === '%' || r.unit === 'ms' ? 1 : 1),
    fmt(r.p99),
    r.unit,
    r.ratio === undefined ? '' : `${fmt(r.ratio, 2)}×`,
    r.target,
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.id}: ${r.note}`);
  return [line(header), sep, ...body.map(line), '', 'notes:', ...notes].join('\n');
}

export async function writeResults(
  file: string,
  data: {
    machine: Machine;
    rows: Row[];
    details: Record<string, unknown>;
    args: unknown;
    durationS: number;
  },
): Promise<void> {
  const clean = JSON.parse(
    JSON.stringify(data, (_k, v: unknown) =>
      typeof v === 'number' ? (Number.isFinite(v) ? round(v, 3) : null) : v,
    ),
  ) as unknown;
  await writeFile(
    file,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), ...(clean as object) }, null, 2)}\n`,
  );
}
