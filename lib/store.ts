/**
 * The worker's one store (issue #9): `dispatch(event)` runs the pure
 * reducer, then tells every subscriber (the effects) what changed. Like
 * TanStack Query's cache, `subscribe` returns its disposer (STYLE.md §7).
 *
 * The state holds everything the effects read: the live data (`lib/state/`),
 * and who is signed in, their preferences and scope, and whether the server
 * ended the session for good. What the notifications effect remembers
 * (notified and snoozed alerts) is its own state, in its own file.
 */
import { INITIAL_DELIVERY, type DeliveryState, type PermissionLevel } from './delivery';
import type { Preferences, Scope, SessionInfo } from './model';
import {
  createUnitViewCache,
  EMPTY_EXCURSIONS,
  excursionsAfterReadings,
  initialState,
  pruneExcursions,
  reduce,
  restoreExcursions,
  type ExcursionState,
  type State,
  type StateEvent,
  type UnitExcursions,
  type UnitView,
} from './state';

export interface WorkerState {
  /** Connection, directory, units, alerts, diagnostics: `lib/state/`. */
  live: State;
  session: SessionInfo | null;
  preferences: Preferences;
  scope: Scope;
  /**
   * The server refused the session for good (refresh rejected). Persisted:
   * neither the watchdog nor a restarted worker may reconnect until the user
   * signs in again.
   */
  monitoringStopped: boolean;
  /**
   * Time out of range per unit (issue #13, `lib/state/excursions.ts`):
   * derived from the readings as they are reduced, persisted by
   * `lib/effects/excursions.ts`.
   */
  excursions: ExcursionState;
  /** What can keep an alert from reaching the supervisor (issue #13, `lib/delivery.ts`). */
  delivery: DeliveryState;
  /**
   * A woken worker has not restored its units' saved readings yet (#14): the
   * badge and the rooms come first, from the saved alerts and the directory,
   * and until then nothing may describe the units (`restore/done` ends it).
   */
  restoring: boolean;
}

/** What changes the settings part of the state; live events are `StateEvent`s. */
export type SettingsEvent =
  | {
      type: 'settings/hydrated';
      session: SessionInfo | null;
      preferences: Preferences;
      scope: Scope;
      monitoringStopped: boolean;
    }
  | { type: 'session/begun'; session: SessionInfo }
  | { type: 'session/ended' }
  | { type: 'preferences/set'; preferences: Preferences }
  | { type: 'scope/set'; scope: Scope }
  | { type: 'monitoring/stopped'; stopped: boolean }
  /** What a restarted worker saved of the excursions (issue #13); `at` is the local clock. */
  | { type: 'excursions/restored'; saved: Readonly<Record<string, UnitExcursions>>; at: number }
  /** The browser's notification permission for us, read or changed (issue #13). */
  | { type: 'delivery/permission'; level: PermissionLevel }
  /** Notifications carried out: a failure is remembered until one is shown again. */
  | { type: 'delivery/result'; at: number; shown: number; failure: string | null }
  /** The units' saved readings are restored, or there were none (ends `restoring`). */
  | { type: 'restore/done' };

export type WorkerEvent = StateEvent | SettingsEvent;

const SETTINGS_EVENTS: ReadonlySet<string> = new Set<SettingsEvent['type']>([
  'settings/hydrated',
  'session/begun',
  'session/ended',
  'preferences/set',
  'scope/set',
  'monitoring/stopped',
  'excursions/restored',
  'delivery/permission',
  'delivery/result',
  'restore/done',
]);

function isSettingsEvent(event: WorkerEvent): event is SettingsEvent {
  return SETTINGS_EVENTS.has(event.type);
}

export function initialWorkerState(
  now: number,
  defaults: { preferences: Preferences; scope: Scope },
): WorkerState {
  return {
    live: initialState(now),
    session: null,
    preferences: defaults.preferences,
    scope: defaults.scope,
    monitoringStopped: false,
    excursions: EMPTY_EXCURSIONS,
    delivery: INITIAL_DELIVERY,
    restoring: false,
  };
}

/**
 * The excursions after a live event: readings may start or end one (O(1)
 * per reading, a copy only when one does), a tick drops what left the 24 h
 * window, a sign-out forgets them.
 */
