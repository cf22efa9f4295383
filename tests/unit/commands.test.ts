/**
 * `parseRequest` is the gate for every message from the extension's pages
 * (lib/commands.ts): anything malformed is `null` and answered `bad-request`.
 */
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../lib/api';
import { createCommandHandler, parseRequest } from '../../lib/commands';
import { DEFAULT_PREFERENCES } from '../../lib/storage';

const long = (n: number) => 'x'.repeat(n);

describe('parseRequest', () => {
  it.each([
    ['no message', undefined],
    ['null', null],
    ['a string', 'snapshot'],
    ['an array', [{ type: 'snapshot' }]],
    ['no type', { serverUrl: 'https://a.example' }],
    ['a non-string type', { type: 1 }],
    ['an unknown type', { type: 'delete-everything' }],
    ['a prototype key as type', { type: '__proto__' }],
    [
      'sign-in without keepSignedIn',
      { type: 'sign-in', serverUrl: 'https://a', email: 'a@b', password: 'p' },
    ],
    [
      'sign-in with a string keepSignedIn',
      { type: 'sign-in', serverUrl: 'https://a', email: 'a@b', password: 'p', keepSignedIn: 'yes' },
    ],
    [
      'sign-in with a numeric password',
      { type: 'sign-in', serverUrl: 'https://a', email: 'a@b', password: 1234, keepSignedIn: true },
    ],
    [
      'sign-in with a huge email',
      {
        type: 'sign-in',
        serverUrl: 'https://a',
        email: long(321),
        password: 'p',
        keepSignedIn: true,
      },
    ],
    [
      'sign-in without the Stack Auth project (issue #10)',
      { type: 'sign-in', serverUrl: 'https://a', email: 'a@b', password: 'p', keepSignedIn: true },
    ],
    [
      'sign-in with a numeric project id',
      {
        type: 'sign-in',
        serverUrl: 'https://a',
        email: 'a@b',
        password: 'p',
        keepSignedIn: true,
        stack: { projectId: 1, publishableClientKey: 'k', apiUrl: '' },
      },
    ],
    [
      'sign-in with a huge server URL',
      { type: 'sign-in', serverUrl: long(4097), email: 'a@b', password: 'p', keepSignedIn: true },
    ],
    ['sign-in-token without a token', { type: 'sign-in-token', serverUrl: 'https://a' }],
    [
      'sign-in-token with a huge token',
      { type: 'sign-in-token', serverUrl: 'https://a', accessToken: long(16_385) },
    ],
    ['set-scope without a scope', { type: 'set-scope' }],
    ['set-scope of an unknown kind', { type: 'set-scope', scope: { kind: 'everything' } }],
    [
      'set-scope with non-string ids',
      { type: 'set-scope', scope: { kind: 'selection', siteIds: [1], unitIds: [] } },
    ],
    ['set-scope without unitIds', { type: 'set-scope', scope: { kind: 'selection', siteIds: [] } }],
    [
      'set-scope with a too-long id',
      { type: 'set-scope', scope: { kind: 'selection', siteIds: [long(129)], unitIds: [] } },
    ],
    ['set-preferences that is not an object', { type: 'set-preferences', preferences: 'loud' }],
    [
      'set-preferences with an unknown severity',
      { type: 'set-preferences', preferences: { minSeverity: 'panic' } },
    ],
    [
      'set-preferences with quiet hours 25:00',
      {
        type: 'set-preferences',
        preferences: { quietHours: { enabled: true, start: '25:00', end: '07:00' } },
      },
    ],
    [
      'set-preferences with quiet hours missing enabled',
      { type: 'set-preferences', preferences: { quietHours: { start: '22:00', end: '07:00' } } },
    ],
    [
      'set-preferences with fractional renotify',
      { type: 'set-preferences', preferences: { renotifyMinutes: 1.5 } },
    ],
    [
      'set-preferences with negative renotify',
      { type: 'set-preferences', preferences: { renotifyMinutes: -1 } },
    ],
    [
      'set-preferences with staleMinutes 0',
      { type: 'set-preferences', preferences: { staleMinutes: 0 } },
    ],
    [
      'set-preferences with a Kelvin scale',
      { type: 'set-preferences', preferences: { tempScale: 'K' } },
    ],
    [
      'set-preferences with muted ids not an array',
      { type: 'set-preferences', preferences: { mutedSiteIds: 'site-1' } },
    ],
    ['acknowledge with an empty id', { type: 'acknowledge', alertId: '' }],
    ['acknowledge with a numeric id', { type: 'acknowledge', alertId: 42 }],
    ['acknowledge with a too-long id', { type: 'acknowledge', alertId: long(129) }],
    ['snooze for 0 minutes', { type: 'snooze', alertId: 'a1', minutes: 0 }],
    ['snooze for over a day', { type: 'snooze', alertId: 'a1', minutes: 24 * 60 + 1 }],
    ['snooze for fractional minutes', { type: 'snooze', alertId: 'a1', minutes: 2.5 }],
    ['snooze for "30" minutes', { type: 'snooze', alertId: 'a1', minutes: '30' }],
  ])('refuses %s', (_name, message) => {
    expect(parseRequest(message)).toBeNull();
  });

  it.each([
    [{ type: 'snapshot' }, { type: 'snapshot' }],
    [{ type: 'sign-out', extra: 'ignored' }, { type: 'sign-out' }],
    [
      {
        type: 'sign-in',
        serverUrl: 'https://a.example',
        email: 'a@b',
        password: 'p',
        keepSignedIn: false,
        stack: { projectId: 'p1', publishableClientKey: 'pck_1', apiUrl: '', extra: 1 },
        admin: true,
      },
      {
        type: 'sign-in',
        serverUrl: 'https://a.example',
        email: 'a@b',
        password: 'p',
        keepSignedIn: false,
        stack: { projectId: 'p1', publishableClientKey: 'pck_1', apiUrl: '' },
      },
    ],
    [
      { type: 'sign-in-token', serverUrl: 'https://a.example', accessToken: 'eyJ.x.y' },
      { type: 'sign-in-token', serverUrl: 'https://a.example', accessToken: 'eyJ.x.y' },
    ],
    [
      {
        type: 'set-scope',
        scope: { kind: 'selection', siteIds: ['s1'], unitIds: ['u1'], more: 1 },
      },
      { type: 'set-scope', scope: { kind: 'selection', siteIds: ['s1'], unitIds: ['u1'] } },
    ],
    [
      { type: 'set-scope', scope: { kind: 'organization', siteIds: ['x'] } },
      { type: 'set-scope', scope: { kind: 'organization' } },
    ],
    [
      {
        type: 'set-preferences',
        preferences: {
          minSeverity: 'critical',
          quietHours: { enabled: true, start: '22:00', end: '07:30' },
          unknown: 1,
        },
      },
      {
        type: 'set-preferences',
        preferences: {
          minSeverity: 'critical',
          quietHours: { enabled: true, start: '22:00', end: '07:30' },
        },
      },
    ],
    [
      { type: 'acknowledge', alertId: 'al-1' },
      { type: 'acknowledge', alertId: 'al-1' },
    ],
    [
      { type: 'snooze', alertId: 'al-1', minutes: 30 },
      { type: 'snooze', alertId: 'al-1', minutes: 30 },
    ],
    // public/wake.js, the popup's first script (#14).
    [{ type: 'wake', now: 1 }, { type: 'wake' }],
  ])('accepts %j as exactly the fields it knows', (message, expected) => {
    expect(parseRequest(message)).toEqual(expected);
  });
});

