/**
 * Issue #5: heap held by the reducer's per-unit reading history, and the
 * reading hot path's throughput, measured in Node without a browser.
 *
 *   node --expose-gc --import tsx bench/heap-history.ts [units] [readingsPerUnit]
 *
 * Heap: 5,000 units × 100 readings fed through `reduce()` as one batch per
 * unit (what `measure-memory.ts` does through the real worker). Readings are
 * made by `JSON.parse`, as socket.io makes them, so their id strings are flat
 * like in the worker. "Total" adds `arrayBuffers`: typed-array backing stores
 * live outside the V8 heap, and leaving them out would flatter a packed form.
 * Node runs without pointer compression (Chrome has it), so absolute bytes
 * here are larger than in the service worker; compare before/after.
 *
 * Throughput: 1,000 units with full histories, events of 100 batches of one
 * reading each (the connection layer's coalescing), newer readings appended.
 */
import type { Reading } from '../lib/model';
import { initialState, reduce, type ReadingsBatch, type State } from '../lib/state';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const BOOT = '5f3a9c1e';
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function unitId(u: number): string {
  return `unit-nw-${1 + (u % 5)}-${1 + (u % 3)}-${u}`;
}

let sequence = 0;
/** Readings as the socket delivers them: fresh objects and flat strings from JSON. */
function parsedReadings(unit: string, count: number, firstAt: number): Reading[] {
  const raw = [];
  for (let i = 0; i < count; i += 1) {
    sequence += 1;
    raw.push({
      id: `rd-${BOOT}-${sequence}`,
      unitId: unit,
      temperature: Math.round((3 + Math.sin(sequence) * 2) * 10) / 10,
      humidity: Math.round((50 + Math.cos(sequence) * 10) * 10) / 10,
      battery: 80 + (sequence % 20),
      signalStrength: -60 - (sequence % 30),
      at: firstAt + i * 60_000,
    });
  }
  return JSON.parse(JSON.stringify(raw)) as Reading[];
}

function used(): { heap: number; total: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, total: m.heapUsed + m.arrayBuffers };
}

const MB = 1024 * 1024;

function heap(units: number, perUnit: number): void {
  const ids = Array.from({ length: units }, (_, u) => unitId(u));
  // One reading per unit first: the "latest only" state after sign-in, like the lab's baseline.
  let state: State = initialState(T0);
  for (const id of ids) {
    state = reduce(state, {
      type: 'readings',
      batches: [{ unitId: id, readings: parsedReadings(id, 1, T0 - 1_000 * 60_000) }],
      receivedAt: T0,
    });
  }
  const before = used();
  for (const id of ids) {
    state = reduce(state, {
      type: 'readings',
      batches: [{ unitId: id, readings: parsedReadings(id, perUnit, T0) }],
      receivedAt: T0,
    });
  }
  const after = used();
  const stored = units * (perUnit - 1); // the window was already holding one reading per unit
  console.info(`heap: ${units} units × ${perUnit} readings (${state.units.size} units held)`);
  console.info(
    `  heapUsed  before ${(before.heap / MB).toFixed(1)} MiB  after ${(after.heap / MB).toFixed(1)} MiB  ` +
      `→ ${((after.heap - before.heap) / stored).toFixed(1)} B/reading`,
  );
  console.info(
    `  +buffers  before ${(before.total / MB).toFixed(1)} MiB  after ${(after.total / MB).toFixed(1)} MiB  ` +
      `→ ${((after.total - before.total) / stored).toFixed(1)} B/reading`,
  );
}

function throughput(units: number, perEvent: number, total: number): void {
  const ids = Array.from({ length: units }, (_, u) => unitId(u));
  let state: State = initialState(T0);
  for (const id of ids) {
    state = reduce(state, {
      type: 'readings',
      batches: [{ unitId: id, readings: parsedReadings(id, 100, T0 - 200 * 60_000) }],
      receivedAt: T0,
    });
  }
  // Prepared up front so that only the reducer is timed.
  const events: ReadingsBatch[][] = [];
  let at = T0;
  for (let done = 0; done < total; done += perEvent) {
    const batches: ReadingsBatch[] = [];
    for (let i = 0; i < perEvent; i += 1) {
      const u = (done + i) % units;
      const id = ids[u] as string;
      batches.push({ unitId: id, readings: parsedReadings(id, 1, at) });
      if (u === units - 1) at += 60_000;
    }
    events.push(batches);
  }
  const started = performance.now();
  for (const batches of events) {
    state = reduce(state, { type: 'readings', batches, receivedAt: at });
  }
  const seconds = (performance.now() - started) / 1000;
  console.info(
    `throughput: ${units} units, ${perEvent} batches of 1 reading per event: ` +
      `${Math.round(total / seconds).toLocaleString('en-US')} readings/s (${total} in ${seconds.toFixed(2)} s)`,
  );
}

const units = Number(process.argv[2] ?? 5000);
const perUnit = Number(process.argv[3] ?? 100);
heap(units, perUnit);
throughput(1000, 100, 100_000); // warm-up
throughput(1000, 100, 300_000);
