import type {
  WireLatestReading,
  WireReadingsBatch,
  WireSubscriptionError,
} from '../../../lib/protocol';
import {
  cleanup,
  collect,
  connected,
  DEMO_ORG,
  login,
  once,
  OTHER,
  OTHER_ORG,
  roundTrip,
  startTestServer,
  until,
} from './helpers';

afterEach(cleanup);

const DEMO_UNIT = 'unit-nw-1-01';
const DEMO_SITE = 'site-nw-1';
const OTHER_UNIT = 'unit-hb-1-01';
const OTHER_SITE = 'site-hb-1';

describe('rooms and subscriptions', () => {
  it('joins the org room on connect and keeps organizations apart', async () => {
    const server = await startTestServer();
    const demo = await connected(server.url, (await login(server.url)).accessToken);
    const other = await connected(server.url, (await login(server.url, OTHER)).accessToken);
    const demoBatches = collect<WireReadingsBatch>(demo, 'sensor:readings:batch');
    const otherBatches = collect<WireReadingsBatch>(other, 'sensor:readings:batch');
    const otherAlerts = collect<unknown>(other, 'alert:triggered');

    server.control.injectReadings({ unitId: DEMO_UNIT, readings: [{ temperature: 30 }] });
    server.control.injectReadings({ unitId: OTHER_UNIT, readings: [{ temperature: 3 }] });
    await until(() => demoBatches.length === 1 && otherBatches.length === 1, 'one batch each');
    await roundTrip(demo);
    await roundTrip(other);

    expect(demoBatches.map((b) => b.unitId)).toEqual([DEMO_UNIT]);
    expect(otherBatches.map((b) => b.unitId)).toEqual([OTHER_UNIT]);
    // The demo excursion opened an alert: the other organization never hears of it.
    expect(otherAlerts).toEqual([]);
    const state = server.control.state();
    expect(state.sockets.find((s) => s.id === demo.id)?.rooms).toEqual([`org:${DEMO_ORG}`]);
    expect(state.sockets.find((s) => s.id === other.id)?.rooms).toEqual([`org:${OTHER_ORG}`]);
  });

  it('refuses subscriptions outside the organization with subscription:error Access denied', async () => {
    const server = await startTestServer();
    const demo = await connected(server.url, (await login(server.url)).accessToken);
    const errors = collect<WireSubscriptionError>(demo, 'subscription:error');
    demo.emit('subscribe:site', OTHER_SITE);
    demo.emit('subscribe:unit', OTHER_UNIT);
    demo.emit('subscribe:unit', 'unit-that-does-not-exist');
    demo.emit('subscribe:site', DEMO_SITE);
    await until(() => errors.length === 3, 'three subscription errors');
    expect(errors).toEqual([
      { entity: 'site', entityId: OTHER_SITE, message: 'Access denied' },
      { entity: 'unit', entityId: OTHER_UNIT, message: 'Access denied' },
      { entity: 'unit', entityId: 'unit-that-does-not-exist', message: 'Access denied' },
    ]);
    await roundTrip(demo);
    const rooms = server.control.state().sockets[0]?.rooms ?? [];
    expect(rooms.sort()).toEqual([`org:${DEMO_ORG}`, `org:${DEMO_ORG}:site:${DEMO_SITE}`].sort());
    expect(server.control.counters().subscriptions.denied).toBe(3);
  });

  it('delivers a batch twice to a socket in the org and the unit room, with timestamps and count', async () => {
    const server = await startTestServer();
    const demo = await connected(server.url, (await login(server.url)).accessToken);
    demo.emit('subscribe:unit', DEMO_UNIT);
    await roundTrip(demo);
    const batches = collect<WireReadingsBatch>(demo, 'sensor:readings:batch');
    const at = '2030-01-01T10:00:00.000Z';
    server.control.injectReadings({
      unitId: DEMO_UNIT,
      readings: [
        {
          id: 'r-1',
          temperature: 3.1,
          humidity: 60,
          battery: 90,
          signalStrength: -60,
          timestamp: at,
        },
        { id: 'r-2', temperature: 3.2, timestamp: '2030-01-01T10:00:01.000Z' },
      ],
    });
    await until(() => batches.length === 2, 'the same batch twice');
    expect(batches[0]).toEqual(batches[1]);
    expect(batches[0]).toEqual({
      unitId: DEMO_UNIT,
      count: 2,
      readings: [
        {
          id: 'r-1',
          temperature: 3.1,
          humidity: 60,
          battery: 90,
          signalStrength: -60,
          timestamp: at,
        },
        {
          id: 'r-2',
          temperature: 3.2,
          humidity: null,
          battery: null,
          signalStrength: null,
          timestamp: '2030-01-01T10:00:01.000Z',
        },
      ],
    });
    expect(server.control.counters().events['sensor:readings:batch']).toBe(2);

    demo.emit('unsubscribe:unit', DEMO_UNIT);
    await roundTrip(demo);
    server.control.injectReadings({ unitId: DEMO_UNIT, readings: [{ temperature: 3.3 }] });
    await until(() => batches.length === 3, 'one more batch');
    await roundTrip(demo);
    expect(batches).toHaveLength(3);
  });

  it('starts a reconnected socket with the org room only: the client must subscribe again', async () => {
    const server = await startTestServer();
    const demo = await connected(server.url, (await login(server.url)).accessToken);
    demo.emit('subscribe:unit', DEMO_UNIT);
    demo.emit('subscribe:site', DEMO_SITE);
    await roundTrip(demo);
    expect(server.control.state().sockets[0]?.rooms).toHaveLength(3);

    const reason = once<string>(demo, 'disconnect');
    await server.control.dropSockets('server-disconnect');
    expect(await reason).toBe('io server disconnect');
    demo.connect();
    await once(demo, 'connection:ack');
    expect(demo.recovered).toBe(false);
    expect(server.control.state().sockets[0]?.rooms).toEqual([`org:${DEMO_ORG}`]);

    const batches = collect<WireReadingsBatch>(demo, 'sensor:readings:batch');
    server.control.injectReadings({ unitId: DEMO_UNIT, readings: [{ temperature: 3 }] });
    await until(() => batches.length === 1, 'a batch through the org room');
    await roundTrip(demo);
    expect(batches).toHaveLength(1);
  });

  it('answers get:latest with recordedAt, the newest reading by time, and null when unknown or foreign', async () => {
    const server = await startTestServer();
    const demo = await connected(server.url, (await login(server.url)).accessToken);
    server.control.injectReadings({
      unitId: DEMO_UNIT,
      readings: [
        { id: 'newest', temperature: 4, timestamp: '2031-05-05T05:05:05.000Z' },
        { id: 'late-arrival', temperature: 9, timestamp: '2031-05-05T05:00:00.000Z' },
      ],
    });
    const latest = (await demo
      .timeout(2000)
      .emitWithAck('get:latest', DEMO_UNIT)) as WireLatestReading | null;
    expect(latest).toEqual({
      id: 'newest',
      unitId: DEMO_UNIT,
      deviceId: expect.any(String),
      temperature: 4,
      humidity: null,
      battery: null,
      signalStrength: null,
      recordedAt: '2031-05-05T05:05:05.000Z',
      source: 'control',
    });
    expect(latest).not.toHaveProperty('timestamp');
    expect(await demo.timeout(2000).emitWithAck('get:latest', 'unit-nope')).toBeNull();
    expect(await demo.timeout(2000).emitWithAck('get:latest', OTHER_UNIT)).toBeNull();
    // Seeded at start: every own unit has a reading even with the simulator paused.
    const seeded = await demo.timeout(2000).emitWithAck('get:latest', 'unit-nw-2-03');
    expect(seeded?.recordedAt).toEqual(expect.any(String));
    // Every answered request is counted (the bench waits for a resync sweep to end by it).
    expect(server.control.counters().answered['get:latest']).toBe(4);
  });

  it('survives malformed client input', async () => {
    const server = await startTestServer();
    const demo = await connected(server.url, (await login(server.url)).accessToken);
    const errors = collect<{ message: string; code?: string }>(demo, 'error');
    const loose = demo as unknown as { emit(event: string, ...args: unknown[]): void };
    loose.emit('subscribe:unit', { id: DEMO_UNIT });
    loose.emit('subscribe:site', 12);
    loose.emit('unsubscribe:site', null);
    loose.emit('get:latest', DEMO_UNIT);
    loose.emit('ping', 'no-ack');
    loose.emit('no-such-event', 1, 2, 3);
    const answer = await demo.timeout(2000).emitWithAck('get:latest', 42 as unknown as string);
    expect(answer).toBeNull();
    await until(() => errors.length === 2, 'two invalid-argument errors');
    expect(errors.every((e) => e.code === 'invalid_argument')).toBe(true);
    expect(demo.connected).toBe(true);
    expect(server.control.counters().invalidInputs).toBe(5);
  });
});
