/**
 * Request/response commands from the extension's own pages (lib/messages.ts).
 * The caller has already checked that the sender is one of our pages. Every
 * request is validated here: a malformed one gets a `bad-request` answer, and
 * no answer ever contains a token.
 */
import type { ApiClient } from './api';
import { apiFailure, NO_ORGANIZATION } from './api-errors';
import { jwtExpiry, type TokenStore } from './auth';
import * as v from 'valibot';
import {
  CommandRequestSchema,
  type CommandError,
  type CommandRequest,
  type Result,
  type Snapshot,
} from './messages';
import type { Preferences, Scope, SessionInfo } from './model';
import { normalizeMe, normalizeTokens } from './normalize';
import { parseServerUrl } from './server-url';
import type { SinceLastLooked } from './event-log';
import type { Session } from './session';

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
    case 'sign-in-token':
      return signInWithToken(app, request.serverUrl, request.accessToken);
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
  const server = parseServerUrl(request.serverUrl);
  if (!server.ok) return { ok: false, error: server.error };
  const api = app.api(server.origin);
  if (api === null) return fail('invalid-url', 'Enter the server URL');
  const login = await api.login(request.email.trim(), request.password);
  if (!login.ok) return { ok: false, error: apiFailure(login.error, 'sign-in') };
  const tokens = normalizeTokens(login.value, { now: app.now() });
  if (!tokens.ok) return fail('server-error', 'The server sent an unreadable sign-in answer');
  const session = await sessionFor(app, server.origin, tokens.value.accessToken, {
    keepSignedIn: request.keepSignedIn,
    method: 'password',
  });
  if (!session.ok) return session;
  await app.tokens.save(tokens.value, request.keepSignedIn);
  await app.session.begin(session.data);
  return session;
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
  how: Pick<SessionInfo, 'keepSignedIn' | 'method'>,
): Promise<Result<SessionInfo>> {
  const api = app.api(origin);
  if (api === null) return fail('invalid-url', 'Enter the server URL');
  const me = await api.me(token);
  if (!me.ok) {
    if (me.error.kind === 'unauthorized') {
      return how.method === 'token'
        ? fail('token-invalid', 'The server did not accept this access token')
        : fail('wrong-credentials', 'The server did not accept the sign-in');
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
const NoOrganizationSchema = v.looseObject({
  primaryOrganizationId: v.nullish(v.never()),
  organizations: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(0))),
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
  const result = v.safeParse(CommandRequestSchema, message);
  return result.success ? result.output : null;
}
