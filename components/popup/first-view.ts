/**
 * The popup's first view, painted without React (#14, popup open → first
 * rows ≤ 100 ms): the worker's last view (`lib/first-view.ts`) as plain DOM
 * with the live popup's markup, classes and accessible names, built from the
 * same models (`row-model.ts`, `summary-model.ts`, `unit-groups.ts`). It is
 * never live: the status line says "Updating…" with its time, the summary
 * and the rows say "last known", and it is inert (nothing in it can be
 * clicked or typed into) and busy until the live popup replaces it, in the
 * frame its first snapshot is painted (`retireFirstView`).
 */
import { formatClock, showTemperature } from '../../lib/format';
import type { FirstView, FirstViewRow } from '../../lib/first-view';
import {
  describeTrend,
  SPARKLINE_HEIGHT,
  SPARKLINE_WIDTH,
  sparklineShape,
} from '../sparkline-shape';
import { unitRowModel } from './row-model';
import { summaryModel } from './summary-model';
import { areaListLabel, groupEntries, moreUnitsText } from './unit-groups';

/** The element the first view is painted in (before the React root). */
export const FIRST_VIEW_ID = 'first-view';

/** What the status line says while the first view is up. */
export function firstViewStatus(view: Pick<FirstView, 'savedAt'>): string {
  return `Updating… · last known as of ${formatClock(view.savedAt)}`;
}

type Child = Node | string | null | false;

function el(
  tag: string,
  attrs: Record<string, string | number | boolean>,
  ...children: Child[]
): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== false) e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== false) e.append(c);
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function sparkline(row: FirstViewRow, tempScale: FirstView['tempScale']): SVGElement {
  // No history in the first view: the live rows start without it too (it follows the snapshot).
  const format = (v: number) => showTemperature(v, row.tempUnit, tempScale);
  const { band } = sparklineShape([], row.tempMin, row.tempMax);
  const s = svg('svg', {
    role: 'img',
    'aria-label': describeTrend([], format),
    class: 'sparkline',
    width: SPARKLINE_WIDTH,
    height: SPARKLINE_HEIGHT,
    viewBox: `0 0 ${SPARKLINE_WIDTH} ${SPARKLINE_HEIGHT}`,
    focusable: 'false',
  });
  if (band) {
    s.append(
      svg('rect', {
        class: 'sparkline-band',
        x: 0,
        y: band.y,
        width: SPARKLINE_WIDTH,
        height: band.height,
      }),
    );
  }
  return s;
}

function unitRow(row: FirstViewRow, view: FirstView, now: number): HTMLElement {
  const m = unitRowModel(row, row.latest, row.condition, row.excursion, now, false, view.tempScale);
  return el(
    'li',
    {
      class: `unit-row tone-${m.meta.tone}`,
      'aria-label': m.label,
      'data-condition': row.condition,
    },
    el('button', { type: 'button', class: 'unit-name' }, row.name),
    el('span', { class: 'unit-temp' }, m.temperature),
    el(
      'span',
      { class: `unit-condition tone-${m.meta.tone}` },
      el('span', { 'aria-hidden': 'true' }, m.meta.icon),
      ` ${m.meta.label}`,
    ),
    sparkline(row, view.tempScale),
    el(
      'span',
      { class: 'unit-meta' },
      el('span', { class: 'unit-range' }, m.range),
      m.humidity !== null && el('span', {}, m.humidity),
      m.battery !== null && el('span', {}, m.battery),
      m.age !== null &&
        el('span', { class: row.condition === 'stale' ? 'unit-age stale' : 'unit-age' }, m.age),
      m.outOfRange !== null && el('span', { class: 'unit-excursion' }, m.outOfRange),
    ),
  );
}

function toggle(label: string): HTMLElement {
  return el('label', { class: 'toggle' }, el('input', { type: 'checkbox' }), ` ${label}`);
}

