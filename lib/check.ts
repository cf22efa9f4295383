/**
 * Shape checks for what crosses a trust boundary into the worker: the
 * backend's payloads (`lib/protocol.ts`), the pages' messages
 * (`lib/messages.ts`), the Stack Auth answers and the managed policy.
 *
 * They replace valibot in the worker (issue #14, row 6a: valibot was 9.6 KiB
 * of the background bundle). Each check is a function from the input to the
 * checked value, or `NO` with the first issue left in `lastIssue`. Results and
 * issue texts are valibot 1.x's for every schema Frostline uses (checked
 * against valibot itself in tests/unit/check.test.ts):
 * - `object` keeps only the keys it names; `looseObject` keeps the rest too;
 * - a key the input lacks takes its `fallback`, or its `optional` default,
 *   is left out when optional, and is an issue otherwise;
 * - a `fallback` replaces whatever fails its check;
 * - `variant` takes the first option whose discriminator matches and passes.
 */

export const NO: unique symbol = Symbol('no');
export type No = typeof NO;

export interface Issue {
  path: string[];
  message: string;
}

/** The issue of the last check that answered `NO`. */
export let lastIssue: Issue = { path: [], message: '' };

const OMIT: unique symbol = Symbol('omit');

export interface Schema<T, Optional extends boolean = false> {
  (input: unknown): T | No;
  /** What a type issue says was expected, as valibot words it. */
  readonly expects: string;
  /** For a key the input lacks: the value to use, or `OMIT`; none: a key issue. */
  readonly missing?: () => unknown;
  /** Type only: the key may be absent from the output. */
  readonly optional?: Optional;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema, whatever its output
type AnySchema = Schema<any, boolean>;
export type Output<S> = S extends Schema<infer T, boolean> ? T : never;
type Entries = Record<string, AnySchema>;
type OptionalKeys<E extends Entries> = {
  [K in keyof E]: E[K] extends Schema<unknown, true> ? K : never;
}[keyof E];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOutput<E extends Entries> = Simplify<
  { -readonly [K in Exclude<keyof E, OptionalKeys<E>>]: Output<E[K]> } & {
    -readonly [K in OptionalKeys<E>]?: Output<E[K]>;
  }
>;

export interface ObjectSchema<E extends Entries, T = ObjectOutput<E>> extends Schema<T> {
  readonly entries: E;
}

function schema<T, Optional extends boolean = false>(
  expects: string,
  run: (input: unknown) => T | No,
  missing?: () => unknown,
): Schema<T, Optional> {
  return Object.assign(run, { expects, missing }) as Schema<T, Optional>;
}

/** valibot's `_stringify`: how an issue names what it received. */
function received(input: unknown): string {
  const type = typeof input;
  if (type === 'string') return `"${input as string}"`;
  if (type === 'number' || type === 'bigint' || type === 'boolean') return `${input as number}`;
  if (type === 'object' || type === 'function')
    return (
      (input && (Object.getPrototypeOf(input) as { constructor?: { name?: string } } | null))
        ?.constructor?.name ?? 'null'
    );
  return type;
}

function fail(kind: string, expected: string, got: string): No {
  lastIssue = { path: [], message: `Invalid ${kind}: Expected ${expected} but received ${got}` };
  return NO;
}

function typed<T>(expects: string, test: (input: unknown) => boolean): Schema<T> {
  return schema(expects, (input) =>
    test(input) ? (input as T) : fail('type', expects, received(input)),
  );
}

export const string = (): Schema<string> => typed('string', (x) => typeof x === 'string');
export const number = (): Schema<number> =>
  typed('number', (x) => typeof x === 'number' && !Number.isNaN(x));
export const boolean = (): Schema<boolean> => typed('boolean', (x) => typeof x === 'boolean');
export const unknown = (): Schema<unknown> => schema('unknown', (input) => input);
export const never = (): Schema<never> => typed('never', () => false);

const join = (list: string[]) => (list.length > 1 ? `(${list.join(' | ')})` : (list[0] ?? 'never'));

export const literal = <const T extends string | boolean>(value: T): Schema<T> =>
  typed(received(value), (x) => x === value);

export const picklist = <const T extends readonly string[]>(options: T): Schema<T[number]> =>
  typed(join(options.map(received)), (x) => options.includes(x as string));

/** A further condition on a checked value (valibot's `pipe` actions). */
export function refine<T>(
  base: Schema<T>,
  ok: (value: T) => boolean,
  kind: string,
  expected: string,
): Schema<T> {
  return schema(base.expects, (input) => {
    const value = base(input);
    if (value === NO) return NO;
    return ok(value) ? value : fail(kind, expected, received(value));
  });
}

/** A string, trimmed, then `min`..`max` characters long and matching `pattern`. */
export function text(
  max: number,
  { min = 0, trim = false, pattern }: { min?: number; trim?: boolean; pattern?: RegExp } = {},
): Schema<string> {
  return schema('string', (input) => {
    if (typeof input !== 'string') return fail('type', 'string', received(input));
    const value = trim ? input.trim() : input;
    if (value.length < min) return fail('length', `>=${min}`, `${value.length}`);
    if (value.length > max) return fail('length', `<=${max}`, `${value.length}`);
    if (pattern !== undefined && !pattern.test(value))
      return fail('format', `${pattern}`, received(value));
    return value;
  });
}

export function array<T>(item: Schema<T>, maxLength = Infinity): Schema<T[]> {
  return schema('Array', (input) => {
    if (!Array.isArray(input)) return fail('type', 'Array', received(input));
    const out: T[] = [];
    for (let i = 0; i < input.length; i++) {
      const value = item(input[i]);
      if (value === NO) {
        lastIssue.path.unshift(String(i));
        return NO;
      }
      out.push(value);
    }
    return out.length > maxLength ? fail('length', `<=${maxLength}`, `${out.length}`) : out;
  });
}

/** `undefined` passes (or becomes `fallback`); a missing key is left out or takes the default. */
export function optional<T>(inner: Schema<T>): Schema<T | undefined, true>;
export function optional<T>(inner: Schema<T>, fallback: T): Schema<T>;
export function optional<T>(inner: Schema<T>, fallback?: T): Schema<T | undefined, boolean> {
  const run = (input: unknown) =>
    input !== undefined ? inner(input) : fallback === undefined ? undefined : inner(fallback);
  return schema(inner.expects, run, fallback === undefined ? () => OMIT : () => inner(fallback));
}

/** `null` and `undefined` pass; a missing key is left out. */
export function nullish<T>(inner: Schema<T>): Schema<T | null | undefined, true> {
  return schema(
    inner.expects,
    (input) => (input == null ? input : inner(input)),
    () => OMIT,
  );
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return schema(`(${inner.expects} | null)`, (input) => (input === null ? null : inner(input)));
}

/** Whatever fails `inner` (or is missing) becomes `value`. */
export function fallback<T>(inner: Schema<T>, value: T): Schema<T> {
  return schema(
    inner.expects,
    (input) => {
      const checked = inner(input);
      return checked === NO ? value : checked;
    },
    () => value,
  );
}

function isLooseKey(input: object, key: string): boolean {
  return (
    Object.hasOwn(input, key) && key !== '__proto__' && key !== 'prototype' && key !== 'constructor'
  );
}

function makeObject<E extends Entries, T>(entries: E, loose: boolean): ObjectSchema<E, T> {
  const run = (input: unknown): T | No => {
    if (!input || typeof input !== 'object') return fail('type', 'Object', received(input));
    const source = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key in entries) {
      const entry = entries[key] as AnySchema;
      if (key in source) {
        const value: unknown = entry(source[key]);
        if (value === NO) {
          lastIssue.path.unshift(key);
          return NO;
        }
        out[key] = value;
      } else if (entry.missing !== undefined) {
        const value = entry.missing();
        if (value !== OMIT) out[key] = value;
      } else {
        fail('key', `"${key}"`, 'undefined');
        lastIssue.path.unshift(key);
        return NO;
      }
    }
    if (loose)
      for (const key in source)
        if (isLooseKey(source, key) && !Object.hasOwn(entries, key)) out[key] = source[key];
    return out as T;
  };
  return Object.assign(schema<T>('Object', run), { entries });
}

