import type { WireReadingsBatch, WireUnitStateChanged } from '../../../lib/protocol';
import { parseCliArgs } from '../../../server/cli-args';
import { cleanup, collect, connected, login, sleep, startTestServer, until } from './helpers';

afterEach(cleanup);

async function temperaturesAfterStep(seed: number): Promise<Record<string, number[]>> {
  const server = await startTestServer({ seed });
  const socket = await connected(server.url, (await login(server.url)).accessToken);
  const batches = collect<WireReadingsBatch>(socket, 'sensor:readings:batch');
  server.control.stepSimulation(30);
  await until(() => batches.length === 24, 'one batch per unit');
  const byUnit: Record<string, number[]> = {};
  for (const batch of batches) byUnit[batch.unitId] = batch.readings.map((r) => r.temperature);
  return byUnit;
}

describe('simulator', () => {
  it('replays the same readings for the same seed, and others for another seed', async () => {
    const first = await temperaturesAfterStep(11);
    const second = await temperaturesAfterStep(11);
    const third = await temperaturesAfterStep(12);
    expect(Object.keys(first)).toHaveLength(24);
    expect(first['unit-nw-1-01']).toHaveLength(30);
    expect(second).toEqual(first);
    expect(third).not.toEqual(first);
  });

  it('keeps units near their set points in their own scale', async () => {
    const temperatures = await temperaturesAfterStep(3);
    const mean = (values: number[] = []) => values.reduce((a, b) => a + b, 0) / values.length;
    // Fridge in °C (2..5), freezer in °C (-22..-15), fridge in °F at the Chicago site (35.6..41).
    expect(mean(temperatures['unit-nw-1-01'])).toBeGreaterThan(1);
    expect(mean(temperatures['unit-nw-1-01'])).toBeLessThan(6);
    expect(mean(temperatures['unit-nw-1-02'])).toBeLessThan(-12);
    expect(mean(temperatures['unit-nw-3-01'])).toBeGreaterThan(33);
    expect(mean(temperatures['unit-nw-3-01'])).toBeLessThan(43);
  });

  it('sustains 1,000 units at one reading per second on one timer', async () => {
    const server = await startTestServer({ sites: 125, unitsPerSite: 8, rate: 1, simulate: true });
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const batches = collect<WireReadingsBatch>(socket, 'sensor:readings:batch');
    await sleep(1200);
    const start = batches.length;
    const countReadings = (from: number) =>
      batches.slice(from).reduce((sum, b) => sum + b.count, 0);
    await sleep(2000);
    const readings = countReadings(start);
    const units = new Set(batches.slice(start).map((b) => b.unitId));
    // ~2,000 readings in 2 s; a few units may be in a simulated silence.
    expect(readings).toBeGreaterThan(1700);
    expect(readings).toBeLessThan(2300);
    expect(units.size).toBeGreaterThan(950);
  });

  it('marks a silent unit offline with monitoring_interrupted, and back when it reports again', async () => {
    // 10 readings/s so that half a second of silence is already 5 missed readings.
    const server = await startTestServer({
      silentAfterSeconds: 0.5,
      rate: 10,
      simulate: true,
      sites: 1,
      unitsPerSite: 1,
    });
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const states = collect<WireUnitStateChanged>(socket, 'unit:state:changed');
    const triggered = collect<{ alertId: string; alertType: string; unitId: string }>(
      socket,
      'alert:triggered',
    );
    const resolved = collect<{ alertId: string }>(socket, 'alert:resolved');
    server.control.silenceUnit({ unitId: 'unit-nw-1-01', seconds: 1.5 });
    await until(() => states.some((s) => s.newState === 'offline'), 'offline state', 4000);
    const interrupted = triggered.find((t) => t.alertType === 'monitoring_interrupted');
    expect(interrupted?.unitId).toBe('unit-nw-1-01');
    await until(
      () => resolved.some((r) => r.alertId === interrupted?.alertId),
      'interruption resolved',
      4000,
    );
    expect(
      states
        .filter((s) => s.unitId === 'unit-nw-1-01')
        .map((s) => `${s.previousState}>${s.newState}`),
    ).toEqual(['normal>offline', 'offline>normal']);
  });
});

describe('cli arguments', () => {
  it('parses every flag and rejects unknown ones', () => {
    expect(
      parseCliArgs([
        '--port',
        '0',
        '--host=0.0.0.0',
        '--seed',
        '9',
        '--sites',
        '2',
        '--units-per-site',
        '5',
        '--rate',
        '0.5',
        '--token-ttl',
        '60',
        '--never-reported',
        '1',
        '--control',
      ]),
    ).toEqual({
      kind: 'run',
      options: {
        port: 0,
        host: '0.0.0.0',
        seed: 9,
        sites: 2,
        unitsPerSite: 5,
        rate: 0.5,
        tokenTtlSeconds: 60,
        neverReportedUnits: 1,
        control: true,
      },
    });
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(() => parseCliArgs(['--rate', 'fast'])).toThrow(/number/);
    expect(() => parseCliArgs(['--nope'])).toThrow(/Unknown option/);
    expect(() => parseCliArgs(['--port'])).toThrow(/needs a value/);
  });
});
