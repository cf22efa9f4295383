/**
 * What the pages need at runtime from the messages' contract, without
 * the schemas (issue #14, popup bundle ≤ 300 KiB): the live port's name and the
 * two shallow checks of what the worker sends a page. The schemas they
 * mirror, `PortOutSchema` and `ResultSchema`, stay in `lib/messages.ts` with
 * every other message schema; tests/unit/page-guards.test.ts holds the two
 * to the same verdicts. Importing the schemas here would put them (and
 * lib/messages.ts) into the popup's bundle.
 */
import type { PortOut, Result } from './messages';

export const LIVE_PORT = 'frostline:live';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Shallow on purpose: the message comes from our own worker (`PortOutSchema`). */
export function isPortOut(value: unknown): value is PortOut {
  if (!isObject(value)) return false;
  if (value.type === 'snapshot') return isObject(value.snapshot);
  if (value.type === 'patch') return isObject(value.patch);
  return false;
}

/** A command's answer (`ResultSchema`). */
export function isResult(value: unknown): value is Result<unknown> {
  if (!isObject(value)) return false;
  if (value.ok === true) return 'data' in value;
  if (value.ok !== false || !isObject(value.error)) return false;
  return typeof value.error.code === 'string' && typeof value.error.message === 'string';
}
