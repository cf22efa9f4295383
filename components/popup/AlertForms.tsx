/**
 * Acknowledge with a note, resolve with what was done (issue #10, PROTOCOL.md:
 * `{ notes? }` up to 1000 characters; `{ resolution (1-2000), correctiveAction? }`).
 * Checked here first so the supervisor sees what to fix before anything is
 * sent; the server's own refusal is shown as it says it.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { ACK_NOTES_MAX, RESOLUTION_MAX } from '../../lib/protocol';
import type { CommandError } from '../../lib/messages';

interface FormProps {
  unitName: string;
  pending: boolean;
  error: CommandError | null;
  onCancel(): void;
}

function tooLong(label: string, text: string, max: number): string | null {
  return text.length > max
    ? `${label} can be at most ${max} characters (it has ${text.length}).`
    : null;
}

export function AcknowledgeNoteForm({
  unitName,
  pending,
  error,
  onCancel,
  onSubmit,
}: FormProps & { onSubmit(notes: string): void }) {
  const id = useId();
  const [notes, setNotes] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = tooLong('The note', notes, ACK_NOTES_MAX);
    setInvalid(problem);
    if (problem === null) onSubmit(notes.trim());
    else field.current?.focus();
  };
  return (
    <form
      className="alert-form"
      aria-label={`Acknowledge with a note: ${unitName}`}
      onSubmit={submit}
    >
      <label htmlFor={`${id}-notes`}>What did you do?</label>
      <textarea
        id={`${id}-notes`}
        ref={field}
        rows={2}
        value={notes}
        // Focus lands here when the form opens: the supervisor came to type.
        autoFocus
        aria-invalid={invalid !== null}
        aria-describedby={`${id}-notes-hint`}
        onChange={(e) => setNotes(e.target.value)}
      />
      <p id={`${id}-notes-hint`} className={invalid ? 'field-error' : 'hint'}>
        {invalid ?? `Optional, up to ${ACK_NOTES_MAX} characters.`}
      </p>
      <div className="alert-actions">
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? 'Acknowledging…' : 'Acknowledge with note'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="inline-error">
          Could not acknowledge: {error.message}
        </p>
      )}
    </form>
  );
}

export function ResolveForm({
  unitName,
  pending,
  error,
  onCancel,
  onSubmit,
}: FormProps & { onSubmit(resolution: string, correctiveAction: string): void }) {
  const id = useId();
  const [resolution, setResolution] = useState('');
  const [action, setAction] = useState('');
  const [resolutionError, setResolutionError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const resolutionField = useRef<HTMLTextAreaElement>(null);
  const actionField = useRef<HTMLTextAreaElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing =
      resolution.trim() === '' ? 'Say what was done: a resolution is required.' : null;
    const rProblem = missing ?? tooLong('The resolution', resolution, RESOLUTION_MAX);
    const aProblem = tooLong('The corrective action', action, RESOLUTION_MAX);
    setResolutionError(rProblem);
    setActionError(aProblem);
    if (rProblem === null && aProblem === null) onSubmit(resolution.trim(), action.trim());
    // The first field to fix gets the focus, so a screen reader reads its message.
    else (rProblem !== null ? resolutionField : actionField).current?.focus();
  };
  return (
    <form
      className="alert-form"
      aria-label={`Resolve alert: ${unitName}`}
      noValidate
      onSubmit={submit}
    >
      <label htmlFor={`${id}-resolution`}>Resolution (what was done)</label>
      <textarea
        id={`${id}-resolution`}
        ref={resolutionField}
        rows={2}
        value={resolution}
        required
        autoFocus
        aria-invalid={resolutionError !== null}
        aria-describedby={`${id}-resolution-hint`}
        onChange={(e) => setResolution(e.target.value)}
      />
      <p id={`${id}-resolution-hint`} className={resolutionError ? 'field-error' : 'hint'}>
        {resolutionError ?? `Required, up to ${RESOLUTION_MAX} characters.`}
      </p>
      <label htmlFor={`${id}-action`}>Corrective action</label>
      <textarea
        id={`${id}-action`}
        ref={actionField}
        rows={2}
        value={action}
        aria-invalid={actionError !== null}
        aria-describedby={`${id}-action-hint`}
        onChange={(e) => setAction(e.target.value)}
      />
      <p id={`${id}-action-hint`} className={actionError ? 'field-error' : 'hint'}>
        {actionError ??
          `Optional: what keeps it from happening again, up to ${RESOLUTION_MAX} characters.`}
      </p>
      <div className="alert-actions">
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? 'Resolving…' : 'Resolve'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="inline-error">
          Could not resolve: {error.message}
        </p>
      )}
    </form>
  );
}
