/**
 * The session: who is signed in and what that takes. `begin` starts
 * monitoring for a validated account, `end` stops it and forgets everything
 * tied to it, `refresh` renews the access token, `acknowledge` and
 * `directory` are the REST calls a signed-in supervisor makes. Failures are
 * mapped by the one error map (`lib/api-errors.ts`) the commands use too.
 */
import { createApiClient, type ApiClient } from './api';
import { apiFailure, commandError } from './api-errors';
import { createTokenStore, type TokenStore } from './auth';
import { loadDirectory } from './directory-loader';
import type { LiveConnection } from './live-connection';
import type { Result } from './messages';
import type { Directory, SessionInfo } from './model';
import { normalizeTokens, type DiagnosticKind } from './normalize';
import {
  directoryItem,
  readsWholeDegreeLimits,
  sessionItem,
  setWholeDegreeLimits,
  snapshotItem,
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
}

export interface Session {
  begin(session: SessionInfo): Promise<void>;
  end(): Promise<void>;
  refresh(): Promise<unknown>;
  acknowledge(alertId: string): Promise<Result<null>>;
  /** Reads the directory again (one request at a time). */
  directory(): Promise<Result<Directory>>;
  /**
   * Saves whether the signed-in server holds its limits in whole degrees and
   * reads the directory again with it, so every surface shows it at once.
   */
  setWholeDegreeLimits(enabled: boolean): Promise<Result<Directory>>;
  /** The server refused the session for good: stay stopped, also after a restart. */
  stopped(): void;
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
      await directoryItem.setValue(result.directory);
      return { ok: true, data: result.directory };
    })().finally(() => {
      directoryInflight = null;
    });
    return directoryInflight;
  }

  return {
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
        await snapshotItem.removeValue();
      }
      deps.connection.start(next.serverUrl);
      void refreshDirectory();
    },

    async end() {
      deps.connection.stop();
      deps.resetApi();
      await Promise.all([
        tokens.clear(),
        sessionItem.removeValue(),
        snapshotItem.removeValue(),
        directoryItem.removeValue(),
        stoppedNotifiedItem.removeValue(),
      ]);
      store.dispatch({ type: 'session/cleared', at: deps.now() });
      store.dispatch({ type: 'connection/signed-out', at: deps.now() });
      // The notifications effect clears what it showed: nothing of it is true any more.
      store.dispatch({ type: 'session/ended' });
    },

    refresh: () => deps.sessionTokens.refresh(),

    async acknowledge(alertId) {
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
        return {
          ok: false,
          error: commandError('not-signed-in', 'Sign in to acknowledge alerts'),
        };
      }
      const result = await client.acknowledge(token, session.organizationId, alertId);
      if (store.getState().session !== session) {
        return { ok: false, error: commandError('not-signed-in', 'The session changed') };
      }
      if (!result.ok) {
        if (result.error.kind === 'unauthorized') void deps.sessionTokens.refresh();
        return { ok: false, error: apiFailure(result.error, 'acknowledge') };
      }
      store.dispatch({
        type: 'alert/acknowledged',
        alertId,
        by: session.email,
        at: deps.serverNow(),
        receivedAt: deps.now(),
      });
      return { ok: true, data: null };
    },

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
  };
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

/** The signed-in server's API client (one per session epoch) and the token store. */
export function createSessionClients(deps: {
  session(): SessionInfo | null;
  fetch?: typeof fetch;
  now(): number;
}): {
  api(): ApiClient | null;
  resetApi(): void;
  tokens: TokenStore;
  sessionTokens: SessionTokens;
} {
  let client: ApiClient | null = null;
  /** The token-store epoch the signed-in session belongs to (#11). */
  let sessionEpoch = -1;
  const api = (): ApiClient | null => {
    const origin = deps.session()?.serverUrl;
    if (origin === undefined) return null;
    // Between a sign-in's token save and `begin()`, the session is still the old one (#11).
    if (sessionEpoch !== tokens.epoch()) return null;
    if (client?.session?.epoch !== sessionEpoch) {
      client = createApiClient({ origin, fetch: deps.fetch, session: tokens.current() });
    }
    return client;
  };
  const tokens = createTokenStore({
    api,
    keepSignedIn: () => deps.session()?.keepSignedIn ?? false,
    parseTokens: (raw) => {
      const result = normalizeTokens(raw, { now: deps.now() });
      return result.ok ? result.value : null;
    },
    now: deps.now,
  });
  const sessionTokens: SessionTokens = {
    accessToken: () => tokens.accessToken(sessionEpoch),
    refresh: () => tokens.refresh(sessionEpoch),
    adopt: () => {
      sessionEpoch = tokens.epoch();
    },
  };
  return { api, resetApi: () => (client = null), tokens, sessionTokens };
}
