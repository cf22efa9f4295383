/**
 * The session: who is signed in and what that takes. `begin` starts
 * monitoring for a validated account, `end` stops it and forgets everything
 * tied to it, `refresh` renews the access token, `acknowledge` and
 * `directory` are the REST calls a signed-in supervisor makes. Failures are
 * mapped by the one error map (`lib/api-errors.ts`) the commands use too.
 */
import { markOnce } from './marks';
import { createApiClient, type ApiClient, type ApiResult } from './api';
import { apiFailure, commandError } from './api-errors';
import {
  createTokenStore,
  jwtExpiry,
  type RefreshTimers,
  type TokenRefresher,
  type TokenSet,
  type TokenStore,
} from './auth';
import { loadDirectory } from './directory-loader';
import type { LiveConnection } from './live-connection';
import type { Result } from './messages';
import type { Directory, SessionInfo } from './model';
import { normalizeAlertChange, type DiagnosticKind } from './normalize';
import { createStackAuthClient, type StackAuthClient, type StackConfig } from './stack-auth';
import {
  directoryItem,
  saveStoredDirectory,
  readsWholeDegreeLimits,
  sessionItem,
  setWholeDegreeLimits,
  removeSnapshot,
  stoppedNotifiedItem,
} from './storage';
import type { Store } from './store';

export interface SessionDeps {
  store: Pick<Store, 'getState' | 'dispatch'>;
  tokens: TokenStore;
  /** The API client of the signed-in server; null when signed out. */
  api(): ApiClient | null;
  /** Forget the current API client (the server changed). */
  resetApi(): void;
  /** Token calls bound to the current session's epoch (#11). */
  sessionTokens: SessionTokens;
  /** Stop the unknown-unit directory reloads of the previous session. */
  resetUnknownUnits(): void;
  connection: Pick<LiveConnection, 'start' | 'stop'>;
  now(): number;
  /** Local clock plus the server's offset. */
  serverNow(): number;
  dropped(kind: DiagnosticKind, count?: number): void;
  /** Reconciles the open alerts through REST (after a 409: who did it, and when). */
  refreshAlerts?(): void;
  /** Revokes a Stack Auth session (sign-out, issue #10). */
  revoke(config: StackConfig, accessToken: string | null, refreshToken: string): Promise<unknown>;
}

/** What a resolve records (PROTOCOL.md): what was done, and what will keep it from recurring. */
export interface ResolveDetails {
  resolution: string;
  correctiveAction?: string;
}

/** What the signed-out state says when the session could not be renewed (#10). */
export const SESSION_ENDED_MESSAGE = 'The session has ended; sign in again to resume monitoring';

export interface Session {
  begin(session: SessionInfo): Promise<void>;
  end(): Promise<void>;
  refresh(): Promise<unknown>;
  /**
   * Acknowledges through REST, with an optional note. The server pushes
   * nothing for it (issue #10), so its answer (the updated alert) is applied
   * to the store here. A 409 means someone else was first: the alert is
   * shown acknowledged, and a reconcile learns by whom.
   */
  acknowledge(alertId: string, notes?: string): Promise<Result<null>>;
  /** Resolves through REST; the answer is applied to the store (no push, issue #10). */
  resolve(alertId: string, details: ResolveDetails): Promise<Result<null>>;
  /** Reads the directory again (one request at a time). */
  directory(): Promise<Result<Directory>>;
  /**
   * Saves whether the signed-in server holds its limits in whole degrees and
   * reads the directory again with it, so every surface shows it at once.
   */
  setWholeDegreeLimits(enabled: boolean): Promise<Result<Directory>>;
  /** The server refused the session for good: stay stopped, also after a restart. */
  stopped(): void;
  /**
   * A REST call answered 401 (issue #10): the token is no longer good, even
   * while the socket, verified only at its handshake, still looks live.
   * Renew it; if that fails, the signed-out state, never "Live".
   */
  unauthorized(): Promise<void>;
}

