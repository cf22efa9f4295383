/**
 * "Since you last looked" (issue #13): the popup asks the worker once when it
 * opens and lists what happened since it was last closed, newest first, in a
 * collapsible section whose heading counts them.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Popup } from '../../components/popup/Popup';
import type { LoggedEvent, SinceLastLooked } from '../../lib/event-log';
import { NOW, snapshot } from './fixtures';
import { FakeBridge } from './fake-bridge';
import { renderWithRealtime } from './render';

const MIN = 60_000;

function events(): LoggedEvent[] {
  // Newest first, as the worker sends them.
  return [
    {
      key: 'resolved:a1',
      kind: 'alert-resolved',
      at: NOW - 2 * MIN,
      unitId: 'walk-in-2',
      unitName: 'Walk-in 2',
      severity: 'critical',
    },
    {
      key: 'back:bar',
      kind: 'unit-back',
      at: NOW - 5 * MIN,
      unitId: 'bar-fridge',
      unitName: 'Bar Fridge',
    },
    {
      key: 'acknowledged:a1',
      kind: 'alert-acknowledged',
      at: NOW - 9 * MIN,
      unitId: 'walk-in-2',
      unitName: 'Walk-in 2',
      severity: 'critical',
      by: 'a colleague',
    },
    {
      key: 'offline:bar',
      kind: 'unit-offline',
      at: NOW - 20 * MIN,
      unitId: 'bar-fridge',
      unitName: 'Bar Fridge',
      reason: 'offline',
    },
    {
      key: 'triggered:a1',
      kind: 'alert-triggered',
      at: NOW - 30 * MIN,
      unitId: 'walk-in-2',
      unitName: 'Walk-in 2',
      severity: 'critical',
    },
  ];
}

function withDigest(digest: SinceLastLooked): FakeBridge {
  return new FakeBridge().on('since-last-looked', async () => ({ ok: true, data: digest }));
}

describe('since you last looked', () => {
  it('lists what happened since the popup was last closed, newest first, with a count', async () => {
    const bridge = withDigest({ since: NOW - 60 * MIN, events: events() });
    renderWithRealtime(<Popup />, bridge);
    await bridge.snapshot(snapshot());
    const section = await screen.findByRole('region', { name: 'Since you last looked (5)' });
    const items = within(section)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toHaveLength(5);
    expect(items[0]).toMatch(/Critical alert on Walk-in 2 resolved$/);
    expect(items[1]).toMatch(/Bar Fridge is reporting again$/);
    expect(items[2]).toMatch(/Critical alert on Walk-in 2 acknowledged by a colleague$/);
    expect(items[3]).toMatch(/Bar Fridge went offline$/);
    expect(items[4]).toMatch(/Critical alert on Walk-in 2 triggered$/);
    expect(bridge.sentOfType('since-last-looked')).toHaveLength(1);
  });

  it('collapses and expands from its heading', async () => {
    const user = userEvent.setup();
    const bridge = withDigest({ since: NOW - 60 * MIN, events: events() });
    renderWithRealtime(<Popup />, bridge);
    await bridge.snapshot(snapshot());
    const toggle = await screen.findByRole('button', { name: 'Since you last looked (5)' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    const section = screen.getByRole('region', { name: 'Since you last looked (5)' });
    expect(within(section).queryAllByRole('listitem')).toHaveLength(0);
    await user.click(toggle);
    expect(within(section).getAllByRole('listitem')).toHaveLength(5);
  });

  it('is not shown the first time, or when nothing happened', async () => {
    for (const digest of [
      { since: null, events: events() },
      { since: NOW - 60 * MIN, events: [] },
    ]) {
      const bridge = withDigest(digest);
      const { unmount } = renderWithRealtime(<Popup />, bridge);
      await bridge.snapshot(snapshot());
      await screen.findByRole('region', { name: 'Active alerts' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(screen.queryByRole('region', { name: /Since you last looked/ })).toBeNull();
      unmount();
    }
  });
});
