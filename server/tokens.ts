import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
} from 'jose';
import { AUTH_ERRORS, type AuthErrorMessage, type WireTokens } from '../lib/protocol';

/**
 * The signing algorithm of the reference identity API (issue #10): access
 * tokens are asymmetric JWTs like Stack Auth's, verified against the published
 * JWKS, so nothing but the identity API can mint one.
 */
export const TOKEN_ALGORITHM = 'ES256';
/** Opaque refresh tokens carry a prefix so log redaction can recognise them. */
export const REFRESH_TOKEN_PREFIX = 'frt_';

/** A key pair to sign access tokens with; tests pass their own to sign tokens of their own. */
export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The `kid` of the key in the JWKS. */
  kid: string;
}

/** A fresh ES256 signing key (one per server start unless given). */
export async function createSigningKey(kid = `frostline-${randomUUID()}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  return { privateKey, publicKey, kid };
}

export type AccessCheck =
  { ok: true; userId: string; tokenId: string } | { ok: false; message: AuthErrorMessage };

export interface TokenAuthorityOptions {
  key: SigningKey;
  /** The Stack Auth project: the `aud` of every access token. */
  projectId: string;
  /** The `iss` of every access token (the project's URL on the identity API). */
  issuer: () => string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Known users: a well-signed token for anyone else is treated as revoked. */
  user: (userId: string) => { email: string; displayName: string } | undefined;
  now: () => number;
}

/** Issues, verifies, refreshes, expires and revokes tokens; the only owner of token state. */
export interface TokenAuthority {
  /** A new session: an access token and the session's refresh token. */
  issue(userId: string): Promise<WireTokens>;
  verifyAccess(token: unknown): Promise<AccessCheck>;
  /**
   * A new access token for the session of this refresh token, which stays the
   * same (Stack Auth); null when the session is unknown, revoked or expired.
   */
  refreshAccess(refreshToken: unknown): Promise<{ accessToken: string; expiresAt: string } | null>;
  /**
   * The development shortcut's refresh (`/api/auth/refresh`): rotates the
   * refresh token, a replayed one finds nothing.
   */
  refresh(refreshToken: unknown): Promise<WireTokens | null>;
  /** Ends the session of this refresh token; false when there was none. */
  revokeSession(refreshToken: unknown): boolean;
  /** The public keys access tokens verify against. */
  jwks(): JSONWebKeySet;
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

/** Creates the token authority (ES256 via jose, verified through the JWKS). */
export async function createTokenAuthority(
  options: TokenAuthorityOptions,
): Promise<TokenAuthority> {
  const publicJwk = {
    ...(await exportJWK(options.key.publicKey)),
    kid: options.key.kid,
    alg: TOKEN_ALGORITHM,
    use: 'sig',
  };
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  // Verification goes through the published key set, as the production backend's does.
  const keySet = createLocalJWKSet(jwks);
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

  async function signAccess(userId: string): Promise<{ accessToken: string; expiresAt: string }> {
    prune();
    const nowSeconds = Math.floor(options.now() / 1000);
    const expSeconds = nowSeconds + Math.max(1, Math.round(options.accessTtlSeconds));
    const tokenId = randomUUID();
    const user = options.user(userId);
    const accessToken = await new SignJWT({ email: user?.email, name: user?.displayName })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: options.key.kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(options.issuer())
      .setAudience(options.projectId)
      .setJti(tokenId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(expSeconds)
      .sign(options.key.privateKey);
    issued.set(tokenId, { userId, expiresAtMs: expSeconds * 1000 });
    return { accessToken, expiresAt: new Date(expSeconds * 1000).toISOString() };
  }

  async function issue(userId: string): Promise<WireTokens> {
    const access = await signAccess(userId);
    const refreshToken = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    refreshTokens.set(hashToken(refreshToken), {
      userId,
      expiresAtMs: options.now() + options.refreshTtlSeconds * 1000,
    });
    return { ...access, refreshToken };
  }

  async function verifyAccess(token: unknown): Promise<AccessCheck> {
    if (typeof token !== 'string' || token.length === 0) {
      return { ok: false, message: AUTH_ERRORS.missing };
    }
    let subject: string | undefined;
    let tokenId: string | undefined;
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: options.issuer(),
        audience: options.projectId,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(options.now()),
      });
      subject = payload.sub;
      tokenId = payload.jti;
    } catch (error) {
      return { ok: false, message: messageForJoseError(error) };
    }
    if (!subject) return { ok: false, message: AUTH_ERRORS.claims };
    if ((tokenId !== undefined && revokedIds.has(tokenId)) || !options.user(subject)) {
      return { ok: false, message: AUTH_ERRORS.invalid };
    }
    if (tokenId !== undefined && expiredIds.has(tokenId)) {
      return { ok: false, message: AUTH_ERRORS.expired };
    }
    return { ok: true, userId: subject, tokenId: tokenId ?? '' };
  }

  function session(refreshToken: unknown): { hash: string; userId: string } | null {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) return null;
    const hash = hashToken(refreshToken);
    const entry = refreshTokens.get(hash);
    if (!entry || entry.expiresAtMs <= options.now() || !options.user(entry.userId)) return null;
    return { hash, userId: entry.userId };
  }

  async function refreshAccess(refreshToken: unknown) {
    const found = session(refreshToken);
    return found === null ? null : signAccess(found.userId);
  }

  async function refresh(refreshToken: unknown): Promise<WireTokens | null> {
    const found = session(refreshToken);
    if (typeof refreshToken === 'string') refreshTokens.delete(hashToken(refreshToken));
    return found === null ? null : issue(found.userId);
  }

  function revokeSession(refreshToken: unknown): boolean {
    const found = session(refreshToken);
    if (found === null) return false;
    refreshTokens.delete(found.hash);
    return true;
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

  return {
    issue,
    verifyAccess,
    refreshAccess,
    refresh,
    revokeSession,
    jwks: () => jwks,
    expireAccess,
    revokeUser,
  };
}

/** Maps jose's error classes onto the contract's handshake messages. */
function messageForJoseError(error: unknown): AuthErrorMessage {
  if (error instanceof errors.JWTExpired) return AUTH_ERRORS.expired;
  if (error instanceof errors.JWTClaimValidationFailed) return AUTH_ERRORS.claims;
  // A wrong algorithm, or a key the JWKS does not hold, cannot verify: same answer as a bad signature.
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JWKSNoMatchingKey
  ) {
    return AUTH_ERRORS.signature;
  }
  return AUTH_ERRORS.malformed;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
