/**
 * Server URL and sign-in (password or access token), or who is signed in.
 * The host permission for a remote server is requested from the click
 * handler itself, before any other `await`, so the browser still sees the
 * user's gesture.
 */
import { useId, useState, type FormEvent } from 'react';
import type { CommandError, CommandErrorCode } from '../../lib/messages';
import type { SessionInfo } from '../../lib/model';
import { useBridge } from '../bridge';
import { useSession } from '../live-data';
import { checkServerUrl } from './server-url';

const ERROR_TITLES: Partial<Record<CommandErrorCode, string>> = {
  'wrong-credentials': 'Wrong email or password.',
  'server-unreachable': 'The server could not be reached.',
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
        <dd>{session.method === 'token' ? 'Access token' : 'Password'}</dd>
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

function SignInForms() {
  const bridge = useBridge();
  const ids = {
    url: useId(),
    email: useId(),
    password: useId(),
    keep: useId(),
    token: useId(),
    urlHelp: useId(),
  };
  const [serverUrl, setServerUrl] = useState('');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [keepSignedIn, setKeepSignedIn] = useState(true);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** Validates, asks for the host permission (first await, inside the gesture), then signs in. */
  const submit = async (
    send: (url: string) => Promise<{ ok: true } | { ok: false; error: CommandError }>,
  ): Promise<boolean> => {
    const check = checkServerUrl(serverUrl);
    if (!check.ok) {
      setUrlError(check.message);
      return false;
    }
    setUrlError(null);
    setError(null);
    setBusy(true);
    try {
      if (!check.preGranted) {
        const granted = await bridge.requestOrigins([`${check.origin}/*`]);
        if (!granted) {
          setError(
            `Frostline needs permission to reach ${check.origin}. Allow it when the browser asks.`,
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
    const ok = await submit((url) =>
      bridge.send<'sign-in'>({
        type: 'sign-in',
        serverUrl: url,
        email: email.trim(),
        password,
        keepSignedIn,
      }),
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
      <div className="field">
        <label htmlFor={ids.url}>Server URL</label>
        <input
          id={ids.url}
          type="url"
          inputMode="url"
          autoComplete="url"
          placeholder="https://monitor.example.com"
          value={serverUrl}
          aria-invalid={urlError !== null}
          aria-describedby={ids.urlHelp}
          onChange={(e) => setServerUrl(e.target.value)}
          onBlur={() => {
            if (urlError && checkServerUrl(serverUrl).ok) setUrlError(null);
          }}
        />
        <p id={ids.urlHelp} className={urlError ? 'field-error' : 'hint'}>
          {urlError ??
            'https:// is required, except for http://localhost, http://127.0.0.1 and http://[::1].'}
        </p>
      </div>

      <form
        className="form"
        aria-label="Sign in with email and password"
        onSubmit={(e) => void onPasswordSubmit(e)}
      >
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
