import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol';

/** What the auth middleware learns about a socket's user. */
export interface SocketData {
  userId: string;
  email: string;
  organizationId: string;
  connectedAt: string;
}

// The reference server runs one process: no inter-server events.
export type InterServerEvents = Record<never, never>;

export type AppServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type AppSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
