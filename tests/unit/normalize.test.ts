import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  cleanText,
  normalizeAlertAcknowledged,
  normalizeAlertEscalated,
  normalizeAlertResolved,
  normalizeAlertTriggered,
  normalizeAlerts,
  normalizeAreas,
  normalizeConnectionAck,
  normalizeErrorBody,
  normalizeLatestReading,
  normalizeMe,
  normalizeReadingsBatch,
  normalizeServerError,
  normalizeSingleReading,
  normalizeSites,
  normalizeSubscriptionError,
  normalizeTokens,
  normalizeUnitStateChanged,
  normalizeUnits,
  parseIsoTime,
  parseIsoTimeByDate,
  type DropReason,
  type NormalizeContext,
} from '../../lib/normalize';
import { MINUTE, T0 } from './fixtures';

const ISO = (ms: number) => new Date(ms).toISOString();
const ctx: NormalizeContext = {
  now: T0,
  unitScale: (unitId) => (unitId === 'celsius-unit' ? 'C' : unitId === 'f-unit' ? 'F' : undefined),
};

const goodReading = {
  id: 'r1',
  temperature: 3.5,
  humidity: 40,
  battery: 90,
  signalStrength: -60,
  timestamp: ISO(T0 - MINUTE),
};

function batch(readings: unknown, extra: Record<string, unknown> = {}) {
  return { unitId: 'u1', readings, count: Array.isArray(readings) ? readings.length : 0, ...extra };
}

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) value = { unitId: value };
  return value;
}

const throwingProxy = new Proxy(
  {},
  {
    has: () => true,
    get: () => {
      throw new Error('boom');
    },
  },
);

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
const RLO = '\u202E';
const ZWSP = '\u200B';

describe('normalizeReadingsBatch: whole payload dropped', () => {
  const cases: [string, unknown, DropReason][] = [
    ['undefined', undefined, 'malformed'],
    ['null', null, 'malformed'],
    ['a string', 'sensor', 'malformed'],
    ['a number', 42, 'malformed'],
    ['a boolean', true, 'malformed'],
    ['an array instead of an object', [batch([goodReading])], 'malformed'],
    ['an ArrayBuffer', new ArrayBuffer(16), 'malformed'],
    ['a Uint8Array', new Uint8Array([1, 2, 3]), 'malformed'],
    ['a Date', new Date(T0), 'malformed'],
    ['a Map', new Map([['unitId', 'u1']]), 'malformed'],
    ['an empty object', {}, 'malformed'],
    ['unitId missing', { readings: [goodReading], count: 1 }, 'malformed'],
    ['unitId a number', { unitId: 7, readings: [], count: 0 }, 'malformed'],
    ['unitId empty', { unitId: '', readings: [], count: 0 }, 'bad-id'],
    ['unitId __proto__', { unitId: '__proto__', readings: [], count: 0 }, 'bad-id'],
    ['unitId constructor', { unitId: 'constructor', readings: [], count: 0 }, 'bad-id'],
    ['unitId prototype', { unitId: 'prototype', readings: [], count: 0 }, 'bad-id'],
    ['unitId 129 chars', { unitId: 'u'.repeat(129), readings: [], count: 0 }, 'bad-id'],
    ['unitId with an RTL override', { unitId: `u1${RLO}`, readings: [], count: 0 }, 'bad-id'],
    ['unitId with a zero-width space', { unitId: `u${ZWSP}1`, readings: [], count: 0 }, 'bad-id'],
    ['readings an object', { unitId: 'u1', readings: { 0: goodReading }, count: 1 }, 'malformed'],
    ['readings null', { unitId: 'u1', readings: null, count: 0 }, 'malformed'],
    ['more than 1000 readings', batch(new Array(1001).fill(goodReading)), 'too-large'],
    [
      'a JSON __proto__ key only',
      JSON.parse('{"__proto__":{"unitId":"u1","readings":[]}}'),
      'malformed',
    ],
  ];
  it.each(cases)('%s → %s', (_name, raw, reason) => {
    const result = normalizeReadingsBatch(raw, ctx);
    expect(result).toMatchObject({ ok: false, kind: 'sensor:readings:batch', reason });
  });
});

it('drops a payload whose getters throw, as unreadable', () => {
  expect(normalizeReadingsBatch(throwingProxy, ctx)).toMatchObject({
    ok: false,
    kind: 'sensor:readings:batch',
    reason: 'unreadable',
  });
});

it('drops a unitId nested 10,000 levels deep without recursing', () => {
  const result = normalizeReadingsBatch(deep(10_000), ctx);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toBe('malformed');
});

