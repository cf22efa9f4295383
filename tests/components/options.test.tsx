import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { checkServerUrl } from '../../components/options/server-url';
import { Options } from '../../components/options/Options';
import { connection, diagnostics, preferences, session, snapshot } from './fixtures';
import { FakeBridge } from './fake-bridge';
import { renderWithRealtime } from './render';

function signedOut() {
  return snapshot({ session: null, connection: connection({ status: 'signed-out', rtt: null }) });
}

async function renderSignedOut(configure?: (bridge: FakeBridge) => void) {
  const user = userEvent.setup();
  const bridge = new FakeBridge();
  configure?.(bridge);
  const utils = renderWithRealtime(<Options />, bridge);
  await utils.bridge.snapshot(signedOut());
  return { user, ...utils };
}

describe('server URL check', () => {
  it('accepts https, and http only on loopback', () => {
    expect(checkServerUrl('https://cold.example.com/')).toMatchObject({
      ok: true,
      serverUrl: 'https://cold.example.com',
      preGranted: false,
    });
    expect(checkServerUrl('http://localhost:3000')).toMatchObject({ ok: true, preGranted: true });
    // The contract puts REST and the socket at the origin: a path is dropped.
    expect(checkServerUrl('http://127.0.0.1:8080/api/')).toMatchObject({
      ok: true,
      serverUrl: 'http://127.0.0.1:8080',
      preGranted: true,
    });
    expect(checkServerUrl('http://[::1]:3000')).toMatchObject({ ok: true });
    expect(checkServerUrl('http://cold.example.com')).toMatchObject({ ok: false });
    expect(checkServerUrl('ftp://cold.example.com')).toMatchObject({ ok: false });
    expect(checkServerUrl('https://me:secret@cold.example.com')).toMatchObject({ ok: false });
    expect(checkServerUrl('not a url')).toMatchObject({ ok: false });
  });
});

/** The Stack Auth project fields (issue #10); the Auth API URL keeps its default unless given. */
async function fillStack(user: ReturnType<typeof userEvent.setup>, apiUrl?: string) {
  await user.type(screen.getByLabelText('Project ID'), 'proj-1');
  await user.type(screen.getByLabelText('Publishable client key'), 'pck_abc');
  if (apiUrl !== undefined) {
    await user.clear(screen.getByLabelText('Auth API URL'));
    await user.type(screen.getByLabelText('Auth API URL'), apiUrl);
  }
}

