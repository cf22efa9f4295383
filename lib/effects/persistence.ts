/**
 * The persistence effect: a throttled snapshot of the live data in storage,
 * so that a restarted worker paints at once (`lib/storage.ts`). Settings are
 * written by the code that changes them; notified and snoozed alerts by the
 * notifications effect, which owns them.
 */
import { saveSnapshot, type PersistedSnapshot } from '../storage';
import type { Listener, WorkerState } from '../store';

/** Storage writes of the snapshot are throttled to this. */
export const PERSIST_INTERVAL_MS = 2_000;

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
  }

  function schedulePersist(): void {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void persist();
    }, PERSIST_INTERVAL_MS);
  }

  return {
    listener(next, prev) {
      if (prev.live.alerts !== next.live.alerts || prev.live.units !== next.live.units) {
        schedulePersist();
      }
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