describe('normalizeReadingsBatch: one reading dropped, the batch kept', () => {
  const cases: [string, unknown, DropReason, NormalizeContext?][] = [
    ['temperature null', { ...goodReading, temperature: null }, 'bad-temperature'],
    ['temperature missing', { ...goodReading, temperature: undefined }, 'bad-temperature'],
    ['temperature NaN', { ...goodReading, temperature: NaN }, 'bad-temperature'],
    ['temperature Infinity', { ...goodReading, temperature: Infinity }, 'bad-temperature'],
    ['temperature -Infinity', { ...goodReading, temperature: -Infinity }, 'bad-temperature'],
    ['temperature a string', { ...goodReading, temperature: '3.5' }, 'bad-temperature'],
    ['temperature an object', { ...goodReading, temperature: { value: 3 } }, 'bad-temperature'],
    ['temperature 1e308', { ...goodReading, temperature: 1e308 }, 'impossible-temperature'],
    ['temperature above 1000', { ...goodReading, temperature: 1000.5 }, 'impossible-temperature'],
    ['temperature below -459.67', { ...goodReading, temperature: -460 }, 'impossible-temperature'],
    ['no time at all', { ...goodReading, timestamp: undefined }, 'bad-time'],
    ['time in words', { ...goodReading, timestamp: 'yesterday' }, 'bad-time'],
    ['time "1" (Date.parse reads 2001)', { ...goodReading, timestamp: '1' }, 'bad-time'],
    ['February 30th', { ...goodReading, timestamp: '2024-02-30T00:00:00Z' }, 'bad-time'],
    ['month 13', { ...goodReading, timestamp: '2024-13-01T00:00:00Z' }, 'bad-time'],
    ['a 10 MB time string', { ...goodReading, timestamp: TEN_MB }, 'bad-time'],
    [
      '11 minutes in the future',
      { ...goodReading, timestamp: ISO(T0 + 11 * MINUTE) },
      'future-time',
    ],
    ['time as epoch number', { ...goodReading, timestamp: T0 }, 'malformed'],
    ['id missing', { ...goodReading, id: undefined }, 'malformed'],
    ['id empty', { ...goodReading, id: '' }, 'bad-id'],
    ['id __proto__', { ...goodReading, id: '__proto__' }, 'bad-id'],
    ['item null', null, 'malformed'],
    ['item an array', [goodReading], 'malformed'],
    ['item a Uint8Array', new Uint8Array(4), 'malformed'],
  ];
  it.each(cases)('%s → %s', (_name, item, reason) => {
    const result = normalizeReadingsBatch(batch([item, { ...goodReading, id: 'ok' }]), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.readings.map((r) => r.id)).toEqual(['ok']);
    expect(result.value.droppedReadings).toBe(1);
    expect(result.value.dropReasons).toEqual({ [reason]: 1 });
  });

  it('below absolute zero in °C is impossible only when the unit is known to be Celsius', () => {
    const cold = { ...goodReading, temperature: -300 };
    const inC = normalizeReadingsBatch({ ...batch([cold]), unitId: 'celsius-unit' }, ctx);
    const inF = normalizeReadingsBatch({ ...batch([cold]), unitId: 'f-unit' }, ctx);
    const unknown = normalizeReadingsBatch(batch([cold]), ctx);
    expect(inC.ok && inC.value.dropReasons).toEqual({ 'impossible-temperature': 1 });
    expect(inF.ok && inF.value.readings.map((r) => r.temperature)).toEqual([-300]);
    expect(unknown.ok && unknown.value.readings.length).toBe(1);
  });
});

