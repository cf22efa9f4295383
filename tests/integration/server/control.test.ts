import { request } from 'node:http';
import type { WireReadingsBatch } from '../../../lib/protocol';
import {
  api,
  cleanup,
  client,
  collect,
  connected,
  DEMO_ORG,
  login,
  once,
  roundTrip,
  sleep,
  startTestServer,
  until,
} from './helpers';

afterEach(cleanup);

/** A request from a chosen loopback source address (127.0.0.2 is loopback but not 127.0.0.1). */
function requestFrom(localAddress: string, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('control interface', () => {
  it('is not mounted by default', async () => {
    const server = await startTestServer();
    expect((await api(server.url, '/control/counters')).status).toBe(404);
    expect(
      (await api(server.url, '/control/simulation', { method: 'POST', body: { paused: false } }))
        .status,
    ).toBe(404);
  });

  it('answers loopback only, and nothing that came through a proxy', async () => {
    const server = await startTestServer({ control: true });
    expect((await api(server.url, '/control/counters')).status).toBe(200);
    expect(await requestFrom('127.0.0.1', server.port, '/control/counters')).toBe(200);
    expect(await requestFrom('127.0.0.2', server.port, '/control/counters')).toBe(403);
    const proxied = await api(server.url, '/control/state', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
    // The public API is not affected by the rule.
    expect(await requestFrom('127.0.0.2', server.port, '/api/nothing')).toBe(404);
  });

  it('injects readings and raw events over HTTP', async () => {
    const server = await startTestServer({ control: true });
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const batches = collect<WireReadingsBatch>(socket, 'sensor:readings:batch');
    const odd = collect<unknown>(socket, 'sensor:reading');
    const injected = await api(server.url, '/control/readings', {
      method: 'POST',
      body: { unitId: 'unit-nw-1-02', readings: [{ id: 'x-1', temperature: -18 }] },
    });
    expect(injected.status).toBe(200);
    expect(injected.body).toMatchObject({ unitId: 'unit-nw-1-02', count: 1 });
    const raw = await api(server.url, '/control/raw', {
      method: 'POST',
      body: { event: 'sensor:reading', payload: { unitId: 42, temperature: 'hot' } },
    });
    expect(raw.status).toBe(200);
    await until(() => batches.length === 1 && odd.length === 1, 'batch and raw event');
    expect(odd[0]).toEqual({ unitId: 42, temperature: 'hot' });
    expect(
      (
        await api(server.url, '/control/readings', {
          method: 'POST',
          body: { unitId: 'nope', readings: [{ temperature: 1 }] },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(server.url, '/control/readings', {
          method: 'POST',
          body: { unitId: 'unit-nw-1-02', readings: [] },
        })
      ).status,
    ).toBe(400);
  });

  it('acknowledges and resolves as a colleague over HTTP, pushing nothing (#10)', async () => {
    const server = await startTestServer({ control: true });
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const events: string[] = [];
    socket.onAny((name: string) => events.push(name));
    const alert = server.control.injectAlert({ unitId: 'unit-nw-1-02' });
    await until(() => events.length === 1, 'alert:triggered');
    const acked = await api(server.url, `/control/alerts/${alert.id}/acknowledge-as`, {
      method: 'POST',
      body: { notes: 'seen' },
    });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: alert.id, status: 'acknowledged', notes: 'seen' });
    const again = await api(server.url, `/control/alerts/${alert.id}/acknowledge-as`, {
      method: 'POST',
      body: {},
    });
    expect(again.status).toBe(409);
    const unknownUser = await api(server.url, `/control/alerts/${alert.id}/resolve-as`, {
      method: 'POST',
      body: { resolution: 'x', email: 'nobody@frostline.test' },
    });
    expect(unknownUser.status).toBe(404);
    const noResolution = await api(server.url, `/control/alerts/${alert.id}/resolve-as`, {
      method: 'POST',
      body: {},
    });
    expect(noResolution.status).toBe(400);
    const resolved = await api(server.url, `/control/alerts/${alert.id}/resolve-as`, {
      method: 'POST',
      body: { resolution: 'fixed', correctiveAction: 'new seal' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'fixed' });
    await roundTrip(socket);
    expect(events).toEqual(['alert:triggered']);
  });

  it("distinguishes a graceful disconnect ('io server disconnect') from a crash ('transport close')", async () => {
    const server = await startTestServer({ control: true });
    const { accessToken } = await login(server.url);
    const graceful = await connected(server.url, accessToken);
    const gracefulReason = once<string>(graceful, 'disconnect');
    const dropped = await api(server.url, '/control/sockets/drop', {
      method: 'POST',
      body: { mode: 'server-disconnect' },
    });
    expect(dropped.body).toEqual({ dropped: 1 });
    expect(await gracefulReason).toBe('io server disconnect');

    const crashed = await connected(server.url, accessToken);
    const crashReason = once<string>(crashed, 'disconnect');
    await api(server.url, '/control/sockets/drop', { method: 'POST', body: { mode: 'crash' } });
    expect(await crashReason).toBe('transport close');
  });

  it('survives an outage: nothing answers during it, then sockets and REST come back', async () => {
    const server = await startTestServer({ control: true });
    const { accessToken } = await login(server.url);
    const socket = client(
      server.url,
      { token: accessToken },
      { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 },
    );
    await once(socket, 'connection:ack');
    const reason = once<string>(socket, 'disconnect');
    const outage = server.control.outage({ ms: 400, mode: 'crash' });
    expect(await reason).toBe('transport close');
    await sleep(100);
    await expect(fetch(`${server.url}/api/auth/me`)).rejects.toThrow();
    await outage;
    // Socket.IO retries a crash by itself.
    await once(socket, 'connection:ack', 5000);
    expect((await api(server.url, '/api/auth/me', { token: accessToken })).status).toBe(200);
  });

  it("shuts down gracefully: clients see 'io server disconnect', even during an outage", async () => {
    const server = await startTestServer();
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    const reason = once<string>(socket, 'disconnect');
    await server.close();
    expect(await reason).toBe('io server disconnect');

    const second = await startTestServer();
    const outage = second.control.outage({ ms: 60_000, mode: 'crash' });
    await sleep(50);
    await second.close();
    await outage;
    await expect(fetch(`${second.url}/api/auth/me`)).rejects.toThrow();
  });

  it('logs every URL but never a token, and flags a client that leaks one', async () => {
    const server = await startTestServer({ control: true });
    const { accessToken, refreshToken } = await login(server.url);
    await connected(server.url, accessToken);
    await api(server.url, `/api/orgs/${DEMO_ORG}/sites`, { token: accessToken });
    let log = server.control.requests();
    expect(log.some((e) => e.kind === 'handshake' && e.url.startsWith('/socket.io/'))).toBe(true);
    expect(log.some((e) => e.kind === 'http' && e.url === `/api/orgs/${DEMO_ORG}/sites`)).toBe(
      true,
    );
    expect(log.every((e) => !e.redacted)).toBe(true);

    // A careless client puts the token in the query string.
    const leaky = client(server.url, { token: accessToken }, { query: { token: accessToken } });
    await once(leaky, 'connection:ack');
    await api(server.url, `/api/auth/me?refresh=${refreshToken}`, { token: accessToken });
    log = server.control.requests();
    const serialized = JSON.stringify(log);
    expect(serialized).not.toContain(accessToken);
    expect(serialized).not.toContain(refreshToken);
    expect(log.filter((e) => e.redacted).length).toBeGreaterThanOrEqual(2);
    const over = await api(server.url, '/control/requests');
    expect(JSON.stringify(over.body)).not.toContain(accessToken);
  });

  it('reports counters and state over HTTP and pauses or steps the simulator', async () => {
    const server = await startTestServer({ control: true });
    const socket = await connected(server.url, (await login(server.url)).accessToken);
    socket.emit('subscribe:site', 'site-nw-2');
    await roundTrip(socket);
    const state = await api(server.url, '/control/state');
    expect(state.body).toMatchObject({
      sockets: [
        {
          id: socket.id,
          email: 'demo@frostline.test',
          rooms: [`org:${DEMO_ORG}`, `org:${DEMO_ORG}:site:site-nw-2`],
        },
      ],
      byUser: { 'demo@frostline.test': [socket.id] },
      simulation: { paused: true },
    });
    const batches = collect<WireReadingsBatch>(socket, 'sensor:readings:batch');
    const stepped = await api(server.url, '/control/simulation/step', {
      method: 'POST',
      body: { seconds: 2 },
    });
    expect(stepped.body).toMatchObject({ readings: expect.any(Number) });
    // 24 demo units, 2 readings each, one batch per unit.
    await until(() => batches.length === 24, 'a batch per demo unit');
    expect(batches.every((b) => b.count === 2 && b.readings.length === 2)).toBe(true);
    const counters = (await api(server.url, '/control/counters')).body as {
      connections: { current: number };
      readingsEmitted: number;
    };
    expect(counters.connections.current).toBe(1);
    expect(counters.readingsEmitted).toBe(48);
    expect(
      (await api(server.url, '/control/simulation', { method: 'POST', body: { paused: false } }))
        .body,
    ).toEqual({ paused: false });
  });
});
