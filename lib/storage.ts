/**
 * Everything that must survive a service-worker restart (STYLE 9). Memory in
 * the worker holds only caches that can be rebuilt from these items and the
 * server.
 *
 * Where a secret lives is a security decision (issue #3): the access token is
 * in `storage.session` (memory only, gone when the browser closes, not exposed
 * to content scripts); the refresh token is in `storage.local` only when the
 * user chose "Keep me signed in". Nothing else stored here is secret.
 */
import { storage } from 'wxt/utils/storage';
import type {
  Alert,
  Directory,
  Preferences,
  Reading,
  Scope,
  SessionInfo,
  UnitState,
} from './model';

/** Defaults a fresh install starts with. */
export const DEFAULT_PREFERENCES: Preferences = {
  minSeverity: 'warning',
  quietHours: { enabled: false, start: '22:00', end: '07:00' },
  mutedSiteIds: [],
  renotifyMinutes: 0,
  tempScale: 'unit',
  staleMinutes: 15,
  dashboardUrlTemplate: '{server}/orgs/{org}/sites/{site}/units/{unit}',
};

export const DEFAULT_SCOPE: Scope = { kind: 'organization' };

/** The access token and when it stops working; never logged, never in a URL. */
export interface AccessToken {
  token: string;
  /** Epoch ms; 0 when unknown (a pasted token whose expiry we cannot read). */
  expiresAt: number;
}

/** What the popup paints from before the connection is back (issue #3). */
export interface PersistedSnapshot {
  savedAt: number;
  organizationId: string;
  latest: { unitId: string; reading: Reading | null; state: UnitState }[];
  alerts: Alert[];
  /** Resolved alert ids with when, so a replayed trigger stays resolved. */
  tombstones: [string, number][];
  lastDataAt: number | null;
}

/** Who is signed in (no token). `null` when signed out. */
export const sessionItem = storage.defineItem<SessionInfo | null>('local:session', {
  fallback: null,
  version: 1,
});

/** Access token; session storage only. */
export const accessTokenItem = storage.defineItem<AccessToken | null>('session:accessToken', {
  fallback: null,
  version: 1,
});

/** Refresh token; present only with "Keep me signed in". */
export const refreshTokenItem = storage.defineItem<string | null>('local:refreshToken', {
  fallback: null,
  version: 1,
});

/** Refresh token kept in memory only, when "Keep me signed in" is off. */
export const sessionRefreshTokenItem = storage.defineItem<string | null>('session:refreshToken', {
  fallback: null,
  version: 1,
});

/** Notification and display preferences. */
export const preferencesItem = storage.defineItem<Preferences>('local:preferences', {
  fallback: DEFAULT_PREFERENCES,
  version: 1,
});

/** The sites and units the supervisor watches. */
export const scopeItem = storage.defineItem<Scope>('local:scope', {
  fallback: DEFAULT_SCOPE,
  version: 1,
});

/** Cached unit directory (names, sites, thresholds), refreshed from REST. */
export const directoryItem = storage.defineItem<Directory | null>('local:directory', {
  fallback: null,
  version: 1,
});

/**
 * Alert ids already notified, with when: one notification per alert, ever,
 * across worker restarts and resyncs. Bounded by the caller.
 */
export const notifiedItem = storage.defineItem<Record<string, number>>('local:notified', {
  fallback: {},
  version: 1,
});

/** Alerts snoozed from a notification, with the epoch ms they wake again. */
export const snoozedItem = storage.defineItem<Record<string, number>>('local:snoozed', {
  fallback: {},
  version: 1,
});

/**
 * Last known state for an instant popup after a worker restart. Session
 * storage: it is rebuilt from the server after every connect anyway.
 */
export const snapshotItem = storage.defineItem<PersistedSnapshot | null>('session:snapshot', {
  fallback: null,
  version: 1,
});

/** Whether the "monitoring stopped" notification was already shown for this sign-out. */
export const stoppedNotifiedItem = storage.defineItem<boolean>('local:stoppedNotified', {
  fallback: false,
  version: 1,
});
