/**
 * Server URL and sign-in, or who is signed in. Sign-in goes through the
 * deployment's Stack Auth project (issue #10): Project ID, Publishable client
 * key and Auth API URL, then email and password; a pasted access token is the
 * other way in. Values the administrator's policy sets are shown read-only
 * when it locks them. The host permissions for a remote server and a remote
 * Auth API are requested from the click handler itself, before any other
 * `await`, so the browser still sees the user's gesture.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { formatClock } from '../../lib/format';
import type { ManagedConfig } from '../../lib/managed';
import type { CommandError, CommandErrorCode } from '../../lib/messages';
import type { SessionInfo } from '../../lib/model';
import { DEFAULT_STACK_API_URL, parseStackConfig } from '../../lib/stack-auth';
import { useBridge } from '../bridge';
import { useSession } from '../live-data';
import { checkServerUrl, isPreGranted } from './server-url';

const ERROR_TITLES: Partial<Record<CommandErrorCode, string>> = {
  'wrong-credentials': 'Wrong email or password.',
  'server-unreachable': 'The server could not be reached.',
  'auth-config': 'Check the Stack Auth settings.',
  'auth-unreachable': 'The sign-in server could not be reached.',
  'token-expired': 'That access token has expired.',
  'token-invalid': 'That access token is not valid.',
  'insecure-url': 'The server URL is not secure.',
  'invalid-url': 'The server URL is not valid.',
  'permission-denied': 'Frostline was not allowed to reach that server.',
};

/** Ignores case and the final full stop, so a title and a message that say the same are one. */
const same = (a: string, b: string) =>
  a.trim().replace(/\.$/, '').toLowerCase() === b.trim().replace(/\.$/, '').toLowerCase();

/**
 * The title for the error's code, then the server's detail when it adds
 * something (issue #9: "Wrong email or password. Wrong email or password").
 */
export function errorText(error: CommandError): string {
  const title = ERROR_TITLES[error.code];
  if (!title) return error.message;
  return error.message && !same(error.message, title) ? `${title} ${error.message}` : title;
}

