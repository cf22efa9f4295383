/**
 * lib/storage-item.ts replaced `@wxt-dev/storage` in the extension (issue
 * #14, row 6a). Stored data must read and be written exactly as before: the
 * same scripts run against both, from the same stored state, must leave the
 * same storage and read the same values.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { storage } from 'wxt/utils/storage';
import { defineItem } from '../../lib/storage-item';

type Prefs = { a: number; b?: number };
const migrations = { 2: (old: Prefs) => ({ ...old, b: 2 }) };

interface Item {
  getValue(): Promise<unknown>;
  setValue(value: never): Promise<void>;
  removeValue(): Promise<void>;
  migrate(): Promise<void>;
}
type Make = (key: `local:${string}` | `session:${string}`, opts: object) => Item;
const ours: Make = (key, opts) => defineItem(key, opts as never) as unknown as Item;
const wxt: Make = (key, opts) => storage.defineItem(key, opts) as unknown as Item;

type Script = (make: Make) => Promise<unknown[]>;

const SCRIPTS: [string, Record<string, unknown>, Script][] = [
  [
    'plain item: fallback, set, null removes, remove',
    {},
    async (make) => {
      const item = make('local:plain', { fallback: { x: 0 }, version: 1 });
      const reads = [await item.getValue()];
      await item.setValue({ x: 1 } as never);
      reads.push(await item.getValue());
      await item.setValue(null as never);
      reads.push(await item.getValue());
      await item.setValue({ x: 2 } as never);
      await item.removeValue();
      reads.push(await item.getValue());
      return reads;
    },
  ],
  [
    'falsy fallback and values in session storage',
    { flag: false },
    async (make) => {
      const item = make('session:flag', { fallback: false, version: 1 });
      const reads = [await item.getValue()];
      await item.setValue(true as never);
      reads.push(await item.getValue());
      await item.setValue(0 as never);
      reads.push(await item.getValue());
      return reads;
    },
  ],
  [
    'versioned item, nothing stored: the first value writes the version',
    {},
    async (make) => {
      const item = make('local:prefs', { fallback: { a: 0 }, version: 2, migrations });
      const reads = [await item.getValue()];
      await item.setValue({ a: 1 } as never);
      await item.setValue({ a: 3 } as never);
      reads.push(await item.getValue());
      return reads;
    },
  ],
  [
    'versioned item, version 1 stored: migrated before its first read',
    { prefs: { a: 5 }, prefs$: { v: 1, other: 'kept' } },
    async (make) => [
      await make('local:prefs', { fallback: { a: 0 }, version: 2, migrations }).getValue(),
    ],
  ],
  [
    'versioned item, value without a version: migrated from 1',
    { prefs: { a: 7 } },
    async (make) => [
      await make('local:prefs', { fallback: { a: 0 }, version: 2, migrations }).getValue(),
    ],
  ],
  [
    'versioned item, current version stored: left as it is',
    { prefs: { a: 7 }, prefs$: { v: 2 } },
    async (make) => {
      const item = make('local:prefs', { fallback: { a: 0 }, version: 2, migrations });
      const reads = [await item.getValue()];
      await item.setValue({ a: 8 } as never);
      reads.push(await item.getValue());
      return reads;
    },
  ],
  [
    'versioned item, a newer version stored: not migrated, still readable',
    { prefs: { a: 9 }, prefs$: { v: 3 } },
    async (make) => [
      await make('local:prefs', { fallback: { a: 0 }, version: 2, migrations }).getValue(),
    ],
  ],
];

async function run(make: Make, seed: Record<string, unknown>, script: Script) {
  fakeBrowser.reset();
  await fakeBrowser.storage.local.set(seed);
  await fakeBrowser.storage.session.set(seed);
  const reads = await script(make);
  return {
    reads,
    local: await fakeBrowser.storage.local.get(),
    session: await fakeBrowser.storage.session.get(),
  };
}

describe('storage items read and write as @wxt-dev/storage did (issue #14)', () => {
  beforeEach(() => fakeBrowser.reset());

  for (const [name, seed, script] of SCRIPTS)
    it(name, async () => {
      // A newer stored version is a failed migration, logged by both.
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const before = await run(wxt, seed, script);
      const after = await run(ours, seed, script);
      expect(after).toEqual(before);
    });

  it('migrate() brings a version-1 value up on demand', async () => {
    const item = defineItem<Prefs>('local:prefs', { fallback: { a: 0 }, version: 2, migrations });
    await fakeBrowser.storage.local.set({ prefs: { a: 1 }, prefs$: { v: 1 } });
    await item.migrate();
    expect(await fakeBrowser.storage.local.get()).toEqual({
      prefs: { a: 1, b: 2 },
      prefs$: { v: 2 },
    });
  });
});

describe('nothing is read until asked, a migration runs once (issue #14)', () => {
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
