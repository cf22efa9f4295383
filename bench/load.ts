/**
 * How busy the machine was while the bench ran (issue #14): the load average
 * before and after, and the CPU other processes used (each process's ticks
 * in /proc, the bench's own processes excluded wherever they ended up),
 * sampled for a second before the bench starts, per run, and over the whole
 * invocation. A busy machine makes every latency figure slower and noisier;
 * the table says so loudly rather than leaving the reader to notice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Above this, another process used a tenth of a core or more on average: figures are suspect. */
export const BUSY_OTHER_CORES = 0.1;
/** Above this 1-minute load average (per core) before the bench started, the machine was busy. */
export const BUSY_LOAD_PER_CORE = 0.25;

export interface CpuCounters {
  /** All CPU time of the machine (ticks), idle included. */
  total: number;
  idle: number;
  /**
   * Ticks of every process that is not the bench's own, by pid. Counted per
   * process, not as "busy minus ours": a process of ours that leaves the
   * tree (Chromium's crashpad handler is double-forked to init) or is
   * reaped outside it would otherwise vanish from "ours" and be counted as
   * someone else's work (issue #14: a quiet run was flagged busy with 0.84
   * cores of "other processes").
   */
  others: Map<number, number>;
}

/**
 * Every process the bench starts carries this variable in its environment
 * (set below, at import, before anything is spawned; children inherit it,
 * wherever they end up in the process tree). Its value is the bench's pid,
 * so two benches running side by side count each other as "other".
 */
export const BENCH_TAG_VAR = 'FROSTLINE_BENCH_PID';
process.env[BENCH_TAG_VAR] ??= String(process.pid);
const BENCH_TAG = `${BENCH_TAG_VAR}=${process.env[BENCH_TAG_VAR]}`;

export interface ProcTimes {
  ppid: number;
  /** `Z` for a zombie: ended, not yet reaped. */
  state: string;
  /** utime + stime + cutime + cstime (init's reaped children left out). */
  ticks: number;
  /** The command line, arguments joined by spaces. */
  cmdline: string;
}

/**
 * utime + stime + cutime + cstime and the parent pid of one /proc/<pid>/stat.
 * Init's reaped children are left out: orphans end there, the bench's own
 * double-forked browser helpers among them (seen: 0.37 cores of "other"
 * work on an idle machine, all of it pid 1's cutime).
 */
function procTimes(pid: string): ProcTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name in parentheses may contain spaces; fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const counted = pid === '1' ? [11, 12] : [11, 12, 13, 14];
    const ticks = counted.reduce((a, i) => a + Number(fields[i] ?? 0), 0);
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      // gone meanwhile, or not ours to read
    }
    return { ppid: Number(fields[1]), state: fields[0] ?? '', ticks, cmdline };
  } catch {
    return undefined;
  }
}

/** Whether the process was started by this bench (its environment carries the tag). */
function carriesTag(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(BENCH_TAG);
  } catch {
    return false;
  }
}

/** What launches the bench: `npm run bench`, `npx tsx …`, tsx's own parent, `sh -c`. */
const LAUNCHER = /(^|[\s/])(npm|npx|tsx|node|sh)(\s|$)|bench\/run\.ts/;

/**
 * The bench's own processes among `all`: `self`, its live descendants, the
 * launchers above it (npm, npx, tsx's parent process and the `sh -c`
 * between them: their start-up and exit work is the bench's, and was seen
 * as 0.15 cores of "other" work in the second before the start), and every
 * process for which `tagged` holds (started by the bench, then reparented).
 * The walk up stops at the first process that is not a launcher (the
 * user's shell, init). Pure, so the rule is tested.
 */
export function benchProcesses(
  all: ReadonlyMap<number, ProcTimes>,
  self: number,
  tagged: (pid: number) => boolean,
): Set<number> {
  const ours = new Set<number>();
  for (let pid = all.get(self)?.ppid; pid !== undefined && pid > 1;) {
    const p = all.get(pid);
    if (p === undefined || !LAUNCHER.test(p.cmdline)) break;
    ours.add(pid);
    pid = p.ppid;
  }
  const children = new Map<number, number[]>();
  for (const [pid, t] of all) children.set(t.ppid, [...(children.get(t.ppid) ?? []), pid]);
  const roots = [self, ...[...all.keys()].filter((pid) => pid !== self && tagged(pid))];
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ours.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return ours;
}