describe('options: sign in', () => {
  it('gives every field a visible label', async () => {
    await renderSignedOut();
    for (const name of [
      'Server URL',
      'Project ID',
      'Publishable client key',
      'Auth API URL',
      'Email',
      'Password',
      'Keep me signed in',
      'Access token',
    ]) {
      expect(screen.getByLabelText(name)).toBeVisible();
    }
    expect(screen.getByLabelText('Auth API URL')).toHaveValue('https://api.stack-auth.com');
  });

  it('shows values the policy locks as set by the organization, and signs in with them', async () => {
    const { user, bridge } = await renderSignedOut((b) =>
      b.on('managed-config', () => ({
        ok: true,
        data: {
          serverUrl: 'https://monitor.example.com',
          stackProjectId: 'org-project',
          stackPublishableClientKey: 'pck_org',
          lockConfiguration: true,
        },
      })),
    );
    await waitFor(() => expect(screen.getByLabelText('Project ID')).toHaveValue('org-project'));
    for (const name of ['Server URL', 'Project ID', 'Publishable client key']) {
      expect(screen.getByLabelText(name)).toHaveAttribute('readonly');
      expect(screen.getByLabelText(name)).toHaveAccessibleDescription('Set by your organization.');
    }
    expect(screen.getByLabelText('Auth API URL')).not.toHaveAttribute('readonly');
    bridge.on('sign-in', () => ({ ok: true, data: session() }));
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(bridge.sentOfType('sign-in')).toEqual([
        expect.objectContaining({
          serverUrl: 'https://monitor.example.com',
          stack: {
            projectId: 'org-project',
            publishableClientKey: 'pck_org',
            apiUrl: 'https://api.stack-auth.com',
          },
        }),
      ]),
    );
  });

  it('shows an unlocked policy value as a suggestion the supervisor may change', async () => {
    const { user } = await renderSignedOut((b) =>
      b.on('managed-config', () => ({
        ok: true,
        data: { stackProjectId: 'org-project', lockConfiguration: false },
      })),
    );
    const field = screen.getByLabelText('Project ID');
    await waitFor(() => expect(field).toHaveValue('org-project'));
    expect(field).not.toHaveAttribute('readonly');
    expect(field).toHaveAccessibleDescription('Suggested by your organization.');
    await user.clear(field);
    await user.type(field, 'mine');
    expect(field).toHaveValue('mine');
  });

  it('asks for the Stack Auth project before sending anything', async () => {
    const { user, bridge } = await renderSignedOut();
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com');
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Enter the Stack Auth Project ID your administrator gave you.',
    );
    expect(bridge.sentOfType('sign-in')).toEqual([]);
  });

  it('refuses plain http to a remote server with a clear message and sends nothing', async () => {
    const { user, bridge } = await renderSignedOut();
    await user.type(screen.getByLabelText('Server URL'), 'http://cold.example.com');
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'hunter22');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('Server URL')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Server URL')).toHaveAccessibleDescription(
      /Use https:\/\/ for this server/,
    );
    expect(bridge.sentOfType('sign-in')).toEqual([]);
    expect(bridge.originRequests).toEqual([]);
  });

  it('asks for the host permission, then signs in with the server URL', async () => {
    const { user, bridge } = await renderSignedOut();
    bridge.on('sign-in', () => ({ ok: true, data: session() }));
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com/');
    await fillStack(user);
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'hunter22');
    await user.click(screen.getByLabelText('Keep me signed in'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    // Both origins at once, inside the click: the server's and the Auth API's (#10).
    expect(bridge.originRequests).toEqual([
      ['https://cold.example.com/*', 'https://api.stack-auth.com/*'],
    ]);
    await waitFor(() =>
      expect(bridge.sentOfType('sign-in')).toEqual([
        {
          type: 'sign-in',
          serverUrl: 'https://cold.example.com',
          email: 'sam@example.com',
          password: 'hunter22',
          keepSignedIn: false,
          stack: {
            projectId: 'proj-1',
            publishableClientKey: 'pck_abc',
            apiUrl: 'https://api.stack-auth.com',
          },
        },
      ]),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // The background pushes the session; the page then shows who is signed in.
    await bridge.patch({ session: session(), connection: connection() });
    expect(screen.getByText(/Signed in as/)).toHaveTextContent(
      'Signed in as Sam Supervisor (sam@example.com)',
    );
    expect(screen.getByText('Harbour Foods')).toBeInTheDocument();
  });

  it('does not prompt for a loopback server the manifest already allows', async () => {
    const { user, bridge } = await renderSignedOut();
    await user.type(screen.getByLabelText('Server URL'), 'http://127.0.0.1:3000');
    await fillStack(user, 'http://127.0.0.1:3000/stack');
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(bridge.sentOfType('sign-in')).toHaveLength(1));
    expect(bridge.originRequests).toEqual([]);
  });

  it('explains a refused host permission and does not sign in', async () => {
    const { user, bridge } = await renderSignedOut();
    bridge.grantOrigins = false;
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com');
    await fillStack(user);
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Frostline needs permission to reach https://cold.example.com',
    );
    expect(bridge.sentOfType('sign-in')).toEqual([]);
  });

  it('shows a wrong password as a specific error', async () => {
    const { user, bridge } = await renderSignedOut();
    bridge.on('sign-in', () => ({
      ok: false,
      error: { code: 'wrong-credentials', message: 'Invalid email or password' },
    }));
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com');
    await fillStack(user);
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Wrong email or password. Invalid email or password',
    );
    expect(screen.queryByText(/Signed in as/)).not.toBeInTheDocument();
  });

  // Issue #9: "Wrong email or password. Wrong email or password".
  it('says a wrong password once when the server says the same', async () => {
    const { user, bridge } = await renderSignedOut();
    bridge.on('sign-in', () => ({
      ok: false,
      error: { code: 'wrong-credentials', message: 'Wrong email or password' },
    }));
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com');
    await fillStack(user);
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password.');
  });

  it('shows an unreachable server as a specific error', async () => {
    const { user, bridge } = await renderSignedOut();
    bridge.on('sign-in', () => ({
      ok: false,
      error: { code: 'server-unreachable', message: 'Connection refused' },
    }));
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com');
    await fillStack(user);
    await user.type(screen.getByLabelText('Email'), 'sam@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server could not be reached. Connection refused',
    );
  });

  it('signs in with an access token and never shows the token again', async () => {
    const { user, bridge, container } = await renderSignedOut();
    const token = 'eyJhbGciOiJIUzI1NiJ9.secret-token-value';
    bridge.on('sign-in-token', () => ({
      ok: false,
      error: { code: 'token-expired', message: 'Token expired at 10:00' },
    }));
    await user.type(screen.getByLabelText('Server URL'), 'https://cold.example.com');
    const field = screen.getByLabelText('Access token');
    expect(field).toHaveAttribute('type', 'password');
    expect(field).toHaveAttribute('autocomplete', 'off');
    await user.type(field, token);
    await user.click(screen.getByRole('button', { name: 'Use access token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That access token has expired.');
    expect(bridge.sentOfType('sign-in-token')).toEqual([
      { type: 'sign-in-token', serverUrl: 'https://cold.example.com', accessToken: token },
    ]);
    expect(screen.getByLabelText('Access token')).toHaveValue('');
    expect(container.innerHTML).not.toContain(token);
    expect(container.innerHTML).not.toContain('secret-token');
    for (const input of container.querySelectorAll('input'))
      expect(input.value).not.toContain('secret-token');
  });

  it('signs out', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(bridge.sentOfType('sign-out')).toEqual([{ type: 'sign-out' }]);
  });

  it('says when a pasted access token expires, and that it cannot be renewed (issue #10)', async () => {
    const { bridge } = renderWithRealtime(<Options />);
    const expiresAt = new Date(2026, 11, 2, 14, 35).getTime();
    await bridge.snapshot(
      snapshot({
        session: session({ method: 'token', keepSignedIn: false, tokenExpiresAt: expiresAt }),
      }),
    );
    const facts = screen.getByText('Token expires').nextElementSibling;
    expect(facts).toHaveTextContent(/14:35/);
    expect(facts).toHaveTextContent(/cannot be renewed/);
  });

  it('names the Stack Auth project of a password session (issue #10)', async () => {
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(
      snapshot({
        session: session({
          stack: {
            projectId: 'proj-9',
            publishableClientKey: 'pck_9',
            apiUrl: 'https://a.example',
          },
        }),
      }),
    );
    expect(screen.getByText('Stack Auth password')).toBeInTheDocument();
    expect(screen.getByText('proj-9')).toBeInTheDocument();
    expect(screen.queryByText('Token expires')).not.toBeInTheDocument();
  });
});

