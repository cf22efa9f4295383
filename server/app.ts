import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SOCKET_PATH } from '../lib/protocol';
import { createAccounts } from './accounts';
import { createAlertEngine } from './alert-engine';
import { createAlertStore } from './alert-store';
import { createBroadcaster } from './broadcaster';
import { trackConnections } from './connection-tracker';
import { createControlApi, type ControlApi } from './control-api';
import { registerControlRoutes } from './control-routes';
import { createCounters } from './counters';
import { buildDirectory } from './directory';
import { USERS } from './fixtures';
import { HttpError, sendError } from './http-json';
import { createRouter } from './http-router';
import { isLoopbackRequest } from './loopback';
import { resolveOptions, type ServerOptions } from './options';
import { createReadingStore } from './reading-store';
import { createRequestLog } from './request-log';
import { registerAuthRoutes } from './rest-auth-routes';
import { registerOrgRoutes } from './rest-org-routes';
import { createSimulator } from './simulator';
import { createSocketAuth } from './socket-auth';
import { attachSocketHandlers } from './socket-handlers';
import type { AppServer } from './socket-types';
import { registerStackAuthRoutes, STACK_PREFIX } from './stack-auth-routes';
import { createSigningKey, createTokenAuthority } from './tokens';

export type { ServerOptions } from './options';
export type { ControlApi } from './control-api';

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787` (REST and Socket.IO share it). */
  url: string;
  port: number;
  /** Graceful shutdown: disconnects every socket first ('io server disconnect'), then closes. */
  close(): Promise<void>;
  /** The control capability in-process, whether or not `/control/*` is mounted. */
  control: ControlApi;
  /**
   * The Stack Auth project this server's identity API serves (issue #10):
   * what the extension's "Project ID", "Publishable client key" and "Auth API
   * URL" fields take. `apiUrl` is `{url}/stack`.
   */
  stack: { projectId: string; publishableClientKey: string; apiUrl: string };
}

// Matches production; see PROTOCOL.md "Transport and authentication".
const MAX_DISCONNECTION_MS = 2 * 60 * 1000;
// Mirrors socket.io's own list: only these disconnects leave a session to recover.
const RECOVERABLE_REASONS = new Set([
  'transport error',
  'transport close',
  'forced close',
  'ping timeout',
  'server shutting down',
  'forced server close',
]);
const REQUEST_LOG_CAPACITY = 1000;
const GRACEFUL_DRAIN_MS = 500;

