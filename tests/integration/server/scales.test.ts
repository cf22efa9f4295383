/**
 * The reference server follows the contract's scales and caches (issue #10):
 * REST units carry limits in tenths and lastTemperature in hundredths, alert
 * trigger temperatures are tenths, the engine compares round(temperature * 10)
 * with the limits, `get:latest` answers from a per-process cache (null after
 * a restart), and units that never reported are listed.
 */
import type { WireAlertTriggered, WireLatestReading, WireUnit } from '../../../lib/protocol';
import {
  api,
  cleanup,
  collect,
  connected,
  DEMO_ORG,
  login,
  roundTrip,
  startTestServer,
  until,
  type ClientSocket,
} from './helpers';

afterEach(cleanup);

// unit-nw-1-01 is a fridge on a Celsius site: 2..5 °C; site 3 is in Fahrenheit.
const UNIT = 'unit-nw-1-01';

async function unitsOf(url: string, token: string, site: string, area: string) {
  const answer = await api(url, `/api/orgs/${DEMO_ORG}/sites/${site}/areas/${area}/units`, {
    token,
  });
  return answer.body as WireUnit[];
}

function latest(socket: ClientSocket, unitId: string): Promise<WireLatestReading | null> {
  return new Promise((resolve) => socket.emit('get:latest', unitId, resolve));
}

describe('scales and caches', () => {
  it('REST units carry limits in tenths and the last temperature in hundredths, as integers', async () => {
    const server = await startTestServer({ sites: 3 });
    const { accessToken } = await login(server.url);
    server.control.injectReadings({
      unitId: UNIT,
      readings: [{ temperature: 3.45, timestamp: new Date().toISOString() }],
    });
    const units = await unitsOf(server.url, accessToken, 'site-nw-1', 'area-nw-1-1');
    const fridge = units.find((u) => u.id === UNIT)!;
    expect(fridge).toMatchObject({ tempMin: 20, tempMax: 50, tempUnit: 'C', lastTemperature: 345 });
    const chicago = await unitsOf(server.url, accessToken, 'site-nw-3', 'area-nw-3-1');
    // A fridge in Fahrenheit: 35.6 .. 41 °F.
    expect(chicago.find((u) => u.unitType === 'fridge')).toMatchObject({
      tempMin: 356,
      tempMax: 410,
      tempUnit: 'F',
    });
    for (const unit of [...units, ...chicago]) {
      expect(Number.isInteger(unit.tempMin)).toBe(true);
      expect(Number.isInteger(unit.tempMax)).toBe(true);
      if (unit.lastTemperature !== null) expect(Number.isInteger(unit.lastTemperature)).toBe(true);
    }
  });

  it('compares round(temperature * 10) with the limits, and keeps the unit status in REST', async () => {
    const server = await startTestServer({ alertDelayReadings: 2 });
    const { accessToken } = await login(server.url);
    const socket = await connected(server.url, accessToken);
    const triggered = collect<WireAlertTriggered>(socket, 'alert:triggered');
    // 5.04 rounds to 50 tenths: at the max, not above it.
    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 5.04 }] });
    await roundTrip(socket);
    expect(triggered).toHaveLength(0);
    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 5.06 }] });
    await until(() => triggered.length === 1, 'alert:triggered');
    expect(triggered[0]).toMatchObject({ triggerTemperature: 51, thresholdViolated: 'max' });
    const status = async () =>
      (await unitsOf(server.url, accessToken, 'site-nw-1', 'area-nw-1-1')).find(
        (u) => u.id === UNIT,
      )?.status;
    expect(await status()).toBe('excursion');
    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 6 }] });
    // injectReadings evaluates at once: REST reflects it on the next call.
    expect(await status()).toBe('alarm_active');
    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 3 }] });
    expect(await status()).toBe('ok');
  });

  it('get:latest answers null after a restart while REST keeps the last reading', async () => {
    const server = await startTestServer();
    const { accessToken } = await login(server.url);
    const socket = await connected(server.url, accessToken);
    const before = await latest(socket, UNIT);
    expect(before).not.toBeNull();
    server.control.forgetLatestCache();
    expect(await latest(socket, UNIT)).toBeNull();
    const fridge = (await unitsOf(server.url, accessToken, 'site-nw-1', 'area-nw-1-1')).find(
      (u) => u.id === UNIT,
    )!;
    expect(fridge.lastReadingAt).toBe(before!.recordedAt);
    expect(fridge.lastTemperature).toBe(Math.round(before!.temperature * 100));
    // A new reading is cached again.
    server.control.injectReadings({ unitId: UNIT, readings: [{ temperature: 3.3 }] });
    expect(await latest(socket, UNIT)).toMatchObject({ unitId: UNIT, temperature: 3.3 });
  });

  it('lists units that never reported: no reading in REST, null from get:latest, never simulated', async () => {
    const server = await startTestServer({ neverReportedUnits: 2, simulate: true, rate: 5 });
    const { accessToken } = await login(server.url);
    const socket = await connected(server.url, accessToken);
    const units = [
      ...(await unitsOf(server.url, accessToken, 'site-nw-1', 'area-nw-1-1')),
      ...(await unitsOf(server.url, accessToken, 'site-nw-1', 'area-nw-1-2')),
    ];
    const spares = units.filter((u) => u.id.includes('-spare-'));
    expect(spares.map((u) => [u.name, u.lastReadingAt, u.lastTemperature])).toEqual([
      ['Spare Fridge 1', null, null],
      ['Spare Fridge 2', null, null],
    ]);
    expect(spares.every((u) => u.isActive && u.tempMin === 20 && u.tempMax === 50)).toBe(true);
    server.control.stepSimulation(2);
    for (const spare of spares) expect(await latest(socket, spare.id)).toBeNull();
    expect(await latest(socket, UNIT)).not.toBeNull();
  });
});
