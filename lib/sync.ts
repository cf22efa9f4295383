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
 * A newer connect cancels the `get:latest` sweep of an older one (generation
 * counter), and alert answers apply in the order their requests started
 * (below), so a flapping link never applies stale answers on top of fresh
 * ones.
 *
 * The open alerts are also reconciled on their own (`refreshAlerts`, issue
 * #10): an acknowledge or resolve made elsewhere is never pushed, so the
 * reconcile alarm and every page that opens read them again. The cost is
 * bounded: one paged request per open status, one reconcile running and at
 * most one queued behind it (callers share it). Answers apply in the order
 * their reconciles started: one that lands after a later-started one's is
 * dropped, one that lands before it is applied and then overtaken (#14: a
 * woken worker asks while its socket connects, and the connect's own
 * reconcile no longer throws that earlier answer away).
 */
import { markOnce } from './marks';
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
  /**
   * Reconciles the open alerts through REST (issue #10). With one in flight,
   * one more is queued behind it and shared by every caller; resolves when
   * its answer is applied (or dropped). Never rejects.
   */
  refreshAlerts(): Promise<void>;
  /** Subscribes/unsubscribes to match the current targets (scope change, holds). */
  reconcile(): void;
  /** Rooms currently joined on this connection. */
  joined(): { sites: string[]; units: string[] };
}

export function createSync(deps: SyncDeps): Sync {
  let generation = 0;
  /** Alert reconciles started, and the newest one whose answer was applied. */
  let alertGeneration = 0;
  let appliedAlertGeneration = 0;
  let alertsInflight: Promise<void> | null = null;
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

  /**
   * A reconcile of the open alerts. `fresh` (a connect) starts a new one at
   * once, beside any in flight. Otherwise, with one in flight, one more
   * is queued behind it (its request went out before the caller's reason to
   * ask), and every caller shares that one: at most one running, one queued.
   */
  let alertsQueued: Promise<void> | null = null;
  function refreshAlerts(fresh: boolean): Promise<void> {
    const start = (): Promise<void> => {
      alertGeneration += 1;
      // A failure keeps what we have (a partial list never removes alerts); the next one retries.
      const run = syncAlerts(alertGeneration)
        .catch(() => undefined)
        .finally(() => {
          if (alertsInflight === run) alertsInflight = null;
        });
      alertsInflight = run;
      return run;
    };
    if (fresh || alertsInflight === null) return start();
    alertsQueued ??= alertsInflight.then(() => {
      alertsQueued = null;
      return start();
    });
    return alertsQueued;
  }

  async function syncAlerts(gen: number): Promise<void> {
    const api = deps.api();
    const org = deps.organizationId();
    // Before the token: an alert pushed while the token is fetched is newer than the answer.
    const startedAt = deps.now();
    const token = await deps.accessToken();
    if (api === null || org === null || token === null) return;
    // The statuses are asked side by side (#14: one after another, three round
    // trips stood between a woken worker's connect and a right badge); each
    // pages on its own. Any failure drops the whole answer.
    let failed = false;
    // Overtaken: a reconcile started later has applied its answer, or the
    // session ended (its client's answers are stale, #11).
    const stale = () => gen <= appliedAlertGeneration || api.session?.signal.aborted === true;
    const byStatus = async (status: (typeof OPEN_ALERT_STATUSES)[number]) => {
      const items: unknown[] = [];
      for (let page = 0; page < MAX_ALERT_PAGES && !failed && !stale(); page += 1) {
        const result: ApiResult<unknown> = await api.alerts(
          token,
          org,
          status,
          ALERTS_PAGE_LIMIT,
          page * ALERTS_PAGE_LIMIT,
        );
        if (!result.ok && result.error.kind === 'unauthorized' && !failed && !stale()) {
          deps.onUnauthorized();
        }
        if (!result.ok || !Array.isArray(result.value)) {
          failed = true;
          break;
        }
        items.push(...(result.value as unknown[]));
        if (result.value.length < ALERTS_PAGE_LIMIT) break;
      }
      return items;
    };
    markOnce('alerts-requested');
    const lists = await Promise.all(OPEN_ALERT_STATUSES.map(byStatus));
    if (stale()) return;
    // A partial list must never remove alerts: keep what we have.
    if (failed) return;
    appliedAlertGeneration = gen;
    deps.applyAlerts(lists.flat(), startedAt);
    markOnce('alerts-applied');
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
        refreshAlerts(true),
        deps
          .refreshDirectory()
          .then(() => (gen === generation ? syncLatest(gen) : undefined))
          .then(() => markOnce('latest-done')),
      ]);
    },
    refreshAlerts: () => refreshAlerts(false),
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
