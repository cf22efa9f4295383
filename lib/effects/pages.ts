/**
 * The pages effect: the extension's own pages get a snapshot when they
 * connect, the reading history in chunks after it, then coalesced patches
 * (`lib/port-hub.ts`). Only what is watched is sent: the badge, the alerts and
 * the units must agree. The unit view goes with them, built once per flush.
 */
import { deliveryNotices, sameNotices, type DeliveryNotice } from '../delivery';
import type { Alert } from '../model';
import type { Patch, Snapshot } from '../messages';
import { createPortHub, type Port, type PortHub } from '../port-hub';
import {
  historyLength,
  historyReadings,
  isAlertInScope,
  isUnitInScope,
  openAlerts,
  sameView,
  type UnitView,
} from '../state';
import type { Listener, WorkerState } from '../store';

/** Readings per unit sent after a snapshot for the sparklines, and units per message. */
export const BACKFILL_READINGS = 40;
export const BACKFILL_UNITS_PER_CHUNK = 100;

/** The snapshot a page paints from. Pure: the state, the clock and its view. */
export function snapshotOf(worker: WorkerState, now: number, view: UnitView): Snapshot {
  const { live: state, scope } = worker;
  const units: Snapshot['units'] = {};
  // Latest readings only: the history follows in chunks (backfill), so the
  // first paint of a popup with 1,000 units does not wait for it.
  for (const [id, unit] of state.units) {
    if (isUnitInScope(state, scope, id)) {
      units[id] = { unitId: unit.unitId, latest: unit.latest, state: unit.state, history: [] };
    }
  }
  return {
    connection: state.connection,
    session: worker.session,
    preferences: worker.preferences,
    scope,
    directory: state.directory,
    units,
    alerts: openAlerts(state, scope),
    view,
    diagnostics: state.diagnostics,
    delivery: deliveryNotices(worker.delivery, state, now),
    at: now,
  };
}

/** History chunks for a page that just got its snapshot. */
export function backfillOf(worker: WorkerState): NonNullable<Patch['readings']>[] {
  const { live: state, scope } = worker;
  const chunks: NonNullable<Patch['readings']>[] = [];
  let chunk: NonNullable<Patch['readings']> = {};
  let size = 0;
  for (const [id, unit] of state.units) {
    if (!isUnitInScope(state, scope, id) || historyLength(unit.history) === 0) continue;
    chunk[id] = historyReadings(unit.history, BACKFILL_READINGS);
    size += 1;
    if (size === BACKFILL_UNITS_PER_CHUNK) {
      chunks.push(chunk);
      chunk = {};
      size = 0;
    }
  }
  if (size > 0) chunks.push(chunk);
  return chunks;
}

export interface PagesEffectDeps {
  getState(): WorkerState;
  view(worker: WorkerState): UnitView;
  /** Resolves once the worker has read its storage. */
  ready: Promise<void>;
  isTrusted(port: Port): boolean;
  /** Rooms pages hold changed: subscribe or unsubscribe. */
  onRoomsChanged(): void;
  now(): number;
}

export interface PagesEffect {
  hub: PortHub;
  listener: Listener;
  snapshot(): Snapshot;
}

export function createPagesEffect(deps: PagesEffectDeps): PagesEffect {
  /** The last view the pages were sent (so an unchanged one is not sent again). */
  let sentView: UnitView | null = null;
  /** The delivery notices the pages were last sent (issue #13). */
  let sentNotices: DeliveryNotice[] | null = null;

  function snapshot(): Snapshot {
    const worker = deps.getState();
    // `sentView` stays what the pages already open were last sent: a page that
    // connects now must not keep them from getting a view that changed since.
    return snapshotOf(worker, deps.now(), deps.view(worker));
  }

  const hub = createPortHub({
    isTrusted: deps.isTrusted,
    snapshot: async () => {
      await deps.ready;
      return snapshot();
    },
    onHold: (entity, id) => {
      deps.onRoomsChanged();
      // A unit detail view shows the full history: send it the unit's readings.
      const unit = entity === 'unit' ? deps.getState().live.units.get(id) : undefined;
      if (unit !== undefined) {
        hub.queue({ readings: [{ unitId: id, readings: historyReadings(unit.history) }] });
      }
    },
    backfill: () => backfillOf(deps.getState()),
    onRelease: () => deps.onRoomsChanged(),
    beforeFlush: () => {
      const next = deps.view(deps.getState());
      if (!sameView(sentView, next)) {
        sentView = next;
        hub.queue({ view: next });
      }
      const worker = deps.getState();
      const notices = deliveryNotices(worker.delivery, worker.live, deps.now());
      if (!sameNotices(sentNotices, notices)) {
        sentNotices = notices;
        hub.queue({ delivery: notices });
      }
    },
    now: deps.now,
  });

  const listener: Listener = (worker, before, event) => {
    if (worker.scope !== before.scope) {
      // The units and alerts a page shows change as a whole: send it all again.
      hub.resync();
      return;
    }
    if (!hub.active()) return;
    if (worker.session !== before.session) hub.queue({ session: worker.session });
    if (worker.preferences !== before.preferences) {
      hub.queue({ preferences: worker.preferences });
    }
    const prev = before.live;
    const next = worker.live;
    const watched = (unitId: string) => isUnitInScope(next, worker.scope, unitId);
    if (event.type === 'readings') {
      const units = [];
      const readings = [];
      for (const batch of event.batches) {
        if (!watched(batch.unitId)) continue;
        readings.push(batch);
        const unit = next.units.get(batch.unitId);
        if (unit !== undefined && unit !== prev.units.get(batch.unitId)) units.push(unit);
      }
      if (readings.length > 0) hub.queue({ readings, units });
    } else if (prev.units !== next.units) {
      const units = [];
      for (const [id, unit] of next.units) {
        if (prev.units.get(id) !== unit && watched(id)) units.push(unit);
      }
      if (units.length > 0) hub.queue({ units });
    }
    if (prev.alerts !== next.alerts) {
      const upsert: Alert[] = [];
      const remove: string[] = [];
      for (const [id, alert] of next.alerts) {
        if (prev.alerts.get(id) !== alert && isAlertInScope(next, worker.scope, alert.unitId))
          upsert.push(alert);
      }
      for (const id of prev.alerts.keys()) if (!next.alerts.has(id)) remove.push(id);
      hub.queue({ alerts: { upsert, remove } });
    }
    if (prev.connection !== next.connection) hub.queue({ connection: next.connection });
    if (prev.directory !== next.directory) hub.queue({ directory: next.directory });
    if (prev.diagnostics !== next.diagnostics && event.type !== 'readings') {
      hub.queue({ diagnostics: next.diagnostics });
    }
    // The view is built when the patch goes out (`beforeFlush`), once per flush.
    if (
      prev.units !== next.units ||
      prev.alerts !== next.alerts ||
      prev.directoryIndex !== next.directoryIndex ||
      prev.unitStateAt !== next.unitStateAt ||
      prev.now !== next.now ||
      prev.connection.clockOffset !== next.connection.clockOffset ||
      worker.preferences !== before.preferences ||
      worker.excursions !== before.excursions ||
      worker.delivery !== before.delivery
    ) {
      hub.queue({});
    }
  };

  return { hub, listener, snapshot };
}
