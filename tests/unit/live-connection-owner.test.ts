/**
 * Each live connection owns its socket (#9): the real lib/socket.ts (not the
 * stand-in of live-connection.test.ts) against a bare Socket.IO server on
 * 127.0.0.1, because what is under test is that nothing in lib/socket.ts is
 * shared between two connections, as between two background instances.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveConnection, type LiveConnection } from '../../lib/live-connection';
import { SOCKET_PATH } from '../../lib/protocol';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function startServer(): Promise<{ origin: string; server: Server }> {
  const http = createServer();
  const server = new Server(http, { path: SOCKET_PATH, transports: ['websocket'] });
  // Answers the connection's application `ping`, as the reference server does.
  server.on('connection', (socket) => {
    socket.on('ping', (ack: unknown) => {
      if (typeof ack === 'function') (ack as (time: number) => void)(Date.now());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => void server.close(() => resolve())));
  const { port } = http.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}

function connection(): LiveConnection {
  const created = createLiveConnection({
    accessToken: async () => 'token',
    refresh: async () => 'refreshed',
    onSignal: () => undefined,
    onServerEvent: () => undefined,
    onUnknownEvent: () => undefined,
    onConnected: () => undefined,
    isOnline: () => true,
    now: () => Date.now(),
  });
  closers.push(async () => created.stop());
  return created;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timeout: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live connection: owns its socket', () => {
  it('two connections own two sockets: stopping one leaves the other connected', async () => {
    const { origin, server } = await startServer();
    const first = connection();
    const second = connection();
    first.start(origin);
    second.start(origin);
    await until(() => first.isConnected() && second.isConnected(), 'both connected');
    const firstSocket = first.connected();
    const secondSocket = second.connected();
    expect(firstSocket).not.toBeNull();
    expect(secondSocket).not.toBe(firstSocket);
    expect(server.of('/').sockets.size).toBe(2);

    first.stop();
    expect(first.connected()).toBeNull();
    expect(firstSocket?.connected).toBe(false);
    // The closed socket keeps no listener: nothing of it can act again.
    expect(firstSocket?.listeners('connect')).toHaveLength(0);
    await until(() => server.of('/').sockets.size === 1, 'the server sees one socket left');
    expect(second.isConnected()).toBe(true);
    expect(second.connected()).toBe(secondSocket);
  });
});
