/**
 * The saved snapshot's bound in `storage.session` (lib/storage.ts), issue
 * #11: the tokens share that area's 10 MB, so the snapshot must never be able
 * to take the room a token save needs.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { LIMITS } from '../../lib/normalize';
import {
  SESSION_STORAGE_QUOTA_BYTES,
  SNAPSHOT_MAX_BYTES,
  boundSnapshot,
  directoryItem,
  loadStoredDirectory,
  saveStoredDirectory,
  eventLogItem,
  excursionsItem,
  loadEventLog,
  loadExcursions,
  loadSnapshot,
  saveEventLog,
  saveExcursions,
  removeSnapshot,
  saveSnapshot,
  snapshotItem,
  alertsSnapshotItem,
  storedSize,
  type PersistedEventLog,
  type PersistedExcursions,
  type PersistedSnapshot,
} from '../../lib/storage';
import type { Directory } from '../../lib/model';
import { T0, alert, reading } from './fixtures';

/** What 50,000 ghost units and a flood of long alerts would have saved. */
function huge(): PersistedSnapshot {
  return {
    savedAt: T0,
    organizationId: 'org1',
    latest: Array.from({ length: 50_000 }, (_, i) => ({
      unitId: `ghost-${i}`,
      reading: reading({ id: `r-${i}`, unitId: `ghost-${i}`, at: T0 }),
      state: 'normal' as const,
    })),
    alerts: Array.from({ length: 20_000 }, (_, i) =>
      alert({ id: `al-${i}`, message: `é${'x'.repeat(LIMITS.message - 1)}` }),
    ),
    tombstones: Array.from({ length: 5_000 }, (_, i) => [`t-${i}`, T0] as [string, number]),
    lastDataAt: T0,
  };
}

describe('the saved snapshot (issue #11)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('is cut to SNAPSHOT_MAX_BYTES, keeping the newest alerts and tombstones', () => {
    const input = huge();
    expect(storedSize(input)).toBeGreaterThan(SESSION_STORAGE_QUOTA_BYTES);
    const bounded = boundSnapshot(input);
    expect(storedSize(bounded)).toBeLessThanOrEqual(SNAPSHOT_MAX_BYTES);
    expect(bounded.alerts.length).toBeGreaterThan(0);
    expect(bounded.alerts.at(-1)?.id).toBe('al-19999');
    expect(bounded.tombstones.at(-1)?.[0]).toBe('t-4999');
    expect(bounded.latest[0]?.unitId).toBe('ghost-0');
  });

  it('leaves a small snapshot as it is', () => {
    const small: PersistedSnapshot = {
      ...huge(),
      latest: [],
      alerts: [alert({ id: 'a1' })],
      tombstones: [],
    };
    expect(boundSnapshot(small)).toEqual(small);
  });

  it('leaves room for the largest tokens in the session area', async () => {
    await saveSnapshot(huge());
    const stored = await fakeBrowser.storage.session.get(['snapshot', 'alertsSnapshot']);
    const tokens = 2 * (LIMITS.token + 100);
    expect(stored.alertsSnapshot).toEqual(expect.any(String));
    expect(storedSize(stored.snapshot) + storedSize(stored.alertsSnapshot) + tokens).toBeLessThan(
      SESSION_STORAGE_QUOTA_BYTES / 4,
    );
  });

  it('stores the snapshot as one JSON string and reads it back, and reads an older object (#14)', async () => {
    const small: PersistedSnapshot = {
      ...huge(),
      latest: huge().latest.slice(0, 3),
      alerts: [alert({ id: 'a1' })],
      tombstones: [['a0', 1]],
    };
    await saveSnapshot(small);
    expect(typeof (await snapshotItem.getValue())).toBe('string');
    expect(await loadSnapshot()).toEqual(small);
    // Written whole by an earlier version (an object, alerts inside): still read.
    await alertsSnapshotItem.removeValue();
    await snapshotItem.setValue(small);
    expect(await loadSnapshot()).toEqual(small);
    await snapshotItem.setValue('{not json');
    expect(await loadSnapshot()).toBeNull();
  });

  it('stores the alerts apart from the readings, writes either half alone, and merges them only for one organization (#14)', async () => {
    const base: PersistedSnapshot = {
      ...huge(),
      latest: huge().latest.slice(0, 2),
      alerts: [alert({ id: 'a1' })],
      tombstones: [],
    };
    await saveSnapshot(base);
    await saveSnapshot(
      { ...base, latest: [], alerts: [alert({ id: 'a2' })] },
      {
        units: false,
        alerts: true,
      },
    );
    const loaded = await loadSnapshot();
    expect(loaded?.latest.map((l) => l.unitId)).toEqual(['ghost-0', 'ghost-1']);
    expect(loaded?.alerts.map((a) => a.id)).toEqual(['a2']);
    // Another organization's alerts are never merged into these readings.
    await saveSnapshot({ ...base, organizationId: 'org2' }, { units: false, alerts: true });
    expect((await loadSnapshot())?.alerts).toEqual([]);
    await removeSnapshot();
    expect(await loadSnapshot()).toBeNull();
    expect(await alertsSnapshotItem.getValue()).toBeNull();
  });

  it('a failed write removes the old snapshot and does not throw', async () => {
    await saveSnapshot({ ...huge(), latest: [], alerts: [], tombstones: [] });
    expect(await snapshotItem.getValue()).not.toBeNull();
    vi.spyOn(snapshotItem, 'setValue').mockRejectedValueOnce(
      new Error('QUOTA_BYTES quota exceeded'),
    );
    await expect(saveSnapshot(huge())).resolves.toBeUndefined();
    expect(await snapshotItem.getValue()).toBeNull();
  });
});

describe('the saved excursions and event log (#14)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('are stored as one JSON string each and read back, and an older object is still read', async () => {
    const excursions: PersistedExcursions = {
      organizationId: 'org1',
      savedAt: T0,
      units: { u1: { openSince: T0, before: null, closed: [] } },
    };
    await saveExcursions(excursions);
    expect(typeof (await excursionsItem.getValue())).toBe('string');
    expect(await loadExcursions()).toEqual(excursions);
    await excursionsItem.setValue(excursions);
    expect(await loadExcursions()).toEqual(excursions);
    await excursionsItem.setValue('{not json');
    expect(await loadExcursions()).toBeNull();

    const log: PersistedEventLog = { organizationId: 'org1', events: [], lookedAt: T0 };
    await saveEventLog(log);
    expect(typeof (await eventLogItem.getValue())).toBe('string');
    expect(await loadEventLog()).toEqual(log);
    await eventLogItem.setValue(log);
    expect(await loadEventLog()).toEqual(log);
    await eventLogItem.setValue(null);
    expect(await loadEventLog()).toBeNull();
  });

  it('the cached directory too', async () => {
    const directory = { sites: [], areas: [], units: [] } as unknown as Directory;
    await saveStoredDirectory(directory);
    expect(typeof (await directoryItem.getValue())).toBe('string');
    expect(await loadStoredDirectory()).toEqual(directory);
    await directoryItem.setValue(directory);
    expect(await loadStoredDirectory()).toEqual(directory);
  });
});
