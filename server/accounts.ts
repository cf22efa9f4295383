import { createHash, timingSafeEqual } from 'node:crypto';
import type { WireMe } from '../lib/protocol';
import type { OrganizationFixture, UserFixture } from './fixtures';

/**
 * `/api/auth/me` as this server answers it. `primaryOrganizationId` is null
 * for a user without any organization (WireMe types it as a string; see docs/server.md).
 */
export type MeResponse = Omit<WireMe, 'primaryOrganizationId'> & {
  primaryOrganizationId: string | null;
};

export interface Accounts {
  byEmail(email: string): UserFixture | undefined;
  byId(userId: string): UserFixture | undefined;
  /** Constant-time password check; undefined on any mismatch. */
  authenticate(email: string, password: string): UserFixture | undefined;
  me(user: UserFixture): MeResponse;
}

export function createAccounts(
  users: readonly UserFixture[],
  organizations: ReadonlyMap<string, OrganizationFixture>,
): Accounts {
  const byEmail = new Map(users.map((user) => [user.email.toLowerCase(), user]));
  const byId = new Map(users.map((user) => [user.id, user]));
  return {
    byEmail: (email) => byEmail.get(email.trim().toLowerCase()),
    byId: (userId) => byId.get(userId),
    authenticate(email, password) {
      const user = byEmail.get(email.trim().toLowerCase());
      // Compare digests so the timing does not reveal the password length or prefix.
      const expected = digest(user?.password ?? '');
      const matches = timingSafeEqual(expected, digest(password));
      return user && matches ? user : undefined;
    },
    me(user) {
      return {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        primaryOrganizationId: user.memberships[0]?.organizationId ?? null,
        organizations: user.memberships.map((membership) => ({
          organizationId: membership.organizationId,
          role: membership.role,
          name: organizations.get(membership.organizationId)?.name ?? membership.organizationId,
        })),
      };
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The organization whose room a socket joins: the user's first membership. */
export function primaryOrganization(user: UserFixture): string | undefined {
  return user.memberships[0]?.organizationId;
}