function SignedIn({ session }: { session: SessionInfo }) {
  const bridge = useBridge();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signOut = async () => {
    setBusy(true);
    setError(null);
    const result = await bridge.send<'sign-out'>({ type: 'sign-out' });
    setBusy(false);
    if (!result.ok) setError(errorText(result.error));
  };
  return (
    <div className="signed-in">
      <p>
        Signed in as <strong>{session.displayName}</strong> ({session.email})
      </p>
      <dl className="facts">
        <dt>Organization</dt>
        <dd>{session.organizationName || session.organizationId}</dd>
        <dt>Role</dt>
        <dd>{session.role}</dd>
        <dt>Server</dt>
        <dd>{session.serverUrl}</dd>
        <dt>Method</dt>
        <dd>{session.method === 'token' ? 'Access token' : 'Stack Auth password'}</dd>
        {session.stack && (
          <>
            <dt>Stack Auth project</dt>
            <dd>{session.stack.projectId}</dd>
          </>
        )}
        {session.method === 'token' && (
          <>
            <dt>Token expires</dt>
            <dd>{tokenExpiry(session.tokenExpiresAt)}</dd>
          </>
        )}
      </dl>
      <button type="button" className="button" disabled={busy} onClick={() => void signOut()}>
        Sign out
      </button>
      {error && (
        <p role="alert" className="inline-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** When a pasted token stops working, from its `exp` (issue #10). */
function tokenExpiry(expiresAt: number | undefined): string {
  if (!expiresAt) return 'Unknown (the token does not say); sign in again when it stops working';
  const date = new Date(expiresAt);
  const day = date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return `${day} at ${formatClock(expiresAt)}; sign in again then (a pasted token cannot be renewed)`;
}

/** A text field, or the administrator's value shown read-only when the policy locks it. */
function ConfigField(props: {
  id: string;
  label: string;
  value: string;
  managed: string | undefined;
  locked: boolean;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: 'url' | 'text';
  hint?: ReactNode;
  hintId?: string;
  invalid?: boolean;
}) {
  const fixed = props.locked && props.managed !== undefined;
  // Unlocked, a managed value is only a preset: say where it came from while it is unchanged.
  const preset = !fixed && props.managed !== undefined && props.value === props.managed;
  const hintId = props.hintId ?? `${props.id}-hint`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        spellCheck={false}
        autoComplete="off"
        placeholder={props.placeholder}
        value={fixed ? props.managed : props.value}
        readOnly={fixed}
        aria-readonly={fixed}
        aria-invalid={props.invalid === true}
        aria-describedby={fixed || preset || props.hint ? hintId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {fixed ? (
        <p id={hintId} className="hint">
          Set by your organization.
        </p>
      ) : preset && !props.hint ? (
        <p id={hintId} className="hint">
          Suggested by your organization.
        </p>
      ) : (
        props.hint
      )}
    </div>
  );
}

function SignInForms() {
  const bridge = useBridge();
  const ids = {
    url: useId(),
    project: useId(),
    key: useId(),
    authUrl: useId(),
    email: useId(),
    password: useId(),
    keep: useId(),
    token: useId(),
    urlHelp: useId(),
  };
  const [managed, setManaged] = useState<ManagedConfig>({ lockConfiguration: false });
  const [serverUrl, setServerUrl] = useState('');
  const [projectId, setProjectId] = useState('');
  const [publishableKey, setPublishableKey] = useState('');
  const [authUrl, setAuthUrl] = useState(DEFAULT_STACK_API_URL);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [keepSignedIn, setKeepSignedIn] = useState(true);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The administrator's policy prefills (or locks) the connection settings (#10).
  useEffect(() => {
    let live = true;
    void bridge.send<'managed-config'>({ type: 'managed-config' }).then((result) => {
      // An older worker may not know the command: nothing is managed then.
      if (!live || !result.ok || typeof result.data !== 'object' || result.data === null) return;
      const preset = result.data;
      setManaged(preset);
      if (preset.serverUrl) setServerUrl(preset.serverUrl);
      if (preset.stackProjectId) setProjectId(preset.stackProjectId);
      if (preset.stackPublishableClientKey) setPublishableKey(preset.stackPublishableClientKey);
      if (preset.stackApiUrl) setAuthUrl(preset.stackApiUrl);
    });
    return () => {
      live = false;
    };
  }, [bridge]);
  const locked = managed.lockConfiguration;
  const pick = (own: string, preset: string | undefined) =>
    locked && preset !== undefined ? preset : own;
  const effectiveUrl = pick(serverUrl, managed.serverUrl);

  /**
   * Validates, asks for the host permissions (first await, inside the
   * gesture: the server's and, for a password sign-in, the Auth API's), then
   * signs in.
   */
  const submit = async (
    send: (url: string) => Promise<{ ok: true } | { ok: false; error: CommandError }>,
    extraOrigins: string[] = [],
  ): Promise<boolean> => {
    const check = checkServerUrl(effectiveUrl);
    if (!check.ok) {
      setUrlError(check.message);
      return false;
    }
    setUrlError(null);
    setError(null);
    setBusy(true);
    try {
      const origins = [check.origin, ...extraOrigins].filter(
        (origin, index, all) => all.indexOf(origin) === index && !isPreGranted(origin),
      );
      if (origins.length > 0) {
        const granted = await bridge.requestOrigins(origins.map((origin) => `${origin}/*`));
        if (!granted) {
          setError(
            `Frostline needs permission to reach ${origins.join(' and ')}. Allow it when the browser asks.`,
          );
          return false;
        }
      }
      const result = await send(check.serverUrl);
      if (!result.ok) {
        setError(errorText(result.error));
        return false;
      }
      return true;
    } finally {
      setBusy(false);
    }
  };

  const onPasswordSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const stack = {
      projectId: pick(projectId, managed.stackProjectId),
      publishableClientKey: pick(publishableKey, managed.stackPublishableClientKey),
      apiUrl: pick(authUrl, managed.stackApiUrl),
    };
    // The server URL is checked first: its problem is shown on its field.
    const server = checkServerUrl(effectiveUrl);
    if (!server.ok) {
      setUrlError(server.message);
      return;
    }
    const config = parseStackConfig(stack);
    if (!config.ok) {
      setUrlError(null);
      setError(config.message);
      return;
    }
    const ok = await submit(
      (url) =>
        bridge.send<'sign-in'>({
          type: 'sign-in',
          serverUrl: url,
          email: email.trim(),
          password,
          keepSignedIn,
          stack,
        }),
      [new URL(config.config.apiUrl).origin],
    );
    if (ok) setPassword('');
  };

  const onTokenSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const accessToken = token.trim();
    // The token leaves the page's state at once: it is never rendered back, whatever the outcome.
    setToken('');
    if (!accessToken) {
      setError('Paste an access token first.');
      return;
    }
    await submit((url) =>
      bridge.send<'sign-in-token'>({ type: 'sign-in-token', serverUrl: url, accessToken }),
    );
  };

  return (
    <div className="sign-in">
      <ConfigField
        id={ids.url}
        label="Server URL"
        type="url"
        placeholder="https://monitor.example.com"
        value={serverUrl}
        managed={managed.serverUrl}
        locked={locked}
        invalid={urlError !== null}
        hintId={ids.urlHelp}
        onChange={(value) => {
          setServerUrl(value);
          if (urlError && checkServerUrl(value).ok) setUrlError(null);
        }}
        hint={
          <p id={ids.urlHelp} className={urlError ? 'field-error' : 'hint'}>
            {urlError ??
              'https:// is required, except for http://localhost, http://127.0.0.1 and http://[::1].'}
          </p>
        }
      />

      <form
        className="form"
        aria-label="Sign in with email and password"
        onSubmit={(e) => void onPasswordSubmit(e)}
      >
        <fieldset className="fieldset">
          <legend>Stack Auth</legend>
          <ConfigField
            id={ids.project}
            label="Project ID"
            value={projectId}
            managed={managed.stackProjectId}
            locked={locked}
            onChange={setProjectId}
          />
          <ConfigField
            id={ids.key}
            label="Publishable client key"
            placeholder="pck_…"
            value={publishableKey}
            managed={managed.stackPublishableClientKey}
            locked={locked}
            onChange={setPublishableKey}
          />
          <ConfigField
            id={ids.authUrl}
            label="Auth API URL"
            type="url"
            placeholder={DEFAULT_STACK_API_URL}
            value={authUrl}
            managed={managed.stackApiUrl}
            locked={locked}
            onChange={setAuthUrl}
          />
        </fieldset>
        <div className="field">
          <label htmlFor={ids.email}>Email</label>
          <input
            id={ids.email}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="field inline">
          <input
            id={ids.keep}
            type="checkbox"
            checked={keepSignedIn}
            onChange={(e) => setKeepSignedIn(e.target.checked)}
          />
          <label htmlFor={ids.keep}>Keep me signed in</label>
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          Sign in
        </button>
      </form>

      <form
        className="form"
        aria-label="Sign in with an access token"
        onSubmit={(e) => void onTokenSubmit(e)}
      >
        <div className="field">
          <label htmlFor={ids.token}>Access token</label>
          <input
            id={ids.token}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </div>
        <button type="submit" className="button" disabled={busy}>
          Use access token
        </button>
      </form>

      {busy && <p role="status">Signing in…</p>}
      {error && (
        <p role="alert" className="inline-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function AccountSection() {
  const session = useSession();
  return (
    <section aria-labelledby="account-title" className="card">
      <h2 id="account-title">Account</h2>
      {session ? <SignedIn session={session} /> : <SignInForms />}
    </section>
  );
}
