/**
 * Row 4, popup time to data: navigation start → the first page of unit rows
 * is in the DOM (`rows`), and → the frame after it (`painted`: a rAF callback
 * then a posted task, i.e. after that frame's paint), with 1,000 units and
 * 50 injected active alerts. An init script (this page only) observes the
 * document from its very first node; times are the page's `performance.now()`,
 * which starts at navigation start.
 */
import type { Page } from '@playwright/test';
import { looseCdp, pageCdp, recordProfileUntil, type Profile } from './cdp';
import type { Lab } from './lab';
import { sleep } from './clock';
import { measurePopupHeap, type PopupHeapResult } from './measure-popup-heap';
import { withActiveAlerts } from './probes';
import { medianByName, summarize, type Summary } from './stats';

/** Sparkline history follows the snapshot in chunks; the heap is read once it has arrived. */
const SETTLE_BEFORE_HEAP_MS = 1_500;

/** components/popup/UnitList.tsx PAGE_SIZE: the rows mounted before "Show more". */
export const POPUP_PAGE_SIZE = 50;

export interface PopupResult {
  opens: number;
  firstRow: Summary;
  rows: Summary;
  painted: Summary;
  activeAlerts: number;
  rowsExpected: number;
  /** Row 4c: the last popup opened, settled, after GC. */
  heap: PopupHeapResult | null;
  /**
   * Where the time goes (#14), median ms after the navigation start over the
   * opens: the document's response and parse, first paint, and the popup's
   * own `frostline:*` marks (entrypoints/popup/main.ts).
   */
  milestones: Record<string, number>;
  /**
   * The floor (#14): a page of one line of text, opened the same way (a new
   * tab, then the navigation), to its first contentful paint: what this
   * browser on this machine takes before any page of ours could paint.
   */
  blankPaint: Summary;
  /** `--profile`: one more open, profiled from navigation to painted (not among the timed ones). */
  profile?: Profile;
}

function ttdScript(target: number): string {
  return `(() => {
    const out = {};
    globalThis.__ttd = out;
    const mo = new MutationObserver(() => {
      const n = document.querySelectorAll('li.unit-row').length;
      if (n > 0 && out.first === undefined) out.first = performance.now();
      if (n >= ${target} && out.rows === undefined) {
        out.rows = performance.now();
        out.alerts = document.querySelectorAll('[aria-label="Active alerts"] li').length;
        mo.disconnect();
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => { out.painted = performance.now(); };
          ch.port2.postMessage(0);
        });
      }
    });
    mo.observe(document, { childList: true, subtree: true });
  })();`;
}

async function openTimed(
  lab: Lab,
  target: number,
): Promise<{ page: Page; ttd: Record<string, number>; milestones: Record<string, number> }> {
  const page = await lab.session.context.newPage();
  await page.addInitScript(ttdScript(target));
  await page.goto(`chrome-extension://${lab.session.extensionId}/popup.html`);
  const ttd = await page
    .waitForFunction(
      () => {
        const t = (globalThis as { __ttd?: Record<string, number> }).__ttd;
        return t?.painted !== undefined ? t : undefined;
      },
      undefined,
      { timeout: 15_000 },
    )
    .then((h) => h.jsonValue() as Promise<Record<string, number>>);
  const milestones = await page
    .evaluate(() => {
      const out: Record<string, number> = {};
      const nav = performance.getEntriesByType('navigation')[0] as
        PerformanceNavigationTiming | undefined;
      if (nav) {
        out['response-end'] = nav.responseEnd;
        out['dom-interactive'] = nav.domInteractive;
      }
      for (const p of performance.getEntriesByType('paint')) out[p.name] = p.startTime;
      for (const m of performance.getEntriesByType('mark'))
        if (m.name.startsWith('frostline:')) out[m.name.slice('frostline:'.length)] = m.startTime;
      return out;
    })
    .catch(() => ({}) as Record<string, number>);
  return { page, ttd, milestones };
}

const BLANK_PAGE = 'data:text/html,<!doctype html><title>blank</title><p>Frostline</p>';

async function blankFirstPaint(lab: Lab): Promise<number> {
  const page = await lab.session.context.newPage();
  try {
    await page.goto(BLANK_PAGE);
    return await page
      .waitForFunction(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? undefined,
        undefined,
        { timeout: 10_000 },
      )
      .then((h) => h.jsonValue() as Promise<number>);
  } catch {
    return Number.NaN;
  } finally {
    await page.close();
  }
}

export async function measurePopupTimeToData(
  lab: Lab,
  opens: number,
  options: { profile?: boolean } = {},
): Promise<PopupResult> {
  return withActiveAlerts(lab.server, lab.units, 50, async () => {
    const target = Math.min(POPUP_PAGE_SIZE, lab.units.length);
    const first: number[] = [];
    const rows: number[] = [];
    const painted: number[] = [];
    let activeAlerts = 0;
    let heap: PopupHeapResult | null = null;
    const milestones: Record<string, number>[] = [];
    for (let i = 0; i < opens; i += 1) {
      const { page, ttd, milestones: m } = await openTimed(lab, target);
      milestones.push(m);
      first.push(ttd.first ?? Number.NaN);
      rows.push(ttd.rows ?? Number.NaN);
      painted.push(ttd.painted ?? Number.NaN);
      activeAlerts = ttd.alerts ?? 0;
      if (i === opens - 1) {
        await sleep(SETTLE_BEFORE_HEAP_MS);
        heap = await measurePopupHeap(page);
      }
      await page.close();
      await sleep(300);
    }
    const blank: number[] = [];
    for (let i = 0; i < opens; i += 1) blank.push(await blankFirstPaint(lab));
    let profile: Profile | undefined;
    if (options.profile) {
      const page = await lab.session.context.newPage();
      await page.addInitScript(ttdScript(target));
      const cdp = await pageCdp(page);
      try {
        // The page session survives the navigation into the extension's process.
        profile = await recordProfileUntil(looseCdp(cdp), async () => {
          await page.goto(`chrome-extension://${lab.session.extensionId}/popup.html`);
          await page.waitForFunction(
            () => (globalThis as { __ttd?: { painted?: number } }).__ttd?.painted !== undefined,
            undefined,
            { timeout: 15_000 },
          );
        });
      } finally {
        await cdp.detach().catch(() => undefined);
        await page.close();
      }
    }
    return {
      opens,
      firstRow: summarize(first),
      rows: summarize(rows),
      painted: summarize(painted),
      activeAlerts,
      rowsExpected: target,
      heap,
      milestones: medianByName(milestones),
      blankPaint: summarize(blank),
      ...(profile ? { profile } : {}),
    };
  });
}
