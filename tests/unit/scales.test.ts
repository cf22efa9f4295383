/**
 * The scale table (issue #10, PROTOCOL.md "Temperatures stored as integers are
 * scaled"): every scaled field read by its normaliser, the whole-degrees
 * setting, and bad values dropped and counted.
 */
import { describe, expect, it } from 'vitest';
import {
  normalizeAlertTriggered,
  normalizeAlerts,
  normalizeLatestReading,
  normalizeReadingsBatch,
  normalizeSingleReading,
  normalizeUnits,
  type DiagnosticKind,
  type NormalizeContext,
} from '../../lib/normalize';
import { TEMPERATURE_SCALE, toScaled } from '../../lib/protocol';
import { scaleMismatch, scaleWarningText } from '../../lib/scale-check';
import { diagnosticsText } from '../../lib/diagnostics-text';
import { MINUTE, T0, directory, liveState, reading, unitInfo } from './fixtures';

const ISO = (ms: number) => new Date(ms).toISOString();

function counting(extra: Partial<NormalizeContext> = {}) {
  const counted: DiagnosticKind[] = [];
  const ctx: NormalizeContext = { now: T0, count: (kind) => void counted.push(kind), ...extra };
  return { ctx, counted };
}

const unitWire = {
  id: 'u1',
  areaId: 'a1',
  name: 'Walk-in',
  unitType: 'walk_in',
  status: 'ok',
  tempMin: 45,
  tempMax: 401,
  tempUnit: 'F',
  lastReadingAt: ISO(T0 - MINUTE),
  lastTemperature: 3745,
  isActive: true,
  sortOrder: 0,
};

function unitOf(wire: Record<string, unknown>, extra: Partial<NormalizeContext> = {}) {
  const { ctx, counted } = counting(extra);
  const result = normalizeUnits([wire], { ...ctx, siteId: 's1' });
  if (!result.ok) throw new Error('list refused');
  return { unit: result.value.items[0], counted };
}

const alertWire = {
  alertId: 'al1',
  unitId: 'u1',
  alertType: 'alarm_active',
  severity: 'warning',
  message: 'Walk-in: 45 °F is above the max of 41 °F',
  triggerTemperature: 450,
  thresholdViolated: 'max',
  triggeredAt: ISO(T0 - MINUTE),
};

describe('the scale table', () => {
  it('says what the contract says, field by field', () => {
    expect(TEMPERATURE_SCALE).toEqual({
      readingTemperature: { divisor: 1, integer: false },
      unitLimit: { divisor: 10, integer: true },
      alertTriggerTemperature: { divisor: 10, integer: true },
      unitLastTemperature: { divisor: 100, integer: true },
    });
    expect(toScaled('unitLimit', 4.5)).toBe(45);
    expect(toScaled('alertTriggerTemperature', 40.1)).toBe(401);
    expect(toScaled('unitLastTemperature', 4.5)).toBe(450);
    expect(toScaled('readingTemperature', 4.5)).toBe(4.5);
  });
});

