/**
 * The reconnect logic of lib/live-connection.ts with fake timers. The socket
 * underneath is a small stand-in whose events the test fires, because what is
 * under test is when *we* call `connect()` — Socket.IO's own retries are
 * covered by tests/integration/background/reconnect.test.ts on a real server.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RefreshOutcome } from '../../lib/auth';
import {
  MAX_AUTH_REJECTIONS,
  MAX_CLOCK_OFFSET_MS,
  PING_INTERVAL_MS,
  PING_TIMEOUT_MS,
  createLiveConnection,
  type ConnectionSignal,
} from '../../lib/live-connection';
import { AUTH_ERRORS, SERVER_EVENTS } from '../../lib/protocol';
import {
  RECONNECT_DELAY_MAX_MS,
  RECONNECT_DELAY_MS,
  RECONNECT_JITTER,
  EARLY_TOKEN_MAX_AGE_MS,
  createSocket,
  type FrostlineSocket,
  type SocketOptions,
} from '../../lib/socket';

type Listener = (...args: unknown[]) => void;

/** What lib/live-connection.ts uses of a Socket.IO client socket, driven by the test. */
class StandInSocket {
  connected = false;
  active = false;
  recovered = false;
  connectCalls: number[] = [];
  disconnectCalls = 0;
  pendingPings: ((err: Error | null, serverTime?: unknown) => void)[] = [];
  private listeners = new Map<string, Listener[]>();
  private any: Listener[] = [];

  on(name: string, listener: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  onAny(listener: Listener) {
    this.any.push(listener);
    return this;
  }
  listenerCount(name: string) {
    return this.listeners.get(name)?.length ?? 0;
  }
  connect() {
    this.connectCalls.push(Date.now());
    this.active = true;
    return this;
  }
  disconnect() {
    this.disconnectCalls += 1;
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire('disconnect', 'io client disconnect');
    return this;
  }
  timeout(ms: number) {
    return {
      emit: (_event: string, ack: (err: Error | null, value?: unknown) => void) => {
        let done = false;
        const timer = setTimeout(() => {
          if (!done) ack(new Error('operation has timed out'));
          done = true;
        }, ms);
        this.pendingPings.push((err, value) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          ack(err, value);
        });
      },
    };
  }
  fire(name: string, ...args: unknown[]) {
    for (const listener of this.any) listener(name, ...args);
    for (const listener of this.listeners.get(name) ?? []) listener(...args);
  }
  // -- what the server or the network does ----------------------------------
  open() {
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }
  /** `io server disconnect`: Socket.IO does not retry (socket inactive). */
  serverDisconnect() {
    this.connected = false;
    this.active = false;
    this.fire('disconnect', 'io server disconnect');
  }
  /** `transport close`: Socket.IO retries by itself (socket stays active). */
  transportClose() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }
  /** A handshake refused by middleware: not retried by Socket.IO. */
  refuse(message: string) {
    this.active = false;
    this.fire('connect_error', new Error(message));
  }
}

const sockets = vi.hoisted(() => ({ created: [] as unknown[], disconnected: 0 }));

vi.mock('../../lib/socket', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/socket')>();
  return {
    ...original,
    connectSocket(options: SocketOptions) {
      const created = new StandInSocket();
      sockets.created.push(created);
      options.setup(created as unknown as FrostlineSocket);
      created.connect();
      return created;
    },
    disconnectSocket(socket: FrostlineSocket) {
      sockets.disconnected += 1;
      (socket as unknown as StandInSocket).disconnect();
    },
  };
});

const started: { stop(): void }[] = [];

function setup(options: { random?: number; refresh?: () => Promise<RefreshOutcome> } = {}) {
  const signals: ConnectionSignal[] = [];
  const connected: boolean[] = [];
  const refresh = vi.fn(options.refresh ?? (async (): Promise<RefreshOutcome> => 'refreshed'));
  const connection = createLiveConnection({
    accessToken: async () => 'token',
    refresh,
    onSignal: (signal) => signals.push(signal),
    onServerEvent: () => undefined,
    onUnknownEvent: () => undefined,
    onConnected: (recovered) => connected.push(recovered),
    isOnline: () => true,
    now: () => Date.now(),
    random: () => options.random ?? 0.5,
  });
  connection.start('https://monitor.example.com');
  started.push(connection);
  const socket = sockets.created.at(-1) as StandInSocket;
  return { connection, socket, signals, connected, refresh };
}

/** Delay until our next `connect()` call, measured on the fake clock. */
async function nextConnectDelay(socket: StandInSocket): Promise<number> {
  const calls = socket.connectCalls.length;
  const from = Date.now();
  for (let waited = 0; waited <= 60_000 && socket.connectCalls.length === calls; waited += 50) {
    await vi.advanceTimersByTimeAsync(50);
  }
  const at = socket.connectCalls[calls];
  if (at === undefined) throw new Error('no reconnect within 60 s');
  return at - from;
}

