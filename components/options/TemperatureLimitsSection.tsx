/**
 * The per-server setting for deployments whose unit limits are whole degrees
 * (issue #10). The contract stores limits in tenths of a degree, but the
 * backend's web UI writes some in whole degrees; an administrator who sees
 * every limit ten times too small (Diagnostics names such units) turns this
 * on for the server they are signed in to. It is saved per server origin
 * (`lib/storage.ts` `wholeDegreeLimitsItem`) and applied at once: the worker
 * reads the directory again with it and every page shows the new limits.
 */
import { useEffect, useId, useState } from 'react';
import { WHOLE_DEGREES_LABEL } from '../../lib/scale-check';
import { useBridge } from '../bridge';
import { useDirectory, useSession } from '../live-data';

export function TemperatureLimitsSection() {
  const bridge = useBridge();
  const session = useSession();
  const directory = useDirectory();
  const id = useId();
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  // What was asked for, shown until the directory read with it arrives (or the save fails).
  const [requested, setRequested] = useState<boolean | null>(null);
  const applied = directory?.wholeDegreeLimits === true;
  useEffect(() => {
    if (requested !== null && applied === requested) setRequested(null);
  }, [applied, requested]);
  if (!session) return null;
  const checked = requested ?? applied;

  const change = async (enabled: boolean) => {
    setSaving(true);
    setRequested(enabled);
    setMessage(null);
    const result = await bridge.send<'set-whole-degree-limits'>({
      type: 'set-whole-degree-limits',
      enabled,
    });
    setSaving(false);
    if (!result.ok) setRequested(null);
    setMessage(
      result.ok
        ? {
            kind: 'ok',
            text: enabled
              ? 'Saved: limits are now read as whole degrees.'
              : 'Saved: limits are now read as tenths of a degree.',
          }
        : { kind: 'error', text: `Could not apply the setting: ${result.error.message}` },
    );
  };

  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Temperature limits</h2>
      <div className="field-row">
        <input
          id={`${id}-whole`}
          type="checkbox"
          checked={checked}
          disabled={saving}
          aria-describedby={`${id}-hint`}
          onChange={(e) => void change(e.target.checked)}
        />
        <label htmlFor={`${id}-whole`}>{WHOLE_DEGREES_LABEL}</label>
      </div>
      <p id={`${id}-hint`} className="hint">
        The server normally stores a unit&apos;s minimum and maximum in tenths of a degree (45 means
        4.5°). Some deployments hold them in whole degrees instead. Turn this on only if every limit
        looks ten times too small, for example a fridge&apos;s 2 to 8 °C shown as 0.2 to 0.8 °C;
        Diagnostics below names the units whose readings and limits disagree. It applies at once, to{' '}
        {session.serverUrl} only.
      </p>
      {message && (
        <p
          role={message.kind === 'ok' ? 'status' : 'alert'}
          className={message.kind === 'ok' ? 'hint' : 'inline-error'}
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
