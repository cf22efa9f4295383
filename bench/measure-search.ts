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
 *
 * The popup mounts a keystroke's first screen of rows in that keystroke's
 * frame and the rest of its page in the next task (components/popup/UnitList.tsx
 * `FIRST_SCREEN_ROWS`). Each keystroke's "page" time says when the whole page
 * (`pageSize` rows, or every match when fewer) was mounted and painted, timed
 * the same way, and the next key waits for it.
 */
import type { BrowserContext, Page } from '@playwright/test';
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
  /** Keystroke → the whole page of rows mounted and painted. */
  page: Summary;
  perKeyPage: number[];
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
  g.__search = { expected: -1, rows: -1, query: '', down: undefined, done: undefined, page: undefined };
  const total = () => {
    const section = document.querySelector('section[aria-label="Units"]');
    if (!section) return -1;
    const rows = section.querySelectorAll('li.unit-row').length;
    const more = section.querySelector('button.more');
    const m = more ? /\\((\\d+) more\\)/.exec(more.textContent || '') : null;
    return { rows, total: rows + (m ? Number(m[1]) : 0) };
  };
  const afterFrame = (then) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => then(performance.now());
    ch.port2.postMessage(0);
  });
  const check = () => {
    const s = g.__search;
    if (s.down === undefined) return;
    const input = document.querySelector('input[type="search"]');
    if (!input || input.value !== s.query) return;
    const now = total();
    if (now === -1 || now.total !== s.expected) return;
    if (s.done === undefined && !s.pending) {
      s.pending = true;
      afterFrame((t) => { s.done = t; });
    }
    if (s.page === undefined && !s.pagePending && now.rows === s.rows) {
      s.pagePending = true;
      afterFrame((t) => { s.page = t; });
    }
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
  pageSize: number,
): Promise<{ shown: number; page: number }> {
  await page.evaluate(
    ([q, n, rows]) => {
      const g = globalThis as unknown as { __search: Record<string, unknown> };
      g.__search = {
        expected: n,
        rows,
        query: q,
        down: undefined,
        done: undefined,
        page: undefined,
        pending: false,
        pagePending: false,
      };
    },
    [query, expected, Math.min(pageSize, expected)] as const,
  );
  await page.keyboard.press(key);
  const shown = await untilStamped(page, 'done');
  if (Number.isNaN(shown)) return { shown, page: Number.NaN };
  return { shown, page: await untilStamped(page, 'page') };
}

/** Ms from the key to the hook's `stamp` (the result, or the whole page), NaN when it never came. */
async function untilStamped(page: Page, stamp: 'done' | 'page'): Promise<number> {
  const handle = await page
    .waitForFunction(
      (field) => {
        const g = globalThis as unknown as {
          __search: { down?: number; done?: number; page?: number };
          __searchCheck: () => void;
        };
        g.__searchCheck(); // the list may already be right (no further mutation)
        const s = g.__search;
        const at = s[field];
        return at !== undefined && s.down !== undefined ? at - s.down : undefined;
      },
      stamp,
      { timeout: KEY_BOUND_MS, polling: 'raf' },
    )
    .catch(() => undefined);
  return handle === undefined ? Number.NaN : ((await handle.jsonValue()) as number);
}

/** The directory as the search sees it. */
export function searchables(lab: Lab): Searchable[] {
  return lab.units.map((u) => ({
    name: u.name,
    area: lab.areaName(u.areaId),
    site: lab.siteName(u.siteId),
  }));
}

/** Types the query into the page's search box and erases it; pages hold `pageSize` rows. */
export async function measureSearch(
  items: readonly Searchable[],
  popup: Page,
  pageSize: number,
): Promise<SearchResult> {
  const { query, counts } = chooseQuery(items);
  if (query.length === 0) throw new Error('no query changes the match count at every keystroke');
  await popup.evaluate(HOOK);
  const box = popup.getByRole('searchbox', { name: 'Search units' });
  await box.click();
  await box.fill('');
  const perKey: number[] = [];
  const perKeyPage: number[] = [];
  const expected: number[] = [];
  const type = async (key: string, typed: string, n: number) => {
    const t = await keystroke(popup, key, typed, n, pageSize);
    perKey.push(t.shown);
    perKeyPage.push(t.page);
    expected.push(n);
    await sleep(30);
  };
  for (let k = 1; k <= query.length; k += 1) {
    await type(query[k - 1] as string, query.slice(0, k), counts[k - 1] as number);
  }
  for (let k = query.length - 1; k >= 0; k -= 1) {
    await type('Backspace', query.slice(0, k), k === 0 ? items.length : (counts[k - 1] as number));
  }
  return {
    query,
    counts: expected,
    keystrokes: summarize(perKey),
    perKey,
    page: summarize(perKeyPage),
    perKeyPage,
  };
}

/**
 * Row 4b-floor (#14): the same keystrokes, timed the same way, on a plain
 * page of the popup's width that does the least a search can: on each
 * `input` event it filters the same directory with the same rule and
 * replaces its list with the first page of matches as text rows, plus the
 * "more" button. No React, no live data: what is left is the browser's own
 * cost of a keystroke (input dispatch, style, layout, paint and the wait for
 * a frame) on this machine.
 */
export async function measureSearchFloor(
  context: BrowserContext,
  items: readonly Searchable[],
  pageSize: number,
): Promise<SearchResult> {
  const page = await context.newPage();
  try {
    // The popup's body is 380 px wide; the tab the same as the popup's.
    await page.setContent(
      '<!doctype html><html><body style="width:380px"><label>Search units <input type="search"></label>' +
        '<section aria-label="Units"><ul></ul><button class="more" type="button"></button></section></body></html>',
    );
    await page.evaluate(
      ({ items, pageSize }) => {
        const input = document.querySelector('input') as HTMLInputElement;
        const list = document.querySelector('ul') as HTMLUListElement;
        const more = document.querySelector('button') as HTMLButtonElement;
        const keys = items.map((i) => [i.name, i.area, i.site].map((f) => f.toLocaleLowerCase()));
        const draw = () => {
          const q = input.value.trim().toLocaleLowerCase();
          const hits = items.filter((_, k) => !q || keys[k]?.some((f) => f.includes(q)));
          list.replaceChildren(
            ...hits.slice(0, pageSize).map((i) => {
              const li = document.createElement('li');
              li.className = 'unit-row';
              li.textContent = `${i.name} · ${i.area} · ${i.site}`;
              return li;
            }),
          );
          more.textContent = `Show more units (${Math.max(0, hits.length - pageSize)} more)`;
        };
        input.addEventListener('input', draw);
        draw();
      },
      { items: [...items], pageSize },
    );
    return await measureSearch(items, page, pageSize);
  } finally {
    await page.close();
  }
}