/** An object with the keys `entries` names, and only those. */
export const object = <E extends Entries>(entries: E): ObjectSchema<E> =>
  makeObject(entries, false);

/** An object with the keys `entries` names, checked, and any other key as it is. */
export const looseObject = <E extends Entries>(
  entries: E,
): ObjectSchema<E, ObjectOutput<E> & Record<string, unknown>> => makeObject(entries, true);

/** Every entry optional (valibot's `partial`). */
export function partial<E extends Entries>(
  entries: E,
): { [K in keyof E]: Schema<Output<E[K]> | undefined, true> } {
  const out: Record<string, AnySchema> = {};
  for (const key in entries) out[key] = optional(entries[key] as Schema<unknown>);
  return out as { [K in keyof E]: Schema<Output<E[K]> | undefined, true> };
}

/** The first option whose `key` matches and that passes as a whole. */
export function variant<const O extends readonly ObjectSchema<Entries, unknown>[]>(
  key: string,
  options: O,
): Schema<Output<O[number]>> {
  return schema('Object', (input) => {
    if (!input || typeof input !== 'object') return fail('type', 'Object', received(input));
    const source = input as Record<string, unknown>;
    const expected: string[] = [];
    for (const option of options) {
      const discriminator = option.entries[key] as AnySchema;
      if (key in source && discriminator(source[key]) !== NO) {
        const value = option(input);
        if (value !== NO) return value as Output<O[number]>;
      } else expected.push(discriminator.expects);
    }
    fail('type', join(expected), received(source[key]));
    lastIssue.path.unshift(key);
    return NO;
  });
}

/** The first option that passes. */
export function union<const O extends readonly AnySchema[]>(options: O): Schema<Output<O[number]>> {
  const expects = join(options.map((option) => option.expects));
  return schema(expects, (input) => {
    for (const option of options) {
      const value: unknown = option(input);
      if (value !== NO) return value as Output<O[number]>;
    }
    return fail('type', expects, received(input));
  });
}

export const is = (check: AnySchema, input: unknown): boolean => check(input) !== NO;
