/**
 * Notification and display settings. Edits are a local draft over the
 * pushed preferences; "Save preferences" sends `set-preferences` and the
 * background pushes the result back in a patch, which every page applies.
 */
import { useId, useState, type ReactNode } from 'react';
import { buildDashboardUrl } from '../../lib/format';
import type { PreferenceSeverity, Preferences, SoundMode } from '../../lib/model';
import { useBridge } from '../bridge';
import { useDirectory, usePreferences } from '../live-data';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const SEVERITIES: readonly { key: PreferenceSeverity; label: string }[] = [
  { key: 'critical', label: 'Critical' },
  { key: 'warning', label: 'Warning' },
  { key: 'info', label: 'Info' },
];

type FieldErrors = Partial<
  Record<keyof Preferences | 'quietStart' | 'quietEnd' | `realert-${PreferenceSeverity}`, string>
>;

/**
 * What a supervisor is told to check when a test notification does not
 * appear (issue #13): the browser cannot see the operating system's
 * do-not-disturb, so it says where to look.
 */
export const TEST_NOTIFICATION_SENT =
  'Test notification sent. If nothing appears, check that do-not-disturb is off (Focus Assist on Windows, Focus on macOS) and that notifications for this browser are allowed in the system settings.';

/** Returns a message per invalid field. */
export function validatePreferences(p: Preferences): FieldErrors {
  const errors: FieldErrors = {};
  for (const { key } of SEVERITIES) {
    const minutes = p.realertMinutes[key];
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440)
      errors[`realert-${key}`] = 'Enter whole minutes from 0 (off) to 1440.';
  }
  if (!Number.isInteger(p.staleMinutes) || p.staleMinutes < 1 || p.staleMinutes > 1440)
    errors.staleMinutes = 'Enter whole minutes from 1 to 1440.';
  if (!Number.isInteger(p.renotifyMinutes) || p.renotifyMinutes < 0 || p.renotifyMinutes > 1440)
    errors.renotifyMinutes = 'Enter whole minutes from 0 (off) to 1440.';
  if (p.quietHours.enabled && !TIME.test(p.quietHours.start))
    errors.quietStart = 'Use a time like 22:00.';
  if (p.quietHours.enabled && !TIME.test(p.quietHours.end))
    errors.quietEnd = 'Use a time like 06:00.';
  if (
    p.dashboardUrlTemplate.trim() &&
    !buildDashboardUrl(p.dashboardUrlTemplate, { server: 'https://example.com' })
  )
    errors.dashboardUrlTemplate =
      'The template must produce an https:// or http:// link, e.g. {server}/units/{unit}.';
  return errors;
}

