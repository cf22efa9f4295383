/**
 * Row 5, worker memory: JS heap of the service worker after a forced GC,
 * with 5,000 units each holding 100 readings of history (the reducer's
 * HISTORY_LIMIT). The lab runs with the simulator paused; history is filled
 * with one `stepSimulation(100)` (one batch of 100 readings per unit), and a
 * probe alert after it proves the worker has consumed everything
 * before it (one ordered socket).
 */
import { attachWorker, heapAfterGc } from './cdp';
import { sleep } from './clock';
import type { Lab } from './lab';
import { collectProbes, fireProbe } from './probes';

export interface MemoryResult {
  units: number;
  readingsPerUnit: number;
  /** After sign-in, directory and latest readings (1 per unit). */
  heapBeforeMb: number;
  /** JS heap + ArrayBuffer backing stores + embedder heap, after GC. */
  heapAfterMb: number;
  jsHeapMb: number;
  arrayBuffersMb: number;
  /** Growth per stored reading, bytes. */
  bytesPerReading: number;
  /** From the step to the probe after it being handled (the worker digesting every batch). */
  fillSeconds: number;
  /** False when the probe did not show within the bound (heap then measured anyway). */
  drained: boolean;
}

const MB = 1024 * 1024;

export async function measureWorkerMemory(
  lab: Lab,
  readingsPerUnit = 100,
  options: { settled?: boolean; refill?: boolean } = {},
): Promise<MemoryResult> {
  const cdp = await attachWorker(lab.session.anchor, lab.session.extensionId);
  try {
    if (options.refill === false) {
      // --quick: the history a previous run filled, measured again after GC (no new fill).
      const again = await heapAfterGc(cdp);
      return {
        units: lab.units.length,
        readingsPerUnit,
        heapBeforeMb: again.used / MB,
        heapAfterMb: again.used / MB,
        jsHeapMb: again.heap / MB,
        arrayBuffersMb: again.backing / MB,
        bytesPerReading: Number.NaN,
        fillSeconds: 0,
        drained: true,
      };
    }
    // Let the post-connect resync (get:latest per unit) and first persist finish.
    // A later run starts from the previous run's settled state: no resync to wait for.
    let last = 0;
    for (let i = 0; i < (options.settled ? 0 : 40); i += 1) {
      await sleep(500);
      const c = lab.server.control.counters() as unknown as { events?: Record<string, number> };
      const total = Object.values(c.events ?? {}).reduce((a, b) => a + b, 0);
      if (i > 4 && total === last) break;
      last = total;
    }
    const before = await heapAfterGc(cdp);
    const started = Date.now();
    // One step: a batch of `readingsPerUnit` readings per unit (only the final state matters here).
    lab.server.control.stepSimulation(readingsPerUnit);
    const probe = await fireProbe(lab.server, lab.units[0]!.id, 50);
    // Wait (bounded, 30 s) until the probe sent after every batch has been handled (its
    // notification is out), or, should the notification be held back (grouped with the
    // alerts the step raised), until memory stops growing for 3 polls in a row. Memory here is the JS heap plus the ArrayBuffers: the
    // history is packed in ArrayBuffers, so the JS heap alone stays flat while it still
    // grows, and a worker behind on a busy machine was taken for drained (issue #14).
    let drained = false;
    let lastHeap = 0;
    let steady = 0;
    for (let i = 0; i < 60 && !drained; i += 1) {
      await sleep(500);
      const [r] = await collectProbes(lab.session.worker, lab.workerClock, [probe]);
      const usage = await cdp.send<{ usedSize: number; backingStorageSize?: number }>(
        'Runtime.getHeapUsage',
      );
      const used = usage.usedSize + (usage.backingStorageSize ?? 0);
      steady = Math.abs(used - lastHeap) < lastHeap * 0.01 ? steady + 1 : 0;
      lastHeap = used;
      drained = (r !== undefined && !Number.isNaN(r.notification)) || steady >= 3;
    }
    const fillSeconds = (Date.now() - started) / 1000;
    await sleep(2_500); // the throttled persist (2 s) runs and its garbage is collectable
    const after = await heapAfterGc(cdp);
    const readings = lab.units.length * readingsPerUnit;
    return {
      units: lab.units.length,
      readingsPerUnit,
      heapBeforeMb: before.used / MB,
      heapAfterMb: after.used / MB,
      jsHeapMb: after.heap / MB,
      arrayBuffersMb: after.backing / MB,
      bytesPerReading: (after.used - before.used) / (readings - lab.units.length),
      fillSeconds,
      drained,
    };
  } finally {
    await cdp.detach();
  }
}
