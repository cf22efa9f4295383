/**
 * Preferences version 2 (issue #13) added `sound` and `realertMinutes`: a
 * version-1 value stored by an earlier release is migrated with their
 * defaults, keeping every choice the supervisor made.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { DEFAULT_PREFERENCES, migratePreferencesV2, preferencesItem } from '../../lib/storage';

const V1 = {
  minSeverity: 'critical',
  quietHours: { enabled: true, start: '21:00', end: '06:00' },
  mutedSiteIds: ['s1'],
  renotifyMinutes: 10,
  tempScale: 'F',
  staleMinutes: 20,
  dashboardUrlTemplate: '{server}/u/{unit}',
};

describe('preferences version 2', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a stored version-1 value gets the sound and re-alert defaults, and keeps the rest', async () => {
    await fakeBrowser.storage.local.set({ preferences: V1, preferences$: { v: 1 } });
    await preferencesItem.migrate();
    expect(await preferencesItem.getValue()).toEqual({
      ...V1,
      sound: { critical: 'repeat', warning: 'once', info: 'off' },
      realertMinutes: { critical: 30, warning: 30, info: 30 },
    });
  });

  it('fills a partly stored sound setting field by field', () => {
    const migrated = migratePreferencesV2({
      ...DEFAULT_PREFERENCES,
      sound: { critical: 'once' } as never,
    });
    expect(migrated.sound).toEqual({ critical: 'once', warning: 'once', info: 'off' });
  });
});
