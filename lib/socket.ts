/**
 * How the extension's Socket.IO connection is made, in the background only.
 * The socket itself belongs to the live connection (`lib/live-connection.ts`,
 * #9), which creates it here and closes it here; this module keeps no socket
 * of its own, so two backgrounds never share one. The names `connectSocket`
 * and `disconnectSocket` are those of the product's earlier web dashboard.
 *
 * - WebSocket transport only: a service worker has no XMLHttpRequest and the
 *   production server refuses long-polling.
 * - The token travels in `auth`, as a function, so every (re)connect reads
 *   the current (possibly refreshed) token; never in the URL or query.
 * - Socket.IO's own reconnection handles transport losses with backoff
 *   (1 s doubling to a 5 s cap, with jitter, issue #3); the cases it does not
 *   retry (`io server disconnect`, middleware rejections) are handled by
 *   `lib/live-connection.ts`.
 *
 * Nothing happens at import: a socket exists only once its owner creates it.
 */
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from './protocol';

export type FrostlineSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Reads the token for a handshake; may refresh it first. `null` sends none. */
export type TokenSource = () => Promise<string | null>;

export interface SocketOptions {
  /** Backend origin (`https://…`); the socket uses wss on it. */
  origin: string;
  getToken: TokenSource;
  /** Called once, right after the socket is created, to attach listeners. */
  setup: (socket: FrostlineSocket) => void;
}

export const RECONNECT_DELAY_MS = 1_000;
export const RECONNECT_DELAY_MAX_MS = 5_000;
export const RECONNECT_JITTER = 0.5;
/**
 * How old a token read ahead of the first handshake may be when the handshake
 * asks for it (#14). The handshake's own timeout: a read older than that
 * belongs to an attempt that failed, and the handshake reads afresh.
 */
export const EARLY_TOKEN_MAX_AGE_MS = 5_000;

/** A token read before the socket asked for it, and when the read started. */
export interface EarlyToken {
  token: Promise<string | null>;
  at: number;
}

/**
 * Creates a socket without connecting it. With `early`, the first handshake
 * within `EARLY_TOKEN_MAX_AGE_MS` of that read uses it; every other handshake
 * reads the token when it is made.
 */
export function createSocket(
  options: SocketOptions,
  early?: EarlyToken,
  now: () => number = Date.now,
): FrostlineSocket {
  let ahead = early ?? null;
  const created: FrostlineSocket = io(options.origin, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    autoConnect: false,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: RECONNECT_JITTER,
    // A handshake over a dead path gives up after 5 s, so a link that comes
    // back is used within seconds rather than after Socket.IO's default 20 s.
    timeout: 5_000,
    // The handshake reads the token afresh each time; a failure to get one
    // sends none, which the server rejects with "Authentication token required".
    auth: (cb) => {
      const fresh = ahead !== null && now() - ahead.at <= EARLY_TOKEN_MAX_AGE_MS;
      const token = fresh && ahead !== null ? ahead.token : options.getToken();
      ahead = null;
      token.then(
        (token) => cb(token === null ? {} : { token }),
        () => cb({}),
      );
    },
  });
  options.setup(created);
  return created;
}

/**
 * Creates a socket for `options` and starts connecting it. The caller owns
 * it: it reuses the same socket (and its listeners) for every reconnect and
 * closes it with `disconnectSocket` (#9: no shared, module-level socket).
 */
export function connectSocket(options: SocketOptions): FrostlineSocket {
  // The token is read (from storage, #14) while the WebSocket opens, not
  // after: Socket.IO asks for `auth` only once the transport is open, and a
  // woken worker's first handshake waited 10-45 ms more for that read.
  const early: EarlyToken = { token: options.getToken().catch(() => null), at: Date.now() };
  const created = createSocket(options, early);
  created.connect();
  return created;
}

/** Closes `socket` for good: no listener left, no reconnect (sign-out, server change). */
export function disconnectSocket(socket: FrostlineSocket): void {
  socket.removeAllListeners();
  socket.io.removeAllListeners();
  socket.disconnect();
}
