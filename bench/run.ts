/**
 * `npm run bench` (issues #5, #14): builds the extension into .output-bench
 * (unless --no-build, or its inputs are unchanged since the last bench build)
 * and the baseline page, then measures, on this machine, the built extension
 * in the system Chromium against the reference server on 127.0.0.1, prints
 * one table and writes bench/results.json.
 *
 *   tsx bench/run.ts [--quick] [--only alert,reading,…] [--runs n] [--profile] [--no-build] [--out file]
 *
 * Reproducible figures (issue #14): every measurement is repeated `--runs`
 * times (at least 3) in this one invocation, each run on its own samples,
 * and each figure is the median of the runs' figures with their spread
 * (min–max). Ratio rows divide by the baseline measured in the same run.
 * The machine's load (load average, CPU of other processes) is recorded
 * before, per run and after, and a busy machine is announced in the table.
 * `--quick` (under 2 minutes) takes fewer samples and shorter windows, and
 * leaves out the memory and Firefox rows unless `--only` names them; the
 * table says which it left out.
 *
 * Exit code: 0 when every row produced its figures, misses included (this
 * reports, it does not gate a build); 1 when any row is a FAIL of the bench
 * (a run without a sample, a measurement that threw) or the bench broke.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aggregateRow, exitCodeFor, failedRow, type RowResult, type RunFigure } from './aggregate';
import { MEASUREMENTS, parseArgs, type BenchArgs, type MeasurementName } from './args';
import {
  buildBaselineIfChanged,
  buildExtensionIfChanged,
  BASELINE_OUT,
  EXTENSION_DIR,
  FIREFOX_DIR,
  ROOT,
} from './build';
import {
  attachWorker,
  callersOf,
  looseCdp,
  pageCdp,
  recordProfileUntil,
  summarizeProfile,
  type FrameResolver,
  type Profile,
} from './cdp';
import { sleep } from './clock';
import { chromiumVersion, openPopup } from './harness';
import { openLab, probeSeesSocket, settle, SETTLE_QUIET_MS, type Lab } from './lab';
import {
  busyVerdict,
  loadSample,
  QUIET_WAIT_MAX_MS,
  waitForQuiet,
  otherCores,
  readCpuCounters,
  sampleOthers,
  type CpuCounters,
  type LoadRecord,
  type LoadSample,
} from './load';
import { measureAlertFramesOnPage, measureAlertLatency, splitText } from './measure-alert';
import {
  firefoxMissing,
  measureFirefoxAlert,
  measureFirefoxPopup,
  openFirefoxLab,
  type FirefoxLab,
} from './measure-firefox';
import { measureWorkerMemory } from './measure-memory';
import { measurePopupTimeToData, POPUP_PAGE_SIZE } from './measure-popup';
import { measureReadingLatency } from './measure-reading';
import { measureSearch, measureSearchFloor, searchables } from './measure-search';
import { measureSize } from './measure-size';
import { baselineCpu, measureThroughput } from './measure-throughput';
import { measureWake, medianMarks } from './measure-wake';
import {
  currentCommit,
  formatTable,
  machineInfo,
  machineLine,
  writeResults,
  type Machine,
} from './report';
import { extensionFrameResolver } from './sourcemap';
import { serveStatic } from './static-server';
import { ROWS } from './targets';

const KIB = 1024;
const MB = 1_000_000;
const MAIN_SHAPE = { sites: 10, unitsPerSite: 100 }; // 1,000 units
const MEMORY_SHAPE = { sites: 50, unitsPerSite: 100 }; // 5,000 units
const PROFILE_DIR = path.join(ROOT, 'bench', 'profiles');

/** Which rows each measurement produces. */
const ROWS_OF: Record<MeasurementName, readonly string[]> = {
  size: ['6a', '6b'],
  alert: ['1a', '1b', '1c'],
  reading: ['2a', '2b'],
  popup: ['4', '4c'],
  search: ['4b', '4b-floor'],
  throughput: ['3a', '3b', '3c', '3d'],
  wake: ['7'],
  memory: ['5'],
  firefox: ['1a-ff', '4-ff'],
};

/** Samples per run. */
interface Plan {
  alertSamples: number;
  readingSamples: number;
  popupOpens: number;
  rampRates: number[];
  rampSeconds: number;
  /** 0: no sustain window, the ramp's last passing stage stands for it. */
  sustainSeconds: number;
  cpuSeconds: number;
  wakeSamples: number;
  /** How long the worker must have answered no `get:latest` before a row starts. */
  settleQuietMs: number;
}

