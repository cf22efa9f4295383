/**
 * The popup's first view (#14): painted without React from the worker's last
 * view, it must say exactly what the live popup says of the same data when
 * not live (rows, groups, summary), say it is not live, and be gone in the
 * commit that paints the live popup's first snapshot.
 */
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FIRST_VIEW_ID,
  firstViewElement,
  paintFirstView,
  parseFirstView,
} from '../../components/popup/first-view';
import { Popup } from '../../components/popup/Popup';
import type { FirstView } from '../../lib/first-view';
import type { Snapshot } from '../../lib/messages';
import { NOW, snapshot } from './fixtures';
import { renderWithRealtime } from './render';

/** The first view the worker would store for `s` (lib/effects/first-view.ts `firstViewOf`, same join). */
function firstViewFrom(s: Snapshot, savedAt: number): FirstView {
  const units = new Map((s.directory?.units ?? []).map((u) => [u.id, u]));
  const sites = new Map((s.directory?.sites ?? []).map((x) => [x.id, x.name]));
  const areas = new Map((s.directory?.areas ?? []).map((x) => [x.id, x.name]));
  return {
    organizationId: 'org',
    savedAt,
    clockOffset: s.connection.clockOffset,
    tempScale: s.preferences.tempScale,
    lastDataAt: s.connection.lastDataAt,
    alerts: s.view.alerts,
    counts: s.view.counts,
    conditions: s.view.conditions,
    total: s.view.entries.length,
    rows: s.view.entries.slice(0, 50).map((e) => {
      const info = units.get(e.unitId);
      const latest = s.units[e.unitId]?.latest ?? null;
      return {
        id: e.unitId,
        name: info?.name ?? e.unitId,
        siteId: info?.siteId ?? '',
        areaId: info?.areaId ?? '',
        siteName: (info && sites.get(info.siteId)) ?? 'Other',
        areaName: (info && areas.get(info.areaId)) ?? '',
        tempMin: info?.tempMin ?? null,
        tempMax: info?.tempMax ?? null,
        tempUnit: info?.tempUnit ?? 'C',
        condition: e.condition,
        latest,
        ...(e.excursion ? { excursion: e.excursion } : {}),
      };
    }),
  };
}

function labels(scope: HTMLElement, selector: string): (string | null)[] {
  return [...scope.querySelectorAll(selector)].map((e) => e.getAttribute('aria-label'));
}

afterEach(() => document.getElementById(FIRST_VIEW_ID)?.remove());

describe('popup first view', () => {
  it('says what the live popup says of the same data when not live, and that it is not live', async () => {
    const s = snapshot();
    const offline: Snapshot = { ...s, connection: { ...s.connection, status: 'offline' } };
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(offline);
    const live = screen.getByRole('region', { name: 'Units' });
    const first = firstViewElement(firstViewFrom(offline, Date.now()), Date.now());

    expect(labels(live, 'li.unit-row').length).toBeGreaterThan(3);
    expect(labels(first, 'li.unit-row')).toEqual(labels(live, 'li.unit-row'));
    expect(labels(first, 'ul.unit-list')).toEqual(labels(live, 'ul.unit-list'));
    expect(labels(first, '[role="group"]')).toEqual(labels(live, '[role="group"]'));
    expect(first.querySelector('.summary')?.textContent).toMatch(/^\S+ Last known: /);
    expect(first.querySelector('.summary')?.textContent).toBe(
      document.querySelector('.popup-main .summary')?.textContent,
    );
    expect(first.querySelector('[role="status"]')?.textContent).toMatch(/Updating…/);
    expect(first.hasAttribute('inert')).toBe(true);
    expect(first.getAttribute('aria-busy')).toBe('true');
  });

  it('stays up until the live snapshot, then is replaced in the same commit', async () => {
    const s = snapshot();
    const root = document.createElement('div');
    document.body.append(root);
    expect(paintFirstView(firstViewFrom(s, NOW), root)).toBe(true);
    const { bridge } = renderWithRealtime(<Popup />);
    // No skeleton beside it: the live popup keeps quiet until its snapshot.
    expect(screen.queryByLabelText('Loading units')).toBeNull();
    expect(document.getElementById(FIRST_VIEW_ID)).not.toBeNull();
    await act(async () => {
      await bridge.snapshot(s);
    });
    expect(document.getElementById(FIRST_VIEW_ID)).toBeNull();
    expect(
      within(screen.getByRole('region', { name: 'Units' })).getAllByRole('listitem').length,
    ).toBe(s.view.entries.length);
    root.remove();
  });

  it('ignores what is not a first view', () => {
    expect(parseFirstView(undefined)).toBeNull();
    expect(parseFirstView('{not json')).toBeNull();
    expect(parseFirstView(JSON.stringify({ rows: 'x' }))).toBeNull();
  });
});
