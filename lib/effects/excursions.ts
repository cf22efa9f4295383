/**
 * The excursions effect (issue #13): keeps the time-out-of-range intervals
 * of `WorkerState.excursions` in storage, so the cumulative minutes of the
 * last 24 h survive a worker restart, and brings them back at start.
 *
 * The intervals change only when an excursion starts or ends (and when a
 * tick drops old ones), never per reading; even so a write is throttled to
 * one per `EXCURSIONS_PERSIST_MS`, so a unit flapping across its limit
 * cannot turn into a storage write per reading.
 */
import {
  excursionsItem,
  loadExcursions,
  saveExcursions,
  type PersistedExcursions,
} from '../storage';
import type { Listener, Store, WorkerState } from '../store';

/** A change of the excursions is in storage within this. */
export const EXCURSIONS_PERSIST_MS = 5_000;

export interface ExcursionsEffect {
  listener: Listener;
  /** Reads what was saved; start it early, it does not touch the store. */
  load(): Promise<PersistedExcursions | null>;
  /** Dispatches what `load()` read, when it belongs to the signed-in organization. */
  restore(saved: PersistedExcursions | null): void;
  /** Stops the timer; nothing is flushed (a killed worker flushes nothing either). */
  dispose(): void;
}

export function createExcursionsEffect(deps: {
  store: Pick<Store, 'getState' | 'dispatch'>;
  now(): number;
}): ExcursionsEffect {
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function persist(): Promise<void> {
    const { session, excursions } = deps.store.getState();
    try {
      if (session === null) {
        await excursionsItem.removeValue();
        return;
      }
      await saveExcursions({
        organizationId: session.organizationId,
        savedAt: deps.now(),
        units: Object.fromEntries(excursions.units),
      });
    } catch {
      // A failed write loses at most the last few seconds of intervals; it
      // must never throw into the worker.
    }
  }

  function schedule(): void {
    // A pending write covers this change too (it reads the state when it runs).
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void persist();
    }, EXCURSIONS_PERSIST_MS);
  }

  const listener: Listener = (next: WorkerState, prev: WorkerState) => {
    if (next.excursions !== prev.excursions || next.session !== prev.session) schedule();
  };

  return {
    listener,
    async load() {
      try {
        return await loadExcursions();
      } catch {
        return null;
      }
    },
    restore(saved) {
      const session = deps.store.getState().session;
      if (saved === null || session === null) return;
      if (saved.organizationId !== session.organizationId) return;
      deps.store.dispatch({ type: 'excursions/restored', saved: saved.units, at: deps.now() });
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