/**
 * The command deps the sign-in tests do not look at: a session whose calls
 * succeed or say "not signed in", default preferences, no-op settings.
 */
function idleDeps() {
  return {
    session: {
      begin: async () => undefined,
      end: async () => undefined,
      acknowledge: async () => ({ ok: true as const, data: null }),
      resolve: async () => ({ ok: true as const, data: null }),
      directory: async () => ({
        ok: false as const,
        error: { code: 'not-signed-in' as const, message: '' },
      }),
      setWholeDegreeLimits: async () => ({
        ok: false as const,
        error: { code: 'not-signed-in' as const, message: '' },
      }),
    },
    preferences: () => DEFAULT_PREFERENCES,
    sinceLastLooked: () => ({ since: null, events: [] }),
    setPreferences: async () => undefined,
    setScope: async () => undefined,
    snooze: async () => undefined,
    testNotification: async () => undefined,
    testSound: async () => undefined,
    diagnosticsText: () => '',
  };
}

describe('sign-in errors say what is wrong (issue #9)', () => {
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  const SIGNED_IN = { accessToken: 'a.b.c', refreshToken: 'r', userId: 'u-1' };

  function handler(api: Partial<ApiClient>) {
    const begun: unknown[] = [];
    const handle = createCommandHandler({
      ready: Promise.resolve(),
      now: () => Date.now(),
      snapshot: () => {
        throw new Error('not used');
      },
      api: () => api as ApiClient,
      // Stack Auth accepts the password (#10); what the backend says is under test.
      stackAuth: () => ({
        signIn: () => ok(SIGNED_IN),
        signOut: () => ok(null),
      }),
      managed: () => ({ lockConfiguration: false }),
      tokens: { save: async () => 1 },
      ...idleDeps(),
      session: { ...idleDeps().session, begin: async (s) => void begun.push(s) },
    });
    const signIn = () =>
      handle({
        type: 'sign-in',
        serverUrl: 'https://cold.example.com',
        email: 'sam@example.com',
        password: 'pw',
        keepSignedIn: false,
        stack: { projectId: 'p1', publishableClientKey: 'pck_1', apiUrl: '' },
      });
    return { signIn, begun };
  }

  it('a user without an organization is told so, not "unreadable account"', async () => {
    const { signIn, begun } = handler({
      me: () =>
        ok({
          userId: 'u-1',
          email: 'sam@example.com',
          displayName: 'Sam',
          primaryOrganizationId: null,
          organizations: [],
        }),
    });
    const result = await signIn();
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'no-organization',
        message:
          'This account has no access to an organization. Ask your administrator to add you to one.',
      },
    });
    expect(begun).toEqual([]);
  });

  it('a server that answers 501 to /me does not look like a Frostline backend', async () => {
    const { signIn } = handler({
      me: () =>
        Promise.resolve({
          ok: false as const,
          error: {
            kind: 'http' as const,
            status: 501,
            code: 'http_501',
            message: 'The server answered 501',
          },
        }),
    });
    const result = await signIn();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        'This server does not look like a Frostline backend (it answered 501). Check the server URL.',
      );
    }
  });
});