describe('live connection: reconnects Socket.IO does not do', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    sockets.created.length = 0;
  });
  afterEach(() => {
    for (const connection of started.splice(0)) connection.stop();
    vi.useRealTimers();
  });

  it('configures Socket.IO itself with the same backoff: 1 s doubling to 5 s, ±50 %, WebSocket only', () => {
    expect([RECONNECT_DELAY_MS, RECONNECT_DELAY_MAX_MS, RECONNECT_JITTER]).toEqual([
      1_000, 5_000, 0.5,
    ]);
    const socket = createSocket({
      origin: 'https://monitor.example.com',
      getToken: async () => null,
      setup: () => undefined,
    });
    expect(socket.io.reconnectionDelay()).toBe(1_000);
    expect(socket.io.reconnectionDelayMax()).toBe(5_000);
    expect(socket.io.randomizationFactor()).toBe(0.5);
    expect(socket.io.reconnection()).toBe(true);
    expect(socket.io.opts.transports).toEqual(['websocket']);
    expect(socket.connected || socket.active).toBe(false); // created, not connected
  });

  it('the first handshake uses the token read while the socket opened; later ones read afresh (#14)', async () => {
    const getToken = vi.fn<() => Promise<string | null>>().mockResolvedValue('later');
    const socket = createSocket(
      { origin: 'https://monitor.example.com', getToken, setup: () => undefined },
      { token: Promise.resolve('early'), at: 1_000 },
      () => 1_000 + EARLY_TOKEN_MAX_AGE_MS,
    );
    const auth = socket.auth as (cb: (data: object) => void) => void;
    const handshake = () => new Promise<object>((resolve) => auth(resolve));
    expect(await handshake()).toEqual({ token: 'early' });
    expect(getToken).not.toHaveBeenCalled();
    expect(await handshake()).toEqual({ token: 'later' });
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('a token read ahead is not used once older than the handshake timeout (#14)', async () => {
    const getToken = vi.fn<() => Promise<string | null>>().mockResolvedValue('fresh');
    const socket = createSocket(
      { origin: 'https://monitor.example.com', getToken, setup: () => undefined },
      { token: Promise.resolve('early'), at: 1_000 },
      () => 1_001 + EARLY_TOKEN_MAX_AGE_MS,
    );
    const auth = socket.auth as (cb: (data: object) => void) => void;
    expect(await new Promise<object>((resolve) => auth(resolve))).toEqual({ token: 'fresh' });
  });

  it('a failed read ahead sends no token, as a failed read at the handshake does', async () => {
    const socket = createSocket(
      {
        origin: 'https://monitor.example.com',
        getToken: async () => 'unused',
        setup: () => undefined,
      },
      { token: Promise.resolve(null), at: 0 },
      () => 0,
    );
    const auth = socket.auth as (cb: (data: object) => void) => void;
    expect(await new Promise<object>((resolve) => auth(resolve))).toEqual({});
  });

  it('reconnects after "io server disconnect": 1 s, 2 s, 4 s, then 5 s capped (no jitter)', async () => {
    const { socket, signals } = setup({ random: 0.5 });
    socket.open();
    socket.serverDisconnect();
    expect(signals.at(-1)).toMatchObject({ type: 'down', error: { code: 'server-disconnect' } });
    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      delays.push(await nextConnectDelay(socket));
      // The server is still restarting: the handshake fails (a non-auth rejection).
      socket.refuse('server shutting down');
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it.each([
    [0, [500, 1_000, 2_000, 2_500]],
    [0.999_999, [1_500, 3_000, 5_000, 5_000]],
  ])(
    'keeps the jitter within ±50 percent and under the cap (random() = %s → %j)',
    async (random, expected) => {
      const { socket } = setup({ random });
      socket.open();
      socket.serverDisconnect();
      const delays: number[] = [];
      for (let i = 0; i < expected.length; i += 1) {
        delays.push(await nextConnectDelay(socket));
        socket.refuse('server shutting down');
      }
      expect(delays).toEqual(expected);
    },
  );

  it('starts the backoff from 1 s again after a successful connect', async () => {
    const { socket, connected } = setup();
    socket.open();
    socket.serverDisconnect();
    expect(await nextConnectDelay(socket)).toBe(1_000);
    socket.refuse('server shutting down');
    expect(await nextConnectDelay(socket)).toBe(2_000);
    socket.open();
    socket.serverDisconnect();
    expect(await nextConnectDelay(socket)).toBe(1_000);
    expect(connected).toEqual([false, false]);
  });

  it('leaves "transport close" to Socket.IO: no connect() of ours', async () => {
    const { socket, connection, signals } = setup();
    socket.open();
    const calls = socket.connectCalls.length;
    socket.transportClose();
    expect(signals.at(-1)).toMatchObject({ type: 'down', error: { code: 'transport' } });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(socket.connectCalls.length).toBe(calls);
    expect(connection.stats().manualReconnects).toBe(0);
  });

  it('does not reconnect after stop(), even with a retry pending', async () => {
    const { socket, connection } = setup();
    socket.open();
    socket.serverDisconnect();
    connection.stop();
    const calls = socket.connectCalls.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(socket.connectCalls.length).toBe(calls);
  });

  it('renews the token and connects again when the handshake is refused, without waiting', async () => {
    const { socket, refresh, signals } = setup();
    socket.open();
    socket.serverDisconnect();
    await nextConnectDelay(socket);
    const calls = socket.connectCalls.length;
    socket.refuse(AUTH_ERRORS.expired);
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(socket.connectCalls.length).toBe(calls + 1);
    socket.open();
    expect(signals.at(-1)).toEqual({ type: 'live', recovered: false });
  });

  it('stops with "signed-out" when the refresh is rejected, and never connects again', async () => {
    const { socket, connection, signals } = setup({ refresh: async () => 'rejected' });
    socket.open();
    socket.serverDisconnect();
    await nextConnectDelay(socket);
    const calls = socket.connectCalls.length;
    socket.refuse(AUTH_ERRORS.invalid);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(signals.at(-1)).toMatchObject({ type: 'signed-out', error: { code: 'refresh-failed' } });
    connection.kick();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.connectCalls.length).toBe(calls);
  });

  it('a refresh superseded by sign-out or another sign-in is not a refused session (issue #11)', async () => {
    const { socket, signals } = setup({ refresh: async () => 'superseded' });
    socket.open();
    socket.serverDisconnect();
    await nextConnectDelay(socket);
    socket.refuse(AUTH_ERRORS.expired);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(signals.some((s) => s.type === 'signed-out')).toBe(false);
  });

  it(`signs out after ${MAX_AUTH_REJECTIONS} fresh tokens in a row are refused`, async () => {
    const { socket, refresh, signals } = setup();
    socket.open();
    socket.serverDisconnect();
    await nextConnectDelay(socket);
    for (let i = 0; i <= MAX_AUTH_REJECTIONS; i += 1) {
      socket.refuse(AUTH_ERRORS.signature);
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(refresh).toHaveBeenCalledTimes(MAX_AUTH_REJECTIONS);
    expect(signals.at(-1)).toMatchObject({ type: 'signed-out', error: { code: 'auth-rejected' } });
  });

  it('drops a silent connection when a ping goes unanswered and reconnects at once', async () => {
    const { socket, signals } = setup();
    socket.open();
    socket.pendingPings.shift()?.(null, Date.now()); // the first ping is answered
    expect(signals.some((s) => s.type === 'rtt')).toBe(true);
    const calls = socket.connectCalls.length;
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS + PING_TIMEOUT_MS);
    expect(signals.at(-1)).toMatchObject({ type: 'down', error: { code: 'ping-timeout' } });
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.connectCalls.length).toBe(calls + 1);
  });

  it.each([
    ['0', () => 0],
    ['in seconds', () => Math.floor(Date.now() / 1000)],
    ['a day and a minute ahead', () => Date.now() + MAX_CLOCK_OFFSET_MS + 60_000],
    ['not a number', () => '2026-01-15T12:00:00Z'],
  ])(
    'keeps the round trip but not the clock of a ping answered with %s (issue #11)',
    (_name, serverTime) => {
      const { socket, signals } = setup();
      socket.open();
      socket.pendingPings.shift()?.(null, serverTime());
      expect(signals.filter((s) => s.type === 'rtt')).toEqual([
        { type: 'rtt', rtt: 0, serverTime: null, clockRejected: true },
      ]);
    },
  );

  it('uses the clock of a ping answered with a plausible server time', () => {
    const { socket, signals } = setup();
    socket.open();
    const serverTime = Date.now() + 3 * 60 * 60_000; // a clock set to the wrong zone by hand
    socket.pendingPings.shift()?.(null, serverTime);
    expect(signals.filter((s) => s.type === 'rtt')).toEqual([
      { type: 'rtt', rtt: 0, serverTime, clockRejected: false },
    ]);
  });

  it('attaches every listener once, however often it reconnects', async () => {
    const { socket } = setup();
    for (let i = 0; i < 5; i += 1) {
      socket.open();
      socket.serverDisconnect();
      await nextConnectDelay(socket);
    }
    expect(sockets.created).toHaveLength(1);
    for (const name of [...SERVER_EVENTS, 'connect', 'disconnect', 'connect_error']) {
      expect(socket.listenerCount(name)).toBe(1);
    }
  });
});
