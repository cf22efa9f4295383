/**
 * The event-log effect (issue #13, "since you last looked"): compares each
 * state with the one before it and records alert transitions and units that
 * stopped reporting or came back (`lib/event-log.ts` decides what and how),
 * keeps the log in storage, and remembers when the popup was last closed.
 *
 * Cost: alert transitions only when the alerts changed (never per reading);
 * units only on events other than readings, from the unit view the badge
 * builds anyway, and only while the connection is live: when the worker
 * itself is cut off every unit goes stale, and that is not news about the
 * units. When it is live again the conditions are taken afresh, silently.
 */
import {
  alertEvents,
  appendEvents,
  eventsSince,
  unitEvent,
  unreachable,
  type LoggedEvent,
  type SinceLastLooked,
} from '../event-log';
import type { UnitView } from '../state';
import { loadEventLog, saveEventLog, type PersistedEventLog } from '../storage';
import type { Listener, Store, WorkerState } from '../store';

/** What `watchPort` needs of a `runtime.Port`. */
export interface WatchedPort {
  sender?: { url?: string };
  onDisconnect: { addListener(cb: () => void): void };
}

/** A change of the log is in storage within this. */
export const EVENT_LOG_PERSIST_MS = 2_000;

export interface EventLogEffect {
  listener: Listener;
  /** Reads what was saved; start it early, it does not touch the store. */
  load(): Promise<PersistedEventLog | null>;
  /** Merges what `load()` read (same organization only) with what was recorded since. */
  restore(saved: PersistedEventLog | null): void;
  /** What the popup shows when it opens: what happened since it was last closed. */
  sinceLastLooked(): SinceLastLooked;
  /**
   * Watches a trusted page's port: when the popup's closes, that is when it
   * was last looked at. Other pages (the options page) are ignored.
   */
  watchPort(port: WatchedPort): void;
  dispose(): void;
}

export function createEventLogEffect(deps: {
  store: Pick<Store, 'getState'>;
  view(worker: WorkerState): UnitView;
  now(): number;
}): EventLogEffect {
  let log: readonly LoggedEvent[] = [];
  let lookedAt: number | null = null;
  /** The last unit conditions seen while live (unitId → unreachable reason); null to re-baseline. */
  let reachability: Map<string, 'offline' | 'stale' | null> | null = null;
  let lastView: UnitView | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const serverNow = () => deps.now() + deps.store.getState().live.connection.clockOffset;

  async function persist(): Promise<void> {
    const session = deps.store.getState().session;
    if (session === null) return;
    try {
      await saveEventLog({
        organizationId: session.organizationId,
        events: [...log],
        lookedAt,
      });
    } catch {
      // The log is a convenience: a failed write must never throw into the worker.
    }
  }

  function schedule(): void {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void persist();
    }, EVENT_LOG_PERSIST_MS);
  }

  function record(events: readonly LoggedEvent[]): void {
    const next = appendEvents(log, events, serverNow());
    if (next === log) return;
    log = next;
    schedule();
  }

  function unitChanges(worker: WorkerState): LoggedEvent[] {
    if (worker.live.connection.status !== 'live') {
      reachability = null;
      lastView = null;
      return [];
    }
    const view = deps.view(worker);
    if (view === lastView) return [];
    lastView = view;
    const baseline = reachability === null;
    const seen = new Map<string, 'offline' | 'stale' | null>();
    const out: LoggedEvent[] = [];
    const at = serverNow();
    for (const entry of view.entries) {
      // No data yet is not "went offline": the unit has not been heard from at all.
      if (entry.condition === 'no-data') continue;
      const now = unreachable(entry.condition);
      seen.set(entry.unitId, now);
      if (baseline) continue;
      const before = reachability?.get(entry.unitId);
      if (before === undefined || before === now) continue;
      // Offline ↔ stale is still "not reporting"; only the edges are news.
      if (before !== null && now !== null) continue;
      out.push(unitEvent(worker.live, entry.unitId, now, at));
    }
    reachability = seen;
    return out;
  }

  const listener: Listener = (next, prev, event) => {
    if (next.session === null) {
      reachability = null;
      lastView = null;
      return;
    }
    if (prev.session !== null && prev.session.organizationId !== next.session.organizationId) {
      log = [];
      lookedAt = null;
    }
    const events = alertEvents(prev.live, next.live, next.session, serverNow());
    if (event.type !== 'readings') events.push(...unitChanges(next));
    if (events.length > 0) record(events);
  };

  return {
    listener,
    async load() {
      try {
        return await loadEventLog();
      } catch {
        return null;
      }
    },
    restore(saved) {
      const session = deps.store.getState().session;
      if (saved === null || session === null) return;
      if (saved.organizationId !== session.organizationId) return;
      lookedAt = saved.lookedAt;
      // Recorded since the start (the restored snapshot's alerts) merge by key.
      const recorded = log;
      log = appendEvents(saved.events, recorded, serverNow());
    },
    sinceLastLooked() {
      return { since: lookedAt, events: eventsSince(log, lookedAt) };
    },
    watchPort(port) {
      let path = '';
      try {
        path = new URL(port.sender?.url ?? '').pathname;
      } catch {
        return;
      }
      if (path !== '/popup.html') return;
      port.onDisconnect.addListener(() => {
        lookedAt = serverNow();
        schedule();
      });
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
