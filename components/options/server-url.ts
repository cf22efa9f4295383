/**
 * Client-side check of the server URL typed on the options page. The
 * background validates again; this gives the user a clear message at once.
 */

export type ServerUrlCheck =
  | {
      ok: true;
      /** What the sign-in command receives: origin plus path, no trailing slash. */
      serverUrl: string;
      origin: string;
      /** The manifest's `host_permissions` already cover it; no prompt needed. */
      preGranted: boolean;
    }
  | { ok: false; message: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Loopback hosts the manifest's `host_permissions` list (wxt.config.ts). */
const MANIFEST_HOSTS = new Set(['localhost', '127.0.0.1']);

export function checkServerUrl(input: string): ServerUrlCheck {
  const text = input.trim();
  if (!text)
    return { ok: false, message: 'Enter the server URL, for example https://monitor.example.com.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      message: 'That is not a valid URL. It should look like https://monitor.example.com.',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: 'The server URL must start with https://.' };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message: 'Leave the user name and password out of the URL; sign in below instead.',
    };
  }
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    return {
      ok: false,
      message:
        'Use https:// for this server. Plain http:// is allowed only for localhost, 127.0.0.1 and [::1].',
    };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return {
    ok: true,
    serverUrl: `${url.origin}${path}`,
    origin: url.origin,
    preGranted: url.protocol === 'http:' && MANIFEST_HOSTS.has(url.hostname),
  };
}