describe('Stack Auth sign-in (issue #10)', () => {
  const ME = {
    userId: 'u-1',
    email: 'sam@example.com',
    displayName: 'Sam',
    primaryOrganizationId: 'org-1',
    organizations: [{ organizationId: 'org-1', role: 'supervisor' }],
  };

  function run(options: {
    signIn?: () => Promise<unknown>;
    managed?: Record<string, unknown>;
    me?: () => Promise<unknown>;
  }) {
    const used: { origin: string[]; stack: unknown[]; signOuts: number } = {
      origin: [],
      stack: [],
      signOuts: 0,
    };
    const saved: unknown[] = [];
    const handle = createCommandHandler({
      ready: Promise.resolve(),
      now: () => Date.now(),
      snapshot: () => {
        throw new Error('not used');
      },
      api: (origin) => {
        used.origin.push(origin);
        return {
          me: options.me ?? (async () => ({ ok: true, value: ME })),
        } as unknown as ApiClient;
      },
      stackAuth: (config) => {
        used.stack.push(config);
        return {
          signIn: (options.signIn ??
            (async () => ({
              ok: true,
              value: { accessToken: 'a.b.c', refreshToken: 'rt', userId: 'u-1' },
            }))) as never,
          signOut: async () => {
            used.signOuts += 1;
            return { ok: true, value: null };
          },
        };
      },
      managed: () => ({ lockConfiguration: false, ...options.managed }),
      tokens: {
        save: async (tokens) => {
          saved.push(tokens);
          return 1;
        },
      },
      ...idleDeps(),
    });
    const signIn = () =>
      handle({
        type: 'sign-in',
        serverUrl: 'https://typed.example.com',
        email: 'sam@example.com',
        password: 'pw',
        keepSignedIn: true,
        stack: { projectId: 'typed-project', publishableClientKey: 'pck_typed', apiUrl: '' },
      });
    return { signIn, used, saved, handle };
  }

  it('signs in with the typed project and keeps it with the session', async () => {
    const { signIn, used, saved } = run({});
    const result = await signIn();
    expect(result).toMatchObject({
      ok: true,
      data: {
        method: 'password',
        stack: {
          projectId: 'typed-project',
          publishableClientKey: 'pck_typed',
          apiUrl: 'https://api.stack-auth.com',
        },
      },
    });
    expect(used.origin).toEqual(['https://typed.example.com']);
    expect(saved).toEqual([{ accessToken: 'a.b.c', refreshToken: 'rt', expiresAt: 0 }]);
  });

  it('a locked policy wins over what the page sent', async () => {
    const { signIn, used } = run({
      managed: {
        serverUrl: 'https://managed.example.com',
        stackProjectId: 'managed-project',
        stackPublishableClientKey: 'pck_managed',
        lockConfiguration: true,
      },
    });
    expect(await signIn()).toMatchObject({ ok: true });
    expect(used.origin).toEqual(['https://managed.example.com']);
    expect(used.stack).toEqual([
      {
        projectId: 'managed-project',
        publishableClientKey: 'pck_managed',
        apiUrl: 'https://api.stack-auth.com',
      },
    ]);
  });

  it('an unlocked policy only prefills: the typed values are used', async () => {
    const { signIn, used } = run({ managed: { stackProjectId: 'managed-project' } });
    await signIn();
    expect(used.stack).toEqual([expect.objectContaining({ projectId: 'typed-project' })]);
  });

  it.each([
    ['wrong-credentials', 'wrong-credentials'],
    ['bad-project', 'auth-config'],
    ['unreachable', 'auth-unreachable'],
  ] as const)('a Stack %s failure answers %s', async (kind, code) => {
    const { signIn, saved } = run({
      signIn: async () => ({ ok: false, error: { kind, message: 'what to do' } }),
    });
    expect(await signIn()).toMatchObject({ ok: false, error: { code } });
    expect(saved).toEqual([]);
  });

  it('revokes the new Stack session when the backend refuses it', async () => {
    const { signIn, used, saved } = run({
      me: async () => ({
        ok: false,
        error: { kind: 'unauthorized', message: 'Invalid token claims' },
      }),
    });
    expect(await signIn()).toMatchObject({ ok: false, error: { code: 'auth-config' } });
    expect(used.signOuts).toBe(1);
    expect(saved).toEqual([]);
  });
});

describe("the popup's first script (public/wake.js, #14)", () => {
  it('starts the first view read under the key the worker writes and the popup reads', async () => {
    const { readFileSync } = await import('node:fs');
    const { FIRST_VIEW_KEY } = await import('../../lib/first-view');
    const text = readFileSync(new URL('../../public/wake.js', import.meta.url), 'utf8');
    expect(text).toContain(`area.get('${FIRST_VIEW_KEY}')`);
  });
});
