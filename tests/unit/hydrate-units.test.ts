/**
 * A woken worker restores in two steps (#14): first the saved alerts and the
 * directory (what the badge and the rooms need), then, once the first open
 * alert list is in (`beforeUnits`), the units' saved readings, seeding from
 * the directory what they lack. The result is the state the one-step restore
 * built; meanwhile the state says `restoring`, and a sign-in to another
 * organization is never given the saved units.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  BADGE_SHOWN_WAIT_MS,
  liveWithAlerts,
  hydrate,
  unitsRestoreWait,
} from '../../lib/lifecycle';
import type { Directory } from '../../lib/model';
import { reduceAll, initialState } from '../../lib/state';
import {
  DEFAULT_SCOPE,
  saveSnapshot,
  saveStoredDirectory,
  sessionItem,
  type PersistedSnapshot,
} from '../../lib/storage';
import { createStore, initialWorkerState, type Store } from '../../lib/store';
import { alert, directory, MINUTE, prefs, reading, session, T0, unitInfo } from './fixtures';

const ORG = 'org-1';

/** u1 and u2 have a REST last reading; u3 none. */
function savedDirectory(): Directory {
  return {
    ...directory(),
    organizationId: ORG,
    units: [
      unitInfo({ id: 'u1', lastTemperature: 3.1, lastReadingAt: T0 - 10 * MINUTE }),
      unitInfo({ id: 'u2', lastTemperature: -18, lastReadingAt: T0 - 3 * MINUTE }),
      unitInfo({ id: 'u3', siteId: 's2', areaId: 'a2' }),
    ],
  };
}

/** u1's saved reading is newer than its REST one, u2's older. */
function savedSnapshot(): PersistedSnapshot {
  return {
    savedAt: T0 - MINUTE,
    organizationId: ORG,
    latest: [
      {
        unitId: 'u1',
        reading: reading({ id: 'r1', unitId: 'u1', at: T0 - 2 * MINUTE }),
        state: 'normal',
      },
      {
        unitId: 'u2',
        reading: reading({ id: 'r2', unitId: 'u2', at: T0 - 5 * MINUTE }),
        state: 'normal',
      },
    ],
    alerts: [alert({ id: 'al1', unitId: 'u1' })],
    tombstones: [['al0', T0 - 4 * MINUTE]],
    lastDataAt: T0 - 2 * MINUTE,
  };
}

function newStore(): Store {
  return createStore(initialWorkerState(T0, { preferences: prefs(), scope: DEFAULT_SCOPE }));
}

