/**
 * What happens after every connect (issue #3, docs/protocol.md "Rooms"):
 * rooms do not survive a reconnect, so the chosen sites and units (and rooms
 * held by open pages) are subscribed again (after a recovered one too). The
 * directory is read again after every connect, recovered or not (issue #10):
 * it carries each unit's `status` (the server's word on its state, which
 * `unit:state:changed` repeats only when it changes) and its last reading,
 * the fallback when `get:latest` answers null. Then, unless Socket.IO
 * recovered the session (and with it the rooms and missed events), the state
 * is resynchronised from the server: the open alerts over REST, and the
 * latest reading of each watched unit through `get:latest` with bounded
 * concurrency (a null answer keeps the directory's reading).
 *
 * A newer connect cancels the resync of an older one (generation counter), so
 * a flapping link never applies stale answers on top of fresh ones.
 */
import type { ApiClient, ApiResult } from './api';
import type { FrostlineSocket } from './socket';
import { ALERTS_PAGE_LIMIT } from './protocol';

export const LATEST_CONCURRENCY = 8;
/** Open alerts are every status but `resolved`; the list filters one at a time. */
export const OPEN_ALERT_STATUSES = ['active', 'acknowledged', 'escalated'] as const;
/** Upper bound on alert pages per status, so a broken server cannot loop us. */
const MAX_ALERT_PAGES = 20;

export interface Targets {
  siteIds: readonly string[];
  unitIds: readonly string[];
}

export interface SyncDeps {
  socket: () => FrostlineSocket | null;
  api: () => ApiClient | null;
  accessToken: () => Promise<string | null>;
  organizationId: () => string | null;
  /** Rooms to hold: the scope plus what open pages asked for. */
  targets: () => Targets;
  /** Units whose latest reading to fetch after a reconnect. */
  watchedUnits: () => readonly string[];
  refreshDirectory: () => Promise<void>;
  /**
   * The full open-alert list (raw JSON items), read after `startedAt`: alerts
   * that arrived over the socket since then are newer than the list.
   */
  applyAlerts: (raw: unknown[], startedAt: number) => void;
  now: () => number;
  applyLatest: (unitId: string, raw: unknown) => void;
  onUnauthorized: () => void;
  getLatest: (unitId: string) => Promise<{ answered: true; raw: unknown } | { answered: false }>;
}

export interface Sync {
  /** Call on every connect. */
  onConnected(recovered: boolean): Promise<void>;
  /** Subscribes/unsubscribes to match the current targets (scope change, holds). */
  reconcile(): void;
  /** Rooms currently joined on this connection. */
  joined(): { sites: string[]; units: string[] };
}

export function createSync(deps: SyncDeps): Sync {
  let generation = 0;
  const sites = new Set<string>();
  const units = new Set<string>();

  function reconcile(): void {
    const socket = deps.socket();
    if (socket === null) return;
    const targets = deps.targets();
    diff(
      sites,
      targets.siteIds,
      (id) => socket.emit('subscribe:site', id),
      (id) => socket.emit('unsubscribe:site', id),
    );
    diff(
      units,
      targets.unitIds,
      (id) => socket.emit('subscribe:unit', id),
      (id) => socket.emit('unsubscribe:unit', id),
    );
  }

  async function syncAlerts(gen: number): Promise<void> {
    const api = deps.api();
    const org = deps.organizationId();
    const token = await deps.accessToken();
    if (api === null || org === null || token === null) return;
    const startedAt = deps.now();
    const all: unknown[] = [];
    for (const status of OPEN_ALERT_STATUSES) {
      for (let page = 0; page < MAX_ALERT_PAGES; page += 1) {
        const result: ApiResult<unknown> = await api.alerts(
          token,
          org,
          status,
          ALERTS_PAGE_LIMIT,
          page * ALERTS_PAGE_LIMIT,
        );
        // A newer connect, or the session ended (its client's answers are stale, #11).
        if (gen !== generation || api.session?.signal.aborted === true) return;
        if (!result.ok) {
          if (result.error.kind === 'unauthorized') deps.onUnauthorized();
          return; // a partial list must never remove alerts: keep what we have
        }
        if (!Array.isArray(result.value)) return;
        all.push(...(result.value as unknown[]));
        if (result.value.length < ALERTS_PAGE_LIMIT) break;
      }
    }
    deps.applyAlerts(all, startedAt);
  }

  async function syncLatest(gen: number): Promise<void> {
    const queue = [...deps.watchedUnits()];
    const worker = async () => {
      for (let unitId = queue.shift(); unitId !== undefined; unitId = queue.shift()) {
        if (gen !== generation) return;
        const answer = await deps.getLatest(unitId);
        if (gen !== generation) return;
        if (answer.answered) deps.applyLatest(unitId, answer.raw);
      }
    };
    await Promise.all(Array.from({ length: LATEST_CONCURRENCY }, worker));
  }

  return {
    async onConnected(recovered) {
      generation += 1;
      const gen = generation;
      // A fresh connection starts with the org room only. A recovered one
      // keeps the rooms the server saved, but a subscribe sent just before the
      // link died may never have arrived (recovery replays only what the
      // server sent), so subscribe again either way: joining twice is harmless.
      sites.clear();
      units.clear();
      reconcile();
      if (recovered) {
        await deps.refreshDirectory();
        return;
      }
      await Promise.all([
        syncAlerts(gen),
        deps.refreshDirectory().then(() => (gen === generation ? syncLatest(gen) : undefined)),
      ]);
    },
    reconcile,
    joined: () => ({ sites: [...sites], units: [...units] }),
  };
}

function diff(
  joined: Set<string>,
  wanted: readonly string[],
  join: (id: string) => void,
  leave: (id: string) => void,
): void {
  const next = new Set(wanted);
  for (const id of joined) {
    if (!next.has(id)) {
      joined.delete(id);
      leave(id);
    }
  }
  for (const id of next) {
    if (!joined.has(id)) {
      joined.add(id);
      join(id);
    }
  }
}
