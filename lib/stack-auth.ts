/**
 * Stack Auth's client REST API, as Frostline uses it (issue #10; contract:
 * PROTOCOL.md "Sign-in: Stack Auth"). The backend has no sign-in of its own:
 * a supervisor signs in with the deployment's Stack Auth project, the access
 * token (a short-lived JWT) goes to the backend, the refresh token renews it.
 *
 * Three calls, each with the project headers: password sign-in, refresh (the
 * refresh token stays the same) and sign-out (revokes the session). Failures
 * are typed values that say what to do; none carries a token, which travels
 * only in a header. Redirects are never followed (a 307 would re-post the
 * password elsewhere, #11). The reference server implements the same API.
 */
import * as v from './check';
import type { SessionRef } from './auth';

/** Where Stack Auth is hosted unless the deployment runs its own. */
export const DEFAULT_STACK_API_URL = 'https://api.stack-auth.com';

/** The deployment's Stack Auth project: public values an administrator hands out. */
export interface StackConfig {
  /** The project id (`X-Stack-Project-Id`). */
  projectId: string;
  /** The publishable client key, `pck_...` (`X-Stack-Publishable-Client-Key`). */
  publishableClientKey: string;
  /** The Stack Auth API base URL, without a trailing slash (default `DEFAULT_STACK_API_URL`). */
  apiUrl: string;
}

/** Paths of the client API, relative to the API URL. */
export const stackPaths = {
  signIn: '/api/v1/auth/password/sign-in',
  refresh: '/api/v1/auth/sessions/current/refresh',
  session: '/api/v1/auth/sessions/current',
  jwks: (projectId: string) =>
    `/api/v1/projects/${encodeURIComponent(projectId)}/.well-known/jwks.json`,
};

/** Request headers of the client API. */
export const STACK_HEADERS = {
  accessType: 'x-stack-access-type',
  projectId: 'x-stack-project-id',
  publishableClientKey: 'x-stack-publishable-client-key',
  refreshToken: 'x-stack-refresh-token',
  accessToken: 'x-stack-access-token',
  /** Response header naming a known error (Stack sends it with the `code`). */
  knownError: 'x-stack-known-error',
} as const;

/** Known error codes of Stack Auth the client acts on. */
export const STACK_ERRORS = {
  wrongPassword: 'EMAIL_PASSWORD_MISMATCH',
  refreshExpired: 'REFRESH_TOKEN_NOT_FOUND_OR_EXPIRED',
  projectNotFound: 'CURRENT_PROJECT_NOT_FOUND',
  badKey: 'INVALID_PUBLISHABLE_CLIENT_KEY',
  accessTypeRequired: 'ACCESS_TYPE_REQUIRED',
  schema: 'SCHEMA_ERROR',
} as const;

/** What went wrong, in terms of what the supervisor or the administrator can do. */
export type StackAuthError =
  | { kind: 'wrong-credentials'; message: string }
  /** The session was revoked or expired: sign in again. */
  | { kind: 'session-ended'; message: string }
  /** The project id or the publishable key is wrong: a configuration error. */
  | { kind: 'bad-project'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'http'; status: number; code: string; message: string }
  | { kind: 'invalid-body'; message: string }
  | { kind: 'redirected'; message: string }
  | { kind: 'superseded'; message: string };

export type StackResult<T> = { ok: true; value: T } | { ok: false; error: StackAuthError };

export interface StackSignIn {
  accessToken: string;
  refreshToken: string;
  userId: string;
}

export interface StackAuthClient {
  readonly config: StackConfig;
  /** The session this client serves; `undefined` for a sign-in. */
  readonly session: SessionRef | undefined;
  signIn(email: string, password: string): Promise<StackResult<StackSignIn>>;
  /** A new access token; the refresh token stays the same. */
  refresh(refreshToken: string): Promise<StackResult<{ accessToken: string }>>;
  /** Revokes the session of these tokens. */
  signOut(accessToken: string | null, refreshToken: string): Promise<StackResult<null>>;
}

export interface StackAuthClientOptions {
  config: StackConfig;
  fetch?: typeof fetch;
  timeoutMs?: number;
  session?: SessionRef;
}

const token = v.text(16_384, { min: 1, pattern: /^[\x21-\x7E]+$/ });
export const SignInSchema = v.object({
  access_token: token,
  refresh_token: token,
  user_id: v.text(256),
});
export const RefreshSchema = v.object({ access_token: token });
export const ErrorSchema = v.looseObject({
  code: v.optional(v.string()),
  error: v.optional(v.unknown()),
});

const MAX_BODY_CHARS = 256 * 1024;

