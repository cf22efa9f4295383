import type { IncomingMessage } from 'node:http';
import { AUTH_ERRORS, type AuthErrorMessage } from '../lib/protocol';
import type { Accounts } from './accounts';
import type { UserFixture } from './fixtures';
import { HttpError } from './http-json';
import type { TokenAuthority } from './tokens';

const CODE_FOR_MESSAGE: Record<AuthErrorMessage, string> = {
  [AUTH_ERRORS.missing]: 'unauthorized',
  [AUTH_ERRORS.expired]: 'token_expired',
  [AUTH_ERRORS.claims]: 'invalid_token',
  [AUTH_ERRORS.signature]: 'invalid_token',
  [AUTH_ERRORS.malformed]: 'invalid_token',
  [AUTH_ERRORS.invalid]: 'invalid_token',
  [AUTH_ERRORS.noOrganization]: 'forbidden',
};

/** Resolves the bearer token to a user or throws 401; the message never echoes the token. */
export async function authenticateRequest(
  req: IncomingMessage,
  tokens: TokenAuthority,
  accounts: Accounts,
): Promise<UserFixture> {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const check = await tokens.verifyAccess(match?.[1]);
  if (!check.ok) throw new HttpError(401, CODE_FOR_MESSAGE[check.message], check.message);
  const user = accounts.byId(check.userId);
  if (!user) throw new HttpError(401, 'invalid_token', AUTH_ERRORS.invalid);
  return user;
}

/** 403 unless the user belongs to the organization named in the path. */
export function requireMembership(user: UserFixture, organizationId: string): void {
  if (!user.memberships.some((m) => m.organizationId === organizationId)) {
    throw new HttpError(403, 'forbidden', 'No access to this organization');
  }
}