/**
 * The ticks of every process not in `ours`, zombies left out. A zombie has
 * ended: its environment is gone (no tag to read) and its parent may be too,
 * so whose it was cannot be told, and the bench closes its browsers just
 * before the last reading (issue #14: a full run's 0.15 cores of "other"
 * work came from the window that ends with the memory lab's browser
 * closing; the per-run windows saw 0.01-0.05). Its time is not lost for
 * good: once reaped, it is in its reaper's cutime, counted with the reaper.
 */
export function othersOf(
  all: ReadonlyMap<number, ProcTimes>,
  ours: ReadonlySet<number>,
): Map<number, number> {
  const others = new Map<number, number>();
  for (const [pid, t] of all) if (!ours.has(pid) && t.state !== 'Z') others.set(pid, t.ticks);
  return others;
}

/**
 * Machine counters and every other process's CPU ticks; undefined where
 * /proc is not available.
 */
export function readCpuCounters(): CpuCounters | undefined {
  try {
    const stat = readFileSync('/proc/stat', 'utf8');
    const cpu = stat.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const all = new Map<number, ProcTimes>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const t = procTimes(name);
      if (t) all.set(Number(name), t);
    }
    return { total, idle, others: othersOf(all, benchProcesses(all, process.pid, carriesTag)) };
  } catch {
    return undefined;
  }
}

/**
 * Cores used by other processes between two readings: each process's own
 * growth (a process born in between counts whole). Processes that ended in
 * between are missed, unless their parent reaped them (cutime).
 */
export function otherCores(
  before: CpuCounters,
  after: CpuCounters,
  cores: number,
): number | undefined {
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  let other = 0;
  for (const [pid, ticks] of after.others)
    other += Math.max(0, ticks - (before.others.get(pid) ?? 0));
  return (Math.min(other, total) / total) * cores;
}

export interface LoadSample {
  at: string;
  loadAverage: number[];
}

export function loadSample(): LoadSample {
  return {
    at: new Date().toISOString(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export interface LoadRecord {
  start: LoadSample;
  end?: LoadSample;
  /** Cores used by other processes in the second before the bench started. */
  othersBeforeCores?: number;
  /** Cores used by other processes over the whole invocation (the bench's own processes excluded). */
  othersDuringCores?: number;
  cores: number;
  /** How long the bench waited for the load to fall before it started (`waitForQuiet`). */
  waitedForQuietMs?: number;
}

/** The longest `waitForQuiet` waits before a full run starts anyway. */
export const QUIET_WAIT_MAX_MS = 180_000;

/**
 * Waits, asleep, until the 1-minute load average per core is at most
 * `BUSY_LOAD_PER_CORE`, or `maxMs` passed. The average decays over a minute:
 * a job that just ended, or the launchers of this one (npm, tsx), hold it up
 * for a while after their CPU use stopped, and a run started then was flagged
 * busy for it. Returns how long it waited and whether the load fell.
 */
export async function waitForQuiet(options: {
  cores: number;
  maxMs: number;
  pollMs?: number;
  readLoad?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}): Promise<{ waitedMs: number; quiet: boolean }> {
  const readLoad = options.readLoad ?? (() => os.loadavg()[0] ?? 0);
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 5_000;
  const started = now();
  for (;;) {
    if (readLoad() / Math.max(1, options.cores) <= BUSY_LOAD_PER_CORE) {
      return { waitedMs: now() - started, quiet: true };
    }
    if (now() - started >= options.maxMs) return { waitedMs: now() - started, quiet: false };
    await sleep(pollMs);
  }
}

/** Whether the machine was busy, and why; pure so the rule is tested. */
export function busyVerdict(load: LoadRecord): { busy: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const perCore = (load.start.loadAverage[0] ?? 0) / Math.max(1, load.cores);
  if (perCore > BUSY_LOAD_PER_CORE)
    reasons.push(
      `load average ${load.start.loadAverage[0]?.toFixed(2)} on ${load.cores} cores before the start`,
    );
  if ((load.othersBeforeCores ?? 0) > BUSY_OTHER_CORES)
    reasons.push(
      `other processes used ${load.othersBeforeCores?.toFixed(2)} cores before the start`,
    );
  if ((load.othersDuringCores ?? 0) > BUSY_OTHER_CORES)
    reasons.push(`other processes used ${load.othersDuringCores?.toFixed(2)} cores during the run`);
  return { busy: reasons.length > 0, reasons };
}

/** Measures other processes' CPU over `ms` while this process waits. */
export async function sampleOthers(ms: number): Promise<number | undefined> {
  const before = readCpuCounters();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = readCpuCounters();
  return before && after ? otherCores(before, after, os.cpus().length) : undefined;
}
