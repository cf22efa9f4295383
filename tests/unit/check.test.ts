/**
 * lib/check.ts replaced valibot in the worker (issue #14, row 6a). Every
 * schema built with it must answer as the valibot schema it replaced
 * (tests/unit/valibot-reference.ts): the same verdict, the same output (keys
 * kept, stripped, defaulted) and, for the wire payloads, whose first issue
 * goes into the diagnostics, the same issue text.
 */
import * as v from 'valibot';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NO, type Schema } from '../../lib/check';
import { NoOrganizationSchema, parseRequest } from '../../lib/commands';
import { parseManaged } from '../../lib/managed';
import {
  CommandRequestSchema,
  PortInSchema,
  PortOutSchema,
  ResultSchema,
} from '../../lib/messages';
import { parseWire, schemas, type SchemaName } from '../../lib/protocol';
import { ErrorSchema, RefreshSchema, SignInSchema } from '../../lib/stack-auth';
import * as ref from './valibot-reference';

const POOL: unknown[] = [
  undefined,
  null,
  0,
  42,
  -1.5,
  Number.NaN,
  Infinity,
  1441,
  '',
  'x',
  '  padded  ',
  '   ',
  'C',
  'F',
  'site',
  'unit',
  'hold',
  '12:30',
  '24:00',
  'a b',
  'y'.repeat(300),
  true,
  false,
  [],
  ['s1'],
  [1],
  {},
  { code: 'c', message: 'm' },
  { kind: 'organization' },
  { kind: 'selection', siteIds: ['s'], unitIds: [] },
];

/** `base`, then `base` with each key (one level down too) dropped or set to each pool value, or one more key. */
function variants(base: Record<string, unknown>): unknown[] {
  const out: unknown[] = [base, { ...base, extra: 1, constructor: 'c', toString: 't' }];
  const mutate = (
    target: Record<string, unknown>,
    wrap: (changed: Record<string, unknown>) => unknown,
  ) => {
    for (const key of Object.keys(target)) {
      const { [key]: _dropped, ...rest } = target;
      out.push(wrap(rest));
      for (const value of POOL) out.push(wrap({ ...target, [key]: value }));
      const inner = target[key];
      if (inner && typeof inner === 'object' && !Array.isArray(inner))
        mutate(inner as Record<string, unknown>, (changed) => wrap({ ...target, [key]: changed }));
    }
  };
  mutate(base, (changed) => changed);
  return out;
}

const TOP_LEVEL: unknown[] = [...POOL, new Date(0), Object.create(null), [{ id: 'x' }]];

const WIRE: Record<SchemaName, Record<string, unknown>> = {
  connectionAck: { socketId: 's', timestamp: 't' },
  readingsBatch: { unitId: 'u', readings: [{ id: 'r' }, 1], count: 2 },
  batchReading: {
    id: 'r',
    temperature: 4,
    humidity: 50,
    battery: 90,
    signalStrength: -60,
    timestamp: 't',
    recordedAt: 't',
  },
  singleReading: { unitId: 'u', temperature: 4, humidity: 50, timestamp: 't' },
  latestReading: {
    id: 'r',
    unitId: 'u',
    deviceId: 'd',
    temperature: 4,
    humidity: 1,
    battery: 2,
    signalStrength: 3,
    recordedAt: 't',
    timestamp: 't',
    source: 'sensor',
  },
  alertTriggered: {
    alertId: 'a',
    unitId: 'u',
    alertType: 'temp',
    severity: 'critical',
    message: 'm',
    triggerTemperature: 9,
    thresholdViolated: 'max',
    triggeredAt: 't',
  },
  alertAcknowledged: { alertId: 'a', acknowledgedBy: 'b', timestamp: 't' },
  alertResolved: { alertId: 'a', unitId: 'u', resolvedAt: 't' },
  alertEscalated: { alertId: 'a', unitId: 'u', escalationLevel: 2 },
  unitStateChanged: {
    unitId: 'u',
    previousState: 'ok',
    newState: 'alarm',
    timestamp: 't',
    reason: 'r',
  },
  serverError: { message: 'm', code: 'c' },
  subscriptionError: { entity: 'site', entityId: 's', message: 'm' },
  me: {
    userId: 'u',
    email: 'e',
    displayName: 'd',
    primaryOrganizationId: 'o',
    organizations: [{}],
  },
  membership: { organizationId: 'o', role: 'admin', name: 'n' },
  site: { id: 's', organizationId: 'o', name: 'n', timezone: 'UTC', isActive: false },
  area: { id: 'a', siteId: 's', name: 'n' },
  unit: {
    id: 'u',
    areaId: 'a',
    name: 'n',
    unitType: 'fridge',
    status: 'ok',
    tempMin: 1,
    tempMax: 5,
    tempUnit: 'C',
    lastReadingAt: 't',
    lastTemperature: 3,
    isActive: true,
    sortOrder: 3,
  },
  alert: {
    id: 'a',
    unitId: 'u',
    alertType: 't',
    severity: 's',
    status: 'active',
    message: 'm',
    triggerTemperature: 1,
    thresholdViolated: 'max',
    triggeredAt: 't',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    escalationLevel: 1,
  },
  tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: 't' },
  errorBody: { error: { code: 'c', message: 'm' } },
};