export function createStackAuthClient(options: StackAuthClientOptions): StackAuthClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { config, session } = options;
  const ended = () => session?.signal.aborted === true;
  const superseded = {
    ok: false as const,
    error: { kind: 'superseded' as const, message: 'The session changed; the answer was dropped' },
  };

  async function call(
    method: 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<StackResult<{ status: number; json: unknown; code: string | null }>> {
    if (ended()) return superseded;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(config.apiUrl + path, {
        method,
        headers: {
          Accept: 'application/json',
          [STACK_HEADERS.accessType]: 'client',
          [STACK_HEADERS.projectId]: config.projectId,
          [STACK_HEADERS.publishableClientKey]: config.publishableClientKey,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'manual',
        signal: session === undefined ? timeout : AbortSignal.any([timeout, session.signal]),
      });
    } catch {
      if (ended()) return superseded;
      return {
        ok: false,
        error: {
          kind: 'unreachable',
          message:
            'The sign-in server (Auth API URL) cannot be reached. Check the Auth API URL and your connection.',
        },
      };
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      return {
        ok: false,
        error: {
          kind: 'redirected',
          message:
            'The sign-in server answered with a redirect, which Frostline does not follow. Check the Auth API URL.',
        },
      };
    }
    let json: unknown = undefined;
    try {
      const text = await response.text();
      json = text.length === 0 ? null : text.length > MAX_BODY_CHARS ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (ended()) return superseded;
    const parsedError = response.ok ? v.NO : ErrorSchema(json);
    const code =
      parsedError !== v.NO && typeof parsedError.code === 'string'
        ? parsedError.code
        : response.headers.get(STACK_HEADERS.knownError);
    return { ok: true, value: { status: response.status, json, code } };
  }

  /** The typed error of a non-2xx answer. */
  function failure(status: number, code: string | null): StackAuthError {
    switch (code) {
      case STACK_ERRORS.wrongPassword:
        return { kind: 'wrong-credentials', message: 'Wrong email or password.' };
      case STACK_ERRORS.refreshExpired:
        return { kind: 'session-ended', message: 'The session has ended; sign in again.' };
      case STACK_ERRORS.projectNotFound:
        return {
          kind: 'bad-project',
          message:
            'Stack Auth does not know this project. Check the Project ID with your administrator.',
        };
      case STACK_ERRORS.badKey:
        return {
          kind: 'bad-project',
          message:
            'Stack Auth refused the publishable client key. Check the Project ID and the key with your administrator.',
        };
      default:
        if (status === 404 || status === 405) {
          return {
            kind: 'bad-project',
            message:
              'This does not look like a Stack Auth API. Check the Auth API URL (for example https://api.stack-auth.com).',
          };
        }
        return {
          kind: 'http',
          status,
          code: code ?? `http_${status}`,
          message: `The sign-in server answered ${status}${code ? ` (${code.slice(0, 80)})` : ''}. Try again later.`,
        };
    }
  }

  const unreadable: StackResult<never> = {
    ok: false,
    error: { kind: 'invalid-body', message: 'The sign-in server sent an unreadable answer.' },
  };

  return {
    config,
    session,
    async signIn(email, password) {
      const answer = await call('POST', stackPaths.signIn, {}, { email, password });
      if (!answer.ok) return answer;
      const { status, json, code } = answer.value;
      if (status < 200 || status >= 300) return { ok: false, error: failure(status, code) };
      const body = SignInSchema(json);
      if (body === v.NO) return unreadable;
      return {
        ok: true,
        value: {
          accessToken: body.access_token,
          refreshToken: body.refresh_token,
          userId: body.user_id,
        },
      };
    },
    async refresh(refreshToken) {
      const answer = await call('POST', stackPaths.refresh, {
        [STACK_HEADERS.refreshToken]: refreshToken,
      });
      if (!answer.ok) return answer;
      const { status, json, code } = answer.value;
      if (status < 200 || status >= 300) return { ok: false, error: failure(status, code) };
      const body = RefreshSchema(json);
      if (body === v.NO) return unreadable;
      return { ok: true, value: { accessToken: body.access_token } };
    },
    async signOut(accessToken, refreshToken) {
      const answer = await call('DELETE', stackPaths.session, {
        [STACK_HEADERS.refreshToken]: refreshToken,
        ...(accessToken === null ? {} : { [STACK_HEADERS.accessToken]: accessToken }),
      });
      if (!answer.ok) return answer;
      const { status, code } = answer.value;
      if (status < 200 || status >= 300) return { ok: false, error: failure(status, code) };
      return { ok: true, value: null };
    },
  };
}

export type StackConfigResult =
  { ok: true; config: StackConfig } | { ok: false; field: keyof StackConfig; message: string };

/**
 * Checks the three values a person typed (or a policy set). The API URL must
 * be https, except on loopback, like the server URL: the password crosses it.
 */
export function parseStackConfig(input: {
  projectId: string;
  publishableClientKey: string;
  apiUrl: string;
}): StackConfigResult {
  const projectId = input.projectId.trim();
  const publishableClientKey = input.publishableClientKey.trim();
  const rawUrl = input.apiUrl.trim() || DEFAULT_STACK_API_URL;
  if (!/^[\w-]{1,128}$/.test(projectId)) {
    return {
      ok: false,
      field: 'projectId',
      message: 'Enter the Stack Auth Project ID your administrator gave you.',
    };
  }
  if (!/^[\x21-\x7E]{1,256}$/.test(publishableClientKey)) {
    return {
      ok: false,
      field: 'publishableClientKey',
      message: 'Enter the publishable client key (it starts with pck_).',
    };
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return {
      ok: false,
      field: 'apiUrl',
      message: 'The Auth API URL is not valid. It should look like https://api.stack-auth.com.',
    };
  }
  const loopback = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i.test(url.hostname);
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))
  ) {
    return {
      ok: false,
      field: 'apiUrl',
      message:
        'The Auth API URL must be https:// (plain http:// only on localhost), with no query or credentials.',
    };
  }
  const apiUrl = (url.origin + url.pathname).replace(/\/+$/, '');
  return { ok: true, config: { projectId, publishableClientKey, apiUrl } };
}
