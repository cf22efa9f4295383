/**
 * Request/response commands from the extension's own pages (lib/messages.ts).
 * The caller has already checked that the sender is one of our pages. Every
 * request is validated here: a malformed one gets a `bad-request` answer, and
 * no answer ever contains a token.
 */
import type { ApiClient } from './api';
import { apiFailure, commandError, NO_ORGANIZATION } from './api-errors';
import { jwtExpiry, type TokenStore } from './auth';
import * as v from './check';
import {
  CommandRequestSchema,
  type CommandError,
  type CommandRequest,
  type Result,
  type Snapshot,
} from './messages';
import type { ManagedConfig } from './managed';
import type { Preferences, Scope, SessionInfo } from './model';
import { normalizeMe } from './normalize';
import { parseServerUrl } from './server-url';
import type { SinceLastLooked } from './event-log';
import type { Session } from './session';
import {
  parseStackConfig,
  type StackAuthClient,
  type StackAuthError,
  type StackConfig,
} from './stack-auth';

/**
 * What the commands need, and nothing more (issue #9: the commands and the
 * background root imported each other). The root passes these.
 */
export interface CommandDeps {
  /** Resolves once the worker has read its storage. */
  ready: Promise<void>;
  now(): number;
  snapshot(): Snapshot;
  /** A client for a server the user is signing in to. */
  api(origin: string): ApiClient | null;
  /** A Stack Auth client for the project the user is signing in with (issue #10). */
  stackAuth(config: StackConfig): Pick<StackAuthClient, 'signIn' | 'signOut'>;
  /** What the administrator's policy presets (issue #10). */
  /**
   * The administrator's policy (#10). A promise while the browser reads it
   * (Chromium's managed storage can take seconds at start), so only the
   * commands that need it wait for it, not the worker's start.
   */
  managed(): ManagedConfig | Promise<ManagedConfig>;
  tokens: Pick<TokenStore, 'save'>;
  session: Pick<
    Session,
    'begin' | 'end' | 'acknowledge' | 'resolve' | 'directory' | 'setWholeDegreeLimits'
  >;
  preferences(): Preferences;
  setPreferences(preferences: Preferences): Promise<void>;
  setScope(scope: Scope): Promise<void>;
  snooze(alertId: string, minutes: number): Promise<void>;
  testNotification(): Promise<void>;
  /** The options page's "Test sound" (issue #13). */
  testSound(): Promise<void>;
  diagnosticsText(): string;
  /** What happened since the popup was last closed (issue #13). */
  sinceLastLooked(): SinceLastLooked;
}

export function createCommandHandler(app: CommandDeps) {
  return async function handle(message: unknown): Promise<Result<unknown>> {
    const request = parseRequest(message);
    if (request === null) return fail('bad-request', 'Unknown or malformed command');
    await app.ready;
    try {
      return await run(app, request);
    } catch {
      return fail('server-error', 'The command failed unexpectedly');
    }
  };
}

async function run(app: CommandDeps, request: CommandRequest): Promise<Result<unknown>> {
  switch (request.type) {
    case 'snapshot':
      return ok<Snapshot>(app.snapshot());
    case 'sign-in':
      return signIn(app, request);
    case 'sign-in-token': {
      const managed = await app.managed();
      const serverUrl =
        managed.lockConfiguration && managed.serverUrl ? managed.serverUrl : request.serverUrl;
      return signInWithToken(app, serverUrl, request.accessToken);
    }
    case 'managed-config':
      return ok(await app.managed());
    case 'sign-out':
      await app.session.end();
      return ok(null);
    case 'set-scope':
      await app.setScope(request.scope);
      return ok(request.scope);
    case 'set-preferences': {
      const next = { ...app.preferences(), ...request.preferences };
      await app.setPreferences(next);
      return ok(next);
    }
    case 'acknowledge':
      return app.session.acknowledge(request.alertId, request.notes);
    case 'resolve':
      return app.session.resolve(request.alertId, {
        resolution: request.resolution,
        ...(request.correctiveAction === undefined
          ? {}
          : { correctiveAction: request.correctiveAction }),
      });
    case 'snooze':
      await app.snooze(request.alertId, request.minutes);
      return ok(null);
    case 'test-notification':
      await app.testNotification();
      return ok(null);
    case 'test-sound':
      await app.testSound();
      return ok(null);
    case 'directory':
      return app.session.directory();
    case 'diagnostics-text':
      return ok(app.diagnosticsText());
    case 'set-whole-degree-limits':
      return app.session.setWholeDegreeLimits(request.enabled);
    case 'since-last-looked':
      return ok<SinceLastLooked>(app.sinceLastLooked());
    case 'wake':
      // Starting the worker was the point (public/wake.js); it is ready now.
      return ok(null);
  }
}