export function createSession(deps: SessionDeps): Session {
  const { store, tokens } = deps;
  let directoryInflight: Promise<Result<Directory>> | null = null;

  function refreshDirectory(): Promise<Result<Directory>> {
    directoryInflight ??= (async (): Promise<Result<Directory>> => {
      const client = deps.api();
      const current = store.getState().session;
      const token = await deps.sessionTokens.accessToken();
      if (client === null || current === null || token === null) {
        return { ok: false, error: commandError('not-signed-in', 'Not signed in') };
      }
      const wholeDegreeLimits = await readsWholeDegreeLimits(current.serverUrl);
      const result = await loadDirectory(
        client,
        token,
        current.organizationId,
        { now: deps.serverNow(), localNow: deps.now(), count: deps.dropped, wholeDegreeLimits },
        deps.dropped,
      );
      if (!result.ok) {
        return {
          ok: false,
          error: commandError(
            result.error.kind === 'unreachable' ? 'server-unreachable' : 'server-error',
            result.error.message,
          ),
        };
      }
      if (store.getState().session !== current) return { ok: true, data: result.directory };
      store.dispatch({ type: 'directory/loaded', directory: result.directory });
      markOnce('directory-applied');
      await saveStoredDirectory(result.directory);
      return { ok: true, data: result.directory };
    })().finally(() => {
      directoryInflight = null;
    });
    return directoryInflight;
  }

  /**
   * One REST call on an alert for the signed-in session; null when signed out
   * or when the session changed while it ran (#11).
   */
  async function alertCall(
    notSignedIn: string,
    call: (client: ApiClient, token: string, org: string) => Promise<ApiResult<unknown>>,
  ): Promise<Result<ApiResult<unknown>>> {
    const client = deps.api();
    const session = store.getState().session;
    const token = await deps.sessionTokens.accessToken();
    // Read the client, await, read again: the session may have changed meanwhile (#11).
    if (
      client === null ||
      session === null ||
      token === null ||
      store.getState().session !== session
    ) {
      return { ok: false, error: commandError('not-signed-in', notSignedIn) };
    }
    const result = await call(client, token, session.organizationId);
    if (store.getState().session !== session) {
      return { ok: false, error: commandError('not-signed-in', 'The session changed') };
    }
    // A 401 renews the token through the client's `onUnauthorized` (#10).
    return { ok: true, data: result };
  }

  const ctx = () => ({ now: deps.serverNow(), localNow: deps.now(), count: deps.dropped });

  function markResolved(alertId: string, unitId: string, at: number): void {
    store.dispatch({ type: 'alert/resolved', alertId, unitId, at, receivedAt: deps.now() });
  }

  async function acknowledge(alertId: string, notes?: string): Promise<Result<null>> {
    const note = notes?.trim();
    const call = await alertCall('Sign in to acknowledge alerts', (client, token, org) =>
      client.acknowledge(token, org, alertId, note === undefined || note === '' ? undefined : note),
    );
    if (!call.ok) return call;
    const result = call.data;
    if (!result.ok) {
      if (result.error.kind === 'http' && result.error.status === 409) {
        // Someone else was first (PROTOCOL.md): not a failure for this supervisor.
        if (result.error.code === 'already_resolved') {
          const unitId = store.getState().live.alerts.get(alertId)?.unitId ?? '';
          markResolved(alertId, unitId, deps.serverNow());
        } else {
          store.dispatch({
            type: 'alert/acknowledged',
            alertId,
            by: null,
            at: deps.serverNow(),
            receivedAt: deps.now(),
          });
        }
        deps.refreshAlerts?.();
        return { ok: true, data: null };
      }
      return { ok: false, error: apiFailure(result.error, 'acknowledge') };
    }
    const change = normalizeAlertChange(result.value, ctx());
    if (!change.ok || change.value.alertId !== alertId) {
      // Acknowledged all the same; the reconcile brings the details.
      if (!change.ok) deps.dropped(change.kind);
      store.dispatch({
        type: 'alert/acknowledged',
        alertId,
        by: null,
        at: deps.serverNow(),
        receivedAt: deps.now(),
        byYou: true,
      });
      deps.refreshAlerts?.();
      return { ok: true, data: null };
    }
    store.dispatch({
      type: 'alert/acknowledged',
      alertId,
      by: change.value.acknowledgedBy,
      at: change.value.acknowledgedAt ?? deps.serverNow(),
      receivedAt: deps.now(),
      byYou: true,
    });
    return { ok: true, data: null };
  }

  async function resolve(alertId: string, details: ResolveDetails): Promise<Result<null>> {
    const resolution = details.resolution.trim();
    const correctiveAction = details.correctiveAction?.trim();
    if (resolution === '') {
      return { ok: false, error: commandError('bad-request', 'Say what was done to resolve it') };
    }
    const call = await alertCall('Sign in to resolve alerts', (client, token, org) =>
      client.resolve(token, org, alertId, {
        resolution,
        ...(correctiveAction ? { correctiveAction } : {}),
      }),
    );
    if (!call.ok) return call;
    const result = call.data;
    const unitId = store.getState().live.alerts.get(alertId)?.unitId ?? '';
    if (!result.ok) {
      if (result.error.kind === 'http' && result.error.status === 409) {
        // Already resolved (by a colleague, or the unit came back): what was wanted.
        markResolved(alertId, unitId, deps.serverNow());
        return { ok: true, data: null };
      }
      return { ok: false, error: apiFailure(result.error, 'resolve') };
    }
    const change = normalizeAlertChange(result.value, ctx());
    if (!change.ok) deps.dropped(change.kind);
    const at = change.ok ? (change.value.resolvedAt ?? deps.serverNow()) : deps.serverNow();
    markResolved(alertId, change.ok ? change.value.unitId : unitId, at);
    return { ok: true, data: null };
  }

  let unauthorizedInflight: Promise<void> | null = null;

  /** Signed out with the reason shown, as when the live connection's renewal is refused. */
  function expired(): void {
    deps.connection.stop();
    const at = deps.now();
    store.dispatch({
      type: 'connection/signed-out',
      at,
      error: { code: 'refresh-failed', message: SESSION_ENDED_MESSAGE, at },
    });
    session.stopped();
  }

  const session: Session = {
    async begin(next) {
      // The tokens were saved just before (a new epoch): this session is theirs (#11).
      deps.sessionTokens.adopt();
      deps.resetUnknownUnits();
      deps.connection.stop();
      await stoppedNotifiedItem.setValue(false);
      const changedOrg = store.getState().session?.organizationId !== next.organizationId;
      deps.resetApi();
      await sessionItem.setValue(next);
      store.dispatch({ type: 'session/begun', session: next });
      if (changedOrg) {
        store.dispatch({ type: 'session/cleared', at: deps.now() });
        await directoryItem.removeValue();
        await removeSnapshot();
      }
      deps.connection.start(next.serverUrl);
      void refreshDirectory();
    },

    async end() {
      deps.connection.stop();
      deps.resetApi();
      const stack = store.getState().session?.stack ?? null;
      const held = await tokens.held();
      await Promise.all([
        tokens.clear(),
        sessionItem.removeValue(),
        removeSnapshot(),
        directoryItem.removeValue(),
        stoppedNotifiedItem.removeValue(),
      ]);
      store.dispatch({ type: 'session/cleared', at: deps.now() });
      store.dispatch({ type: 'connection/signed-out', at: deps.now() });
      // The notifications effect clears what it showed: nothing of it is true any more.
      store.dispatch({ type: 'session/ended' });
      // Signing out revokes the Stack Auth session (#10): its refresh token is dead
      // everywhere, not only forgotten here. The tokens are already gone locally.
      if (stack !== null && held.refreshToken !== null) {
        await deps.revoke(stack, held.accessToken, held.refreshToken).catch(() => undefined);
      }
    },

    refresh: () => deps.sessionTokens.refresh(),

    acknowledge: (alertId, notes) => acknowledge(alertId, notes),
    resolve: (alertId, details) => resolve(alertId, details),

    directory: refreshDirectory,

    async setWholeDegreeLimits(enabled) {
      const current = store.getState().session;
      if (current === null) {
        return { ok: false, error: commandError('not-signed-in', 'Sign in to a server first') };
      }
      await setWholeDegreeLimits(current.serverUrl, enabled);
      // A load already running used the old setting: wait for it, then read again.
      if (directoryInflight !== null) await directoryInflight;
      return refreshDirectory();
    },

    stopped() {
      store.dispatch({ type: 'monitoring/stopped', stopped: true });
      void stoppedNotifiedItem.setValue(true);
    },

    unauthorized() {
      unauthorizedInflight ??= (async () => {
        const current = store.getState().session;
        if (current === null) return;
        const outcome = await deps.sessionTokens.refresh();
        if (store.getState().session !== current) return;
        if (outcome === 'rejected' || outcome === 'no-refresh-token') expired();
      })().finally(() => {
        unauthorizedInflight = null;
      });
      return unauthorizedInflight;
    },
  };
  return session;
}

