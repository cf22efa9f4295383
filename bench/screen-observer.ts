/**
 * Installed in the popup and in the baseline page: a MutationObserver that
 * stamps (shared clock) the moment a unit row's `aria-label` first shows a
 * given temperature text. Rows are found the way the popup labels them: the
 * list's `aria-label` is "Site, Area", the row's starts with "Unit name, ".
 */
import type { Page } from '@playwright/test';

export interface Watch {
  group: string;
  name: string;
  text: string;
}

export async function installScreenObserver(page: Page): Promise<void> {
  await page.evaluate(() => {
    type W = { group: string; name: string; text: string; key: string };
    const g = globalThis as unknown as {
      __benchWatches?: W[];
      __benchHits?: [string, number][];
    };
    if (g.__benchWatches) return;
    const watches: W[] = [];
    const hits: [string, number][] = [];
    g.__benchWatches = watches;
    g.__benchHits = hits;
    const check = (el: Element, t: number) => {
      const label = el.getAttribute('aria-label');
      if (label === null || watches.length === 0) return;
      for (let i = watches.length - 1; i >= 0; i -= 1) {
        const w = watches[i] as W;
        if (
          label.startsWith(`${w.name}, `) &&
          label.includes(w.text) &&
          el.closest('ul')?.getAttribute('aria-label') === w.group
        ) {
          hits.push([w.key, t]);
          watches.splice(i, 1);
        }
      }
    };
    new MutationObserver((records) => {
      if (watches.length === 0) return;
      const t = performance.timeOrigin + performance.now();
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element) check(r.target, t);
        else
          for (const node of r.addedNodes) {
            if (!(node instanceof Element)) continue;
            if (node.matches('li[aria-label]')) check(node, t);
            for (const li of node.querySelectorAll('li[aria-label]')) check(li, t);
          }
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-label'],
    });
  });
}

export const watchKey = (w: Watch) => `${w.group}|${w.name}|${w.text}`;

export async function addWatch(page: Page, watch: Watch): Promise<void> {
  await page.evaluate((w) => {
    const g = globalThis as unknown as {
      __benchWatches: { group: string; name: string; text: string; key: string }[];
    };
    g.__benchWatches.push({ ...w, key: `${w.group}|${w.name}|${w.text}` });
  }, watch);
}

export async function takeHits(page: Page): Promise<Map<string, number>> {
  const hits = await page.evaluate(() => {
    const g = globalThis as unknown as { __benchHits: [string, number][] };
    return g.__benchHits.splice(0);
  });
  return new Map(hits);
}

/** Current label of a row, or null when it is not mounted. */
export async function rowLabel(page: Page, group: string, name: string): Promise<string | null> {
  return page.evaluate(
    ([groupLabel, unitName]) => {
      for (const ul of document.querySelectorAll('ul[aria-label]')) {
        if (ul.getAttribute('aria-label') !== groupLabel) continue;
        for (const li of ul.querySelectorAll(':scope > li[aria-label]')) {
          const label = li.getAttribute('aria-label') ?? '';
          if (label.startsWith(`${unitName}, `)) return label;
        }
      }
      return null;
    },
    [group, name] as const,
  );
}

/** Every mounted row: its list's label and its unit name. */
export async function mountedRows(page: Page): Promise<{ group: string; name: string }[]> {
  return page.evaluate(() => {
    const out: { group: string; name: string }[] = [];
    for (const ul of document.querySelectorAll('ul[aria-label]')) {
      const group = ul.getAttribute('aria-label') ?? '';
      for (const li of ul.querySelectorAll(':scope > li[aria-label]')) {
        const name = li.querySelector('.unit-name')?.textContent ?? '';
        if (name) out.push({ group, name });
      }
    }
    return out;
  });
}
