import { REFRESH_TOKEN_PREFIX } from './tokens';

export type RequestLogKind = 'http' | 'upgrade' | 'handshake';

/** One URL the server saw: a security test asserts no token ever shows up here. */
export interface RequestLogEntry {
  at: string;
  kind: RequestLogKind;
  method: string;
  url: string;
  /** Handshake query as Socket.IO parsed it (handshake entries only). */
  query?: Record<string, string>;
  /** True when something token-shaped was found and masked. */
  redacted: boolean;
}

export interface RequestLog {
  add(entry: {
    kind: RequestLogKind;
    method: string;
    url: string;
    query?: Record<string, string>;
  }): void;
  entries(): RequestLogEntry[];
}

// JWT compact form (base64url header starting '{"') and our opaque refresh tokens.
const TOKEN_PATTERN = new RegExp(
  `eyJ[\\w-]*\\.[\\w-]*\\.[\\w-]*|${REFRESH_TOKEN_PREFIX}[\\w-]+`,
  'g',
);

/**
 * A bounded ring of request URLs. Tokens never reach a log, even when a
 * client wrongly puts one in a URL: they are masked, and the entry is flagged
 * so a test can still catch the client that leaked it.
 */
export function createRequestLog(capacity: number): RequestLog {
  const ring: RequestLogEntry[] = [];
  return {
    add(entry) {
      let redacted = false;
      const mask = (value: string): string =>
        value.replace(TOKEN_PATTERN, () => {
          redacted = true;
          return '[redacted]';
        });
      const url = mask(decodeSafely(entry.url));
      const query = entry.query
        ? Object.fromEntries(Object.entries(entry.query).map(([k, v]) => [mask(k), mask(v)]))
        : undefined;
      ring.push({
        at: new Date().toISOString(),
        kind: entry.kind,
        method: entry.method,
        url,
        query,
        redacted,
      });
      if (ring.length > capacity) ring.splice(0, ring.length - capacity);
    },
    entries: () => ring.map((e) => ({ ...e })),
  };
}

// Percent-encoding must not hide a token from the mask.
function decodeSafely(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