/**
 * Token calls of one session: each carries the token-store epoch the signed-in
 * session belongs to, so a late answer of an earlier session is dropped and
 * one server's tokens never reach another (#11).
 */
export interface SessionTokens {
  accessToken(): Promise<string | null>;
  refresh(): ReturnType<TokenStore['refresh']>;
  /** The current token epoch is the signed-in session's (after a sign-in or a restore). */
  adopt(): void;
}

/**
 * The Stack Auth client as the token store's refresher (#10): a refused
 * renewal (revoked or expired session, wrong project or key) reads as a 401,
 * an unreadable answer as a server fault to retry, never as a sign-out.
 */
export function stackRefresher(client: StackAuthClient): TokenRefresher {
  return {
    session: client.session,
    async refresh(refreshToken): Promise<ApiResult<unknown>> {
      const result = await client.refresh(refreshToken);
      if (result.ok) {
        const token = result.value.accessToken;
        const tokens: TokenSet = { accessToken: token, refreshToken, expiresAt: jwtExpiry(token) };
        return { ok: true, value: tokens };
      }
      const { error } = result;
      switch (error.kind) {
        case 'session-ended':
        case 'wrong-credentials':
        case 'bad-project':
          return { ok: false, error: { kind: 'unauthorized', message: error.message } };
        case 'unreachable':
        case 'superseded':
          return { ok: false, error };
        case 'http':
          return { ok: false, error };
        case 'invalid-body':
        case 'redirected':
          return {
            ok: false,
            error: { kind: 'http', status: 502, code: error.kind, message: error.message },
          };
      }
    },
  };
}

