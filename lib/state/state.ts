/**
 * The background's state: connection, directory, live units and open alerts.
 * It changes only through `reduce()` (STYLE.md §3). Collections are
 * `ReadonlyMap`s, copied once per event that changes them: every sensor reading
 * passes through the reducer (the target is 20,000 readings/s in the worker),
 * and a Map copy is cheap and immune to `__proto__`-style keys.
 */
import type {
  Alert,
  ConnectionError,
  ConnectionInfo,
  Diagnostics,
  Directory,
  Reading,
  SiteInfo,
  UnitInfo,
  UnitState,
} from '../model';
import type { UnitLive } from '../messages';
import type { DiagnosticKind } from '../normalize';
import type { ReadingHistory } from './history';

// Readings kept per unit for the sparkline; in `./page-rules.ts`, which the pages load (issue #14, row 6b).
export { HISTORY_LIMIT } from './page-rules';

/** Resolved alert ids remembered so that late or replayed triggers stay dead. */
export const TOMBSTONE_LIMIT = 5000;
/** Connection transitions kept in diagnostics. */
export const DIAGNOSTICS_HISTORY_LIMIT = 50;
/**
 * Ghost units (issue #11): ids with live data that the loaded directory does
 * not list (inactive, deleted, or made up by a broken gateway). At most this
 * many are kept; readings for more are dropped and counted, so 50,000 made-up
 * ids cannot grow the worker's memory without limit.
 */
export const GHOST_UNIT_LIMIT = 100;
/** Before any directory has loaded, every unit is unknown: bound them all. */
export const UNITS_WITHOUT_DIRECTORY_LIMIT = 10_000;

/**
 * A unit's live state inside the background: `UnitLive` with the history
 * packed (issue #5, worker heap). Pages get `UnitLive` with `Reading[]`,
 * built at the edge with `historyReadings()`.
 */
export interface UnitLiveState extends Omit<UnitLive, 'history'> {
  history: ReadingHistory;
}

/** Lookups derived from the directory once, when it loads. */
export interface DirectoryIndex {
  units: ReadonlyMap<string, UnitInfo>;
  sites: ReadonlyMap<string, SiteInfo>;
}

export interface State {
  connection: ConnectionInfo;
  directory: Directory | null;
  directoryIndex: DirectoryIndex;
  units: ReadonlyMap<string, UnitLiveState>;
  /** How many of `units` the loaded directory does not know (0 while there is none). */
  ghostUnits: number;
  /** Server time of the `unit:state:changed` applied per unit (late ones are ignored). */
  unitStateAt: ReadonlyMap<string, number>;
  /** Open alerts: active and acknowledged. */
  alerts: ReadonlyMap<string, Alert>;
  /**
   * Local time each open alert arrived by push (`alert:triggered`), kept only
   * for alerts in `alerts`: a reconcile whose request went out before it
   * cannot know it, and must not drop it (issue #10).
   */
  alertSeenAt: ReadonlyMap<string, number>;
  /** Resolved alert id → resolved time, oldest first (insertion order), bounded. */
  tombstones: ReadonlyMap<string, number>;
  diagnostics: Diagnostics;
  /** Local clock of the last `tick` (or newer event). */
  now: number;
}

/** A batch of readings for one unit, already normalised. */
export interface ReadingsBatch {
  unitId: string;
  readings: readonly Reading[];
}

/**
 * Everything that can change state. Server-driven events carry `receivedAt`
 * (local clock) so that `connection.lastEventAt` is kept without a separate
 * event; times named `at` are the server's unless noted.
 */
