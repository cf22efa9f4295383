/**
 * Managed configuration (issue #10): what an administrator presets through
 * enterprise policy (`storage.managed`, schema in `public/managed-schema.json`,
 * example in docs/managed-policy.md). A supervisor then only types an email
 * and a password. The only module that reads `storage.managed`.
 *
 * Browsers without `storage.managed` (or without a policy) read as "nothing
 * managed". Values are validated like typed ones; a malformed one is ignored.
 */
import type { WxtBrowser } from 'wxt/browser';
import * as v from './check';

/** The policy keys, as named in `public/managed-schema.json`. */
export interface ManagedConfig {
  /** The backend's URL. */
  serverUrl?: string;
  /** The Stack Auth project id. */
  stackProjectId?: string;
  /** The project's publishable client key (`pck_...`). */
  stackPublishableClientKey?: string;
  /** The Stack Auth API URL (default https://api.stack-auth.com). */
  stackApiUrl?: string;
  /**
   * The managed values cannot be changed on the options page (and the worker
   * uses them whatever a page sends); without it they are only prefilled.
   */
  lockConfiguration: boolean;
}

export const NOTHING_MANAGED: ManagedConfig = { lockConfiguration: false };

const value = (max: number) => v.optional(v.text(max, { min: 1, trim: true }));
export const ManagedConfigSchema = v.object({
  serverUrl: value(2048),
  stackProjectId: value(128),
  stackPublishableClientKey: value(256),
  stackApiUrl: value(2048),
  lockConfiguration: v.optional(v.boolean(), false),
});

const KEYS = [
  'serverUrl',
  'stackProjectId',
  'stackPublishableClientKey',
  'stackApiUrl',
  'lockConfiguration',
] as const;

/** Keeps the well-formed keys of a policy, one by one: a bad one must not void the others. */
export function parseManaged(raw: unknown): ManagedConfig {
  if (typeof raw !== 'object' || raw === null) return NOTHING_MANAGED;
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const entry: unknown = ManagedConfigSchema.entries[key]((raw as Record<string, unknown>)[key]);
    if (entry !== v.NO && entry !== undefined) out[key] = entry;
  }
  return { ...NOTHING_MANAGED, ...out };
}

type ChangeListener = (changes: unknown, area: string) => void;

/** Reads the policy; "nothing managed" where the browser has no managed storage or it fails. */
export async function readManaged(area: {
  managed?: Pick<WxtBrowser['storage']['managed'], 'get'>;
}): Promise<ManagedConfig> {
  if (area.managed === undefined) return NOTHING_MANAGED;
  try {
    return parseManaged(await area.managed.get(null));
  } catch {
    // Firefox without a policy file rejects; that is "nothing managed", not an error.
    return NOTHING_MANAGED;
  }
}

/** Calls `onChange` when the policy changes; returns the disposer. */
export function watchManaged(
  // Not named `storage`: WXT's import scan would take that name for its own
  // storage module and bundle it into the worker (issue #14, row 6a).
  area: {
    onChanged: {
      addListener(listener: ChangeListener): void;
      removeListener(listener: ChangeListener): void;
    };
  },
  onChange: () => void,
): () => void {
  const listener: ChangeListener = (_changes, area) => {
    if (area === 'managed') onChange();
  };
  area.onChanged.addListener(listener);
  return () => area.onChanged.removeListener(listener);
}