/** Starts the reference backend: HTTP (REST + control) and Socket.IO on one port. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveOptions(options);
  const now = (): number => Date.now();
  // Ids carry a per-start prefix: a restarted server must not reuse ids a client already deduplicated.
  const bootId = randomBytes(4).toString('hex');
  let readingSequence = 0;
  const nextReadingId = (): string => `rd-${bootId}-${++readingSequence}`;

  const counters = createCounters();
  const requestLog = createRequestLog(REQUEST_LOG_CAPACITY);
  const directory = buildDirectory({
    sites: config.sites,
    unitsPerSite: config.unitsPerSite,
    neverReported: config.neverReportedUnits,
  });
  const accounts = createAccounts(USERS, directory.organizations);
  // Set once listening: the tokens' `iss` is the project's URL on this server's identity API.
  let issuer = '';
  const tokens = await createTokenAuthority({
    key: config.signingKey ?? (await createSigningKey()),
    projectId: config.stackProjectId,
    issuer: () => issuer,
    accessTtlSeconds: config.tokenTtlSeconds,
    refreshTtlSeconds: config.refreshTtlSeconds,
    user: (userId) => accounts.byId(userId),
    now,
  });
  const alerts = createAlertStore(bootId);
  const router = createRouter();

  // The request listener must exist before Socket.IO attaches: Engine.IO wraps the
  // listeners it finds and hands them every request outside /socket.io/.
  const httpServer = createServer((req, res) => void handleRequest(req, res));
  const io: AppServer = new Server(httpServer, {
    path: SOCKET_PATH,
    // Production refuses long-polling; a client starting with polling never connects.
    transports: ['websocket'],
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    maxHttpBufferSize: config.maxBodyBytes,
    serveClient: false,
    connectionStateRecovery: {
      maxDisconnectionDuration: MAX_DISCONNECTION_MS,
      skipMiddlewares: false,
    },
  });
  // Added after the attach, so it sees every request, Socket.IO's included.
  httpServer.on('request', (req: IncomingMessage) => {
    requestLog.add({ kind: 'http', method: req.method ?? 'GET', url: req.url ?? '' });
  });
  httpServer.on('upgrade', (req: IncomingMessage) => {
    requestLog.add({ kind: 'upgrade', method: req.method ?? 'GET', url: req.url ?? '' });
  });
  const tracker = trackConnections(httpServer);

  const broadcaster = createBroadcaster(io, counters, now);
  const readings = createReadingStore();
  const engine = createAlertEngine({
    directory,
    alerts,
    broadcaster,
    now,
    alertDelayReadings: config.alertDelayReadings,
    // A slow reporting rate must not look like silence.
    silentAfterMs: Math.max(config.silentAfterSeconds * 1000, 3000 / config.rate),
    lowBatteryPercent: config.lowBatteryPercent,
  });
  const simulator = createSimulator({
    directory,
    readings,
    engine,
    broadcaster,
    counters,
    seed: config.seed,
    rate: config.rate,
    tickMs: config.tickMs,
    paused: !config.simulate,
    now,
    nextReadingId,
  });

  io.use(createSocketAuth({ tokens, accounts, counters, requestLog, now }));
  io.on('connection', (socket) => {
    counters.connections.current += 1;
    counters.connections.total += 1;
    attachSocketHandlers(socket, { directory, readings, counters, now });
    socket.on('disconnect', (reason) => {
      counters.connections.current -= 1;
      if (RECOVERABLE_REASONS.has(reason))
        broadcaster.notePendingRecovery(now() + MAX_DISCONNECTION_MS);
    });
  });

  let port = config.port;
  const listener = {
    start: () => listen(httpServer, port, config.host),
    stop: () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        tracker.destroyAll();
      }),
  };
  const control = createControlApi({
    io,
    directory,
    readings,
    engine,
    broadcaster,
    simulator,
    tokens,
    accounts,
    counters,
    requestLog,
    tracker,
    now,
    nextReadingId,
    listener,
  });

  registerAuthRoutes(router, { tokens, accounts, maxBodyBytes: config.maxBodyBytes });
  registerStackAuthRoutes(router, {
    tokens,
    accounts,
    project: {
      projectId: config.stackProjectId,
      publishableClientKey: config.stackPublishableClientKey,
    },
    maxBodyBytes: config.maxBodyBytes,
  });
  registerOrgRoutes(router, {
    tokens,
    accounts,
    directory,
    alerts,
    engine,
    readings,
    maxBodyBytes: config.maxBodyBytes,
  });
  if (config.control) registerControlRoutes(router, control.api, config.maxBodyBytes);

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.httpRequests += 1;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (config.control && url.pathname.startsWith('/control/') && !isLoopbackRequest(req)) {
        throw new HttpError(403, 'forbidden', 'The control interface only answers loopback');
      }
      const match = router.match(req.method ?? 'GET', url.pathname);
      if (match.kind === 'not_found') throw new HttpError(404, 'not_found', 'No such route');
      if (match.kind === 'method_not_allowed') {
        res.setHeader('allow', match.allowed.join(', '));
        throw new HttpError(405, 'method_not_allowed', 'Method not allowed');
      }
      await match.handler({ req, res, url, params: match.params });
    } catch (error) {
      if (error instanceof HttpError) {
        // After a 413 the rest of the body is unread; closing avoids parsing it as a next request.
        if (error.status === 413) res.setHeader('connection', 'close');
        sendError(res, error.status, error.code, error.message);
        return;
      }
      console.error(
        '[frostline] request failed:',
        error instanceof Error ? error.message : 'unknown error',
      );
      sendError(res, 500, 'internal_error', 'Internal server error');
    }
  }

  await listener.start();
  port = (httpServer.address() as AddressInfo).port;
  simulator.start();

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    simulator.stop();
    control.cancelOutage();
    // Like a production deploy: every client is told first ('io server disconnect').
    io.disconnectSockets(true);
    await waitFor(() => io.engine.clientsCount === 0, GRACEFUL_DRAIN_MS);
    await new Promise<void>((resolve) => {
      // The callback gets an error when an outage already closed the listener; either way we are done.
      void io.close(() => resolve());
      tracker.destroyAll();
    });
  }

  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  issuer = `${url}${STACK_PREFIX}/api/v1/projects/${config.stackProjectId}`;
  return {
    url,
    port,
    close: () => (closing ??= close()),
    control: control.api,
    stack: {
      projectId: config.stackProjectId,
      publishableClientKey: config.stackPublishableClientKey,
      apiUrl: `${url}${STACK_PREFIX}`,
    },
  };
}

function listen(
  server: ReturnType<typeof createServer>,
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
