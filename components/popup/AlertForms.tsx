/**
 * Acknowledge with a note, resolve with what was done (issue #10, PROTOCOL.md:
 * `{ notes? }` up to 1000 characters; `{ resolution (1-2000), correctiveAction? }`).
 * Checked here first so the supervisor sees what to fix before anything is
 * sent; the server's own refusal is shown as it says it.
 */
import { useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ACK_NOTES_MAX, RESOLUTION_MAX } from '../../lib/text-limits';
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

/** One labelled text area with its hint, which turns into the error when there is one. */
function NoteField({
  id,
  label,
  value,
  onChange,
  field,
  error,
  hint,
  required = false,
  autoFocus = false,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  field: RefObject<HTMLTextAreaElement | null>;
  error: string | null;
  hint: string;
  required?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={field}
        rows={2}
        value={value}
        required={required}
        // Focus lands on the first field when the form opens: the supervisor came to type.
        autoFocus={autoFocus}
        aria-invalid={error !== null}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${id}-hint`} className={error ? 'field-error' : 'hint'}>
        {error ?? hint}
      </p>
    </>
  );
}

/** Submit and Cancel, and the server's refusal as it says it. */
function FormActions({
  pending,
  error,
  onCancel,
  idle,
  busy,
  failed,
}: Omit<FormProps, 'unitName'> & { idle: string; busy: string; failed: string }) {
  return (
    <>
      <div className="alert-actions">
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? busy : idle}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="inline-error">
          {failed}: {error.message}
        </p>
      )}
    </>
  );
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
      <NoteField
        id={`${id}-notes`}
        label="What did you do?"
        value={notes}
        onChange={setNotes}
        field={field}
        error={invalid}
        hint={`Optional, up to ${ACK_NOTES_MAX} characters.`}
        autoFocus
      />
      <FormActions
        pending={pending}
        error={error}
        onCancel={onCancel}
        idle="Acknowledge with note"
        busy="Acknowledging…"
        failed="Could not acknowledge"
      />
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
      <NoteField
        id={`${id}-resolution`}
        label="Resolution (what was done)"
        value={resolution}
        onChange={setResolution}
        field={resolutionField}
        error={resolutionError}
        hint={`Required, up to ${RESOLUTION_MAX} characters.`}
        required
        autoFocus
      />
      <NoteField
        id={`${id}-action`}
        label="Corrective action"
        value={action}
        onChange={setAction}
        field={actionField}
        error={actionError}
        hint={`Optional: what keeps it from happening again, up to ${RESOLUTION_MAX} characters.`}
      />
      <FormActions
        pending={pending}
        error={error}
        onCancel={onCancel}
        idle="Resolve"
        busy="Resolving…"
        failed="Could not resolve"
      />
    </form>
  );
}