function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p id={`${id}-msg`} className="field-error">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-msg`} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function intOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** A whole number of minutes in a labelled field, its message tied to it for screen readers. */
function MinutesField({
  id,
  label,
  min,
  value,
  error,
  hint,
  onChange,
}: {
  id: string;
  label: string;
  min: number;
  value: number;
  error?: string;
  hint?: string;
  onChange: (minutes: number) => void;
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        type="number"
        min={min}
        max={1440}
        step={1}
        value={Number.isNaN(value) ? '' : value}
        aria-invalid={!!error}
        aria-describedby={`${id}-msg`}
        onChange={(e) => onChange(intOf(e.target.value))}
      />
    </Field>
  );
}

function PreferencesForm({ current }: { current: Preferences }) {
  const bridge = useBridge();
  const directory = useDirectory();
  const id = useId();
  const [draft, setDraft] = useState<Preferences | null>(null);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [testMessage, setTestMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(
    null,
  );
  const [soundMessage, setSoundMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(
    null,
  );
  // Not editing: show what the background pushed, so changes from elsewhere appear live.
  const p = draft ?? current;
  const errors = validatePreferences(p);
  const invalid = Object.keys(errors).length > 0;
  const set = (change: Partial<Preferences>) => {
    setDraft({ ...p, ...change });
    setMessage(null);
  };
  const fid = (name: string) => `${id}-${name}`;
  const describedBy = (name: string) => ({ 'aria-describedby': `${fid(name)}-msg` });

  const save = async () => {
    if (invalid || !draft) return;
    setSaving(true);
    const result = await bridge.send<'set-preferences'>({
      type: 'set-preferences',
      preferences: draft,
    });
    setSaving(false);
    if (result.ok) {
      setDraft(null);
      setMessage({ kind: 'ok', text: 'Preferences saved.' });
    } else setMessage({ kind: 'error', text: `Could not save: ${result.error.message}` });
  };

  const sendTest = async () => {
    setTestMessage(null);
    const result = await bridge.send<'test-notification'>({ type: 'test-notification' });
    setTestMessage(
      result.ok
        ? { kind: 'ok', text: TEST_NOTIFICATION_SENT }
        : { kind: 'error', text: `Could not send: ${result.error.message}` },
    );
  };

  const playTest = async () => {
    setSoundMessage(null);
    const result = await bridge.send<'test-sound'>({ type: 'test-sound' });
    setSoundMessage(
      result.ok
        ? {
            kind: 'ok',
            text: 'Test sound played. If you heard nothing, check the volume and that this browser is not muted.',
          }
        : { kind: 'error', text: `Could not play: ${result.error.message}` },
    );
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>Notifications</legend>
        <Field id={fid('severity')} label="Minimum severity">
          <select
            id={fid('severity')}
            value={p.minSeverity}
            onChange={(e) => set({ minSeverity: e.target.value as Preferences['minSeverity'] })}
          >
            <option value="info">Info and above</option>
            <option value="warning">Warning and above</option>
            <option value="critical">Critical only</option>
          </select>
        </Field>
        <div className="field inline">
          <input
            id={fid('quiet')}
            type="checkbox"
            checked={p.quietHours.enabled}
            onChange={(e) => set({ quietHours: { ...p.quietHours, enabled: e.target.checked } })}
          />
          <label htmlFor={fid('quiet')}>Quiet hours</label>
        </div>
        <div className="field-row">
          <Field id={fid('from')} label="From" error={errors.quietStart}>
            <input
              id={fid('from')}
              type="time"
              value={p.quietHours.start}
              disabled={!p.quietHours.enabled}
              aria-invalid={!!errors.quietStart}
              onChange={(e) => set({ quietHours: { ...p.quietHours, start: e.target.value } })}
            />
          </Field>
          <Field id={fid('to')} label="To" error={errors.quietEnd}>
            <input
              id={fid('to')}
              type="time"
              value={p.quietHours.end}
              disabled={!p.quietHours.enabled}
              aria-invalid={!!errors.quietEnd}
              onChange={(e) => set({ quietHours: { ...p.quietHours, end: e.target.value } })}
            />
          </Field>
        </div>
        <p className="hint">Critical alerts still notify during quiet hours.</p>
        {directory && directory.sites.length > 0 && (
          <fieldset>
            <legend>Muted sites</legend>
            {directory.sites.map((site) => (
              <label key={site.id} className="check">
                <input
                  type="checkbox"
                  checked={p.mutedSiteIds.includes(site.id)}
                  onChange={(e) =>
                    set({
                      mutedSiteIds: e.target.checked
                        ? [...p.mutedSiteIds, site.id]
                        : p.mutedSiteIds.filter((s) => s !== site.id),
                    })
                  }
                />{' '}
                {site.name}
              </label>
            ))}
            <p className="hint">Muted sites never notify; their alerts still count on the badge.</p>
          </fieldset>
        )}
        <MinutesField
          id={fid('renotify')}
          label="Re-notify critical alerts every (minutes)"
          min={0}
          value={p.renotifyMinutes}
          error={errors.renotifyMinutes}
          hint="0 turns re-notification off."
          onChange={(renotifyMinutes) => set({ renotifyMinutes })}
        />
        <button type="button" className="button" onClick={() => void sendTest()}>
          Send test notification
        </button>
        {testMessage && (
          <p
            role={testMessage.kind === 'ok' ? 'status' : 'alert'}
            className={testMessage.kind === 'ok' ? 'hint' : 'inline-error'}
          >
            {testMessage.text}
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>Sound</legend>
        {SEVERITIES.map(({ key, label }) => (
          <Field key={key} id={fid(`sound-${key}`)} label={`${label} alert sound`}>
            <select
              id={fid(`sound-${key}`)}
              value={p.sound[key]}
              onChange={(e) => set({ sound: { ...p.sound, [key]: e.target.value as SoundMode } })}
            >
              <option value="off">Off</option>
              <option value="once">Once</option>
              <option value="repeat">Repeat until acknowledged</option>
            </select>
          </Field>
        ))}
        <p className="hint">
          Repeat plays every 30 seconds for at most 10 minutes, and stops as soon as the alert is
          acknowledged, snoozed or resolved. Quiet hours and muted sites apply; critical alerts
          still sound during quiet hours.
        </p>
        <button type="button" className="button" onClick={() => void playTest()}>
          Test sound
        </button>
        {soundMessage && (
          <p
            role={soundMessage.kind === 'ok' ? 'status' : 'alert'}
            className={soundMessage.kind === 'ok' ? 'hint' : 'inline-error'}
          >
            {soundMessage.text}
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>Acknowledged but still out of range</legend>
        {SEVERITIES.map(({ key, label }) => (
          <MinutesField
            key={key}
            id={fid(`realert-${key}`)}
            label={`Re-alert acknowledged ${label.toLowerCase()} alerts after (minutes)`}
            min={0}
            value={p.realertMinutes[key]}
            error={errors[`realert-${key}`]}
            onChange={(minutes) => set({ realertMinutes: { ...p.realertMinutes, [key]: minutes } })}
          />
        ))}
        <p className="hint">
          When the unit is still out of range this long after the alert was acknowledged, it
          notifies again, once per period. 0 turns it off.
        </p>
      </fieldset>

      <fieldset>
        <legend>Display</legend>
        <Field id={fid('scale')} label="Temperature scale">
          <select
            id={fid('scale')}
            value={p.tempScale}
            onChange={(e) => set({ tempScale: e.target.value as Preferences['tempScale'] })}
          >
            <option value="unit">Unit's own</option>
            <option value="C">Celsius</option>
            <option value="F">Fahrenheit</option>
          </select>
        </Field>
        <MinutesField
          id={fid('stale')}
          label="Stale after (minutes)"
          min={1}
          value={p.staleMinutes}
          error={errors.staleMinutes}
          onChange={(staleMinutes) => set({ staleMinutes })}
        />
        <Field
          id={fid('template')}
          label="Dashboard URL template"
          error={errors.dashboardUrlTemplate}
          hint="{server}, {org}, {site}, {unit} and {alert} are filled in."
        >
          <input
            id={fid('template')}
            type="text"
            spellCheck={false}
            value={p.dashboardUrlTemplate}
            aria-invalid={!!errors.dashboardUrlTemplate}
            {...describedBy('template')}
            onChange={(e) => set({ dashboardUrlTemplate: e.target.value })}
          />
        </Field>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving || invalid || !draft}>
          Save preferences
        </button>
        {draft && (
          <button type="button" className="button" onClick={() => setDraft(null)}>
            Discard changes
          </button>
        )}
      </div>
      {message && (
        <p
          role={message.kind === 'ok' ? 'status' : 'alert'}
          className={message.kind === 'ok' ? 'hint' : 'inline-error'}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

export function PreferencesSection() {
  const preferences = usePreferences();
  return (
    <section aria-labelledby="prefs-title" className="card">
      <h2 id="prefs-title">Notifications and display</h2>
      {preferences ? <PreferencesForm current={preferences} /> : <p role="status">Loading…</p>}
    </section>
  );
}