describe('normalizeReadingsBatch: exact values', () => {
  it('normalises a good reading, dropping fields the contract does not name', () => {
    const result = normalizeReadingsBatch(
      { ...batch([{ ...goodReading, evil: '<script>', nested: deep(50) }]), extra: true },
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        unitId: 'u1',
        readings: [
          {
            id: 'r1',
            unitId: 'u1',
            temperature: 3.5,
            humidity: 40,
            battery: 90,
            signalStrength: -60,
            at: T0 - MINUTE,
          },
        ],
        droppedReadings: 0,
        dropReasons: {},
        countMismatch: false,
      },
    });
  });

  it('turns -0 into 0', () => {
    const result = normalizeReadingsBatch(batch([{ ...goodReading, temperature: -0 }]), ctx);
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.is(result.value.readings[0]?.temperature, 0)).toBe(true);
  });

  it('null, absent or garbled optional fields become null', () => {
    const raw = {
      id: 'r1',
      temperature: 1,
      humidity: 'high',
      battery: NaN,
      timestamp: goodReading.timestamp,
    };
    const result = normalizeReadingsBatch(batch([raw]), ctx);
    expect(result.ok && result.value.readings[0]).toMatchObject({
      humidity: null,
      battery: null,
      signalStrength: null,
    });
  });

  it('reads recordedAt when there is no timestamp, and prefers timestamp when both are sent', () => {
    const older = ISO(T0 - 2 * MINUTE);
    const result = normalizeReadingsBatch(
      batch([
        { ...goodReading, id: 'a', timestamp: undefined, recordedAt: older },
        { ...goodReading, id: 'b', recordedAt: older },
      ]),
      ctx,
    );
    expect(result.ok && result.value.readings.map((r) => r.at)).toEqual([
      T0 - 2 * MINUTE,
      T0 - MINUTE,
    ]);
  });

  it('accepts a reading 9 minutes ahead (sensor clock skew)', () => {
    const result = normalizeReadingsBatch(
      batch([{ ...goodReading, timestamp: ISO(T0 + 9 * MINUTE) }]),
      ctx,
    );
    expect(result.ok && result.value.readings.length).toBe(1);
  });

  it('keeps the readings when count disagrees, and flags it', () => {
    const result = normalizeReadingsBatch({ ...batch([goodReading]), count: 5 }, ctx);
    expect(result.ok && result.value.readings.length).toBe(1);
    expect(result.ok && result.value.countMismatch).toBe(true);
    const missing = normalizeReadingsBatch({ unitId: 'u1', readings: [goodReading] }, ctx);
    expect(missing.ok && missing.value.countMismatch).toBe(false);
  });

  it('accepts exactly 1000 readings', () => {
    const readings = Array.from({ length: 1000 }, (_, i) => ({ ...goodReading, id: `r${i}` }));
    const result = normalizeReadingsBatch(batch(readings), ctx);
    expect(result.ok && result.value.readings.length).toBe(1000);
  });

  it('refuses a million readings without looking at them', () => {
    const huge = batch(new Array(1_000_000).fill(goodReading));
    const started = performance.now();
    expect(normalizeReadingsBatch(huge, ctx)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('normalizeSingleReading and normalizeLatestReading', () => {
  it('derives a deterministic id from unit and time', () => {
    const raw = { unitId: 'u1', temperature: 2, timestamp: ISO(T0 - MINUTE) };
    const a = normalizeSingleReading(raw, ctx);
    const b = normalizeSingleReading({ ...raw, humidity: 50 }, ctx);
    expect(a).toEqual({
      ok: true,
      value: {
        id: `u1@${T0 - MINUTE}`,
        unitId: 'u1',
        temperature: 2,
        humidity: null,
        battery: null,
        signalStrength: null,
        at: T0 - MINUTE,
      },
    });
    expect(b.ok && b.value.id).toBe(a.ok && a.value.id);
  });

  it.each<[string, unknown, DropReason]>([
    ['no timestamp', { unitId: 'u1', temperature: 2 }, 'malformed'],
    ['bad timestamp', { unitId: 'u1', temperature: 2, timestamp: 'now' }, 'bad-time'],
    [
      'string temperature',
      { unitId: 'u1', temperature: 'cold', timestamp: ISO(T0) },
      'bad-temperature',
    ],
  ])('drops %s', (_name, raw, reason) => {
    expect(normalizeSingleReading(raw, ctx)).toMatchObject({
      ok: false,
      kind: 'sensor:reading',
      reason,
    });
  });

  it('get:latest: null means no reading yet; recordedAt is the time; another unit is refused', () => {
    const wire = {
      id: 'r9',
      unitId: 'u1',
      deviceId: null,
      temperature: 4.2,
      humidity: null,
      battery: null,
      signalStrength: null,
      recordedAt: ISO(T0 - MINUTE),
      source: 'sensor',
    };
    expect(normalizeLatestReading(null, ctx)).toEqual({ ok: true, value: null });
    expect(normalizeLatestReading(wire, { ...ctx, expectUnitId: 'u1' })).toMatchObject({
      ok: true,
      value: { id: 'r9', at: T0 - MINUTE, temperature: 4.2 },
    });
    expect(normalizeLatestReading(wire, { ...ctx, expectUnitId: 'u2' })).toMatchObject({
      ok: false,
      reason: 'wrong-unit',
    });
    expect(normalizeLatestReading([wire], ctx)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('alerts', () => {
  const wire = {
    alertId: 'al1',
    unitId: 'u1',
    alertType: 'alarm_active',
    severity: 'warning',
    message: 'Temperature above 5 °C',
    // Tenths of a degree on the wire (PROTOCOL.md scale table): 7.5 degrees.
    triggerTemperature: 75,
    thresholdViolated: 'max',
    triggeredAt: ISO(T0 - MINUTE),
  };

  it('normalises alert:triggered exactly', () => {
    expect(normalizeAlertTriggered({ ...wire, extra: 1 }, ctx)).toEqual({
      ok: true,
      value: {
        id: 'al1',
        unitId: 'u1',
        type: 'alarm_active',
        typeLabel: 'alarm_active',
        severity: 'warning',
        severityLabel: 'warning',
        message: 'Temperature above 5 °C',
        triggerTemperature: 7.5,
        thresholdViolated: 'max',
        triggeredAt: T0 - MINUTE,
        status: 'active',
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalationLevel: 0,
      },
    });
  });

  it('keeps HTML as text and caps a 10 MB message quickly', () => {
    const html = normalizeAlertTriggered({ ...wire, message: '<img src=x onerror=alert(1)>' }, ctx);
    expect(html.ok && html.value.message).toBe('<img src=x onerror=alert(1)>');
    const started = performance.now();
    const huge = normalizeAlertTriggered({ ...wire, message: TEN_MB }, ctx);
    expect(performance.now() - started).toBeLessThan(100);
    expect(huge.ok && huge.value.message).toBe('x'.repeat(LIMITS.message));
  });

  it('strips RTL overrides and zero-width characters from labels and messages', () => {
    const result = normalizeAlertTriggered(
      {
        ...wire,
        message: `Door ${RLO}nepo${'\u202C'} at ${ZWSP}dock\uFEFF\u2066x\u2069`,
        alertType: `door${ZWSP}_open`,
      },
      ctx,
    );
    expect(result.ok && result.value.message).toBe('Door nepo at dockx');
    expect(result.ok && result.value.typeLabel).toBe('door_open');
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'unknown severity keeps its label',
      { severity: 'catastrophic' },
      { severity: 'unknown', severityLabel: 'catastrophic' },
    ],
    ['severity matched case-insensitively', { severity: 'CRITICAL' }, { severity: 'critical' }],
    ['severity missing', { severity: undefined }, { severity: 'unknown', severityLabel: '' }],
    [
      'unknown type keeps its label',
      { alertType: 'fridge_on_fire' },
      { type: 'other', typeLabel: 'fridge_on_fire' },
    ],
    ['threshold sideways', { thresholdViolated: 'sideways' }, { thresholdViolated: null }],
    ['temperature a string', { triggerTemperature: 'hot' }, { triggerTemperature: null }],
    ['temperature 1e308', { triggerTemperature: 1e308 }, { triggerTemperature: null }],
    ['triggeredAt garbage → receive time', { triggeredAt: 'soon' }, { triggeredAt: T0 }],
    [
      'triggeredAt in the future → now',
      { triggeredAt: ISO(T0 + 60 * MINUTE) },
      { triggeredAt: T0 },
    ],
    ['message a number', { message: 42 }, { message: '' }],
  ])('%s', (_name, patch, expected) => {
    const result = normalizeAlertTriggered({ ...wire, ...patch }, ctx);
    expect(result).toMatchObject({ ok: true, value: expected });
  });

  it.each<[string, unknown, DropReason]>([
    ['alertId __proto__', { ...wire, alertId: '__proto__' }, 'bad-id'],
    ['alertId missing', { ...wire, alertId: undefined }, 'malformed'],
    ['unitId empty', { ...wire, unitId: '' }, 'bad-id'],
    ['an array', [wire], 'malformed'],
  ])('alert:triggered drops %s', (_name, raw, reason) => {
    expect(normalizeAlertTriggered(raw, ctx)).toMatchObject({
      ok: false,
      kind: 'alert:triggered',
      reason,
    });
  });

  it('alert:acknowledged, alert:resolved, alert:escalated', () => {
    expect(
      normalizeAlertAcknowledged(
        { alertId: 'al1', acknowledgedBy: 'Ana', timestamp: ISO(T0) },
        ctx,
      ),
    ).toEqual({ ok: true, value: { alertId: 'al1', by: 'Ana', at: T0 } });
    expect(normalizeAlertAcknowledged({ alertId: 'al1' }, ctx)).toEqual({
      ok: true,
      value: { alertId: 'al1', by: null, at: T0 },
    });
    expect(
      normalizeAlertResolved({ alertId: 'al1', unitId: 'u1', resolvedAt: ISO(T0 - MINUTE) }, ctx),
    ).toEqual({ ok: true, value: { alertId: 'al1', unitId: 'u1', at: T0 - MINUTE } });
    expect(
      normalizeAlertEscalated({ alertId: 'al1', unitId: 'u1', escalationLevel: 1 }, ctx),
    ).toEqual({
      ok: true,
      value: { alertId: 'al1', unitId: 'u1', level: 1 },
    });
  });

  it.each<[string, unknown]>([
    ['1.5', 1.5],
    ['-1', -1],
    ['"1"', '1'],
    ['NaN', NaN],
    ['1e9', 1e9],
  ])('alert:escalated refuses level %s', (_name, escalationLevel) => {
    expect(
      normalizeAlertEscalated({ alertId: 'al1', unitId: 'u1', escalationLevel }, ctx),
    ).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('other server events', () => {
  it('unit:state:changed maps unknown states to unknown', () => {
    expect(
      normalizeUnitStateChanged(
        {
          unitId: 'u1',
          previousState: 'normal',
          newState: 'melting',
          timestamp: ISO(T0),
          reason: 'x',
        },
        ctx,
      ),
    ).toEqual({
      ok: true,
      value: { unitId: 'u1', state: 'unknown', previousState: 'normal', at: T0, reason: 'x' },
    });
  });

  it('connection:ack needs a real time', () => {
    expect(normalizeConnectionAck({ socketId: 'abc', timestamp: ISO(T0) }, ctx)).toEqual({
      ok: true,
      value: { socketId: 'abc', serverTime: T0 },
    });
    expect(normalizeConnectionAck({ socketId: 'abc', timestamp: 'later' }, ctx)).toMatchObject({
      ok: false,
      reason: 'bad-time',
    });
  });

  it('error and subscription:error', () => {
    expect(normalizeServerError({ message: 'Rate limited', code: 42 }, ctx)).toEqual({
      ok: true,
      value: { message: 'Rate limited', code: null },
    });
    expect(
      normalizeSubscriptionError({ entity: 'site', entityId: 's9', message: 'Access denied' }, ctx),
    ).toEqual({ ok: true, value: { entity: 'site', entityId: 's9', message: 'Access denied' } });
    expect(
      normalizeSubscriptionError({ entity: 'org', entityId: 's9', message: 'Access denied' }, ctx),
    ).toMatchObject({ ok: false, kind: 'subscription:error', reason: 'malformed' });
  });
});

describe('REST bodies', () => {
  it('me keeps valid memberships', () => {
    const result = normalizeMe(
      {
        userId: 'usr1',
        email: 'ana@example.com',
        displayName: `Ana${RLO}`,
        primaryOrganizationId: 'org1',
        organizations: [{ organizationId: 'org1', role: 'admin' }, { organizationId: '' }, 'x'],
      },
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        userId: 'usr1',
        email: 'ana@example.com',
        displayName: 'Ana',
        primaryOrganizationId: 'org1',
        organizations: [{ organizationId: 'org1', role: 'admin', name: null }],
      },
    });
  });

  it('sites: drops bad items, skips inactive ones and duplicates, caps names', () => {
    const result = normalizeSites(
      [
        {
          id: 's1',
          organizationId: 'org1',
          name: 'N'.repeat(300),
          timezone: 'Europe/Paris',
          isActive: true,
        },
        { id: 's1', organizationId: 'org1', name: 'Dup', timezone: 'UTC', isActive: true },
        { id: 's2', organizationId: 'org1', name: 'Closed', timezone: 'UTC', isActive: false },
        { id: 7, name: 'bad' },
        null,
      ],
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        items: [{ id: 's1', name: 'N'.repeat(LIMITS.name), timezone: 'Europe/Paris' }],
        dropped: 2,
      },
    });
    expect(normalizeSites({ sites: [] }, ctx)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(normalizeSites(new Array(LIMITS.listItems + 1).fill(null), ctx)).toMatchObject({
      ok: false,
      reason: 'too-large',
    });
  });

  it('areas', () => {
    expect(normalizeAreas([{ id: 'a1', siteId: 's1', name: 'Back' }, { id: 'a2' }], ctx)).toEqual({
      ok: true,
      value: { items: [{ id: 'a1', siteId: 's1', name: 'Back' }], dropped: 1 },
    });
  });

  it('units take the site from the call and refuse a missing scale', () => {
    const unit = {
      id: 'u1',
      areaId: 'a1',
      name: 'Walk-in',
      unitType: 'walk_in',
      status: 'ok',
      // Tenths for the limits, hundredths for the last temperature (PROTOCOL.md).
      tempMin: 20,
      tempMax: 50,
      tempUnit: 'C',
      lastReadingAt: ISO(T0 - MINUTE),
      lastTemperature: 310,
      isActive: true,
      sortOrder: 1,
    };
    const result = normalizeUnits(
      [unit, { ...unit, id: 'u2', tempUnit: 'K' }, { ...unit, id: 'u3', isActive: false }],
      { ...ctx, siteId: 's1' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        items: [
          {
            id: 'u1',
            name: 'Walk-in',
            siteId: 's1',
            areaId: 'a1',
            unitType: 'walk_in',
            tempMin: 2,
            tempMax: 5,
            tempUnit: 'C',
            sortOrder: 1,
            status: 'ok',
            lastReadingAt: T0 - MINUTE,
            lastTemperature: 3.1,
          },
        ],
        dropped: 1,
      },
    });
  });

  it('alerts: open ones only; escalated means critical; acknowledged kept as such', () => {
    const base = {
      id: 'al1',
      unitId: 'u1',
      alertType: 'alarm_active',
      severity: 'warning',
      status: 'active',
      message: 'm',
      triggerTemperature: 80,
      thresholdViolated: 'max',
      triggeredAt: ISO(T0 - MINUTE),
      acknowledgedAt: null,
      resolvedAt: null,
      escalationLevel: 0,
    };
    const result = normalizeAlerts(
      [
        base,
        { ...base, id: 'al2', status: 'escalated', escalationLevel: 1 },
        {
          ...base,
          id: 'al3',
          status: 'acknowledged',
          acknowledgedAt: ISO(T0),
          acknowledgedBy: 'Bo',
        },
        { ...base, id: 'al4', status: 'resolved', resolvedAt: ISO(T0) },
        { ...base, id: '__proto__' },
      ],
      ctx,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.dropped).toBe(1);
    expect(result.value.items.map((a) => [a.id, a.severity, a.status, a.acknowledgedBy])).toEqual([
      ['al1', 'warning', 'active', null],
      ['al2', 'critical', 'active', null],
      ['al3', 'warning', 'acknowledged', 'Bo'],
    ]);
  });

  it('tokens: printable, bounded, with a real expiry; never echoed in the reason', () => {
    const good = { accessToken: 'a.b.c', refreshToken: 'r', expiresAt: ISO(T0 + 15 * MINUTE) };
    expect(normalizeTokens(good, ctx)).toEqual({
      ok: true,
      value: { accessToken: 'a.b.c', refreshToken: 'r', expiresAt: T0 + 15 * MINUTE },
    });
    const bad = normalizeTokens({ ...good, accessToken: 'secret value\n' }, ctx);
    expect(bad).toMatchObject({ ok: false, reason: 'malformed', detail: 'accessToken' });
    expect(normalizeTokens({ ...good, expiresAt: 'never' }, ctx)).toMatchObject({
      reason: 'bad-time',
    });
  });

  it('error bodies in both shapes', () => {
    expect(normalizeErrorBody({ error: 'Nope' }, ctx)).toEqual({
      ok: true,
      value: { code: null, message: 'Nope' },
    });
    expect(
      normalizeErrorBody({ error: { code: 'NOT_FOUND', message: 'No such alert' } }, ctx),
    ).toEqual({
      ok: true,
      value: { code: 'NOT_FOUND', message: 'No such alert' },
    });
    expect(normalizeErrorBody('Internal Server Error', ctx)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('never throws', () => {
  const hostile: unknown[] = [
    undefined,
    null,
    0,
    -0,
    NaN,
    '',
    TEN_MB,
    Symbol('s'),
    () => 1,
    [],
    [null],
    {},
    new ArrayBuffer(8),
    new Uint8Array(8),
    throwingProxy,
    Object.create(null),
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}'),
    deep(100_000),
    { unitId: 'u1', readings: [throwingProxy, deep(1000)], count: 2 },
    { alertId: TEN_MB, unitId: TEN_MB, escalationLevel: TEN_MB },
  ];
  const all = [
    normalizeReadingsBatch,
    normalizeSingleReading,
    normalizeLatestReading,
    normalizeAlertTriggered,
    normalizeAlertAcknowledged,
    normalizeAlertResolved,
    normalizeAlertEscalated,
    normalizeUnitStateChanged,
    normalizeConnectionAck,
    normalizeServerError,
    normalizeSubscriptionError,
    normalizeMe,
    normalizeSites,
    normalizeAreas,
    normalizeAlerts,
    normalizeTokens,
    normalizeErrorBody,
  ];
  it('returns a result for every hostile input on every normaliser', () => {
    for (const fn of all) {
      for (const raw of hostile) {
        const result = fn(raw, ctx);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.detail.length).toBeLessThanOrEqual(200);
      }
    }
    for (const raw of hostile)
      expect(typeof normalizeUnits(raw, { ...ctx, siteId: 's1' }).ok).toBe('boolean');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('helpers', () => {
  it('cleanText does not cut a surrogate pair in half', () => {
    expect(cleanText(`ab\u{1F9CA}`, 3)).toBe('ab');
  });
  it('parseIsoTime treats a time without offset as UTC', () => {
    expect(parseIsoTime('2024-06-01T12:00:00')).toBe(T0);
    expect(parseIsoTime('2024-06-01T14:00:00+02:00')).toBe(T0);
  });
  it('parseIsoTime decides every shape as Date.parse does (its fast path changes no answer)', () => {
    const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
    const years = ['0000', '0099', '0100', '1970', '1999', '2000', '2024', '2100', '2400', '9999'];
    const months = ['00', '01', '02', '04', '06', '12', '13'];
    const days = ['00', '01', '28', '29', '30', '31', '32'];
    const hours = ['00', '09', '23', '24', '25'];
    const minutes = ['00', '30', '59', '60'];
    const seconds = ['', ':00', ':07', ':59', ':60'];
    const fractions = ['', '.5', '.05', '.123', '.1239', '.999999999', '.007'];
    const zones = [
      '',
      'Z',
      'z',
      '+02:00',
      '-05:30',
      '+0200',
      '+23:59',
      '+24:00',
      '-00:60',
      '+14:00',
    ];
    const separators = ['T', 't', ' '];
    let compared = 0;
    // A deterministic walk through the combinations (co-prime strides), plus the corner cases.
    for (let i = 0; i < 20_000; i += 1) {
      const sec = pick(seconds, i * 3);
      const text =
        `${pick(years, i)}-${pick(months, i * 7)}-${pick(days, i * 11)}` +
        `${pick(separators, i * 13)}${pick(hours, i * 17)}:${pick(minutes, i * 19)}` +
        `${sec}${sec === '' ? '' : pick(fractions, i * 23)}${pick(zones, i * 29)}`;
      expect(parseIsoTime(text), text).toBe(parseIsoTimeByDate(text));
      compared += 1;
    }
    for (const text of [
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2024-06-01T12:00',
      '2024-06-01 12:00:00.1+01:00',
      '2024-06-01T12:00:00.123456Z',
      '2024-6-01T12:00:00Z',
      ' 2024-06-01T12:00:00Z',
      '',
    ]) {
      expect(parseIsoTime(text), text).toBe(parseIsoTimeByDate(text));
      compared += 1;
    }
    expect(compared).toBe(20_010);
    expect(parseIsoTime('2024-06-01T12:00:00.1239Z')).toBe(T0 + 123);
    expect(parseIsoTime('2024-02-30T12:00:00Z')).toBeNull();
    expect(parseIsoTime(42)).toBeNull();
  });
});

describe('plausible server times and values (issue #11)', () => {
  const counted = () => {
    const counts: Record<string, number> = {};
    const context: NormalizeContext = {
      ...ctx,
      count: (kind) => {
        counts[kind] = (counts[kind] ?? 0) + 1;
      },
    };
    return { counts, context };
  };
  const stateChange = (timestamp: string, newState = 'critical') => ({
    unitId: 'u1',
    previousState: 'normal',
    newState,
    timestamp,
    reason: 'x',
  });
  const alertWire = {
    alertId: 'al1',
    unitId: 'u1',
    alertType: 'alarm_active',
    severity: 'warning',
    message: 'm',
    triggerTemperature: 75,
    thresholdViolated: 'max',
    triggeredAt: ISO(T0 - MINUTE),
  };

  it.each([
    ['year 0001', '0001-01-01T00:00:00Z', 'past-time'],
    ['1999-12-31', '1999-12-31T23:59:59Z', 'past-time'],
    ['9999-12-31', '9999-12-31T00:00:00Z', 'future-time'],
  ] as const)('a reading stamped %s is dropped', (_name, timestamp, reason) => {
    const result = normalizeReadingsBatch(batch([{ ...goodReading, timestamp }]), ctx);
    expect(result.ok && result.value.dropReasons).toEqual({ [reason]: 1 });
    expect(
      normalizeLatestReading(
        { ...goodReading, unitId: 'u1', timestamp: undefined, recordedAt: timestamp },
        ctx,
      ),
    ).toMatchObject({ ok: false, reason });
  });

  it.each([
    ['9999-12-31', '9999-12-31T00:00:00Z', 'future-time'],
    ['year 0001', '0001-01-01T00:00:00Z', 'past-time'],
  ] as const)('a unit state change stamped %s is dropped', (_name, timestamp, reason) => {
    expect(normalizeUnitStateChanged(stateChange(timestamp), ctx)).toMatchObject({
      ok: false,
      kind: 'unit:state:changed',
      reason,
    });
  });

  it('a state change a little ahead (sensor skew within 10 min) is kept', () => {
    const at = T0 + 5 * MINUTE;
    expect(normalizeUnitStateChanged(stateChange(ISO(at)), ctx)).toMatchObject({
      ok: true,
      value: { at },
    });
  });

  it('an alert is never dropped for its time: implausible times become the receive time, counted', () => {
    const { counts, context } = counted();
    const triggered = normalizeAlertTriggered(
      { ...alertWire, triggeredAt: '9999-12-31T00:00:00Z' },
      context,
    );
    expect(triggered).toMatchObject({ ok: true, value: { triggeredAt: T0 } });
    const old = normalizeAlertTriggered(
      { ...alertWire, triggeredAt: '0001-01-01T00:00:00Z' },
      context,
    );
    expect(old).toMatchObject({ ok: true, value: { triggeredAt: T0 } });
    const resolved = normalizeAlertResolved(
      { alertId: 'al1', unitId: 'u1', resolvedAt: '9999-12-31T00:00:00Z' },
      context,
    );
    expect(resolved).toMatchObject({ ok: true, value: { at: T0 } });
    const acknowledged = normalizeAlertAcknowledged(
      { alertId: 'al1', acknowledgedBy: 'x', timestamp: '1970-01-01T00:00:00Z' },
      context,
    );
    expect(acknowledged).toMatchObject({ ok: true, value: { at: T0 } });
    expect(counts).toEqual({
      'alert:triggered/time-out-of-range': 2,
      'alert:resolved/time-out-of-range': 1,
      'alert:acknowledged/time-out-of-range': 1,
    });
  });

  it('REST alerts and units follow the same rule', () => {
    const { counts, context } = counted();
    const alerts = normalizeAlerts(
      [
        {
          id: 'a1',
          unitId: 'u1',
          alertType: 'alarm_active',
          severity: 'critical',
          message: 'm',
          triggerTemperature: null,
          thresholdViolated: null,
          status: 'active',
          escalationLevel: 0,
          triggeredAt: '9999-12-31T00:00:00Z',
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
        },
      ],
      context,
    );
    expect(alerts.ok && alerts.value.items.map((a) => a.triggeredAt)).toEqual([T0]);
    const units = normalizeUnits(
      [
        {
          id: 'u1',
          name: 'Fridge',
          areaId: 'a1',
          unitType: 'fridge',
          tempMin: 20,
          tempMax: 50,
          tempUnit: 'C',
          sortOrder: 1,
          status: 'ok',
          isActive: true,
          lastReadingAt: '9999-12-31T00:00:00Z',
          lastTemperature: 4,
        },
      ],
      { ...context, siteId: 's1' },
    );
    expect(units.ok && units.value.items.map((u) => u.lastReadingAt)).toEqual([null]);
    expect(counts).toEqual({
      'rest:alerts/time-out-of-range': 1,
      'rest:units/time-out-of-range': 1,
    });
  });

  it('a wrong clock offset alone never makes a reading "future": the local clock counts too', () => {
    // The server clock estimate is 56 years behind (a ping answered with 0), the local clock is right.
    const skewed: NormalizeContext = { ...ctx, now: 0, localNow: T0 };
    const result = normalizeReadingsBatch(batch([goodReading]), skewed);
    expect(result.ok && result.value.readings.map((r) => r.id)).toEqual(['r1']);
  });

  it.each([
    ['humidity 150', { humidity: 150 }, { humidity: null }],
    ['humidity -1', { humidity: -1 }, { humidity: null }],
    ['battery 101', { battery: 101 }, { battery: null }],
    ['battery -5', { battery: -5 }, { battery: null }],
    ['signal 1e9', { signalStrength: 1e9 }, { signalStrength: null }],
    ['signal -500 dBm', { signalStrength: -500 }, { signalStrength: null }],
  ])('%s becomes null, the reading is kept and the value counted', (_name, patch, expected) => {
    const { counts, context } = counted();
    const result = normalizeReadingsBatch(batch([{ ...goodReading, ...patch }]), context);
    expect(result.ok && result.value.readings).toEqual([expect.objectContaining(expected)]);
    expect(counts).toEqual({ 'sensor:readings:batch/value-out-of-range': 1 });
  });

  it('keeps the edges of each range', () => {
    const { counts, context } = counted();
    const result = normalizeReadingsBatch(
      batch([{ ...goodReading, humidity: 100, battery: 0, signalStrength: -150 }]),
      context,
    );
    expect(result.ok && result.value.readings[0]).toMatchObject({
      humidity: 100,
      battery: 0,
      signalStrength: -150,
    });
    expect(counts).toEqual({});
  });
});
