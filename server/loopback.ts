import type { IncomingMessage } from 'node:http';

// Exact addresses rather than all of 127.0.0.0/8: the narrowest rule that still lets
// local tooling in, and one a test can violate from the same host (source 127.0.0.2).
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * True only for a direct request from loopback. A request carrying forwarding
 * headers came through a proxy, whose own loopback address proves nothing.
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) {
    return false;
  }
  return LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '');
}