describe('scaled fields', () => {
  it('unit limits are tenths and lastTemperature hundredths', () => {
    const { unit, counted } = unitOf(unitWire);
    expect(unit).toMatchObject({ tempMin: 4.5, tempMax: 40.1, lastTemperature: 37.45 });
    expect(counted).toEqual([]);
  });

  it('the whole-degrees setting reads the limits as degrees, and nothing else', () => {
    const { unit } = unitOf({ ...unitWire, tempMin: 2, tempMax: 8 }, { wholeDegreeLimits: true });
    expect(unit).toMatchObject({ tempMin: 2, tempMax: 8, lastTemperature: 37.45 });
    const alert = normalizeAlertTriggered(alertWire, { now: T0, wholeDegreeLimits: true });
    expect(alert.ok && alert.value.triggerTemperature).toBe(45);
  });

  it.each([
    ['a non-integer limit', { tempMin: 4.5 }, { tempMin: null, tempMax: 40.1 }],
    ['a non-integer last temperature', { lastTemperature: 374.5 }, { lastTemperature: null }],
    ['a limit below absolute zero once scaled', { tempMin: -5000 }, { tempMin: null }],
    ['an impossible last temperature', { lastTemperature: 1e9 }, { lastTemperature: null }],
  ])('%s is dropped and counted; the unit stays', (_name, patch, expected) => {
    const { unit, counted } = unitOf({ ...unitWire, ...patch });
    expect(unit).toMatchObject({ id: 'u1', ...expected });
    expect(counted).toEqual(['rest:units/bad-scaled-value']);
  });

  it('a limit given as a string is null (not a number at all)', () => {
    const { unit } = unitOf({ ...unitWire, tempMax: '401' });
    expect(unit).toMatchObject({ tempMin: 4.5, tempMax: null });
  });

  it('alert:triggered: triggerTemperature is tenths; a non-integer one is dropped and counted', () => {
    const { ctx, counted } = counting();
    const ok = normalizeAlertTriggered(alertWire, ctx);
    expect(ok.ok && ok.value.triggerTemperature).toBe(45);
    const bad = normalizeAlertTriggered({ ...alertWire, triggerTemperature: 45.5 }, ctx);
    expect(bad.ok && bad.value.triggerTemperature).toBeNull();
    // The alert itself is never dropped for it.
    expect(bad.ok && bad.value.id).toBe('al1');
    expect(counted).toEqual(['alert:triggered/bad-scaled-value']);
  });

  it('REST alerts: triggerTemperature is tenths too', () => {
    const { ctx, counted } = counting();
    const result = normalizeAlerts(
      [
        {
          ...alertWire,
          id: 'al1',
          status: 'active',
          acknowledgedAt: null,
          resolvedAt: null,
          escalationLevel: 0,
        },
        {
          ...alertWire,
          id: 'al2',
          triggerTemperature: 'hot',
          status: 'active',
          acknowledgedAt: null,
          resolvedAt: null,
          escalationLevel: 0,
        },
        {
          ...alertWire,
          id: 'al3',
          triggerTemperature: 4.01,
          status: 'active',
          acknowledgedAt: null,
          resolvedAt: null,
          escalationLevel: 0,
        },
      ],
      ctx,
    );
    expect(result.ok && result.value.items.map((a) => a.triggerTemperature)).toEqual([
      45,
      null,
      null,
    ]);
    expect(counted).toEqual(['rest:alerts/bad-scaled-value']);
  });

  it('reading temperatures are degrees wherever they come from', () => {
    const { ctx } = counting();
    const at = ISO(T0 - MINUTE);
    const batch = normalizeReadingsBatch(
      { unitId: 'u1', readings: [{ id: 'r1', temperature: 4.5, timestamp: at }], count: 1 },
      ctx,
    );
    expect(batch.ok && batch.value.readings[0]?.temperature).toBe(4.5);
    const single = normalizeSingleReading({ unitId: 'u1', temperature: 40.1, timestamp: at }, ctx);
    expect(single.ok && single.value.temperature).toBe(40.1);
    const latest = normalizeLatestReading(
      {
        id: 'r2',
        unitId: 'u1',
        deviceId: null,
        temperature: 4.5,
        humidity: null,
        battery: null,
        signalStrength: null,
        recordedAt: at,
        source: 'sensor',
      },
      ctx,
    );
    expect(latest.ok && latest.value?.temperature).toBe(4.5);
  });
});

describe('the scale check', () => {
  it.each([
    ['whole degrees read as tenths', { tempMin: 0.2, tempMax: 0.8 }, 4, 'limits-too-small'],
    ['tenths read as whole degrees', { tempMin: 20, tempMax: 80 }, 4, 'limits-too-large'],
    ['a freezer read as tenths', { tempMin: -2.5, tempMax: -1.5 }, -20, 'limits-too-small'],
    ['in range', { tempMin: 2, tempMax: 8 }, 4, null],
    ['a little out of range', { tempMin: 2, tempMax: 8 }, 12, null],
    ['on a limit', { tempMin: -10, tempMax: 0 }, -0.5, null],
    ['no limits', { tempMin: null, tempMax: 8 }, 40, null],
    ['no reading', { tempMin: 2, tempMax: 8 }, null, null],
  ] as const)('%s', (_name, limits, temperature, expected) => {
    expect(scaleMismatch(limits, temperature)).toBe(expected);
  });

  it('names the unit and suggests the setting', () => {
    const text = scaleWarningText({
      unitName: 'Fridge 1',
      temperature: 4,
      tempMin: 0.2,
      tempMax: 0.8,
      tempUnit: 'C',
      mismatch: 'limits-too-small',
      wholeDegreeLimits: false,
    });
    expect(text).toContain('Fridge 1');
    expect(text).toContain('turn on "Limits on this server are whole degrees"');
  });
});

describe('the diagnostics text', () => {
  it('lists the scale warnings and how limits were read', () => {
    const state = liveState([
      {
        type: 'directory/loaded',
        directory: {
          ...directory(),
          units: [unitInfo({ id: 'u1', name: 'Walk-in', tempMin: 0.2, tempMax: 0.8 })],
        },
      },
      {
        type: 'readings',
        batches: [{ unitId: 'u1', readings: [reading({ id: 'r1', at: T0, temperature: 4 })] }],
        receivedAt: T0,
      },
    ]);
    const text = diagnosticsText({ version: '1', session: null, state, serverMessages: [] });
    expect(text).toContain('Limits read as: tenths (the contract)');
    expect(text).toMatch(
      /Scale warnings:\n {2}Walk-in: readings near 4 °C, limits 0\.2 to 0\.8 °C/,
    );
  });
});
