/**
 * Issue #13 on the pages: the delivery warnings the worker decides, shown in
 * the popup and on the options page, and the sound and re-alert preferences.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Options } from '../../components/options/Options';
import { Popup } from '../../components/popup/Popup';
import { BLOCKED_TEXT, type DeliveryNotice } from '../../lib/delivery';
import { preferences, snapshot } from './fixtures';
import { renderWithRealtime } from './render';

const blocked: DeliveryNotice = { kind: 'blocked', text: BLOCKED_TEXT };
const silent: DeliveryNotice = {
  kind: 'silent',
  text: 'No word from the server since 08:40: new alerts may be late',
};

describe('delivery warnings', () => {
  it('the popup shows what the worker says, live, and nothing when all is well', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot({ delivery: [] }));
    expect(screen.queryByRole('region', { name: 'Delivery warnings' })).not.toBeInTheDocument();

    await bridge.patch({ delivery: [blocked, silent] });
    const region = screen.getByRole('region', { name: 'Delivery warnings' });
    expect(region).toHaveTextContent(
      'Notifications are blocked: alerts will only show on the badge',
    );
    expect(region).toHaveTextContent('No word from the server since 08:40');

    await bridge.patch({ delivery: [] });
    expect(screen.queryByRole('region', { name: 'Delivery warnings' })).not.toBeInTheDocument();
  });

  it('the options page shows the blocked warning', async () => {
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot({ delivery: [blocked] }));
    expect(screen.getByRole('region', { name: 'Delivery warnings' })).toHaveTextContent(
      BLOCKED_TEXT,
    );
  });
});

describe('sound and re-alert preferences', () => {
  it('shows the defaults, and saves a changed sound and re-alert period', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    bridge.on('set-preferences', (req) => ({
      ok: true,
      data: { ...preferences(), ...req.preferences },
    }));
    await bridge.snapshot(snapshot());
    const sound = screen.getByRole('group', { name: 'Sound' });
    expect(within(sound).getByLabelText('Critical alert sound')).toHaveValue('repeat');
    expect(within(sound).getByLabelText('Warning alert sound')).toHaveValue('once');
    expect(within(sound).getByLabelText('Info alert sound')).toHaveValue('off');

    await user.selectOptions(within(sound).getByLabelText('Warning alert sound'), 'repeat');
    const realert = screen.getByLabelText('Re-alert acknowledged critical alerts after (minutes)');
    expect(realert).toHaveValue(30);
    await user.clear(realert);
    await user.type(realert, '15');
    await user.click(screen.getByRole('button', { name: 'Save preferences' }));

    expect(bridge.sentOfType('set-preferences').at(-1)?.preferences).toMatchObject({
      sound: { critical: 'repeat', warning: 'repeat', info: 'off' },
      realertMinutes: { critical: 15, warning: 30, info: 30 },
    });
  });

  it('blocks a re-alert period that is not whole minutes', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    const realert = screen.getByLabelText('Re-alert acknowledged warning alerts after (minutes)');
    await user.clear(realert);
    await user.type(realert, '2.5');
    expect(realert).toHaveAccessibleDescription('Enter whole minutes from 0 (off) to 1440.');
    expect(screen.getByRole('button', { name: 'Save preferences' })).toBeDisabled();
  });

  it('applies preferences pushed by the background live', async () => {
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    await bridge.patch({
      preferences: preferences({ sound: { critical: 'once', warning: 'off', info: 'off' } }),
    });
    expect(screen.getByLabelText('Critical alert sound')).toHaveValue('once');
  });

  it('"Test sound" asks the worker to play it and says so', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Test sound' }));
    expect(bridge.sentOfType('test-sound')).toEqual([{ type: 'test-sound' }]);
    expect(await screen.findByText(/Test sound played/)).toBeInTheDocument();
  });
});
