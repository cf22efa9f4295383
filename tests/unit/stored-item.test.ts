/**
 * Our stored items (lib/storage.ts `defineItem`, #14): nothing is read until
 * asked (WXT's read every item at definition, the worker's module
 * evaluation), and values and version markers are stored as WXT stored them.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { defineItem } from '../../lib/storage';

describe('stored items (#14)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('reads nothing when defined, and the fallback when nothing is stored', async () => {
    const local = vi.spyOn(fakeBrowser.storage.local, 'get');
    const item = defineItem<Record<string, number>>('local:things', { fallback: {}, version: 1 });
    const versioned = defineItem<{ a: number; b?: number }>('local:versioned', {
      fallback: { a: 0 },
      version: 2,
      migrations: { 2: (old: { a: number }) => ({ ...old, b: 1 }) },
    });
    expect(local).not.toHaveBeenCalled();
    expect(await item.getValue()).toEqual({});
    expect(await versioned.getValue()).toEqual({ a: 0 });
  });

  it('stores under the key, in its area, with the version marker of a versioned item', async () => {
    const token = defineItem<string | null>('session:token', { fallback: null, version: 1 });
    const versioned = defineItem<{ a: number }>('local:versioned', {
      fallback: { a: 0 },
      version: 2,
      migrations: { 2: (old: { a: number }) => old },
    });
    await token.setValue('t');
    await versioned.setValue({ a: 3 });
    expect(await fakeBrowser.storage.session.get('token')).toEqual({ token: 't' });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      versioned: { a: 3 },
      versioned$: { v: 2 },
    });
    await token.setValue(null);
    expect(await token.getValue()).toBeNull();
    await versioned.removeValue();
    expect(await versioned.getValue()).toEqual({ a: 0 });
  });

  it('migrates an older value once, at its first use, and never a current one', async () => {
    await fakeBrowser.storage.local.set({ old: { a: 1 }, old$: { v: 1 } });
    const migration = vi.fn((old: { a: number }) => ({ ...old, b: 2 }));
    const item = defineItem<{ a: number; b?: number }>('local:old', {
      fallback: { a: 0 },
      version: 2,
      migrations: { 2: migration },
    });
    expect(await item.getValue()).toEqual({ a: 1, b: 2 });
    expect(await item.getValue()).toEqual({ a: 1, b: 2 });
    expect(migration).toHaveBeenCalledTimes(1);
    expect(await fakeBrowser.storage.local.get('old$')).toEqual({ old$: { v: 2 } });
  });
});
