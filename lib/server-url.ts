/**
 * The backend origin the supervisor points Frostline at. Plain http is refused
 * except on loopback (issue #6): tokens would otherwise cross the network in
 * clear. The socket uses the same origin (wss for https).
 */
import type { CommandError } from './messages';

export type ServerUrlResult = { ok: true; origin: string } | { ok: false; error: CommandError };

/** True for http(s) URLs on this machine: 127.0.0.0/8, localhost, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** Validates a server URL typed by a person and reduces it to its origin. */
export function parseServerUrl(input: string): ServerUrlResult {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      error: {
        code: 'invalid-url',
        message: 'That is not a valid URL. It should look like https://monitor.example.com.',
      },
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      error: {
        code: 'invalid-url',
        message: 'Leave the user name and password out of the URL; sign in below instead.',
      },
    };
  }
  if (url.protocol === 'https:') return { ok: true, origin: url.origin };
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return { ok: true, origin: url.origin };
    return {
      ok: false,
      error: {
        code: 'insecure-url',
        message:
          'Use https:// for this server. Plain http:// is allowed only for localhost, 127.0.0.1 and [::1].',
      },
    };
  }
  return {
    ok: false,
    error: { code: 'invalid-url', message: 'The server URL must start with https://.' },
  };
}

/** The match pattern to request host permission for an origin. */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}
