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
 *
 * Sessions (issue #11): every sign-in (`save`) and sign-out (`clear`) starts a
 * new session epoch and aborts the previous one's signal. A refresh carries the
 * epoch it started in; its answer is written only if that epoch is still the
 * current one, so a refresh that lands after sign-out (or after signing in to
 * another server) is dropped instead of bringing tokens back. Writes are
 * serialised, so a refresh already writing when the session ends is followed
 * by the removal, never the other way round. Signing in removes every token of
 * the previous session first, including a refresh token of another server.
 *
 * Stack Auth (issue #10): access tokens live minutes, so a renewal is also
 * scheduled from the token's `exp` (`REFRESH_AHEAD_MS` before it), besides
 * the renewal on any rejection (a refused handshake, a REST 401). A scheduled
 * renewal the identity server refuses ends the session (`onRejected`).
 */
import type { ApiResult } from './api';
import {
  accessTokenItem,
  refreshTokenItem,
  sessionRefreshTokenItem as sessionRefreshItem,
  type AccessToken,
} from './storage';

/** How early a token is renewed before it expires. */
export const REFRESH_AHEAD_MS = 30_000;

/**
 * `superseded`: the session the refresh belonged to ended (sign-out or a new
 * sign-in) before it finished; its answer was dropped.
 */
export type RefreshOutcome =
  'refreshed' | 'rejected' | 'unreachable' | 'no-refresh-token' | 'superseded';

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number;
}

/** One session's identity: its epoch, and a signal aborted when it ends. */
export interface SessionRef {
  readonly epoch: number;
  readonly signal: AbortSignal;
}

export interface TokenStore {
  /**
   * A usable access token (renewed first when about to expire), or `null`.
   * With `epoch`, `null` too when that session is no longer the current one:
   * a caller holding a client of session A never gets session B's token.
   */
  accessToken(epoch?: number): Promise<string | null>;
  /** Renews the access token with the refresh token (of `epoch`'s session, when given). */
  refresh(epoch?: number): Promise<RefreshOutcome>;
  /**
   * Starts a new session with these tokens: every token of the previous one
   * is removed first, and its in-flight refresh is dropped. Resolves to the
   * new epoch.
   */
  save(tokens: TokenSet, keepSignedIn: boolean): Promise<number>;
  /** Ends the session: removes every token and drops an in-flight refresh. */
  clear(): Promise<void>;
  /** The current session's epoch. */
  epoch(): number;
  /** The current session: its epoch and the signal that aborts when it ends. */
  current(): SessionRef;
  /** The tokens held now (to revoke the session at sign-out); never logged. */
  held(): Promise<{ accessToken: string | null; refreshToken: string | null }>;
  /** Schedules the renewal from the stored token (after a worker restart). */
  resume(): Promise<void>;
  /** Cancels the scheduled renewal (the worker instance stops); storage is left as it is. */
  dispose(): void;
  /**
   * Starts reading the stored access token now, for the next `accessToken()`
   * of this session (#14): a woken worker asks for it first thing, before the
   * large restore reads, and its handshake then does not wait behind them.
   * Every caller shares it, in flight and landed, until a write; never used
   * after a write or by a new session.
   */
  readAhead(): void;
}

/** What renews the access token: the Stack Auth client of the session (lib/session.ts). */
export interface TokenRefresher {
  /** The session the client serves; a refresh through another session's client is refused. */
  readonly session: SessionRef | undefined;
  /** The renewal's raw answer, parsed by `parseTokens`. */
  refresh(refreshToken: string): Promise<ApiResult<unknown>>;
}

/** Timers of the scheduled renewal; tests pass fake ones. */
export interface RefreshTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface TokenStoreDeps {
  /** The token refresher of the current session (its `session.epoch` is checked). */
  api: () => TokenRefresher | null;
  keepSignedIn: () => boolean;
  parseTokens: (raw: unknown) => TokenSet | null;
  now: () => number;
  /** Timers for the renewal scheduled from `exp`; none is scheduled without them. */
  timers?: RefreshTimers;
  /** A scheduled renewal was refused: the session is over (the caller signs out). */
  onRejected?: (epoch: number) => void;
}

export function createTokenStore(deps: TokenStoreDeps): TokenStore {
  let epoch = 0;
  let controller = new AbortController();
  let inflight: { epoch: number; promise: Promise<RefreshOutcome> } | null = null;
  /** Every storage write, in call order (see the module comment). */
  let writes: Promise<unknown> = Promise.resolve();
  let timer: { handle: unknown } | null = null;
  /** Writes started so far: a read made before one is not used after it. */
  let writeCount = 0;
  /** Whether a write queued in `writes` has not landed yet. */
  let writing = false;
  /**
   * The stored access token's read, in flight or landed (or asked ahead,
   * `readAhead`), shared by every caller of its epoch until a write starts
   * (#14): only this store writes it, so every handshake and REST call after
   * the first reads memory, not `storage.session`, whose queue a woken worker
   * fills with its large restore reads and writes; and the handshake and the
   * first alert list, asking at once, share one read.
   */
  let reading: { epoch: number; writes: number; value: Promise<AccessToken | null> } | null = null;

  function cancelSchedule(): void {
    if (timer !== null) deps.timers?.clearTimeout(timer.handle);
    timer = null;
  }

  /** Renews `REFRESH_AHEAD_MS` before `expiresAt` (at once when that is past). */
  function schedule(expiresAt: number, forEpoch: number): void {
    cancelSchedule();
    const timers = deps.timers;
    if (timers === undefined || expiresAt <= 0 || forEpoch !== epoch) return;
    const delay = Math.max(0, expiresAt - REFRESH_AHEAD_MS - deps.now());
    const entry = {
      handle: timers.setTimeout(() => {
        if (timer === entry) timer = null;
        void refresh(forEpoch).then((outcome) => {
          if (outcome === 'rejected' && forEpoch === epoch) deps.onRejected?.(forEpoch);
        });
      }, delay),
    };
    timer = entry;
  }

  function serial<T>(task: () => Promise<T>): Promise<T> {
    writeCount += 1;
    reading = null;
    const run = writes.then(task, task);
    const settled = run.catch(() => undefined);
    writes = settled;
    void settled.then(() => {
      if (writes === settled) writing = false;
    });
    writing = true;
    return run;
  }

  /** Ends the current session synchronously: later writes of it are dropped. */
  function nextEpoch(): number {
    cancelSchedule();
    controller.abort();
    controller = new AbortController();
    epoch += 1;
    inflight = null;
    return epoch;
  }

  async function readRefreshToken(): Promise<string | null> {
    // A sign-in may be replacing the tokens right now: read after it.
    await writes;
    return (await refreshTokenItem.getValue()) ?? (await sessionRefreshItem.getValue());
  }

  function removeAll(): Promise<unknown> {
    return Promise.all([
      accessTokenItem.removeValue(),
      refreshTokenItem.removeValue(),
      sessionRefreshItem.removeValue(),
    ]);
  }

  async function write(tokens: TokenSet, keepSignedIn: boolean): Promise<void> {
    const access: AccessToken = { token: tokens.accessToken, expiresAt: tokens.expiresAt };
    await accessTokenItem.setValue(access);
    if (tokens.refreshToken === null) return;
    schedule(tokens.expiresAt, epoch);
    if (keepSignedIn) {
      await refreshTokenItem.setValue(tokens.refreshToken);
      await sessionRefreshItem.removeValue();
    } else {
      await sessionRefreshItem.setValue(tokens.refreshToken);
      await refreshTokenItem.removeValue();
    }
  }

  async function doRefresh(started: number): Promise<RefreshOutcome> {
    const refreshToken = await readRefreshToken();
    // The client must be this session's: another server must never see this refresh token.
    const client = deps.api();
    if (started !== epoch) return 'superseded';
    if (refreshToken === null || client === null) return 'no-refresh-token';
    if (client.session?.epoch !== started) return 'superseded';
    const result = await client.refresh(refreshToken);
    if (started !== epoch) return 'superseded';
    if (!result.ok) {
      if (result.error.kind === 'superseded') return 'superseded';
      return result.error.kind === 'unreachable' ||
        (result.error.kind === 'http' && result.error.status >= 500)
        ? 'unreachable'
        : 'rejected';
    }
    const tokens = deps.parseTokens(result.value);
    if (tokens === null) return 'unreachable';
    const keep = deps.keepSignedIn();
    return serial(async () => {
      if (started !== epoch) return 'superseded';
      await write({ ...tokens, refreshToken: tokens.refreshToken ?? refreshToken }, keep);
      return 'refreshed';
    });
  }

  function refresh(forEpoch?: number): Promise<RefreshOutcome> {
    if (forEpoch !== undefined && forEpoch !== epoch) return Promise.resolve('superseded');
    if (inflight === null || inflight.epoch !== epoch) {
      const entry = { epoch, promise: doRefresh(epoch) };
      inflight = entry;
      void entry.promise.finally(() => {
        if (inflight === entry) inflight = null;
      });
    }
    return inflight.promise;
  }

  /**
   * Reads the stored access token for `forEpoch`, after the writes queued so
   * far; a failed read is not shared. With none pending it is asked at once:
   * a woken worker's read ahead must reach the browser before the large
   * restore reads asked right after it.
   */
  function startReading(forEpoch: number): NonNullable<typeof reading> {
    const value = writing
      ? writes.then(() => accessTokenItem.getValue())
      : accessTokenItem.getValue();
    const entry = { epoch: forEpoch, writes: writeCount, value };
    reading = entry;
    value.catch(() => {
      if (reading === entry) reading = null;
    });
    return entry;
  }

  async function readAccess(started: number): Promise<AccessToken | null> {
    await writes;
    const shared =
      reading !== null && reading.epoch === started && reading.writes === writeCount
        ? reading
        : startReading(started);
    const value = await shared.value;
    return started === epoch ? value : null;
  }

  return {
    async accessToken(forEpoch) {
      const started = forEpoch ?? epoch;
      if (started !== epoch) return null;
      const current = await readAccess(started);
      if (current === null) {
        if (started !== epoch) return null;
        return (await refresh(started)) === 'refreshed'
          ? ((await readAccess(started))?.token ?? null)
          : null;
      }
      const expiring = current.expiresAt > 0 && current.expiresAt - deps.now() < REFRESH_AHEAD_MS;
      if (expiring && (await refresh(started)) === 'refreshed') {
        return (await readAccess(started))?.token ?? null;
      }
      return started === epoch ? current.token : null;
    },
    refresh,
    save(tokens, keepSignedIn) {
      const started = nextEpoch();
      return serial(async () => {
        await removeAll();
        if (started === epoch) await write(tokens, keepSignedIn);
        return started;
      });
    },
    async clear() {
      nextEpoch();
      await serial(removeAll);
    },
    epoch: () => epoch,
    current: () => ({ epoch, signal: controller.signal }),
    async held() {
      await writes;
      const [access, refreshToken] = await Promise.all([
        accessTokenItem.getValue(),
        readRefreshToken(),
      ]);
      return { accessToken: access?.token ?? null, refreshToken };
    },
    dispose: cancelSchedule,
    readAhead() {
      startReading(epoch);
    },
    async resume() {
      const started = epoch;
      const [access, refreshToken] = await Promise.all([readAccess(started), readRefreshToken()]);
      if (access !== null && refreshToken !== null && started === epoch) {
        schedule(access.expiresAt, started);
      }
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