async function signIn(
  app: CommandDeps,
  request: Extract<CommandRequest, { type: 'sign-in' }>,
): Promise<Result<SessionInfo>> {
  // A locked policy wins over whatever the page sent (issue #10).
  const managed = await app.managed();
  const locked = (own: string, preset: string | undefined) =>
    managed.lockConfiguration && preset !== undefined ? preset : own;
  const server = parseServerUrl(locked(request.serverUrl, managed.serverUrl));
  if (!server.ok) return { ok: false, error: server.error };
  const stack = parseStackConfig({
    projectId: locked(request.stack.projectId, managed.stackProjectId),
    publishableClientKey: locked(
      request.stack.publishableClientKey,
      managed.stackPublishableClientKey,
    ),
    apiUrl: locked(request.stack.apiUrl, managed.stackApiUrl),
  });
  if (!stack.ok) return fail('auth-config', stack.message);
  const auth = app.stackAuth(stack.config);
  const signedIn = await auth.signIn(request.email.trim(), request.password);
  if (!signedIn.ok) return { ok: false, error: stackFailure(signedIn.error) };
  const { accessToken, refreshToken } = signedIn.value;
  const session = await sessionFor(app, server.origin, accessToken, {
    keepSignedIn: request.keepSignedIn,
    method: 'password',
    stack: stack.config,
  });
  if (!session.ok) {
    // The Stack session is of no use: do not leave it open behind the supervisor's back.
    void auth.signOut(accessToken, refreshToken);
    return session;
  }
  const expiresAt = jwtExpiry(accessToken);
  await app.tokens.save({ accessToken, refreshToken, expiresAt }, request.keepSignedIn);
  await app.session.begin(session.data);
  return session;
}

/** What a failed Stack Auth sign-in says, in terms of what to do (issue #10). */
export function stackFailure(error: StackAuthError): CommandError {
  switch (error.kind) {
    case 'wrong-credentials':
      return commandError('wrong-credentials', 'Check your email and password and try again.');
    case 'bad-project':
      return commandError('auth-config', error.message);
    case 'unreachable':
      return commandError('auth-unreachable', error.message);
    case 'session-ended':
    case 'http':
    case 'invalid-body':
    case 'redirected':
      return commandError('server-error', error.message);
    case 'superseded':
      return commandError('not-signed-in', error.message);
  }
}

async function signInWithToken(
  app: CommandDeps,
  serverUrl: string,
  accessToken: string,
): Promise<Result<SessionInfo>> {
  const server = parseServerUrl(serverUrl);
  if (!server.ok) return { ok: false, error: server.error };
  const token = accessToken.trim();
  if (token.length === 0) return fail('token-invalid', 'Paste an access token');
  const expiresAt = jwtExpiry(token);
  if (expiresAt !== 0 && expiresAt <= app.now())
    return fail('token-expired', 'This access token has expired');
  const session = await sessionFor(app, server.origin, token, {
    keepSignedIn: false,
    method: 'token',
    tokenExpiresAt: expiresAt,
  });
  if (!session.ok) return session;
  await app.tokens.save({ accessToken: token, refreshToken: null, expiresAt }, false);
  await app.session.begin(session.data);
  return session;
}

async function sessionFor(
  app: CommandDeps,
  origin: string,
  token: string,
  how: Pick<SessionInfo, 'keepSignedIn' | 'method' | 'stack' | 'tokenExpiresAt'>,
): Promise<Result<SessionInfo>> {
  const api = app.api(origin);
  if (api === null) return fail('invalid-url', 'Enter the server URL');
  const me = await api.me(token);
  if (!me.ok) {
    if (me.error.kind === 'unauthorized') {
      return how.method === 'token'
        ? fail('token-invalid', 'The server did not accept this access token')
        : fail(
            'auth-config',
            'The server did not accept the Stack Auth sign-in. Check that the Project ID is the one of this server.',
          );
    }
    return { ok: false, error: apiFailure(me.error, 'account') };
  }
  // A user without an organization is not an unreadable account (issue #9): say what is wrong.
  if (hasNoOrganization(me.value)) return { ok: false, error: NO_ORGANIZATION };
  const account = normalizeMe(me.value, { now: app.now() });
  if (!account.ok) return fail('server-error', 'The server sent an unreadable account');
  const a = account.value;
  const membership =
    a.organizations.find((o) => o.organizationId === a.primaryOrganizationId) ?? a.organizations[0];
  if (membership === undefined) return { ok: false, error: NO_ORGANIZATION };
  return ok({
    serverUrl: origin,
    userId: a.userId,
    email: a.email,
    displayName: a.displayName,
    organizationId: membership.organizationId,
    organizationName: membership.name ?? membership.organizationId,
    role: membership.role,
    ...how,
  });
}

function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

function fail(code: CommandError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

// -- request validation ------------------------------------------------------

/** `/api/auth/me` of a user who belongs to no organization: no primary one, no memberships. */
export const NoOrganizationSchema = v.looseObject({
  primaryOrganizationId: v.nullish(v.never()),
  organizations: v.optional(v.array(v.unknown(), 0)),
});

function hasNoOrganization(raw: unknown): boolean {
  return v.is(NoOrganizationSchema, raw);
}

/**
 * The request, if it is one of ours and well formed; `null` otherwise.
 * Checked by `CommandRequestSchema` (lib/messages.ts), which keeps only the
 * fields a command has.
 */
export function parseRequest(message: unknown): CommandRequest | null {
  const request = CommandRequestSchema(message);
  return request === v.NO ? null : request;
}