export type StateEvent =
  /** Coalesced batches from the connection layer (many per event). */
  | {
      type: 'readings';
      batches: readonly ReadingsBatch[];
      receivedAt: number;
      /**
       * A `get:latest` answer after a (re)connect: the reading we may well
       * hold already is not a duplicate delivery, so it is not counted as one.
       */
      resync?: boolean;
    }
  | { type: 'alert/triggered'; alert: Alert; receivedAt: number }
  | {
      type: 'alert/acknowledged';
      alertId: string;
      by: string | null;
      at: number;
      receivedAt: number;
      /** This supervisor's own acknowledge (the REST answer, issue #10): shown as "you". */
      byYou?: boolean;
    }
  | { type: 'alert/resolved'; alertId: string; unitId: string; at: number; receivedAt: number }
  | { type: 'alert/escalated'; alertId: string; unitId: string; level: number; receivedAt: number }
  /**
   * The authoritative open-alert list from REST: after (re)connecting, on the
   * reconcile alarm and when a page opens (issue #10: changes made elsewhere
   * are not pushed). `at` is when the request was sent (server clock): alerts
   * triggered after it may be missing from the answer and are kept. `sentAt`
   * is the same moment on the local clock: an alert pushed after it is kept
   * too, whatever its `triggeredAt` (the server dates it by the reading).
   */
  | { type: 'alerts/synced'; alerts: readonly Alert[]; at: number; sentAt?: number }
  | { type: 'unit/state'; unitId: string; state: UnitState; at: number; receivedAt: number }
  /** A server event that changes nothing else (`connection:ack`, `error`…). */
  | { type: 'event/received'; receivedAt: number }
  /**
   * `seed: false` (a woken worker's first restore, #14) leaves out the units'
   * REST last readings: creating a unit for each is the costly part, and the
   * restore of the saved readings that follows seeds what it did not bring.
   */
  | { type: 'directory/loaded'; directory: Directory; seed?: boolean }
  /** Connection events: `at` is the local clock. */
  | { type: 'connection/connecting'; at: number }
  | { type: 'connection/live'; at: number; recovered: boolean }
  | { type: 'connection/down'; at: number; error: ConnectionError; offline: boolean }
  | { type: 'connection/signed-out'; at: number; error?: ConnectionError }
  /**
   * A `ping` ack: `rtt` ms, the server's clock (`null` when its answer implied
   * an implausible offset, then `clockRejected`), and the local time the ack arrived.
   */
  | {
      type: 'connection/rtt';
      rtt: number;
      serverTime: number | null;
      at: number;
      clockRejected?: boolean;
    }
  | { type: 'tick'; now: number }
  /** Invalid payloads (or items) dropped at the edge. */
  | { type: 'dropped'; kind: DiagnosticKind; count?: number }
  /** Desktop notifications the effects step showed (diagnostics only). */
  | { type: 'notifications/shown'; count: number }
  | { type: 'session/cleared'; at: number }
  /** What a restarted worker saved before it stopped (see `RestoredSnapshot`). */
  | { type: 'snapshot/restored'; snapshot: RestoredSnapshot; at: number };

export type StateEventType = StateEvent['type'];

/**
 * The part of the state a service worker saves so that it can paint at once
 * after a restart (`lib/storage.ts` `PersistedSnapshot` fits it). It is older
 * than anything live, so it never overwrites what has arrived since, and the
 * REST resync after connecting corrects its alerts.
 */
export interface RestoredSnapshot {
  latest: readonly { unitId: string; reading: Reading | null; state: UnitState }[];
  alerts: readonly Alert[];
  tombstones: readonly (readonly [string, number])[];
  lastDataAt: number | null;
}

const EMPTY_INDEX: DirectoryIndex = { units: new Map(), sites: new Map() };

/** The state of a worker that just started and knows nothing yet. */
export function initialState(now: number): State {
  return {
    connection: {
      status: 'signed-out',
      since: now,
      lastEventAt: null,
      lastDataAt: null,
      rtt: null,
      reconnects: 0,
      lastError: null,
      clockOffset: 0,
    },
    directory: null,
    directoryIndex: EMPTY_INDEX,
    units: new Map(),
    ghostUnits: 0,
    unitStateAt: new Map(),
    alerts: new Map(),
    alertSeenAt: new Map(),
    tombstones: new Map(),
    diagnostics: {
      eventsReceived: 0,
      readingsReceived: 0,
      duplicatesDropped: 0,
      invalidByKind: {},
      history: [],
      notificationsShown: 0,
      startedAt: now,
    },
    now,
  };
}

/** A unit with live data that the loaded directory does not list (see `GHOST_UNIT_LIMIT`). */
export function isGhostUnit(state: Pick<State, 'directory' | 'directoryIndex'>, unitId: string) {
  return state.directory !== null && !state.directoryIndex.units.has(unitId);
}

/**
 * Whether live data for a unit not yet in `units` may add it: always for a
 * directory unit, within `GHOST_UNIT_LIMIT` for a ghost, within
 * `UNITS_WITHOUT_DIRECTORY_LIMIT` before the directory is known.
 */
export function admitsNewUnit(
  state: Pick<State, 'directory' | 'directoryIndex'>,
  units: ReadonlyMap<string, unknown>,
  ghostUnits: number,
  unitId: string,
): boolean {
  if (state.directory === null) return units.size < UNITS_WITHOUT_DIRECTORY_LIMIT;
  return state.directoryIndex.units.has(unitId) || ghostUnits < GHOST_UNIT_LIMIT;
}

/** Builds the directory lookups. */
export function indexDirectory(directory: Directory | null): DirectoryIndex {
  if (directory === null) return EMPTY_INDEX;
  return {
    units: new Map(directory.units.map((unit) => [unit.id, unit])),
    sites: new Map(directory.sites.map((site) => [site.id, site])),
  };
}
