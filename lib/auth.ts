/**
 * Tokens of the signed-in session (issue #3).
 *
 * - The access token lives in `storage.session`. The refresh token lives in
 *   `storage.local` only with "Keep me signed in"; otherwise in
 *   `storage.session`, so it still renews the session until the browser
 *   closes but never touches disk.
 * - `accessToken()` refreshes ahead of expiry, so a reconnect handshake rarely
 *   meets an expired token; `refresh()` is single-flight so a storm of 401s
 *   and a reconnect share one refresh.
 * - Tokens never leave this module except as the handshake `auth` value and
 *   the `Authorization` header; errors name what failed, not the token.
 */
import type { ApiClient } from './api';
import {
  accessTokenItem,
  refreshTokenItem,
  sessionRefreshTokenItem as sessionRefreshItem,
  type AccessToken,
} from './storage';

/** How early a token is renewed before it expires. */
export const REFRESH_AHEAD_MS = 30_000;

export type RefreshOutcome = 'refreshed' | 'rejected' | 'unreachable' | 'no-refresh-token';

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number;
}

export interface TokenStore {
  /** A usable access token (renewed first when about to expire), or `null`. */
  accessToken(): Promise<string | null>;
  /** Renews the access token with the refresh token. */
  refresh(): Promise<RefreshOutcome>;
  save(tokens: TokenSet, keepSignedIn: boolean): Promise<void>;
  clear(): Promise<void>;
}

export interface TokenStoreDeps {
  api: () => ApiClient | null;
  keepSignedIn: () => boolean;
  parseTokens: (raw: unknown) => TokenSet | null;
  now: () => number;
}

export function createTokenStore(deps: TokenStoreDeps): TokenStore {
  let inflight: Promise<RefreshOutcome> | null = null;

  async function readRefreshToken(): Promise<string | null> {
    return (await refreshTokenItem.getValue()) ?? (await sessionRefreshItem.getValue());
  }

  async function save(tokens: TokenSet, keepSignedIn: boolean): Promise<void> {
    const access: AccessToken = { token: tokens.accessToken, expiresAt: tokens.expiresAt };
    await accessTokenItem.setValue(access);
    if (tokens.refreshToken === null) return;
    if (keepSignedIn) {
      await refreshTokenItem.setValue(tokens.refreshToken);
      await sessionRefreshItem.removeValue();
    } else {
      await sessionRefreshItem.setValue(tokens.refreshToken);
      await refreshTokenItem.removeValue();
    }
  }

  async function doRefresh(): Promise<RefreshOutcome> {
    const refreshToken = await readRefreshToken();
    const client = deps.api();
    if (refreshToken === null || client === null) return 'no-refresh-token';
    const result = await client.refresh(refreshToken);
    if (!result.ok) {
      return result.error.kind === 'unreachable' ||
        (result.error.kind === 'http' && result.error.status >= 500)
        ? 'unreachable'
        : 'rejected';
    }
    const tokens = deps.parseTokens(result.value);
    if (tokens === null) return 'unreachable';
    await save(
      { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken },
      deps.keepSignedIn(),
    );
    return 'refreshed';
  }

  function refresh(): Promise<RefreshOutcome> {
    inflight ??= doRefresh().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async accessToken() {
      const current = await accessTokenItem.getValue();
      if (current === null) {
        return (await refresh()) === 'refreshed'
          ? ((await accessTokenItem.getValue())?.token ?? null)
          : null;
      }
      const expiring = current.expiresAt > 0 && current.expiresAt - deps.now() < REFRESH_AHEAD_MS;
      if (expiring && (await refresh()) === 'refreshed') {
        return (await accessTokenItem.getValue())?.token ?? current.token;
      }
      return current.token;
    },
    refresh,
    save,
    async clear() {
      await Promise.all([
        accessTokenItem.removeValue(),
        refreshTokenItem.removeValue(),
        sessionRefreshItem.removeValue(),
      ]);
    },
  };
}

/**
 * Reads `exp` from a JWT without verifying it (the server verifies); used for
 * pasted tokens so that the extension knows when one will expire. 0 if unknown.
 */
export function jwtExpiry(token: string): number {
  const part = token.split('.')[1];
  if (part === undefined) return 0;
  try {
    const json: unknown = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof json === 'object' && json !== null && 'exp' in json) {
      const exp = (json as { exp: unknown }).exp;
      if (typeof exp === 'number' && Number.isFinite(exp)) return exp * 1000;
    }
  } catch {
    return 0;
  }
  return 0;
}
