/**
 * Client-side check of the server URL typed on the options page, with the
 * same rules the background applies (`lib/server-url.ts`), so the person sees
 * the problem at once; plus whether the manifest already grants the origin.
 */
import { parseServerUrl } from '@/lib/server-url';

export type ServerUrlCheck =
  | {
      ok: true;
      /** What the sign-in command receives: the origin. */
      serverUrl: string;
      origin: string;
      /** The manifest's `host_permissions` already cover it; no prompt needed. */
      preGranted: boolean;
    }
  | { ok: false; message: string };

/** Loopback hosts the manifest's `host_permissions` list (wxt.config.ts). */
const MANIFEST_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Whether the manifest already grants `origin` (loopback over http): no prompt needed. */
export function isPreGranted(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === 'http:' && MANIFEST_HOSTS.has(url.hostname);
}

export function checkServerUrl(input: string): ServerUrlCheck {
  if (!input.trim()) {
    return { ok: false, message: 'Enter the server URL, for example https://monitor.example.com.' };
  }
  const parsed = parseServerUrl(input);
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  const url = new URL(parsed.origin);
  return {
    ok: true,
    serverUrl: parsed.origin,
    origin: parsed.origin,
    preGranted: isPreGranted(url.origin),
  };
}
