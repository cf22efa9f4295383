import { SERVER_PING_INTERVAL_MS, SERVER_PING_TIMEOUT_MS } from '../lib/protocol';
import type { SigningKey } from './tokens';

/**
 * The reference identity API's Stack Auth project (issue #10): fixed defaults
 * so that the demo, the docs and the tests can name them; public values, like
 * a real project's.
 */
export const DEFAULT_STACK_PROJECT_ID = '5f0c1a2e-7d1b-4c8e-9a3f-2b6e8d4c1f07';
export const DEFAULT_STACK_PUBLISHABLE_KEY = 'pck_frostline_reference_4f7d2c9b1e6a';

/** Options of `startServer`; every field has a production-like default. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Simulator seed: same seed, same readings per unit. Default 1. */
  seed?: number;
  /** Sites of the demo organization. Default 3. */
  sites?: number;
  /** Units per site of the demo organization. Default 8. */
  unitsPerSite?: number;
  /**
   * Units on the demo organization's first site that have never reported
   * (issue #10: production has them, and a client must list them). Default 0;
   * the CLI and the demo start with 2.
   */
  neverReportedUnits?: number;
  /** Readings per unit per second; fractional values allowed. Default 1. */
  rate?: number;
  /** Access token lifetime (Stack Auth's are minutes). Default 600. */
  tokenTtlSeconds?: number;
  /** Refresh token (Stack session) lifetime. Default 30 days. */
  refreshTtlSeconds?: number;
  /** ES256 key the identity API signs with; a fresh one per start unless given (tests sign their own tokens). */
  signingKey?: SigningKey | null;
  /** The Stack Auth project id served under `/stack` (the tokens' `aud`). */
  stackProjectId?: string;
  /** The project's publishable client key. */
  stackPublishableClientKey?: string;
  /** Mounts `/control/*` (loopback only). Default false. */
  control?: boolean;
  /** Starts the simulator running; false starts it paused. Default true. */
  simulate?: boolean;
  /** Consecutive out-of-range readings before an alarm escalates to critical. Default 10. */
  alertDelayReadings?: number;
  /** Silence after which a unit is offline (monitoring_interrupted). Default 60. */
  silentAfterSeconds?: number;
  /** Battery percentage under which a low_battery alert opens. Default 20. */
  lowBatteryPercent?: number;
  /** Engine.IO heartbeat; production values by default, tests may shorten them. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Simulator tick; all units advance on one timer. Default 100. */
  tickMs?: number;
  /** Largest accepted HTTP body. Default 64 KiB. */
  maxBodyBytes?: number;
}

export type ResolvedOptions = Required<ServerOptions>;

/** Fills defaults and rejects values that would make the server misbehave. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    port: options.port ?? 8787,
    host: options.host ?? '127.0.0.1',
    seed: options.seed ?? 1,
    sites: options.sites ?? 3,
    unitsPerSite: options.unitsPerSite ?? 8,
    neverReportedUnits: options.neverReportedUnits ?? 0,
    rate: options.rate ?? 1,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 600,
    refreshTtlSeconds: options.refreshTtlSeconds ?? 30 * 24 * 3600,
    signingKey: options.signingKey ?? null,
    stackProjectId: options.stackProjectId ?? DEFAULT_STACK_PROJECT_ID,
    stackPublishableClientKey: options.stackPublishableClientKey ?? DEFAULT_STACK_PUBLISHABLE_KEY,
    control: options.control ?? false,
    simulate: options.simulate ?? true,
    alertDelayReadings: options.alertDelayReadings ?? 10,
    silentAfterSeconds: options.silentAfterSeconds ?? 60,
    lowBatteryPercent: options.lowBatteryPercent ?? 20,
    pingIntervalMs: options.pingIntervalMs ?? SERVER_PING_INTERVAL_MS,
    pingTimeoutMs: options.pingTimeoutMs ?? SERVER_PING_TIMEOUT_MS,
    tickMs: options.tickMs ?? 100,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
  };
  assertInteger('port', resolved.port, 0, 65535);
  assertInteger('sites', resolved.sites, 0, 10_000);
  assertInteger('unitsPerSite', resolved.unitsPerSite, 0, 10_000);
  assertInteger('neverReportedUnits', resolved.neverReportedUnits, 0, 100);
  assertInteger('alertDelayReadings', resolved.alertDelayReadings, 1, 1_000_000);
  assertPositive('rate', resolved.rate);
  assertPositive('tokenTtlSeconds', resolved.tokenTtlSeconds);
  assertPositive('refreshTtlSeconds', resolved.refreshTtlSeconds);
  assertPositive('silentAfterSeconds', resolved.silentAfterSeconds);
  assertPositive('tickMs', resolved.tickMs);
  if (!/^[\w-]{1,128}$/.test(resolved.stackProjectId)) {
    throw new RangeError('stackProjectId must be 1-128 letters, digits, - or _');
  }
  if (!/^[\x21-\x7E]{1,256}$/.test(resolved.stackPublishableClientKey)) {
    throw new RangeError('stackPublishableClientKey must be printable ASCII');
  }
  if (!Number.isFinite(resolved.seed)) throw new RangeError('seed must be a number');
  return resolved;
}

function assertInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}]`);
  }
}

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be > 0`);
}