/** A promise with its resolver, for `beforeUnits`. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a woken worker restores the badge first, the units after', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await sessionItem.setValue(session({ organizationId: ORG }));
    await saveStoredDirectory(savedDirectory());
    await saveSnapshot(savedSnapshot());
  });

  it('holds the units back until the first alert list, then builds the one-step state', async () => {
    const store = newStore();
    const units = gate();
    let joined = 0;
    const done = hydrate(store, () => T0, {
      onDirectory: () => (joined += 1),
      beforeUnits: () => units.promise,
    });
    await tick();
    await tick();
    const early = store.getState();
    expect(early.restoring).toBe(true);
    expect(joined).toBe(1);
    expect(early.live.directory?.units.map((u) => u.id)).toEqual(['u1', 'u2', 'u3']);
    expect([...early.live.alerts.keys()]).toEqual(['al1']);
    expect(early.live.tombstones.has('al0')).toBe(true);
    // No unit yet: neither the saved readings nor the directory's.
    expect(early.live.units.size).toBe(0);

    units.open();
    await done;
    const state = store.getState();
    expect(state.restoring).toBe(false);
    // What restoring the directory, then the snapshot, in one step gave.
    const oneStep = reduceAll(initialState(T0), [
      { type: 'directory/loaded', directory: savedDirectory() },
      { type: 'snapshot/restored', snapshot: savedSnapshot(), at: T0 },
    ]);
    const latest = (s: typeof oneStep) =>
      Object.fromEntries([...s.units].map(([id, unit]) => [id, unit.latest?.id ?? null]));
    expect(latest(state.live)).toEqual(latest(oneStep));
    expect(latest(state.live)).toEqual({ u1: 'r1', u2: 'u2@' + String(T0 - 3 * MINUTE) });
    expect([...state.live.alerts.keys()]).toEqual([...oneStep.alerts.keys()]);
    expect(state.live.connection.lastDataAt).toBe(oneStep.connection.lastDataAt);
  });

  it('never gives the saved units to another organization signed in meanwhile', async () => {
    const store = newStore();
    const units = gate();
    const done = hydrate(store, () => T0, { beforeUnits: () => units.promise });
    await tick();
    await tick();
    store.dispatch({ type: 'session/begun', session: session({ organizationId: 'org-2' }) });
    units.open();
    await done;
    expect(store.getState().live.units.size).toBe(0);
    expect(store.getState().restoring).toBe(false);
  });

  it('without saved readings, seeds the units from the directory once the wait ends', async () => {
    await fakeBrowser.storage.session.clear();
    const store = newStore();
    await hydrate(store, () => T0, { beforeUnits: () => Promise.resolve() });
    const { live, restoring } = store.getState();
    expect(restoring).toBe(false);
    expect([...live.units.keys()].sort()).toEqual(['u1', 'u2']);
  });
});

describe('liveWithAlerts', () => {
  function connecting(): Store {
    const store = newStore();
    store.dispatch({ type: 'connection/connecting', at: T0 });
    return store;
  }

  it('resolves on the first open-alert list once live', async () => {
    const store = connecting();
    let resolved = false;
    const waiting = liveWithAlerts(store, 60_000).then(() => (resolved = true));
    store.dispatch({ type: 'connection/live', at: T0, recovered: false });
    await tick();
    expect(resolved).toBe(false);
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0 });
    await waiting;
    expect(resolved).toBe(true);
  });

  it('resolves when the connection goes live after the list (asked beside the handshake)', async () => {
    const store = connecting();
    let resolved = false;
    const waiting = liveWithAlerts(store, 60_000).then(() => (resolved = true));
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0 });
    await tick();
    // Still connecting: the badge does not count the list yet.
    expect(resolved).toBe(false);
    store.dispatch({ type: 'connection/live', at: T0, recovered: false });
    await waiting;
    expect(resolved).toBe(true);
  });

  it('resolves when the connection falls back instead of going live', async () => {
    const store = connecting();
    const waiting = liveWithAlerts(store, 60_000);
    store.dispatch({
      type: 'connection/down',
      at: T0,
      offline: true,
      error: { code: 'browser-offline', message: 'This computer is offline', at: T0 },
    });
    await expect(waiting).resolves.toBeUndefined();
  });

  it('resolves at once when nothing is connecting, and at the cap otherwise', async () => {
    await expect(liveWithAlerts(newStore(), 60_000)).resolves.toBeUndefined();
    const started = Date.now();
    await liveWithAlerts(connecting(), 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('unitsRestoreWait', () => {
  function live(): Store {
    const store = newStore();
    store.dispatch({ type: 'connection/connecting', at: T0 });
    store.dispatch({ type: 'connection/live', at: T0, recovered: false });
    return store;
  }

  it('waits for the first alert list, then for the badge writes in flight', async () => {
    const store = live();
    let badgeShown: () => void = () => undefined;
    let askedBadge = false;
    let resolved = false;
    const waiting = unitsRestoreWait(store, () => {
      askedBadge = true;
      return new Promise((resolve) => (badgeShown = resolve));
    }).then(() => (resolved = true));
    await tick();
    expect(askedBadge).toBe(false);
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0 });
    await tick();
    // The list is in; the badge it drew is not answered yet.
    expect(askedBadge).toBe(true);
    expect(resolved).toBe(false);
    badgeShown();
    await waiting;
    expect(resolved).toBe(true);
  });

  it('does not wait longer than BADGE_SHOWN_WAIT_MS for a badge the browser never answers', async () => {
    const store = live();
    const waiting = unitsRestoreWait(store, () => new Promise(() => undefined));
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0 });
    const started = Date.now();
    await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(BADGE_SHOWN_WAIT_MS - 5);
  });
});
