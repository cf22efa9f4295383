/**
 * Row 4, popup time to data: navigation start → the first page of unit rows
 * is in the DOM (`rows`), and → the frame after it (`painted`: a rAF callback
 * then a posted task, i.e. after that frame's paint), with 1,000 units and
 * 50 injected active alerts. An init script (this page only) observes the
 * document from its very first node; times are the page's `performance.now()`,
 * which starts at navigation start.
 */
import type { Lab } from './lab';
import { sleep } from './clock';
import { summarize, type Summary } from './stats';

/** components/popup/UnitList.tsx PAGE_SIZE: the rows mounted before "Show more". */
export const POPUP_PAGE_SIZE = 50;

export interface PopupResult {
  opens: number;
  firstRow: Summary;
  rows: Summary;
  painted: Summary;
  activeAlerts: number;
  rowsExpected: number;
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

export async function measurePopupTimeToData(lab: Lab, opens: number): Promise<PopupResult> {
  // 50 active alerts on distinct units (the simulator may add its own).
  const injected: string[] = [];
  for (let i = 0; i < 50; i += 1) {
    const unit = lab.units[(i * 19) % lab.units.length];
    if (unit)
      injected.push(lab.server.control.injectAlert({ unitId: unit.id, severity: 'warning' }).id);
  }
  await sleep(1_000);
  const target = Math.min(POPUP_PAGE_SIZE, lab.units.length);
  const first: number[] = [];
  const rows: number[] = [];
  const painted: number[] = [];
  let activeAlerts = 0;
  for (let i = 0; i < opens; i += 1) {
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
    first.push(ttd.first ?? Number.NaN);
    rows.push(ttd.rows ?? Number.NaN);
    painted.push(ttd.painted ?? Number.NaN);
    activeAlerts = ttd.alerts ?? 0;
    await page.close();
    await sleep(300);
  }
  for (const id of injected) {
    try {
      lab.server.control.resolveAlert(id);
    } catch {
      // resolved meanwhile
    }
  }
  return {
    opens,
    firstRow: summarize(first),
    rows: summarize(rows),
    painted: summarize(painted),
    activeAlerts,
    rowsExpected: target,
  };
}
