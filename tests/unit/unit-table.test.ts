import { describe, expect, it } from 'vitest';
import { UnitTable } from '../../components/unit-table';

const ids = Array.from({ length: 1000 }, (_, i) => `unit-${i}`);

describe('UnitTable', () => {
  it('holds what it was built from', () => {
    const table = UnitTable.from(ids.map((id, i) => [id, { i }] as const));
    expect(table.size).toBe(1000);
    for (const [i, id] of ids.entries()) expect(table.get(id)).toEqual({ i });
    expect(table.has('unit-999')).toBe(true);
    expect(table.has('unit-1000')).toBe(false);
    expect(table.get('unit-1000')).toBeUndefined();
  });

  it('returns a new table with the changes and leaves the old one as it was', () => {
    const entries = ids.map((id, i) => [id, { i }] as const);
    const before = UnitTable.from(entries);
    const after = before.with([
      ['unit-3', { i: -3 }],
      ['new-unit', { i: -1 }],
    ]);
    expect(after).not.toBe(before);
    expect(before.get('unit-3')).toEqual({ i: 3 });
    expect(before.has('new-unit')).toBe(false);
    expect(before.size).toBe(1000);
    expect(after.get('unit-3')).toEqual({ i: -3 });
    expect(after.get('new-unit')).toEqual({ i: -1 });
    expect(after.size).toBe(1001);
    // Every other entry is the same object: rows given it keep their props.
    for (const [id, value] of entries) if (id !== 'unit-3') expect(after.get(id)).toBe(value);
  });

  it('is itself when nothing changes, and starts empty', () => {
    const table = UnitTable.from([['a', 1] as const]);
    expect(table.with([])).toBe(table);
    const empty = UnitTable.empty<number>();
    expect(empty.size).toBe(0);
    expect(empty.get('a')).toBeUndefined();
    expect(empty.with([['a', 1]]).get('a')).toBe(1);
    expect(empty.size).toBe(0);
  });
});
