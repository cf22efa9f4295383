/** Command line of `npm run bench`. */

export const MEASUREMENTS = [
  'alert',
  'reading',
  'throughput',
  'popup',
  'memory',
  'size',
  'wake',
] as const;
export type MeasurementName = (typeof MEASUREMENTS)[number];

export interface BenchArgs {
  quick: boolean;
  only: Set<MeasurementName>;
  build: boolean;
  /** Where results.json goes. */
  out: string;
}

export const USAGE = `usage: tsx bench/run.ts [--quick] [--only <name>[,<name>…]] [--no-build] [--out <file>]
  measurements: ${MEASUREMENTS.join(', ')}`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    only: new Set(MEASUREMENTS),
    build: true,
    out: 'bench/results.json',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--only' || arg === '--out') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === '--out') args.out = value;
      else {
        const names = value.split(',').map((n) => n.trim());
        for (const name of names) {
          if (!(MEASUREMENTS as readonly string[]).includes(name))
            throw new Error(`unknown measurement '${name}'\n${USAGE}`);
        }
        args.only = new Set(names as MeasurementName[]);
      }
    } else if (arg === '--help' || arg === '-h') {
      throw new Error(USAGE);
    } else {
      throw new Error(`unknown argument '${arg}'\n${USAGE}`);
    }
  }
  return args;
}
