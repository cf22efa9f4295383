import { AUTH_ERRORS } from '../lib/protocol';
import { primaryOrganization, type Accounts } from './accounts';
import { bump, type Counters } from './counters';
import type { RequestLog } from './request-log';
import type { AppSocket } from './socket-types';
import type { TokenAuthority } from './tokens';

export interface SocketAuthDeps {
  tokens: TokenAuthority;
  accounts: Accounts;
  counters: Counters;
  requestLog: RequestLog;
  now: () => number;
}

/**
 * Handshake middleware. The token is read from `handshake.auth` only, never
 * from the query; the error message is the contract's exact text, which
 * Socket.IO passes to the client's `connect_error`. Runs again on recovered
 * connections (skipMiddlewares: false), so an expired token cannot come back.
 */
export function createSocketAuth(deps: SocketAuthDeps) {
  return async (socket: AppSocket, next: (error?: Error) => void): Promise<void> => {
    const { handshake } = socket;
    deps.requestLog.add({
      kind: 'handshake',
      method: 'GET',
      url: handshake.url,
      query: stringQuery(handshake.query),
    });
    const auth: unknown = handshake.auth;
    const token =
      typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    const check = await deps.tokens.verifyAccess(token);
    if (!check.ok) return reject(check.message);
    const user = deps.accounts.byId(check.userId);
    if (!user) return reject(AUTH_ERRORS.invalid);
    const organizationId = primaryOrganization(user);
    if (!organizationId) return reject(AUTH_ERRORS.noOrganization);
    socket.data = {
      userId: user.id,
      email: user.email,
      organizationId,
      connectedAt: new Date(deps.now()).toISOString(),
    };
    deps.counters.handshakes.accepted += 1;
    next();

    function reject(message: string): void {
      bump(deps.counters.handshakes.rejected, message);
      next(new Error(message));
    }
  };
}

function stringQuery(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) out[key] = String(value);
  return out;
}