function planFor(args: BenchArgs): Plan {
  return args.quick
    ? {
        // Issue #14: under 2 minutes with every figure still from 3 runs
        // (the memory and Firefox rows are left out: QUICK_LEAVES_OUT).
        alertSamples: 12,
        readingSamples: 12,
        popupOpens: 1,
        rampRates: [20_000],
        rampSeconds: 2,
        sustainSeconds: 0,
        cpuSeconds: 1,
        wakeSamples: 1,
        settleQuietMs: 300,
      }
    : {
        alertSamples: 100,
        readingSamples: 100,
        popupOpens: 8,
        rampRates: [10_000, 20_000, 40_000, 60_000, 80_000],
        rampSeconds: 4,
        sustainSeconds: 15,
        cpuSeconds: 10,
        wakeSamples: 4,
        settleQuietMs: SETTLE_QUIET_MS,
      };
}

const started = Date.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${message}\n`);
const errorText = (error: unknown) =>
  error instanceof Error ? error.message.split('\n')[0] : String(error);

/** Collects the runs' figures per row, and notes from the latest run. */
class Collector {
  readonly figures = new Map<string, RunFigure[]>();
  readonly notes = new Map<string, string>();
  readonly errors = new Map<string, string>();
  add(id: string, figure: RunFigure, note?: string): void {
    this.figures.set(id, [...(this.figures.get(id) ?? []), figure]);
    if (note !== undefined) this.notes.set(id, note);
  }
  /** A run of a measurement threw: each of its rows gets a run without sample, with the error. */
  fail(measurement: MeasurementName, error: unknown): void {
    log(`${measurement} failed: ${errorText(error)}`);
    for (const id of ROWS_OF[measurement])
      this.add(id, { value: Number.NaN, n: 0, reason: errorText(error) });
  }
}

interface RunLoad extends LoadSample {
  run: number;
  /** Cores other processes used since the previous sample (the bench's own processes excluded). */
  otherCores?: number;
}

interface ProfileOut {
  file: string;
  top: { name: string; selfMs: number }[];
  busyMs: number;
  wallMs: number;
  callers: Record<string, { chain: string; selfMs: number }[]>;
}

async function saveProfile(
  label: string,
  run: number,
  profile: Profile,
  resolve: FrameResolver | undefined,
  out: ProfileOut[],
): Promise<void> {
  await mkdir(PROFILE_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(PROFILE_DIR, `${stamp}-${label}-run${run}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  const summary = summarizeProfile(profile, resolve, 10);
  // Native entries have no source to read: say which JS calls them.
  const callers: ProfileOut['callers'] = {};
  for (const t of summary.top.slice(0, 6)) {
    if (t.name.includes(' @ ') || t.name.startsWith('(')) continue;
    callers[t.name] = callersOf(profile, t.name, resolve, 6).slice(0, 3);
  }
  out.push({
    file: path.relative(ROOT, file),
    top: summary.top,
    busyMs: summary.busyMs,
    wallMs: summary.wallMs,
    callers,
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const plan = planFor(args);
  const machine: Machine = machineInfo(chromiumVersion());
  const commit = currentCommit();
  const wants = (name: MeasurementName) => args.only.has(name);
  const collector = new Collector();
  const perRun: Record<string, unknown>[] = Array.from({ length: args.runs }, (_, i) => ({
    run: i + 1,
  }));
  const runLoads: RunLoad[] = [];
  const profiles: ProfileOut[] = [];

  // A full run starts on a quiet machine: the load average left by what ran
  // before (and by this bench's own launchers) is waited out, asleep.
  let waitedForQuietMs: number | undefined;
  if (!args.quick && args.waitQuiet) {
    log('waiting for the load average to fall (--no-wait to start at once)');
    const waited = await waitForQuiet({ cores: machine.cores, maxMs: QUIET_WAIT_MAX_MS });
    waitedForQuietMs = waited.waitedMs;
    log(
      waited.quiet
        ? `quiet after ${Math.round(waited.waitedMs / 1000)} s`
        : `still loaded after ${Math.round(waited.waitedMs / 1000)} s: starting anyway`,
    );
  }
  // Load before anything of ours runs: the second before the start is the cleanest look.
  const load: LoadRecord = {
    start: loadSample(),
    cores: machine.cores,
    ...(waitedForQuietMs !== undefined ? { waitedForQuietMs } : {}),
  };
  load.othersBeforeCores = await sampleOthers(1_000);
  const cpuStart = readCpuCounters();
  let cpuPrevious: CpuCounters | undefined = cpuStart;
  const markRun = (run: number) => {
    const now = readCpuCounters();
    const others = cpuPrevious && now ? otherCores(cpuPrevious, now, machine.cores) : undefined;
    cpuPrevious = now;
    runLoads.push({
      run,
      ...loadSample(),
      ...(others !== undefined ? { otherCores: others } : {}),
    });
  };

  let buildInfo: { built: boolean; hash: string } | null = null;
  if (args.build) {
    log('building the extension into .output-bench (skipped when its inputs are unchanged)');
    buildInfo = await buildExtensionIfChanged();
    log(buildInfo.built ? 'built' : `up to date (inputs ${buildInfo.hash.slice(0, 12)})`);
    if (wants('firefox') && firefoxMissing() === undefined) {
      log('building the Firefox extension into .output-bench/firefox-mv2 (skipped when unchanged)');
      log(
        (await buildExtensionIfChanged('firefox', buildInfo.hash)).built ? 'built' : 'up to date',
      );
    }
  }
  if (wants('reading') || wants('throughput')) {
    log('building the baseline page into bench/out/baseline (skipped when unchanged)');
    log((await buildBaselineIfChanged()) ? 'built' : 'up to date');
  }
  const resolve =
    wants('throughput') || args.profile ? await extensionFrameResolver(EXTENSION_DIR) : undefined;

  if (wants('size')) {
    for (let run = 1; run <= args.runs; run += 1) {
      try {
        const size = await measureSize(EXTENSION_DIR);
        perRun[run - 1]!.size = size;
        const top = (b: typeof size.background) =>
          b.breakdown
            .slice(0, 4)
            .map((o) => `${o.owner} ${(o.bytes / KIB).toFixed(1)}`)
            .join(', ');
        // Dynamic import() chunks count (issue #14); the note says how much of it is lazy.
        const lazy = (b: typeof size.background) =>
          b.lazyJsBytes > 0
            ? `of which ${(b.lazyJsBytes / KIB).toFixed(1)} KiB through import(); `
            : '';
        collector.add(
          '6a',
          { value: size.background.jsBytes / KIB, n: 1 },
          `${lazy(size.background)}gzip ${(size.background.gzipBytes / KIB).toFixed(1)} KiB; ${size.background.files.length} files; largest: ${top(size.background)}`,
        );
        collector.add(
          '6b',
          { value: size.popup.jsBytes / KIB, n: 1 },
          `${lazy(size.popup)}+ CSS ${((size.popup.minBytes - size.popup.jsBytes) / KIB).toFixed(1)} KiB; gzip (JS+CSS) ${(size.popup.gzipBytes / KIB).toFixed(1)} KiB; largest: ${top(size.popup)}`,
        );
      } catch (error) {
        collector.fail('size', error);
      }
    }
  }

  const mainMeasurements: MeasurementName[] = [
    'alert',
    'reading',
    'popup',
    'search',
    'throughput',
    'wake',
  ];
  if (mainMeasurements.some(wants)) {
    log(`lab: ${MAIN_SHAPE.sites * MAIN_SHAPE.unitsPerSite} units, simulator 1 reading/s each`);
    let lab: Lab | undefined;
    try {
      lab = await openLab(EXTENSION_DIR, { ...MAIN_SHAPE, simulate: true, rate: 1 });
    } catch (error) {
      for (const m of mainMeasurements.filter(wants)) collector.fail(m, error);
    }
    if (lab) {
      perRun.forEach((r) => (r.workerClock = lab.workerClock));
      try {
        const site =
          wants('reading') || wants('throughput') || wants('alert')
            ? await serveStatic(BASELINE_OUT)
            : undefined;
        try {
          for (let run = 1; run <= args.runs; run += 1) {
            markRun(run);
            log(`run ${run}/${args.runs}`);
            await runMain(lab, args, plan, run, collector, perRun[run - 1]!, {
              baselineUrl: site?.url,
              resolve,
              keep: (label, profile) => saveProfile(label, run, profile, resolve, profiles),
            });
          }
        } finally {
          await site?.close();
        }
      } finally {
        log('closing the lab');
        await lab.close();
        log('lab closed');
      }
    }
  }

  // --quick: Firefox starts and signs in while the memory row fills and weighs the worker's
  // history (a heap size after GC, not a time); its own rows run after, alone. The full run
  // keeps every phase apart.
  let firefoxOpening: Promise<FirefoxLab> | undefined;
  const openFirefox = () => {
    log(
      `Firefox lab: ${MAIN_SHAPE.sites * MAIN_SHAPE.unitsPerSite} units, simulator 1 reading/s each`,
    );
    const opening = openFirefoxLab(FIREFOX_DIR, MAIN_SHAPE);
    opening.catch(() => undefined); // awaited (and reported) by runFirefox
    return opening;
  };
  if (wants('firefox') && args.quick && wants('memory')) firefoxOpening = openFirefox();

  if (wants('memory')) {
    log(`lab: ${MEMORY_SHAPE.sites * MEMORY_SHAPE.unitsPerSite} units, simulator paused`);
    let lab: Lab | undefined;
    try {
      lab = await openLab(EXTENSION_DIR, { ...MEMORY_SHAPE, simulate: false });
      let bytesPerReading = Number.NaN;
      for (let run = 1; run <= args.runs; run += 1) {
        log(`memory run ${run}: 100 readings of history per unit`);
        try {
          // --quick fills once (the fill is most of this row's time) and measures it each run.
          const memory = await measureWorkerMemory(lab, 100, {
            settled: run > 1,
            refill: !(args.quick && run > 1),
          });
          perRun[run - 1]!.memory = memory;
          // Only the first run grows the history from one reading a unit; later runs replace it.
          if (run === 1) bytesPerReading = memory.bytesPerReading;
          collector.add(
            '5',
            { value: (memory.heapAfterMb * 1024 * 1024) / MB, n: 1 },
            `after GC: JS heap ${((memory.jsHeapMb * 1024 * 1024) / MB).toFixed(1)} + ArrayBuffers ${((memory.arrayBuffersMb * 1024 * 1024) / MB).toFixed(1)} MB; ${memory.units} units; ≈${bytesPerReading.toFixed(0)} B per stored reading (run 1)${args.quick ? '; quick: one fill, runs 2+ measure it again after GC' : ''}`,
          );
        } catch (error) {
          collector.fail('memory', error);
        }
      }
    } catch (error) {
      collector.fail('memory', error);
    } finally {
      await lab?.close();
    }
  }

  if (wants('firefox'))
    await runFirefox(args, plan, collector, perRun, firefoxOpening ?? openFirefox());

  load.end = loadSample();
  const cpuEnd = readCpuCounters();
  if (cpuStart && cpuEnd) load.othersDuringCores = otherCores(cpuStart, cpuEnd, machine.cores);

  const wanted = new Set(MEASUREMENTS.filter(wants).flatMap((m) => ROWS_OF[m]));
  const rows: RowResult[] = ROWS.filter((spec) => wanted.has(spec.id)).map((spec) => {
    const runs = collector.figures.get(spec.id);
    if (runs === undefined) return failedRow(spec, args.runs, 'the measurement produced no run');
    return aggregateRow(spec, runs, args.runs, collector.notes.get(spec.id));
  });

  const durationS = (Date.now() - started) / 1000;
  const loadOut = { ...load, ...busyOf(load), perRun: runLoads };
  process.stdout.write(
    `\nFrostline bench${args.quick ? ' (quick)' : ''}, ${args.runs} runs, ${durationS.toFixed(0)} s; commit ${commit.slice(0, 12)}${commit.endsWith('-dirty') ? '-dirty' : ''}; ${new Date().toISOString()}\n`,
  );
  process.stdout.write(`${machineLine(machine, load)}\n\n${formatTable(rows, load, args.runs)}\n`);
  if (args.leftOut.length > 0)
    process.stdout.write(
      `\nnot run in --quick: ${args.leftOut.map((m) => `${m} (${ROWS_OF[m].join(', ')})`).join(', ')}; \`--quick --only ${args.leftOut.join(',')}\` or a full run measures them\n`,
    );
  if (profiles.length > 0) process.stdout.write(`\n${formatProfiles(profiles)}\n`);
  await writeResults(args.out, {
    machine,
    commit,
    load: loadOut,
    runs: args.runs,
    rows,
    details: { plan, build: buildInfo, perRun, ...(profiles.length ? { profiles } : {}) },
    args: { ...args, only: [...args.only] },
    durationS,
  });
  process.stdout.write(`\nwrote ${args.out}\n`);
  process.exitCode = exitCodeFor(rows);
}

/**
 * The Firefox rows (issue #14 item 4), beside their Chromium rows: its own
 * server and Firefox, measured after every Chromium row (never two browsers
 * measured at once). Firefox absent or failing: every run of both rows is
 * a FAIL with the reason.
 */
async function runFirefox(
  args: BenchArgs,
  plan: Plan,
  collector: Collector,
  perRun: Record<string, unknown>[],
  opening: Promise<FirefoxLab>,
): Promise<void> {
  let lab: FirefoxLab | undefined;
  try {
    lab = await opening;
  } catch (error) {
    for (let run = 1; run <= args.runs; run += 1) collector.fail('firefox', error);
    return;
  }
  try {
    for (let run = 1; run <= args.runs; run += 1) {
      log(
        `Firefox run ${run}/${args.runs}: ${plan.alertSamples} alert probes, ${plan.popupOpens} popup opens`,
      );
      const details: Record<string, unknown> = {};
      perRun[run - 1]!.firefox = details;
      try {
        const a = await measureFirefoxAlert(lab, plan.alertSamples);
        details.alert = a;
        collector.add(
          '1a-ff',
          { value: a.badge.p50, p99: a.badge.p99, n: a.badge.n, of: a.samples },
          `popup closed, options page open (hosts the probe), simulator 1,000 readings/s; background clock offset ${lab.clock.offsetMs.toFixed(2)} ± ${lab.clock.uncertaintyMs.toFixed(2)} ms (corrected)`,
        );
      } catch (error) {
        log(`Firefox alert failed: ${errorText(error)}`);
        collector.add('1a-ff', { value: Number.NaN, n: 0, reason: errorText(error) });
      }
      try {
        const p = await measureFirefoxPopup(lab, plan.popupOpens);
        details.popup = p;
        collector.add(
          '4-ff',
          {
            value: p.painted.p50,
            p99: p.painted.p99,
            n: p.painted.n,
            of: p.opens,
            ...(p.missing.length ? { reason: p.missing.join('; ') } : {}),
          },
          `popup.html in a tab; rows in DOM at p50 ${p.rows.p50.toFixed(0)} ms (first row ${p.firstRow.p50.toFixed(0)}), painted = next frame`,
        );
      } catch (error) {
        log(`Firefox popup failed: ${errorText(error)}`);
        collector.add('4-ff', { value: Number.NaN, n: 0, reason: errorText(error) });
      }
    }
  } finally {
    await lab.close();
  }
}

function busyOf(load: LoadRecord): { busy: boolean; busyReasons: string[] } {
  const { busy, reasons } = busyVerdict(load);
  return { busy, busyReasons: reasons };
}

function formatProfiles(profiles: readonly ProfileOut[]): string {
  const lines = ['profiles (self time, ms; open the .cpuprofile files in DevTools → Performance):'];
  for (const p of profiles) {
    lines.push(
      `  ${p.file}: busy ${p.busyMs.toFixed(0)} of ${p.wallMs.toFixed(0)} ms`,
      ...p.top.map((t) => `    ${t.selfMs.toFixed(1).padStart(7)}  ${t.name}`),
    );
    for (const [name, chains] of Object.entries(p.callers)) {
      lines.push(`    callers of ${name}:`);
      for (const c of chains) lines.push(`      ${c.selfMs.toFixed(1).padStart(7)}  ${c.chain}`);
    }
  }
  return lines.join('\n');
}

interface MainContext {
  baselineUrl: string | undefined;
  resolve: FrameResolver | undefined;
  keep: (label: string, profile: Profile) => Promise<void>;
}

async function runMain(
  lab: Lab,
  args: BenchArgs,
  plan: Plan,
  run: number,
  collector: Collector,
  details: Record<string, unknown>,
  ctx: MainContext,
): Promise<void> {
  const pending: Promise<void>[] = [];
  // Every timed row starts from the steady state (#14): no resync sweep running.
  const settles: Record<string, number> = {};
  const settled = async (row: string) => {
    const s = await settle(lab, MAIN_SHAPE.sites, plan.settleQuietMs);
    settles[row] = s.waitedMs;
    if (!s.settled)
      log(`${row}: the worker did not settle (a resync still running after ${s.waitedMs} ms)`);
  };
  details.settleMs = settles;
  if (args.only.has('alert')) {
    // The probe stamps alert frames on arrival only on a socket opened after
    // it was installed: a worker connected before that is made to reconnect.
    if (!(await probeSeesSocket(lab.session.worker).catch(() => false))) {
      lab.server.control.dropSockets('server-disconnect');
    }
    await settled('alert');
    log(`alert latency: ${plan.alertSamples} probes`);
    try {
      let r: Awaited<ReturnType<typeof measureAlertLatency>> | undefined;
      if (args.profile) {
        // Where the worker's time goes while the probes land (the p99 of 1a/1b).
        const cdp = await attachWorker(lab.session.anchor, lab.session.extensionId);
        try {
          const profile = await recordProfileUntil(cdp, async () => {
            r = await measureAlertLatency(lab, plan.alertSamples);
          });
          pending.push(ctx.keep('worker-alerts', profile));
        } finally {
          await cdp.detach().catch(() => undefined);
        }
      } else r = await measureAlertLatency(lab, plan.alertSamples);
      if (r === undefined) throw new Error('the alert row produced no result');
      details.alert = r;
      collector.add(
        '1a',
        { value: r.badge.p50, p99: r.badge.p99, n: r.badge.n, of: r.samples },
        `popup closed, simulator 1,000 readings/s; badge was '${r.badgeBefore}'; ${splitText(r.split)}`,
      );
      collector.add(
        '1b',
        { value: r.notification.p50, p99: r.notification.p99, n: r.notification.n, of: r.samples },
        `${r.grouped} as the grouped storm notification; worker clock offset ${lab.workerClock.offsetMs.toFixed(2)} ± ${lab.workerClock.uncertaintyMs.toFixed(2)} ms (corrected)`,
      );
    } catch (error) {
      collector.fail('alert', error);
    }
    await settled('alert-page');
    log(`alert frames on a plain page beside the worker: ${plan.alertSamples} probes`);
    try {
      if (ctx.baselineUrl === undefined) throw new Error('baseline page not served');
      const r = await measureAlertFramesOnPage(lab, ctx.baselineUrl, plan.alertSamples);
      details.alertPage = r;
      const ms = (v: number) => v.toFixed(1);
      collector.add(
        '1c',
        { value: r.page.p50, p99: r.page.p99, n: r.page.n, of: r.samples },
        `the bench's baseline page (socket.io-client, TanStack Query, org room) open beside the worker; the same probes in the worker: emit → frame p50 ${ms(r.worker.p50)} / p99 ${ms(r.worker.p99)}, emit → badge p50 ${ms(r.workerBadge.p50)} / p99 ${ms(r.workerBadge.p99)} ms; page clock ± ${r.pageClockUncertaintyMs.toFixed(2)} ms`,
      );
    } catch (error) {
      collector.add('1c', {
        value: Number.NaN,
        n: 0,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (args.only.has('reading')) {
    await settled('reading');
    log(`reading latency: ${plan.readingSamples} batches, popup and baseline side by side`);
    try {
      if (ctx.baselineUrl === undefined) throw new Error('baseline page not served');
      const r = await measureReadingLatency(lab, ctx.baselineUrl, plan.readingSamples);
      details.reading = r;
      collector.add(
        '2a',
        {
          value: r.popup.p50,
          p99: r.popup.p99,
          ratio: r.ratioOfMedians,
          n: r.popup.n,
          of: r.samples,
        },
        `ratio = this run's p50 over 2b's p50 of the same batches; median of per-batch ratios ${r.medianOfRatios.toFixed(2)}× (last run); ${r.rowsMounted} rows mounted in each page`,
      );
      collector.add(
        '2b',
        { value: r.baseline.p50, p99: r.baseline.p99, n: r.baseline.n, of: r.samples },
        'own socket.io-client + setQueryData + React, no worker',
      );
    } catch (error) {
      collector.fail('reading', error);
    }
  }
  if (args.only.has('popup')) {
    await settled('popup');
    log(`popup time to data: ${plan.popupOpens} opens, then the JS heap`);
    try {
      const r = await measurePopupTimeToData(lab, plan.popupOpens, { profile: args.profile });
      if (r.profile) pending.push(ctx.keep('popup-open', r.profile));
      details.popup = { ...r, profile: undefined };
      collector.add(
        '4',
        { value: r.painted.p50, p99: r.painted.p99, n: r.painted.n, of: r.opens },
        `rows in DOM at p50 ${r.rows.p50.toFixed(0)} ms (first row ${r.firstRow.p50.toFixed(0)}), painted = next frame; ${r.activeAlerts} alert cards listed; a one-line page's first paint in a new tab (the floor) p50 ${r.blankPaint.p50.toFixed(0)} ms; milestones (median ms after the navigation start) ${
          Object.entries(r.milestones)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ') || 'none read'
        }`,
      );
      collector.add(
        '4c',
        r.heap
          ? { value: r.heap.jsHeapMb, n: 1 }
          : { value: Number.NaN, n: 0, reason: 'no popup left open to measure' },
        r.heap
          ? `used JS heap after 2 GCs, ${SETTLE_NOTE}; heap allocated ${r.heap.jsHeapTotalMb.toFixed(1)} MB, ArrayBuffers ${r.heap.backingMb.toFixed(1)} MB, DOM/embedder ${r.heap.embedderMb.toFixed(1)} MB beside it`
          : undefined,
      );
    } catch (error) {
      collector.fail('popup', error);
    }
  }
  if (args.only.has('search')) {
    await settled('search');
    log('popup search: one query typed and erased');
    try {
      const popup = await openPopup(lab.session);
      try {
        await sleep(500);
        const items = searchables(lab);
        let r: Awaited<ReturnType<typeof measureSearch>>;
        if (args.profile) {
          // Profiled keystrokes run apart from the timed ones, on the same popup, after them.
          r = await measureSearch(items, popup, POPUP_PAGE_SIZE);
          const cdp = await pageCdp(popup);
          try {
            const profile = await recordProfileUntil(looseCdp(cdp), async () => {
              await measureSearch(items, popup, POPUP_PAGE_SIZE);
            });
            pending.push(ctx.keep('popup-search', profile));
          } finally {
            await cdp.detach().catch(() => undefined);
          }
        } else {
          r = await measureSearch(items, popup, POPUP_PAGE_SIZE);
        }
        details.search = r;
        // The floor, with the popup still open: the same load on the machine.
        const floor = await measureSearchFloor(lab.session.context, items, POPUP_PAGE_SIZE);
        details.searchFloor = floor;
        collector.add(
          '4b-floor',
          {
            value: floor.keystrokes.p50,
            p99: floor.keystrokes.p99,
            n: floor.keystrokes.n,
            of: floor.perKey.length,
          },
          `a plain page of the popup's width, the same query and rule, ${POPUP_PAGE_SIZE} text rows and the "more" button redrawn on each input event; 4b over this: ${(r.keystrokes.p50 / floor.keystrokes.p50).toFixed(2)}×`,
        );
        const lost = r.perKey.filter((v) => !Number.isFinite(v)).length;
        collector.add(
          '4b',
          {
            value: r.keystrokes.p50,
            p99: r.keystrokes.p99,
            n: r.keystrokes.n,
            of: r.perKey.length,
            ...(lost ? { reason: `${lost} keystrokes never showed their result` } : {}),
          },
          `query '${r.query}' typed then erased; match counts ${r.counts.join(' → ')}; simulator running; the first screen of rows is in the keystroke's frame, the whole page of ${POPUP_PAGE_SIZE} rows at p50 ${r.page.p50.toFixed(1)} / p99 ${r.page.p99.toFixed(1)} ms`,
        );
      } finally {
        await popup.close();
      }
    } catch (error) {
      collector.fail('search', error);
    }
  }
  if (args.only.has('throughput')) {
    await settled('throughput');
    log('throughput and CPU');
    try {
      const r = await measureThroughput(lab, {
        ...plan,
        ...(ctx.resolve ? { resolve: ctx.resolve } : {}),
        ...(args.profile
          ? { keepProfile: (label: string, p: Profile) => pending.push(ctx.keep(label, p)) }
          : {}),
      });
      details.throughput = r;
      const s = r.sustained;
      const ramp = r.stages.map(stageLabel).join(' ');
      collector.add(
        '3a',
        { value: r.sustainedRate, n: r.stages.length },
        s
          ? `${plan.sustainSeconds > 0 ? `sustained ${plan.sustainSeconds} s` : `quick: ${plan.rampSeconds} s at the target only`}; probe alert p50 ${s.probe.p50.toFixed(1)} / p99 ${s.probe.p99.toFixed(1)} ms (thirds ${s.firstThirdP50.toFixed(1)} → ${s.lastThirdP50.toFixed(1)}); worker CPU ${(s.cpuShare * 100).toFixed(0)}%; ramp ${ramp}`
          : `no stage passed; ramp ${ramp}`,
      );
      const top = (w: typeof r.cpuIdlePopupClosed) =>
        w.top
          .slice(0, 3)
          .map((t) => `${t.name} ${t.selfMs} ms`)
          .join('; ');
      collector.add(
        '3b',
        { value: r.cpuIdlePopupClosed.share * 100, n: r.cpuIdlePopupClosed.samples },
        `V8 sampling profiler on the worker, busy = non-idle samples over ${(r.cpuIdlePopupClosed.wallMs / 1000).toFixed(1)} s; top: ${top(r.cpuIdlePopupClosed)}`,
      );
      collector.add(
        '3c',
        { value: r.cpuIdlePopupOpen.share * 100, n: r.cpuIdlePopupOpen.samples },
        `top: ${top(r.cpuIdlePopupOpen)}`,
      );
    } catch (error) {
      collector.fail('throughput', error);
    }
    // The floor of 3b (#14): what receiving the same stream costs a plain
    // web page (socket.io-client and a TanStack Query cache, no rows).
    try {
      if (ctx.baselineUrl === undefined) throw new Error('baseline page not served');
      await settled('throughput-baseline');
      const base = await baselineCpu(lab, ctx.baselineUrl, plan.cpuSeconds * 1000, ctx.resolve);
      collector.add(
        '3d',
        { value: base.share * 100, n: base.samples },
        `the bench's baseline page (bench/baseline) in the org room, no rows, V8 sampling profiler on its main thread over ${(base.wallMs / 1000).toFixed(1)} s; top: ${base.top
          .slice(0, 3)
          .map((t) => `${t.name} ${t.selfMs} ms`)
          .join('; ')}`,
      );
    } catch (error) {
      collector.add('3d', {
        value: Number.NaN,
        n: 0,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (args.only.has('wake')) {
    await settled('wake');
    log(`wake-up: ${plan.wakeSamples} stops`);
    try {
      const r = await measureWake(lab, plan.wakeSamples, MAIN_SHAPE.sites);
      details.wake = r;
      const missing = r.samples.map((s) => s.missing).filter(Boolean);
      collector.add(
        '7',
        {
          value: r.ready.p50,
          p99: r.ready.p99,
          n: r.ready.n,
          of: r.samples.length,
          ...(missing.length ? { reason: missing.join('; ') } : {}),
        },
        `from the popup's navigation start (the bench's blank tab before it, not counted: ${r.samples.map((s) => s.tabMs.toFixed(0)).join(', ')} ms); last run: socket connected p50 ${r.connected.p50.toFixed(0)} ms, ${1 + MAIN_SHAPE.sites} rooms ${r.rooms.p50.toFixed(0)} ms, badge right ${r.badge.p50.toFixed(0)} ms; milestones (median ms after the navigation start) ${
          Object.entries(medianMarks(r.samples))
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ') || 'none read'
        }; badge timeline in results.json${r.stopRetries ? `; ${r.stopRetries} stop request(s) sent again` : ''}`,
      );
    } catch (error) {
      collector.fail('wake', error);
    }
  }
  await Promise.all(pending);
}

const SETTLE_NOTE = 'the last timed popup, 1.5 s after its rows painted';

/** `20k:ok`, `80k:behind`, or `80k:emitter 71k` when Node could not emit the rate (not the worker's fault). */
function stageLabel(stage: { targetRate: number; achievedRate: number; pass: boolean }): string {
  const k = `${stage.targetRate / 1000}k`;
  if (stage.achievedRate < stage.targetRate * 0.95)
    return `${k}:emitter ${(stage.achievedRate / 1000).toFixed(0)}k`;
  return `${k}:${stage.pass ? 'ok' : 'behind'}`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
