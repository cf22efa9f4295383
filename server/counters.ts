/** Live counters exposed by `GET /control/counters`; plain numbers, cheap to bump. */
export interface Counters {
  connections: { current: number; total: number };
  handshakes: { accepted: number; rejected: Record<string, number> };
  /** Emits by event name; one emit to two rooms counts twice. */
  events: Record<string, number>;
  /** Client requests answered through their ack, by event name (`get:latest`, `ping`). */
  answered: Record<string, number>;
  readingsEmitted: number;
  subscriptions: { site: number; unit: number; denied: number };
  invalidInputs: number;
  httpRequests: number;
}

export function createCounters(): Counters {
  return {
    connections: { current: 0, total: 0 },
    handshakes: { accepted: 0, rejected: {} },
    events: {},
    answered: {},
    readingsEmitted: 0,
    subscriptions: { site: 0, unit: 0, denied: 0 },
    invalidInputs: 0,
    httpRequests: 0,
  };
}

export function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** A deep copy, so callers cannot mutate live counters. */
export function snapshotCounters(counters: Counters): Counters {
  return structuredClone(counters);
}
