import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, WireTokens } from '../../../lib/protocol';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/app';
import { DEFAULT_STACK_PROJECT_ID, DEFAULT_STACK_PUBLISHABLE_KEY } from '../../../server/options';
import { STACK_PREFIX } from '../../../server/stack-auth-routes';
import { createSigningKey, type SigningKey } from '../../../server/tokens';
import { STACK_HEADERS, stackPaths } from '../../../lib/stack-auth';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const DEMO = 'demo@frostline.test';
export const OTHER = 'other@frostline.test';
export const NOORG = 'noorg@frostline.test';
export const PASSWORD = 'frostline';
export const DEMO_ORG = 'org-northwind';
export const OTHER_ORG = 'org-harbor';
/** The identity API's signing key in tests (issue #10): tests sign tokens of their own with it. */
let testKey: Promise<SigningKey> | null = null;
export function testSigningKey(): Promise<SigningKey> {
  testKey ??= createSigningKey('frostline-test-key');
  return testKey;
}

const servers: RunningServer[] = [];
const sockets: ClientSocket[] = [];

/** In-process server on 127.0.0.1, random port, simulator paused, known signing key. */
export async function startTestServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    seed: 7,
    simulate: false,
    signingKey: await testSigningKey(),
    ...options,
  });
  servers.push(server);
  return server;
}

/** Closes every client and server a test opened; call from afterEach. */
export async function cleanup(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/**
 * What the options page's Stack Auth fields take for `server` (issue #10),
 * reached through `baseUrl` (a proxy in front of it) when given.
 */
export function stackConfig(
  server: RunningServer,
  baseUrl: string = server.url,
): { projectId: string; publishableClientKey: string; apiUrl: string } {
  return {
    projectId: server.stack.projectId,
    publishableClientKey: server.stack.publishableClientKey,
    apiUrl: `${baseUrl}${STACK_PREFIX}`,
  };
}

/** The client headers of the server's default Stack Auth project. */
export function stackHeaders(): Record<string, string> {
  return {
    [STACK_HEADERS.accessType]: 'client',
    [STACK_HEADERS.projectId]: DEFAULT_STACK_PROJECT_ID,
    [STACK_HEADERS.publishableClientKey]: DEFAULT_STACK_PUBLISHABLE_KEY,
  };
}

/** Signs in through the server's Stack Auth identity API (issue #10), as the extension does. */
export async function login(url: string, email = DEMO): Promise<WireTokens> {
  const res = await fetch(`${url}${STACK_PREFIX}${stackPaths.signIn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...stackHeaders() },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  const payload = JSON.parse(
    Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString('utf8'),
  ) as { exp: number };
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(payload.exp * 1000).toISOString(),
  };
}

/** A client the way the extension makes it: WebSocket only, token in `auth`. */
export function client(
  url: string,
  auth: Record<string, unknown> | ((cb: (data: object) => void) => void),
  extra: Parameters<typeof connectClient>[1] = {},
): ClientSocket {
  const socket: ClientSocket = connectClient(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
    ...extra,
  });
  sockets.push(socket);
  return socket;
}

export function once<T>(socket: ClientSocket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), timeoutMs);
    (socket as unknown as Socket).once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Connects and resolves after `connection:ack`. */
export async function connected(url: string, token: string): Promise<ClientSocket> {
  const socket = client(url, { token });
  await once(socket, 'connection:ack');
  return socket;
}

export async function connectErrorMessage(
  url: string,
  auth: Record<string, unknown>,
): Promise<string> {
  const socket = client(url, auth);
  const error = await once<Error>(socket, 'connect_error');
  return error.message;
}

/** Collects every payload of an event until read. */
export function collect<T>(socket: ClientSocket, event: string): T[] {
  const seen: T[] = [];
  (socket as unknown as Socket).on(event, (payload: T) => seen.push(payload));
  return seen;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds; fails the test with `what` otherwise. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timeout: ${what}`);
    await sleep(10);
  }
}

/** A round trip through the server: events emitted before it have been delivered. */
export async function roundTrip(socket: ClientSocket): Promise<void> {
  await socket.timeout(5000).emitWithAck('ping');
}

export async function api(
  url: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}
