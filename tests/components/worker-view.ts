/**
 * The unit view a background would send with a snapshot the tests build by
 * hand: the tests' snapshots are turned into worker state through the real
 * reducer, and the view comes from the worker's own `unitView()` (issue #9:
 * the pages display it, they never classify).
 */
import type { Patch, Snapshot } from '../../lib/messages';
import { applyAlertChanges, mergeHistory, patchedLatest } from '../../components/realtime-merge';
import {
  EMPTY_EXCURSIONS,
  excursionsAfterReadings,
  initialState,
  reduceAll,
  unitView,
  type ReadingsBatch,
  type State,
  type UnitView,
} from '../../lib/state';

export function workerView(snapshot: Omit<Snapshot, 'view'>): UnitView {
  const at = snapshot.at;
  const batches: ReadingsBatch[] = Object.values(snapshot.units).map((unit) => ({
    unitId: unit.unitId,
    readings: unit.history.length > 0 ? unit.history : unit.latest ? [unit.latest] : [],
  }));
  const withDirectory = reduceAll(
    initialState(at),
    snapshot.directory === null
      ? []
      : [{ type: 'directory/loaded' as const, directory: snapshot.directory }],
  );
  let state: State = reduceAll(withDirectory, [
    { type: 'readings', receivedAt: at, batches },
    { type: 'alerts/synced', alerts: snapshot.alerts, at: -Infinity },
    { type: 'tick', now: at },
  ]);
  // The excursions the worker derives from the same readings (issue #13).
  const excursions = excursionsAfterReadings(EMPTY_EXCURSIONS, batches, withDirectory, state);
  // Each unit's live state as `unit:state:changed` set it at the snapshot's time
  // (one map write per unit, not one reducer event: 1,500 units stay quick).
  const units = new Map(state.units);
  const unitStateAt = new Map(state.unitStateAt);
  for (const unit of Object.values(snapshot.units)) {
    const current = units.get(unit.unitId);
    if (current !== undefined) units.set(unit.unitId, { ...current, state: unit.state });
    unitStateAt.set(unit.unitId, at);
  }
  state = {
    ...state,
    units,
    unitStateAt,
    connection: { ...state.connection, clockOffset: snapshot.connection.clockOffset },
  };
  return unitView({
    state,
    scope: snapshot.scope,
    staleMs: snapshot.preferences.staleMinutes * 60_000,
    now: at,
    excursions: excursions.units,
  });
}

/** The snapshot after a patch, as the background would hold it (for the next view). */
export function applyToSnapshot(
  snapshot: Omit<Snapshot, 'view'>,
  patch: Patch,
): Omit<Snapshot, 'view'> {
  const units = { ...snapshot.units };
  const touched = new Set([
    ...Object.keys(patch.readings ?? {}),
    ...Object.keys(patch.units ?? {}),
  ]);
  for (const unitId of touched) {
    const current = units[unitId] ?? { unitId, latest: null, history: [], state: 'unknown' };
    const incoming = patch.readings?.[unitId] ?? [];
    const explicit = patch.units?.[unitId];
    units[unitId] = {
      unitId,
      history: mergeHistory(current.history, incoming),
      latest: patchedLatest(current.latest, incoming, explicit),
      state: explicit?.state ?? current.state,
    };
  }
  return {
    ...snapshot,
    connection: patch.connection ?? snapshot.connection,
    session: patch.session !== undefined ? patch.session : snapshot.session,
    preferences: patch.preferences ?? snapshot.preferences,
    scope: patch.scope ?? snapshot.scope,
    directory: patch.directory !== undefined ? patch.directory : snapshot.directory,
    units,
    alerts: patch.alerts
      ? applyAlertChanges(snapshot.alerts, patch.alerts.upsert, patch.alerts.remove)
      : snapshot.alerts,
    diagnostics: patch.diagnostics ?? snapshot.diagnostics,
    at: patch.at,
  };
}
