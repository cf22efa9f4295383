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
import { directoryItem, sessionItem, snapshotItem, stoppedNotifiedItem } from './storage';
import type { Store } from './store';

export interface SessionDeps {
  store: Pick<Store, 'getState' | 'dispatch'>;
  tokens: TokenStore;
  /** The API client of the signed-in server; null when signed out. */
  api(): ApiClient | null;
  /** Forget the current API client (the server changed). */
  resetApi(): void;
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
      const token = await tokens.accessToken();
      if (client === null || current === null || token === null) {
        return { ok: false, error: commandError('not-signed-in', 'Not signed in') };
      }
      const result = await loadDirectory(
        client,
        token,
        current.organizationId,
        { now: deps.serverNow() },
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

    refresh: () => tokens.refresh(),

    async acknowledge(alertId) {
      const client = deps.api();
      const token = await tokens.accessToken();
      const session = store.getState().session;
      if (client === null || session === null || token === null) {
        return {
          ok: false,
          error: commandError('not-signed-in', 'Sign in to acknowledge alerts'),
        };
      }
      const result = await client.acknowledge(token, session.organizationId, alertId);
      if (!result.ok) {
        if (result.error.kind === 'unauthorized') void tokens.refresh();
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

    stopped() {
      store.dispatch({ type: 'monitoring/stopped', stopped: true });
      void stoppedNotifiedItem.setValue(true);
    },
  };
}

/** The signed-in server's API client (made once per server) and the token store. */
export function createSessionClients(deps: {
  session(): SessionInfo | null;
  fetch?: typeof fetch;
  now(): number;
}): { api(): ApiClient | null; resetApi(): void; tokens: TokenStore } {
  let client: ApiClient | null = null;
  const api = (): ApiClient | null => {
    const origin = deps.session()?.serverUrl;
    if (origin === undefined) return null;
    return (client ??= createApiClient({ origin, fetch: deps.fetch }));
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
  return { api, resetApi: () => (client = null), tokens };
}
