import { rooms, type WireReadingsBatch } from '../lib/protocol';
import type { AlertEngine } from './alert-engine';
import type { Broadcaster } from './broadcaster';
import type { Counters } from './counters';
import type { Directory, UnitRecord } from './directory';
import { deriveSeed, mulberry32, type Random } from './prng';
import { toBatchReading, type ReadingStore, type StoredReading } from './reading-store';
import { fromCelsius, roundTenth } from './temperature';
import { createPhysics, silence, stepPhysics, type PhysicsState } from './unit-physics';
import { UNIT_PROFILES } from './unit-profiles';

export interface SimulatorOptions {
  directory: Directory;
  readings: ReadingStore;
  engine: AlertEngine;
  broadcaster: Broadcaster;
  counters: Counters;
  seed: number;
  /** Readings per unit per second. */
  rate: number;
  tickMs: number;
  paused: boolean;
  now: () => number;
  nextReadingId: () => string;
}

export interface Simulator {
  start(): void;
  stop(): void;
  setPaused(paused: boolean): void;
  isPaused(): boolean;
  /** Emits a unit's queued readings as one batch now, then runs them through the alert engine. */
  flushUnit(unit: UnitRecord): WireReadingsBatch | null;
  /** Runs `seconds` of simulated readings at once and flushes every unit; works while paused. */
  step(seconds: number): number;
  /** Makes a unit's sensor go quiet for `seconds` of simulated time; false for unknown units. */
  silenceUnit(unitId: string, seconds: number): boolean;
}

interface UnitSim {
  unit: UnitRecord;
  physics: PhysicsState;
  random: Random;
  /** Fractional readings owed; lets rates like 0.2/s or 50/s share one timer. */
  credit: number;
}

// Guards against a stalled event loop turning into a burst of thousands of readings.
const MAX_TICK_SECONDS = 2;

/**
 * Drives every unit from one timer: each tick advances all units, and each
 * unit flushes its batch once a second in its own slot (units are spread over
 * the ticks of a second), so 1,000 units cost 10 ticks a second, not 1,000 timers.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const { directory, readings, engine, broadcaster, counters, rate, now } = options;
  const slotsPerSecond = Math.max(1, Math.round(1000 / options.tickMs));
  const readingSeconds = 1 / rate;
  let paused = options.paused;
  let timer: NodeJS.Timeout | null = null;
  let lastTickMs = now();
  let tickIndex = 0;

  // Units that never reported are never simulated (issue #10).
  const sims: UnitSim[] = directory.unitList
    .filter((unit) => !unit.neverReported)
    .map((unit) => {
      const random = mulberry32(deriveSeed(options.seed, unit.id));
      const physics = createPhysics(UNIT_PROFILES[unit.unitType], random);
      // A random phase so units do not all report on the same tick.
      return { unit, physics, random, credit: random() };
    });

  // One reading per unit before anyone connects, so REST and get:latest have data even when paused.
  const startedAt = now();
  for (const sim of sims) {
    const reading = produce(sim, startedAt - Math.floor(sim.random() * 1000));
    if (!reading) continue;
    readings.record(reading);
    readings.takePending(sim.unit.id);
    engine.markSeen(sim.unit.id, startedAt);
  }

  function produce(sim: UnitSim, timestampMs: number): StoredReading | null {
    const sample = stepPhysics(
      sim.physics,
      UNIT_PROFILES[sim.unit.unitType],
      sim.random,
      readingSeconds,
    );
    if (!sample) return null;
    return {
      id: options.nextReadingId(),
      unitId: sim.unit.id,
      deviceId: sim.unit.deviceId,
      temperature: roundTenth(fromCelsius(sample.tempC, sim.unit.tempUnit)),
      humidity: sample.humidity === null ? null : roundTenth(sample.humidity),
      battery: sample.battery === null ? null : Math.round(sample.battery),
      signalStrength: Math.round(sample.signalStrength),
      timestampMs,
      source: 'simulator',
    };
  }

  function advance(sim: UnitSim, count: number, endMs: number): number {
    let produced = 0;
    for (let k = 0; k < count; k++) {
      const timestampMs = Math.round(endMs - (count - 1 - k) * readingSeconds * 1000);
      const reading = produce(sim, timestampMs);
      if (!reading) continue;
      readings.record(reading);
      produced++;
    }
    return produced;
  }

  function flushUnit(unit: UnitRecord): WireReadingsBatch | null {
    const batch = readings.takePending(unit.id);
    if (batch.length === 0) return null;
    const payload: WireReadingsBatch = {
      unitId: unit.id,
      readings: batch.map(toBatchReading),
      count: batch.length,
    };
    // Two separate emits, as in production: a socket in both rooms receives the batch twice.
    const toOrg = broadcaster.toRoom(
      rooms.org(unit.organizationId),
      'sensor:readings:batch',
      payload,
    );
    const toUnit = broadcaster.toRoom(
      rooms.unit(unit.organizationId, unit.id),
      'sensor:readings:batch',
      payload,
    );
    if (toOrg || toUnit) counters.readingsEmitted += batch.length;
    // After the batch, so a client has the offending reading before the alert about it.
    for (const reading of batch) engine.evaluate(unit, reading);
    return payload;
  }

  function tick(): void {
    const t = now();
    const dt = Math.min((t - lastTickMs) / 1000, MAX_TICK_SECONDS);
    lastTickMs = t;
    if (paused || dt <= 0) return;
    const slot = tickIndex++ % slotsPerSecond;
    for (const sim of sims) {
      sim.credit += rate * dt;
      const due = Math.floor(sim.credit);
      sim.credit -= due;
      if (due > 0) advance(sim, due, t);
      if (sim.unit.index % slotsPerSecond === slot) {
        flushUnit(sim.unit);
        engine.checkSilence(sim.unit, t);
      }
    }
  }

  return {
    start() {
      if (timer) return;
      lastTickMs = now();
      timer = setInterval(tick, options.tickMs);
      // The HTTP listener keeps the process alive; this timer must not block a test's exit.
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    setPaused(next) {
      paused = next;
    },
    isPaused: () => paused,
    flushUnit,
    step(seconds) {
      const count = Math.max(0, Math.round(seconds * rate));
      const end = now();
      let produced = 0;
      for (const sim of sims) {
        produced += advance(sim, count, end);
        flushUnit(sim.unit);
      }
      return produced;
    },
    silenceUnit(unitId, seconds) {
      const sim = sims.find((candidate) => candidate.unit.id === unitId);
      if (!sim) return false;
      silence(sim.physics, seconds);
      return true;
    },
  };
}