/** valibot's answer in the shape of ours. */
function reference(
  schema: v.GenericSchema,
  input: unknown,
  config?: v.Config<v.BaseIssue<unknown>>,
) {
  const result = v.safeParse(schema, input, config);
  return result.success ? { ok: true, value: result.output } : { ok: false };
}

function ours<T>(schema: Schema<T, boolean>, input: unknown) {
  const value = schema(input);
  return value === NO ? { ok: false } : { ok: true, value };
}

describe('lib/check.ts answers as valibot did (issue #14)', () => {
  it('every wire payload schema: same verdict, same output, same first issue', () => {
    const mismatches: unknown[] = [];
    let compared = 0;
    for (const name of Object.keys(WIRE) as SchemaName[]) {
      for (const sample of [...variants(WIRE[name]), ...TOP_LEVEL]) {
        const expected = v.safeParse(ref.protocolSchemas[name], sample, ref.PARSE_CONFIG);
        const actual = parseWire(name, sample);
        let want;
        if (expected.success) want = { ok: true, value: expected.output };
        else {
          const first = expected.issues[0];
          const path = first.path?.map((item) => String(item.key)).join('.') ?? '';
          want = { ok: false, issue: path ? `${path}: ${first.message}` : first.message };
        }
        if (!isDeepStrictEqual(actual, want)) mismatches.push({ name, sample, actual, want });
        compared++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(WIRE).sort());
    expect(compared).toBeGreaterThan(3000);
  });

  it('a payload whose getters throw is an unreadable payload, as before', () => {
    const hostile = new Proxy(
      {},
      {
        has: () => true,
        get: () => {
          throw new Error('no');
        },
      },
    );
    expect(parseWire('site', hostile)).toEqual({ ok: false, issue: 'unreadable payload' });
  });

  const PREFERENCES = {
    minSeverity: 'warning',
    quietHours: { enabled: true, start: '22:00', end: '06:30' },
    mutedSiteIds: ['s1'],
    renotifyMinutes: 0,
    tempScale: 'unit',
    staleMinutes: 10,
    dashboardUrlTemplate: 'https://x/{unitId}',
    sound: { critical: 'repeat', warning: 'once', info: 'off' },
    realertMinutes: { critical: 5, warning: 0, info: 1440 },
  };
  const COMMANDS: Record<string, unknown>[] = [
    { type: 'snapshot' },
    {
      type: 'sign-in',
      serverUrl: 'https://x',
      email: 'a@b',
      password: 'p',
      keepSignedIn: true,
      stack: { projectId: 'p', publishableClientKey: 'k', apiUrl: 'https://a' },
    },
    { type: 'managed-config' },
    { type: 'sign-in-token', serverUrl: 'https://x', accessToken: 't' },
    { type: 'sign-out' },
    { type: 'set-scope', scope: { kind: 'organization' } },
    { type: 'set-scope', scope: { kind: 'selection', siteIds: ['s'], unitIds: ['u'] } },
    { type: 'set-preferences', preferences: PREFERENCES },
    { type: 'set-preferences', preferences: {} },
    { type: 'acknowledge', alertId: 'a', notes: 'n' },
    { type: 'acknowledge', alertId: 'a' },
    { type: 'resolve', alertId: 'a', resolution: '  fixed  ', correctiveAction: 'c' },
    { type: 'snooze', alertId: 'a', minutes: 30 },
    { type: 'test-notification' },
    { type: 'test-sound' },
    { type: 'directory' },
    { type: 'diagnostics-text' },
    { type: 'set-whole-degree-limits', enabled: false },
    { type: 'since-last-looked' },
    { type: 'wake' },
    { type: 'unknown' },
  ];

  it('page commands: the same requests pass, with the same fields', () => {
    const mismatches: unknown[] = [];
    let passed = 0;
    for (const base of COMMANDS)
      for (const sample of [...variants(base), ...TOP_LEVEL]) {
        const expected = reference(ref.CommandRequestSchema, sample);
        const request = parseRequest(sample);
        if (
          !isDeepStrictEqual(ours(CommandRequestSchema, sample), expected) ||
          !isDeepStrictEqual(request, expected.ok ? expected.value : null)
        )
          mismatches.push({ sample, request, expected });
        if (expected.ok) passed++;
      }
    expect(mismatches).toEqual([]);
    expect(passed).toBeGreaterThan(100);
  });

  it('port messages, worker messages and answers: the same verdicts and outputs', () => {
    const cases: [Schema<unknown, boolean>, v.GenericSchema, Record<string, unknown>[]][] = [
      [
        PortInSchema,
        ref.PortInSchema,
        [
          { type: 'hold', entity: 'site', id: 's' },
          { type: 'release', entity: 'unit', id: 'u' },
        ],
      ],
      [
        PortOutSchema,
        ref.PortOutSchema,
        [
          { type: 'snapshot', snapshot: { a: 1 } },
          { type: 'patch', patch: {} },
        ],
      ],
      [
        ResultSchema,
        ref.ResultSchema,
        [
          { ok: true, data: 1, more: 2 },
          { ok: false, error: { code: 'c', message: 'm' } },
        ],
      ],
    ];
    for (const [mine, theirs, bases] of cases)
      for (const base of bases)
        for (const sample of [...variants(base), ...TOP_LEVEL])
          expect(ours(mine, sample), JSON.stringify(sample)).toStrictEqual(
            reference(theirs, sample),
          );
  });

  it('managed policy: each key kept or dropped as before', () => {
    const base = {
      serverUrl: ' https://x ',
      stackProjectId: 'p',
      stackPublishableClientKey: 'k',
      stackApiUrl: 'https://a',
      lockConfiguration: true,
    };
    for (const sample of [...variants(base), ...TOP_LEVEL]) {
      const expected: Record<string, unknown> = { lockConfiguration: false };
      if (typeof sample === 'object' && sample !== null)
        for (const [key, entry] of Object.entries(ref.ManagedConfigSchema.entries)) {
          const result = v.safeParse(entry, (sample as Record<string, unknown>)[key]);
          if (result.success && result.output !== undefined) expected[key] = result.output;
        }
      expect(parseManaged(sample), JSON.stringify(sample)).toStrictEqual(expected);
    }
  });

  it('Stack Auth answers and the no-organization check: the same verdicts and outputs', () => {
    const pairs: [Schema<unknown, boolean>, v.GenericSchema, Record<string, unknown>][] = [
      [SignInSchema, ref.SignInSchema, { access_token: 'a.b', refresh_token: 'r', user_id: 'u' }],
      [RefreshSchema, ref.RefreshSchema, { access_token: 'a' }],
      [ErrorSchema, ref.ErrorSchema, { code: 'X', error: 'e', other: 1 }],
      [
        NoOrganizationSchema,
        ref.NoOrganizationSchema,
        { primaryOrganizationId: null, organizations: [], userId: 'u' },
      ],
    ];
    for (const [mine, theirs, base] of pairs)
      for (const sample of [...variants(base), ...TOP_LEVEL])
        expect(ours(mine, sample), JSON.stringify(sample)).toStrictEqual(reference(theirs, sample));
  });
});
