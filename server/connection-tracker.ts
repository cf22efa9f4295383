import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Raw TCP connections of the HTTP server, for the crash and outage simulations. */
export interface ConnectionTracker {
  /** Destroys WebSocket connections without a close frame: clients see 'transport close'. */
  destroyUpgraded(): number;
  /** Destroys every connection, HTTP keep-alive included. */
  destroyAll(): number;
}

export function trackConnections(server: HttpServer): ConnectionTracker {
  const all = new Set<Socket>();
  const upgraded = new Set<Duplex>();
  server.on('connection', (socket: Socket) => {
    all.add(socket);
    socket.once('close', () => all.delete(socket));
  });
  // Engine.IO has its own 'upgrade' listener; this one only remembers the stream.
  server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  return {
    destroyUpgraded() {
      const count = upgraded.size;
      for (const socket of upgraded) socket.destroy();
      upgraded.clear();
      return count;
    },
    destroyAll() {
      const count = all.size;
      for (const socket of all) socket.destroy();
      for (const socket of upgraded) socket.destroy();
      all.clear();
      upgraded.clear();
      return count;
    },
  };
}