/** A refresher's answer, as `stackRefresher` makes it. */
function parseRefreshed(raw: unknown): TokenSet | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { accessToken, refreshToken, expiresAt } = raw as Partial<TokenSet>;
  if (typeof accessToken !== 'string' || typeof expiresAt !== 'number') return null;
  return {
    accessToken,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : null,
    expiresAt,
  };
}

/** The signed-in server's API client (one per session epoch) and the token store. */
export function createSessionClients(deps: {
  session(): SessionInfo | null;
  fetch?: typeof fetch;
  now(): number;
  /** Timers of the renewal scheduled from the token's `exp` (#10). */
  timers?: RefreshTimers;
  /** A REST call of the session answered 401 (#10). */
  onUnauthorized?(): void;
  /** A scheduled renewal was refused: the session is over (#10). */
  onRejected?(): void;
}): {
  api(): ApiClient | null;
  resetApi(): void;
  tokens: TokenStore;
  sessionTokens: SessionTokens;
} {
  let client: ApiClient | null = null;
  let auth: TokenRefresher | null = null;
  /** The token-store epoch the signed-in session belongs to (#11). */
  let sessionEpoch = -1;
  const api = (): ApiClient | null => {
    const origin = deps.session()?.serverUrl;
    if (origin === undefined) return null;
    // Between a sign-in's token save and `begin()`, the session is still the old one (#11).
    if (sessionEpoch !== tokens.epoch()) return null;
    if (client?.session?.epoch !== sessionEpoch) {
      client = createApiClient({
        origin,
        fetch: deps.fetch,
        session: tokens.current(),
        onUnauthorized: deps.onUnauthorized,
      });
    }
    return client;
  };
  /** The Stack Auth client of the signed-in session; none for a pasted token (#10). */
  const refresher = (): TokenRefresher | null => {
    const config = deps.session()?.stack;
    if (config === undefined || config === null) return null;
    if (sessionEpoch !== tokens.epoch()) return null;
    if (auth?.session?.epoch !== sessionEpoch) {
      auth = stackRefresher(
        createStackAuthClient({ config, fetch: deps.fetch, session: tokens.current() }),
      );
    }
    return auth;
  };
  const tokens = createTokenStore({
    api: refresher,
    keepSignedIn: () => deps.session()?.keepSignedIn ?? false,
    parseTokens: parseRefreshed,
    now: deps.now,
    timers: deps.timers,
    onRejected: (epoch) => {
      if (epoch === sessionEpoch) deps.onRejected?.();
    },
  });
  const sessionTokens: SessionTokens = {
    accessToken: () => tokens.accessToken(sessionEpoch),
    refresh: () => tokens.refresh(sessionEpoch),
    adopt: () => {
      sessionEpoch = tokens.epoch();
    },
  };
  return {
    api,
    resetApi: () => {
      client = null;
      auth = null;
    },
    tokens,
    sessionTokens,
  };
}
