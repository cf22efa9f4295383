/** Command line of `npm run bench`. */

export const MEASUREMENTS = [
  'size',
  'alert',
  'reading',
  'popup',
  'search',
  'throughput',
  'wake',
  'memory',
  'firefox',
] as const;
export type MeasurementName = (typeof MEASUREMENTS)[number];

/** Issue #14: every figure is the median of at least this many runs in one invocation. */
export const MIN_RUNS = 3;

/**
 * What `--quick` leaves out unless `--only` names it: the memory row fills
 * 500,000 readings and Firefox needs its own lab, together longer than the
 * two minutes `--quick` has (#14). The table says they were not run.
 */
export const QUICK_LEAVES_OUT: readonly MeasurementName[] = ['memory', 'firefox'];

export interface BenchArgs {
  quick: boolean;
  only: Set<MeasurementName>;
  /** Measurements not run because of `--quick` (none when `--only` chose). */
  leftOut: MeasurementName[];
  build: boolean;
  /** Runs per measurement; each figure is the median of the runs' figures. */
  runs: number;
  /** Write worker and popup CPU profiles under bench/profiles/ and print their top entries. */
  profile: boolean;
  /** Where results.json goes. */
  out: string;
  /** A full run first waits for the load average to fall (`--no-wait`: start at once). */
  waitQuiet: boolean;
}

export const USAGE = `usage: tsx bench/run.ts [--quick] [--only <name>[,<name>…]] [--runs <n ≥ ${MIN_RUNS}>] [--profile] [--no-build] [--out <file>]
  measurements: ${MEASUREMENTS.join(', ')}`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    only: new Set(MEASUREMENTS),
    leftOut: [],
    build: true,
    runs: MIN_RUNS,
    profile: false,
    out: 'bench/results.json',
    waitQuiet: true,
  };
  let onlyGiven = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--no-wait') args.waitQuiet = false;
    else if (arg === '--only' || arg === '--out' || arg === '--runs') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === '--out') args.out = value;
      else if (arg === '--runs') {
        const n = Number(value);
        if (!Number.isInteger(n) || n < MIN_RUNS)
          throw new Error(
            `--runs must be an integer ≥ ${MIN_RUNS} (a median needs three)\n${USAGE}`,
          );
        args.runs = n;
      } else {
        const names = value.split(',').map((n) => n.trim());
        for (const name of names) {
          if (!(MEASUREMENTS as readonly string[]).includes(name))
            throw new Error(`unknown measurement '${name}'\n${USAGE}`);
        }
        args.only = new Set(names as MeasurementName[]);
        onlyGiven = true;
      }
    } else if (arg === '--help' || arg === '-h') {
      throw new Error(USAGE);
    } else {
      throw new Error(`unknown argument '${arg}'\n${USAGE}`);
    }
  }
  if (args.quick && !onlyGiven) {
    args.leftOut = [...QUICK_LEAVES_OUT];
    for (const name of QUICK_LEAVES_OUT) args.only.delete(name);
  }
  return args;
}