function excursionsAfter(state: WorkerState, live: State, event: StateEvent): ExcursionState {
  switch (event.type) {
    case 'readings':
      return excursionsAfterReadings(state.excursions, event.batches, state.live, live);
    case 'tick':
      return pruneExcursions(state.excursions, event.now + live.connection.clockOffset);
    case 'session/cleared':
      return state.excursions.units.size === 0 ? state.excursions : EMPTY_EXCURSIONS;
    default:
      return state.excursions;
  }
}

/** The pure reducer of the whole worker. Returns `state` itself when nothing changed. */
export function reduceWorker(state: WorkerState, event: WorkerEvent): WorkerState {
  if (!isSettingsEvent(event)) {
    const live = reduce(state.live, event);
    const excursions = excursionsAfter(state, live, event);
    // A ping answer is the server's sign of life between events (issue #13).
    const delivery =
      event.type === 'connection/rtt' && live !== state.live
        ? { ...state.delivery, lastPongAt: event.at }
        : state.delivery;
    return live === state.live && excursions === state.excursions && delivery === state.delivery
      ? state
      : { ...state, live, excursions, delivery };
  }
  switch (event.type) {
    case 'settings/hydrated':
      return {
        ...state,
        session: event.session,
        preferences: event.preferences,
        scope: event.scope,
        monitoringStopped: event.monitoringStopped,
        // Signed in: what the last worker saved is still to be restored.
        restoring: event.session !== null,
      };
    case 'session/begun':
      return { ...state, session: event.session, monitoringStopped: false, restoring: false };
    case 'session/ended':
      return { ...state, session: null, monitoringStopped: false, restoring: false };
    case 'restore/done':
      return state.restoring ? { ...state, restoring: false } : state;
    case 'preferences/set':
      return { ...state, preferences: event.preferences };
    case 'scope/set':
      return { ...state, scope: event.scope };
    case 'monitoring/stopped':
      return event.stopped === state.monitoringStopped
        ? state
        : { ...state, monitoringStopped: event.stopped };
    case 'excursions/restored':
      return {
        ...state,
        excursions: restoreExcursions(
          state.excursions,
          event.saved,
          event.at + state.live.connection.clockOffset,
        ),
      };
    case 'delivery/permission':
      return event.level === state.delivery.permission
        ? state
        : { ...state, delivery: { ...state.delivery, permission: event.level } };
    case 'delivery/result': {
      const failure =
        event.failure !== null
          ? { at: event.at, message: event.failure }
          : event.shown > 0
            ? null
            : state.delivery.failure;
      return failure === state.delivery.failure
        ? state
        : { ...state, delivery: { ...state.delivery, failure } };
    }
  }
}

/** Told after each change, with the state before it and the event that made it. */
export type Listener = (next: WorkerState, prev: WorkerState, event: WorkerEvent) => void;

export interface Store {
  getState(): WorkerState;
  dispatch(event: WorkerEvent): void;
  /** Returns the disposer. */
  subscribe(listener: Listener): () => void;
  /** Ends the store: later dispatches do nothing (a stopped worker's late callbacks). */
  close(): void;
}

/**
 * Events that reach subscribers even when the state did not move: `tick`
 * (re-notify intervals and snoozes end with time alone) and `alerts/synced`
 * (an open-alert list that changed nothing is still the server's answer: a
 * woken worker's units wait for it, `lib/lifecycle.ts` `liveWithAlerts`).
 */
const ALWAYS_TOLD: ReadonlySet<WorkerEvent['type']> = new Set(['tick', 'alerts/synced']);

export function createStore(initial: WorkerState): Store {
  let state = initial;
  let closed = false;
  const listeners = new Set<Listener>();
  return {
    getState: () => state,
    dispatch(event) {
      if (closed) return;
      const prev = state;
      state = reduceWorker(prev, event);
      if (state === prev && !ALWAYS_TOLD.has(event.type)) return;
      for (const listener of [...listeners]) listener(state, prev, event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
    },
  };
}

/** The unit view of a worker state, built once per change (the badge and the pages share it). */
export function createWorkerView(): (worker: WorkerState) => UnitView {
  const cache = createUnitViewCache();
  return (w) =>
    cache({
      state: w.live,
      scope: w.scope,
      staleMs: w.preferences.staleMinutes * 60_000,
      now: w.live.now,
      excursions: w.excursions.units,
    });
}
