/**
 * The persistence effect: a throttled snapshot of the live data in storage,
 * so that a restarted worker paints at once (`lib/storage.ts`). Settings are
 * written by the code that changes them; notified and snoozed alerts by the
 * notifications effect, which owns them.
 */
import { saveSnapshot, type PersistedSnapshot } from '../storage';
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
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the pending write is due (local clock). */
  let dueAt = Infinity;
  /**
   * Whether this instance wrote a snapshot yet. Until it has, readings are
   * written as soon as alert changes are: a worker stopped within 30 s of a
   * sign-in (or of its own start) would otherwise leave nothing, and the
   * next one would wake with an empty badge until REST answered (#14).
   */
  let written = false;

  async function persist(): Promise<void> {
    const { session, live: state } = deps.getState();
    if (session === null) return;
    const snapshot: PersistedSnapshot = {
      savedAt: deps.now(),
      organizationId: session.organizationId,
      latest: [...state.units.values()].map((u) => ({
        unitId: u.unitId,
        reading: u.latest,
        state: u.state,
      })),
      alerts: [...state.alerts.values()],
      tombstones: [...state.tombstones.entries()],
      lastDataAt: state.connection.lastDataAt,
    };
    // Bounded: a token save must always find room in storage.session (#11).
    await saveSnapshot(snapshot);
    written = true;
  }

  function schedulePersist(delay: number): void {
    const at = deps.now() + delay;
    // A pending write that is due sooner covers this change too.
    if (timer !== null && dueAt <= at) return;
    if (timer !== null) clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(() => {
      timer = null;
      dueAt = Infinity;
      void persist();
    }, delay);
  }

  return {
    listener(next, prev) {
      if (prev.live.alerts !== next.live.alerts) schedulePersist(PERSIST_INTERVAL_MS);
      else if (prev.live.units !== next.live.units) {
        schedulePersist(written ? PERSIST_READINGS_INTERVAL_MS : PERSIST_INTERVAL_MS);
      }
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      dueAt = Infinity;
    },
  };
}
