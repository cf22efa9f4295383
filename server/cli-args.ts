import type { ServerOptions } from './options';

export type CliCommand = { kind: 'help' } | { kind: 'run'; options: ServerOptions };

export const USAGE = `Frostline reference backend

Usage: tsx server/cli.ts [options]

  --port <n>            TCP port (default 8787; 0 = any free port)
  --host <addr>         interface to bind (default 127.0.0.1)
  --seed <n>            simulator seed (default 1)
  --sites <n>           sites of the demo organization (default 3)
  --units-per-site <n>  units per site (default 8)
  --never-reported <n>  units on the first site that have never reported (default 2)
  --rate <n>            readings per unit per second, fractional allowed (default 1)
  --token-ttl <s>       access token lifetime in seconds (default 600)
  --control             mount the loopback-only /control/* interface
  --paused              start with the simulator paused
  --help                show this text
`;

const NUMERIC_FLAGS = {
  '--port': 'port',
  '--seed': 'seed',
  '--sites': 'sites',
  '--units-per-site': 'unitsPerSite',
  '--never-reported': 'neverReportedUnits',
  '--rate': 'rate',
  '--token-ttl': 'tokenTtlSeconds',
} as const satisfies Record<string, keyof ServerOptions>;

/** Parses argv (without node and script); throws a readable Error on bad input. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  // The demo shows units that never reported, as production has (issue #10).
  const options: ServerOptions = { neverReportedUnits: 2 };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    // Accept both `--port 1` and `--port=1`.
    const [flag, inlineValue] = raw.includes('=')
      ? (raw.split(/=(.*)/s, 2) as [string, string])
      : [raw, undefined];
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--control') {
      options.control = true;
      continue;
    }
    if (flag === '--paused') {
      options.simulate = false;
      continue;
    }
    if (flag !== '--host' && !(flag in NUMERIC_FLAGS))
      throw new Error(`Unknown option ${flag} (see --help)`);
    const value = inlineValue ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--host') {
      options.host = value;
      continue;
    }
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number))
      throw new Error(`${flag} expects a number, got "${value}"`);
    options[NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS]] = number;
  }
  return { kind: 'run', options };
}