describe('options: scope', () => {
  it('loads the directory with the command and saves a selection of sites and units', async () => {
    const user = userEvent.setup();
    const bridge = new FakeBridge();
    const snap = snapshot();
    bridge.on('directory', () => ({ ok: true, data: snap.directory! }));
    bridge.on('set-scope', (req) => ({ ok: true, data: req.scope }));
    renderWithRealtime(<Options />, bridge);
    await bridge.snapshot(snap);

    const whole = await screen.findByRole('checkbox', { name: 'Whole organization' });
    expect(bridge.sentOfType('directory')).toHaveLength(1);
    expect(whole).toBeChecked();
    await user.click(whole);
    const tree = screen.getByRole('group', { name: 'Units to watch' });
    await user.click(within(tree).getByRole('checkbox', { name: 'Harbour Store' }));
    await user.click(within(tree).getByRole('checkbox', { name: 'Freezer 1' }));
    // The area is now partly chosen.
    expect(within(tree).getByRole('checkbox', { name: 'Cold Room' })).toHaveAttribute(
      'aria-checked',
      'mixed',
    );
    await user.click(screen.getByRole('button', { name: 'Save scope' }));
    expect(bridge.sentOfType('set-scope')).toEqual([
      { type: 'set-scope', scope: { kind: 'selection', siteIds: ['s-2'], unitIds: ['freezer-1'] } },
    ]);
    expect(await screen.findByText('Scope saved.')).toBeInTheDocument();
  });

  it('shows a directory load error with a retry', async () => {
    const bridge = new FakeBridge();
    bridge.on('directory', () => ({
      ok: false,
      error: { code: 'server-unreachable', message: 'Server unreachable' },
    }));
    renderWithRealtime(<Options />, bridge);
    await bridge.snapshot(snapshot());
    expect(
      await screen.findByText('Could not load the sites: Server unreachable'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});

describe('options: preferences', () => {
  it('labels every setting and saves them with set-preferences', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    bridge.on('set-preferences', (req) => ({
      ok: true,
      data: { ...preferences(), ...req.preferences },
    }));
    await bridge.snapshot(snapshot());

    expect(screen.getByRole('button', { name: 'Save preferences' })).toBeDisabled();
    await user.selectOptions(screen.getByLabelText('Minimum severity'), 'critical');
    await user.click(screen.getByLabelText('Quiet hours'));
    await user.clear(screen.getByLabelText('From'));
    await user.type(screen.getByLabelText('From'), '21:30');
    await user.click(
      within(screen.getByRole('group', { name: 'Muted sites' })).getByRole('checkbox', {
        name: 'Harbour Store',
      }),
    );
    const renotify = screen.getByLabelText('Re-notify critical alerts every (minutes)');
    await user.clear(renotify);
    await user.type(renotify, '0');
    await user.selectOptions(screen.getByLabelText('Temperature scale'), 'F');
    const stale = screen.getByLabelText('Stale after (minutes)');
    await user.clear(stale);
    await user.type(stale, '20');
    const template = screen.getByLabelText('Dashboard URL template');
    await user.clear(template);
    await user.type(template, '{{server}/u/{{unit}');
    expect(
      screen.getByText('Critical alerts still notify during quiet hours.'),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save preferences' }));
    expect(bridge.sentOfType('set-preferences')).toEqual([
      {
        type: 'set-preferences',
        preferences: {
          minSeverity: 'critical',
          quietHours: { enabled: true, start: '21:30', end: '06:00' },
          mutedSiteIds: ['s-2'],
          renotifyMinutes: 0,
          tempScale: 'F',
          staleMinutes: 20,
          dashboardUrlTemplate: '{server}/u/{unit}',
          sound: preferences().sound,
          realertMinutes: preferences().realertMinutes,
        },
      },
    ]);
    expect(await screen.findByText('Preferences saved.')).toBeInTheDocument();
  });

  it('blocks invalid values with a message on the field', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    const stale = screen.getByLabelText('Stale after (minutes)');
    await user.clear(stale);
    await user.type(stale, '0');
    expect(stale).toHaveAccessibleDescription('Enter whole minutes from 1 to 1440.');
    expect(screen.getByRole('button', { name: 'Save preferences' })).toBeDisabled();
  });

  it('shows settings pushed by the background live', async () => {
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    expect(screen.getByLabelText('Temperature scale')).toHaveValue('unit');
    await bridge.patch({ preferences: preferences({ tempScale: 'C', staleMinutes: 30 }) });
    expect(screen.getByLabelText('Temperature scale')).toHaveValue('C');
    expect(screen.getByLabelText('Stale after (minutes)')).toHaveValue(30);
  });

  it('sends a test notification', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Send test notification' }));
    expect(bridge.sentOfType('test-notification')).toEqual([{ type: 'test-notification' }]);
    // Issue #13: it says what to check when nothing appears.
    expect(
      await screen.findByText(/Test notification sent\. If nothing appears/),
    ).toHaveTextContent(/do-not-disturb.*Focus Assist/);
  });
});

describe('options: diagnostics', () => {
  it('shows connection health and copies the diagnostics text', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    const { bridge } = renderWithRealtime(<Options />);
    bridge.on('diagnostics-text', () => ({
      ok: true,
      data: 'Frostline diagnostics\nstatus: live',
    }));
    await bridge.snapshot(
      snapshot({
        connection: connection({
          rtt: 12,
          reconnects: 3,
          lastError: { code: 'ping-timeout', message: 'No pong', at: Date.now() },
        }),
        diagnostics: diagnostics({
          eventsReceived: 42,
          invalidByKind: { 'sensor:reading': 3, 'alert:new': 1 },
        }),
      }),
    );
    const section = screen.getByRole('region', { name: 'Diagnostics' });
    expect(section).toHaveTextContent('Round trip12 ms');
    expect(section).toHaveTextContent('Reconnects3');
    expect(section).toHaveTextContent('Events received42');
    expect(section).toHaveTextContent(/Last errorNo pong \(ping-timeout/);
    expect(
      within(section).getByRole('list', { name: 'Invalid payloads dropped' }),
    ).toHaveTextContent('sensor:reading: 3');
    const history = within(
      within(section).getByRole('list', { name: 'Connection history' }),
    ).getAllByRole('listitem');
    expect(history[0]).toHaveTextContent('live — connected');

    await user.click(within(section).getByRole('button', { name: 'Copy diagnostics' }));
    expect(writeText).toHaveBeenCalledWith('Frostline diagnostics\nstatus: live');
    expect(await within(section).findByText('Copied')).toBeInTheDocument();
  });
});
