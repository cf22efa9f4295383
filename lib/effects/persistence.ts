/**
 * The persistence effect: a throttled snapshot of the live data in storage,
 * so that a restarted worker paints at once (`lib/storage.ts`). Settings are
 * written by the code that changes them; notified and snoozed alerts by the
 * notifications effect, which owns them.
 */
import { saveSnapshot, type PersistedSnapshot, type SnapshotParts } from '../storage';
import type { Listener, WorkerState } from '../store';

/** A change of the alerts is written within this. */
export const PERSIST_INTERVAL_MS = 2_000;
/**
 * Readings alone are written at most this often. The snapshot of 1,000 units
 * is about 200 KB of JSON, and one `storage.session.set` of it took about
 * 200 ms of the worker's time: written every 2 s it was the worker's top
 * profile entry under a steady stream of readings (#14). A restarted worker
 * then paints readings up to this old, marked by their own times, until the
 * resync brings the latest.
 */
export const PERSIST_READINGS_INTERVAL_MS = 30_000;

export interface PersistenceEffect {
  listener: Listener;
  /** Stops the timer; nothing is flushed (a killed worker flushes nothing either). */
  dispose(): void;
}

export function createPersistenceEffect(deps: {
  getState(): WorkerState;
  now(): number;
}): PersistenceEffect {
  /**
   * One throttle per half of the snapshot (#14): the alerts half is written
   * within `PERSIST_INTERVAL_MS` of a change, the readings half at most every
   * `PERSIST_READINGS_INTERVAL_MS`, so a stream of alert changes no longer
   * rewrites 1,000 units' readings each time.
   */
  function throttle(part: keyof SnapshotParts) {
    let timer: ReturnType<typeof setTimeout> | null = null;
    /** When the pending write is due (local clock). */
    let dueAt = Infinity;
    /**
     * Whether this instance wrote this half yet. Until it has, readings are
     * written as soon as alert changes are: a worker stopped within 30 s of
     * a sign-in (or of its own start) would otherwise leave nothing, and the
     * next one would wake with an empty badge until REST answered (#14).
     */
    let written = false;
    return {
      get written() {
        return written;
      },
      schedule(delay: number): void {
        const at = deps.now() + delay;
        // A pending write that is due sooner covers this change too.
        if (timer !== null && dueAt <= at) return;
        if (timer !== null) clearTimeout(timer);
        dueAt = at;
        timer = setTimeout(() => {
          timer = null;
          dueAt = Infinity;
          written = true;
          void persist({ units: part === 'units', alerts: part === 'alerts' });
        }, delay);
      },
      dispose(): void {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        dueAt = Infinity;
      },
    };
  }
  const units = throttle('units');
  const alerts = throttle('alerts');

  async function persist(parts: SnapshotParts): Promise<void> {
    const { session, live: state } = deps.getState();
    if (session === null) return;
    const snapshot: PersistedSnapshot = {
      savedAt: deps.now(),
      organizationId: session.organizationId,
      latest: parts.units
        ? [...state.units.values()].map((u) => ({
            unitId: u.unitId,
            reading: u.latest,
            state: u.state,
          }))
        : [],
      alerts: parts.alerts ? [...state.alerts.values()] : [],
      tombstones: parts.alerts ? [...state.tombstones.entries()] : [],
      lastDataAt: state.connection.lastDataAt,
    };
    // Bounded: a token save must always find room in storage.session (#11).
    await saveSnapshot(snapshot, parts);
  }

  return {
    listener(next, prev) {
      if (prev.live.alerts !== next.live.alerts || prev.live.tombstones !== next.live.tombstones) {
        alerts.schedule(PERSIST_INTERVAL_MS);
        // The first write of a worker stores both halves: a restart finds a whole snapshot.
        if (!units.written) units.schedule(PERSIST_INTERVAL_MS);
      }
      if (
        prev.live.units !== next.live.units ||
        prev.live.connection.lastDataAt !== next.live.connection.lastDataAt
      ) {
        units.schedule(units.written ? PERSIST_READINGS_INTERVAL_MS : PERSIST_INTERVAL_MS);
        if (!alerts.written) alerts.schedule(PERSIST_INTERVAL_MS);
      }
    },
    dispose() {
      units.dispose();
      alerts.dispose();
    },
  };
}