/** The first view as DOM, for `now` (local clock). */
export function firstViewElement(view: FirstView, now: number): HTMLElement {
  const serverNow = now + view.clockOffset;
  const first = view.rows[0];
  const summary = summaryModel(
    view,
    first ? { name: first.name, condition: first.condition } : null,
    false,
    view.lastDataAt,
    serverNow,
  );
  const groups = groupEntries(
    view.rows.map((row) => ({
      row,
      info: { siteId: row.siteId, areaId: row.areaId },
      siteName: row.siteName,
      areaName: row.areaName,
    })),
  );
  const remaining = view.total - view.rows.length;
  const searchId = `${FIRST_VIEW_ID}-search`;
  const units = el(
    'section',
    { 'aria-label': 'Units', class: 'units' },
    el(
      'div',
      { class: 'unit-tools' },
      el('label', { for: searchId, class: 'visually-hidden' }, 'Search units'),
      el('input', {
        id: searchId,
        type: 'search',
        class: 'search',
        placeholder: 'Unit, area or site',
      }),
      toggle('Alerts only'),
      toggle('Stale only'),
    ),
    ...groups.map((site) =>
      el(
        'div',
        { class: 'site-group', role: 'group', 'aria-label': site.name },
        el('h2', { class: 'site-name' }, site.name),
        ...site.areas.flatMap((area) => [
          area.name ? el('h3', { class: 'area-name' }, area.name) : null,
          el(
            'ul',
            { class: 'unit-list', 'aria-label': areaListLabel(site.name, area.name) },
            ...area.units.map((u) => unitRow(u.row, view, serverNow)),
          ),
        ]),
      ),
    ),
    remaining > 0 &&
      el('button', { type: 'button', class: 'button more' }, moreUnitsText(remaining)),
  );
  return el(
    'div',
    { id: FIRST_VIEW_ID, class: 'popup first-view', inert: true, 'aria-busy': 'true' },
    el(
      'div',
      { class: 'popup-main' },
      el(
        'header',
        { class: 'status-bar', 'data-status': 'connecting' },
        el('span', { class: 'brand' }, 'Frostline'),
        el(
          'p',
          { role: 'status', class: 'status-line' },
          el('span', { class: 'status-icon', 'aria-hidden': 'true' }, '↻'),
          ` ${firstViewStatus(view)}`,
        ),
      ),
      el(
        'div',
        { class: `summary tone-${summary.tone}` },
        el(
          'p',
          { class: 'summary-counts' },
          el('span', { 'aria-hidden': 'true' }, summary.icon),
          ` ${summary.text}`,
        ),
        summary.worst !== null && el('p', { class: 'summary-worst' }, summary.worst),
        summary.lastKnown !== null && el('p', { class: 'last-known' }, summary.lastKnown),
      ),
      units,
    ),
  );
}

/** Whether a value read from storage looks like a first view (anything else is ignored). */
export function parseFirstView(raw: unknown): FirstView | null {
  if (typeof raw !== 'string') return null;
  try {
    const v = JSON.parse(raw) as Partial<FirstView> | null;
    return v !== null &&
      typeof v === 'object' &&
      Array.isArray(v.rows) &&
      typeof v.savedAt === 'number' &&
      typeof v.total === 'number' &&
      v.alerts !== undefined &&
      v.counts !== undefined &&
      v.conditions !== undefined
      ? (v as FirstView)
      : null;
  } catch {
    return null;
  }
}

/** Paints the first view before `root`, unless the live popup is already up. */
export function paintFirstView(view: FirstView, root: HTMLElement, now = Date.now()): boolean {
  if (root.childElementCount > 0 || document.getElementById(FIRST_VIEW_ID)) return false;
  root.before(firstViewElement(view, now));
  return true;
}

/** Whether the first view is on screen (the live popup keeps quiet until its snapshot). */
export function firstViewShown(): boolean {
  return typeof document !== 'undefined' && document.getElementById(FIRST_VIEW_ID) !== null;
}

/**
 * Removes the first view: called by the live popup in the commit that paints
 * its first snapshot, so the two are never on screen together.
 */
export function retireFirstView(): void {
  if (typeof document === 'undefined') return;
  document.getElementById(FIRST_VIEW_ID)?.remove();
}
