/**
 * Typed, versioned storage items: the part of WXT's `@wxt-dev/storage` that
 * Frostline uses (`defineItem` with a fallback, a version and migrations;
 * `getValue`, `setValue`, `removeValue`, `migrate`), in a fraction of its
 * bytes (issue #14, row 6a: the package and its lock were 8 KiB of the
 * worker's bundle). What is stored is unchanged, so data written by earlier
 * releases reads the same:
 * - the value under its key in `storage.local` / `storage.session`; `null`
 *   or `undefined` removes it; a missing value reads as the fallback;
 * - the version under `key$` as `{ v }`, written with the first value of an
 *   item that has migrations, or by a migration;
 * - an item with migrations migrates at its first use (WXT's did at its
 *   definition), and every call waits for that; a failed migration is
 *   logged, not thrown.
 * Like `@wxt-dev/storage`, it talks to the browser's own storage API
 * (`browser` in Firefox, `chrome` in Chrome), not through the polyfill.
 */
import type { WxtBrowser } from 'wxt/browser';

type Area = 'local' | 'session';

export interface StorageItem<T> {
  readonly key: `${Area}:${string}`;
  readonly fallback: T;
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
  /** Brings a stored value of an earlier version up to `version`. */
  migrate(): Promise<void>;
}

export interface ItemOptions<T> {
  fallback: T;
  version: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration takes an earlier version's value
  migrations?: Record<number, (value: any) => T | Promise<T>>;
}

function storageArea(area: Area) {
  const scope = globalThis as unknown as { browser?: WxtBrowser; chrome?: WxtBrowser };
  const api = (scope.browser?.runtime?.id ? scope.browser : scope.chrome) as WxtBrowser;
  return api.storage[area];
}

type Meta = Record<string, unknown>;
const metaOf = (raw: unknown): Meta =>
  raw != null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Meta) : {};

export function defineItem<T>(key: `${Area}:${string}`, options: ItemOptions<T>): StorageItem<T> {
  const separator = key.indexOf(':');
  const area = () => storageArea(key.slice(0, separator) as Area);
  const name = key.slice(separator + 1);
  const metaKey = `${name}$`;
  const { fallback, version, migrations } = options;
  let needsVersionSet = false;

  const migrate = async () => {
    const stored = await area().get([name, metaKey]);
    const value: unknown = stored[name] ?? null;
    const meta = (stored[metaKey] ?? null) as Meta | null;
    needsVersionSet = value == null && meta?.v == null;
    if (value == null) return;
    const current = (meta?.v as number | undefined) ?? 1;
    if (current > version)
      throw Error(`Version downgrade detected (v${current} -> v${version}) for "${key}"`);
    let next = value;
    for (let to = current + 1; to <= version; to++) next = (await migrations?.[to]?.(next)) ?? next;
    if (current < version) await area().set({ [name]: next, [metaKey]: { ...meta, v: version } });
  };
  // Nothing is read until the item is first used (#14): WXT's items migrated
  // at definition, the worker's module evaluation, and those reads queued
  // ahead of the ones a woken worker needs to reconnect.
  let migrated: Promise<void> | null = null;
  const ready = (): Promise<void> =>
    migrations === undefined
      ? Promise.resolve()
      : (migrated ??= migrate().catch((error: unknown) => {
          console.error(`[storage] Migration failed for ${key}`, error);
        }));

  const write = (value: unknown) =>
    value == null ? area().remove(name) : area().set({ [name]: value });

  return {
    key,
    fallback,
    async getValue() {
      await ready();
      return (((await area().get(name)) as Record<string, unknown>)[name] ?? fallback ?? null) as T;
    },
    async setValue(value) {
      await ready();
      if (!needsVersionSet) return write(value);
      needsVersionSet = false;
      const setVersion = async () => {
        const meta = metaOf(((await area().get(metaKey)) as Record<string, unknown>)[metaKey]);
        await area().set({ [metaKey]: { ...meta, v: version } });
      };
      await Promise.all([write(value), setVersion()]);
    },
    async removeValue() {
      await ready();
      await area().remove(name);
    },
    migrate,
  };
}
