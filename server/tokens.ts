import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AUTH_ERRORS, type AuthErrorMessage, type WireTokens } from '../lib/protocol';

/** Issuer and audience bound into every access token; a token for another service fails claims. */
export const TOKEN_ISSUER = 'frostline-reference';
export const TOKEN_AUDIENCE = 'frostline';
/** Opaque refresh tokens carry a prefix so log redaction can recognise them. */
export const REFRESH_TOKEN_PREFIX = 'frt_';

export type AccessCheck =
  { ok: true; userId: string; tokenId: string } | { ok: false; message: AuthErrorMessage };

export interface TokenAuthorityOptions {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Known user ids: a well-signed token for anyone else is treated as revoked. */
  userExists: (userId: string) => boolean;
  now: () => number;
}

/** Issues, verifies, rotates, expires and revokes tokens; the only owner of token state. */
export interface TokenAuthority {
  issue(userId: string): Promise<WireTokens>;
  verifyAccess(token: unknown): Promise<AccessCheck>;
  /** Rotates a refresh token; null when it is unknown, used, revoked or expired. */
  refresh(refreshToken: unknown): Promise<WireTokens | null>;
  /** Makes current access tokens answer 'Token expired'; all users when userId is omitted. */
  expireAccess(userId?: string): number;
  /** Access and refresh tokens of the user become invalid ('Invalid or expired token'). */
  revokeUser(userId: string): number;
}

interface IssuedAccess {
  userId: string;
  expiresAtMs: number;
}

// Sizes past which bookkeeping of long-expired tokens is dropped; keeps memory bounded.
const PRUNE_THRESHOLD = 10_000;

/** Creates the token authority (HS256 via jose). */
export function createTokenAuthority(options: TokenAuthorityOptions): TokenAuthority {
  const key = new TextEncoder().encode(options.secret);
  const issued = new Map<string, IssuedAccess>();
  const expiredIds = new Set<string>();
  const revokedIds = new Set<string>();
  // Keyed by a hash so the map never holds a usable refresh token.
  const refreshTokens = new Map<string, { userId: string; expiresAtMs: number }>();

  function prune(): void {
    if (issued.size < PRUNE_THRESHOLD && refreshTokens.size < PRUNE_THRESHOLD) return;
    const now = options.now();
    for (const [id, entry] of issued) {
      if (entry.expiresAtMs < now) {
        issued.delete(id);
        expiredIds.delete(id);
        revokedIds.delete(id);
      }
    }
    for (const [hash, entry] of refreshTokens) {
      if (entry.expiresAtMs < now) refreshTokens.delete(hash);
    }
  }

  async function issue(userId: string): Promise<WireTokens> {
    prune();
    const nowMs = options.now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const expSeconds = nowSeconds + Math.round(options.accessTtlSeconds);
    const tokenId = randomUUID();
    const accessToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setJti(tokenId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(expSeconds)
      .sign(key);
    issued.set(tokenId, { userId, expiresAtMs: expSeconds * 1000 });
    const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    refreshTokens.set(hashToken(refreshToken), {
      userId,
      expiresAtMs: nowMs + options.refreshTtlSeconds * 1000,
    });
    return { accessToken, refreshToken, expiresAt: new Date(expSeconds * 1000).toISOString() };
  }

  async function verifyAccess(token: unknown): Promise<AccessCheck> {
    if (typeof token !== 'string' || token.length === 0) {
      return { ok: false, message: AUTH_ERRORS.missing };
    }
    let subject: string | undefined;
    let tokenId: string | undefined;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        currentDate: new Date(options.now()),
      });
      subject = payload.sub;
      tokenId = payload.jti;
    } catch (error) {
      return { ok: false, message: messageForJoseError(error) };
    }
    if (!subject || !tokenId) return { ok: false, message: AUTH_ERRORS.claims };
    if (revokedIds.has(tokenId) || !options.userExists(subject)) {
      return { ok: false, message: AUTH_ERRORS.invalid };
    }
    if (expiredIds.has(tokenId)) return { ok: false, message: AUTH_ERRORS.expired };
    return { ok: true, userId: subject, tokenId };
  }

  async function refresh(refreshToken: unknown): Promise<WireTokens | null> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) return null;
    const hash = hashToken(refreshToken);
    const entry = refreshTokens.get(hash);
    // Rotation: a refresh token works once; a replayed one finds nothing.
    refreshTokens.delete(hash);
    if (!entry || entry.expiresAtMs <= options.now() || !options.userExists(entry.userId)) {
      return null;
    }
    return issue(entry.userId);
  }

  function expireAccess(userId?: string): number {
    let count = 0;
    for (const [id, entry] of issued) {
      if (userId !== undefined && entry.userId !== userId) continue;
      if (!expiredIds.has(id)) count++;
      expiredIds.add(id);
    }
    return count;
  }

  function revokeUser(userId: string): number {
    let count = 0;
    for (const [id, entry] of issued) {
      if (entry.userId !== userId) continue;
      revokedIds.add(id);
      count++;
    }
    for (const [hash, entry] of refreshTokens) {
      if (entry.userId !== userId) continue;
      refreshTokens.delete(hash);
      count++;
    }
    return count;
  }

  return { issue, verifyAccess, refresh, expireAccess, revokeUser };
}

/** Maps jose's error classes onto the contract's handshake messages. */
function messageForJoseError(error: unknown): AuthErrorMessage {
  if (error instanceof errors.JWTExpired) return AUTH_ERRORS.expired;
  if (error instanceof errors.JWTClaimValidationFailed) return AUTH_ERRORS.claims;
  // A wrong algorithm cannot be verified with our key: same answer as a bad signature.
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return AUTH_ERRORS.signature;
  }
  return AUTH_ERRORS.malformed;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
