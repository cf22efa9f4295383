import { describe, expect, it } from 'vitest';
import { chooseQuery, matchCount, type Searchable } from '../../bench/measure-search';
import {
  expectedBadge,
  firstRightWrite,
  medianMarks,
  type WakeSample,
} from '../../bench/measure-wake';

const items: Searchable[] = [
  { name: 'Freezer 1', area: 'Back of House', site: 'Downtown Kitchen' },
  { name: 'Freezer 2', area: 'Front of House', site: 'Downtown Kitchen' },
  { name: 'Fridge 1', area: 'Back of House', site: 'Chicago Depot' },
  { name: 'Blast Chiller 1', area: 'Front of House', site: 'Chicago Depot' },
];

describe('popup search row', () => {
  it('counts matches with the popup rule: name, area or site, trimmed and case-blind', () => {
    expect(matchCount(items, '')).toBe(4);
    expect(matchCount(items, '  FREEZER ')).toBe(2);
    expect(matchCount(items, 'chicago')).toBe(2);
    expect(matchCount(items, 'front')).toBe(2);
  });

  it('types a query whose every keystroke changes the match count', () => {
    const { query, counts } = chooseQuery(items);
    expect(query.length).toBeGreaterThan(1);
    const all = [items.length, ...counts];
    for (let k = 1; k < all.length; k += 1) expect(all[k]).not.toBe(all[k - 1]);
    expect(counts).toEqual([...query].map((_, k) => matchCount(items, query.slice(0, k + 1))));
  });
});

describe('wake row', () => {
  it('expects the badge the worker shows for the server’s open alerts', () => {
    expect(expectedBadge(0)).toBe('');
    expect(expectedBadge(42)).toBe('42');
    expect(expectedBadge(150)).toBe('99+');
  });
});

describe('wake row: when the badge was right', () => {
  const truth: [number, string][] = [
    [100, '16'],
    [200, '17'],
    [300, '17'],
  ];

  it('takes the first write after the connect that matches the count on either side of it', () => {
    // '...' is never right; '16' at 150 matches the poll before it.
    expect(
      firstRightWrite(
        [
          [120, '...'],
          [150, '16'],
        ],
        truth,
        0,
      ),
    ).toBe(150);
    // '16' at 250 matches neither side (17 before and after): the next write counts.
    expect(
      firstRightWrite(
        [
          [250, '16'],
          [260, '17'],
        ],
        truth,
        0,
      ),
    ).toBe(260);
    // Written before the connect: not counted.
    expect(
      firstRightWrite(
        [
          [150, '16'],
          [400, '17'],
        ],
        truth,
        160,
      ),
    ).toBe(400);
  });

  it('is NaN when no write was right', () => {
    expect(firstRightWrite([[150, '18']], truth, 0)).toBeNaN();
    expect(firstRightWrite([], truth, 0)).toBeNaN();
  });
});

describe('wake row milestones', () => {
  const sample = (marks?: Record<string, number>): WakeSample => ({
    connected: 1,
    rooms: 1,
    badge: 1,
    ready: 1,
    badgeTimeline: [],
    tabMs: 0,
    ...(marks ? { marks } : {}),
  });

  it('gives each milestone its median over the samples that have it, in time order', () => {
    const out = medianMarks([
      sample({ worker: 90, script: 200, 'socket-connected': 400 }),
      sample({ worker: 110, script: 240 }),
      sample({ worker: 100, script: 220, 'socket-connected': 500 }),
      sample(),
    ]);
    // The bench's median: nearest rank (of 400 and 500, 400), as every figure it prints.
    expect(out).toEqual({ worker: 100, script: 220, 'socket-connected': 400 });
    expect(Object.keys(out)).toEqual(['worker', 'script', 'socket-connected']);
  });

  it('is empty when no sample read any', () => {
    expect(medianMarks([sample(), sample()])).toEqual({});
  });
});
