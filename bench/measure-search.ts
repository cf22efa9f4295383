/**
 * Row 4b, popup search (issue #14): with 1,000 units in the open popup, a
 * query is typed one key at a time and then erased; each keystroke is timed
 * from the key event's timestamp to the frame after the list shows that
 * query's result (a rAF callback then a posted task). "Shows the result" is
 * checked, not guessed: the list's match count (rows mounted plus the "Show
 * more units (N more)" remainder) equals the count the query must give, which
 * the bench computes from the server's directory with the popup's rule
 * (components/popup/UnitList.tsx `filterEntries`: name, area or site contains
 * the trimmed, lower-cased query). The query is chosen so that every
 * keystroke changes that count, so an earlier keystroke's list never passes
 * for a later one's. The simulator keeps the popup busy meanwhile.
 */
import type { Page } from '@playwright/test';
import { sleep } from './clock';
import type { Lab } from './lab';
import { summarize, type Summary } from './stats';

const KEY_BOUND_MS = 10_000;

export interface SearchResult {
  query: string;
  /** Expected match count after each keystroke. */
  counts: number[];
  keystrokes: Summary;
  /** Per keystroke, ms; NaN when the list never showed the result within the bound. */
  perKey: number[];
}

export interface Searchable {
  name: string;
  area: string;
  site: string;
}

/** The popup's filter rule, on lower-cased fields. */
export function matchCount(items: readonly Searchable[], query: string): number {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return items.length;
  let n = 0;
  for (const i of items) {
    if (
      i.name.toLocaleLowerCase().includes(q) ||
      i.area.toLocaleLowerCase().includes(q) ||
      i.site.toLocaleLowerCase().includes(q)
    )
      n += 1;
  }
  return n;
}

/**
 * The query typed: among the names in the directory, the one whose prefixes
 * change the match count at every keystroke for longest (up to `maxKeys`),
 * so each keystroke has its own, checkable result.
 */
export function chooseQuery(
  items: readonly Searchable[],
  maxKeys = 8,
): { query: string; counts: number[] } {
  const candidates = new Set<string>();
  for (const i of items) for (const s of [i.name, i.area, i.site]) candidates.add(s);
  let best = { query: '', counts: [] as number[] };
  for (const c of [...candidates].sort()) {
    const counts: number[] = [];
    let previous = matchCount(items, '');
    let k = 1;
    for (; k <= Math.min(maxKeys, c.length); k += 1) {
      const n = matchCount(items, c.slice(0, k));
      if (n === previous) break;
      counts.push(n);
      previous = n;
    }
    if (counts.length > best.counts.length) best = { query: c.slice(0, k - 1), counts };
  }
  return best;
}

const HOOK = `(() => {
  const g = globalThis;
  if (g.__searchCheck) return;
  g.__search = { expected: -1, query: '', down: undefined, done: undefined };
  const total = () => {
    const section = document.querySelector('section[aria-label="Units"]');
    if (!section) return -1;
    const rows = section.querySelectorAll('li.unit-row').length;
    const more = section.querySelector('button.more');
    const m = more ? /\\((\\d+) more\\)/.exec(more.textContent || '') : null;
    return rows + (m ? Number(m[1]) : 0);
  };
  const check = () => {
    const s = g.__search;
    if (s.down === undefined || s.done !== undefined || s.pending) return;
    const input = document.querySelector('input[type="search"]');
    if (!input || input.value !== s.query || total() !== s.expected) return;
    s.pending = true;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { s.done = performance.now(); };
      ch.port2.postMessage(0);
    });
  };
  document.addEventListener('keydown', (e) => { g.__search.down = e.timeStamp; }, true);
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  g.__searchCheck = check;
})()`;

async function keystroke(
  page: Page,
  key: string,
  query: string,
  expected: number,
): Promise<number> {
  await page.evaluate(
    ([q, n]) => {
      const g = globalThis as unknown as { __search: Record<string, unknown> };
      g.__search = { expected: n, query: q, down: undefined, done: undefined, pending: false };
    },
    [query, expected] as const,
  );
  await page.keyboard.press(key);
  const handle = await page
    .waitForFunction(
      () => {
        const g = globalThis as unknown as {
          __search: { down?: number; done?: number };
          __searchCheck: () => void;
        };
        g.__searchCheck(); // the list may already be right (no further mutation)
        const s = g.__search;
        return s.done !== undefined && s.down !== undefined ? s.done - s.down : undefined;
      },
      undefined,
      { timeout: KEY_BOUND_MS, polling: 'raf' },
    )
    .catch(() => undefined);
  if (handle === undefined) return Number.NaN;
  return (await handle.jsonValue()) as number;
}

/** Types the query into the open popup's search box and erases it. */
export async function measureSearch(lab: Lab, popup: Page): Promise<SearchResult> {
  const items: Searchable[] = lab.units.map((u) => ({
    name: u.name,
    area: lab.areaName(u.areaId),
    site: lab.siteName(u.siteId),
  }));
  const { query, counts } = chooseQuery(items);
  if (query.length === 0) throw new Error('no query changes the match count at every keystroke');
  await popup.evaluate(HOOK);
  const box = popup.getByRole('searchbox', { name: 'Search units' });
  await box.click();
  await box.fill('');
  const perKey: number[] = [];
  const expected: number[] = [];
  for (let k = 1; k <= query.length; k += 1) {
    const n = counts[k - 1] as number;
    perKey.push(await keystroke(popup, query[k - 1] as string, query.slice(0, k), n));
    expected.push(n);
    await sleep(30);
  }
  for (let k = query.length - 1; k >= 0; k -= 1) {
    const n = k === 0 ? items.length : (counts[k - 1] as number);
    perKey.push(await keystroke(popup, 'Backspace', query.slice(0, k), n));
    expected.push(n);
    await sleep(30);
  }
  return { query, counts: expected, keystrokes: summarize(perKey), perKey };
}
