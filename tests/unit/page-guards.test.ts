/**
 * The pages check the worker's messages without valibot (issue #14, popup
 * bundle): these guards must give the verdicts of the schemas in
 * lib/messages.ts, which stay the contract.
 */
import { is } from '../../lib/check';
import { describe, expect, it } from 'vitest';
import { PortOutSchema, ResultSchema } from '../../lib/messages';
import { isPortOut, isResult } from '../../lib/page-guards';

const SAMPLES: unknown[] = [
  null,
  undefined,
  42,
  'patch',
  [],
  {},
  { type: 'snapshot' },
  { type: 'snapshot', snapshot: null },
  { type: 'snapshot', snapshot: 'x' },
  { type: 'snapshot', snapshot: {} },
  { type: 'snapshot', snapshot: { units: {} }, extra: 1 },
  { type: 'patch', patch: { at: 1 } },
  { type: 'patch', patch: 3 },
  { type: 'other', patch: {} },
  { ok: true },
  { ok: true, data: null },
  { ok: true, data: { a: 1 }, more: 'x' },
  { ok: 'true', data: 1 },
  { ok: false },
  { ok: false, error: null },
  { ok: false, error: { code: 'not-found' } },
  { ok: false, error: { code: 'not-found', message: 'gone' } },
  { ok: false, error: { code: 1, message: 'gone' } },
  { ok: false, error: { code: 'x', message: 'y', extra: true }, more: 1 },
];

describe('page guards match the message schemas (issue #14)', () => {
  it.each(SAMPLES.map((sample) => [JSON.stringify(sample) ?? String(sample), sample]))(
    '%s',
    (_name, sample) => {
      expect(isPortOut(sample)).toBe(is(PortOutSchema, sample));
      expect(isResult(sample)).toBe(is(ResultSchema, sample));
    },
  );
});
