/**
 * What the supervisor watches: the whole organization, or chosen sites,
 * areas and units. The directory is fetched fresh with the `directory`
 * command — the one query function in the pages.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CommandError } from '../../lib/messages';
import type { Directory, Scope } from '../../lib/model';
import { useBridge } from '../bridge';
import { useScope, useSession } from '../live-data';
import { queryKeys } from '../query-keys';
import { isUnitSelected, scopeFrom, selectionFrom, type Selection } from './scope-selection';

function Checkbox({
  label,
  checked,
  indeterminate = false,
  disabled = false,
  onChange,
}: {
  label: string;
  checked: boolean;
  indeterminate?: boolean;
  disabled?: boolean;
  onChange(checked: boolean): void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <label className="check">
      <input
        ref={ref}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-checked={indeterminate ? 'mixed' : checked}
        onChange={(e) => onChange(e.target.checked)}
      />{' '}
      {label}
    </label>
  );
}

function ScopeTree({ directory, scope }: { directory: Directory; scope: Scope | undefined }) {
  const bridge = useBridge();
  const [draft, setDraft] = useState<Selection | null>(null);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const current = useMemo(() => selectionFrom(scope), [scope]);
  const selection = draft ?? current;

  const update = (change: (s: Selection) => void) => {
    const next: Selection = {
      whole: selection.whole,
      siteIds: new Set(selection.siteIds),
      unitIds: new Set(selection.unitIds),
    };
    change(next);
    setDraft(next);
    setMessage(null);
  };

  const save = async () => {
    setSaving(true);
    const result = await bridge.send<'set-scope'>({
      type: 'set-scope',
      scope: scopeFrom(selection, directory),
    });
    setSaving(false);
    if (result.ok) {
      setDraft(null);
      setMessage({ kind: 'ok', text: 'Scope saved.' });
    } else setMessage({ kind: 'error', text: result.error.message });
  };

  const nothingChosen =
    !selection.whole && selection.siteIds.size === 0 && selection.unitIds.size === 0;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset className="scope-tree">
        <legend>Units to watch</legend>
        <Checkbox
          label="Whole organization"
          checked={selection.whole}
          onChange={(checked) =>
            update((s) => {
              s.whole = checked;
            })
          }
        />
        {!selection.whole && (
          <ul className="tree">
            {directory.sites.map((site) => {
              const siteUnits = directory.units.filter((u) => u.siteId === site.id);
              const siteChecked = selection.siteIds.has(site.id);
              const someUnits = siteUnits.some((u) => selection.unitIds.has(u.id));
              return (
                <li key={site.id}>
                  <fieldset>
                    <legend className="visually-hidden">{site.name}</legend>
                    <Checkbox
                      label={site.name}
                      checked={siteChecked}
                      indeterminate={!siteChecked && someUnits}
                      onChange={(checked) =>
                        update((s) => {
                          if (checked) s.siteIds.add(site.id);
                          else s.siteIds.delete(site.id);
                          for (const u of siteUnits) s.unitIds.delete(u.id);
                        })
                      }
                    />
                    <ul>
                      {directory.areas
                        .filter((a) => a.siteId === site.id)
                        .map((area) => {
                          const areaUnits = siteUnits.filter((u) => u.areaId === area.id);
                          const chosen = areaUnits.filter((u) =>
                            isUnitSelected(selection, u),
                          ).length;
                          return (
                            <li key={area.id}>
                              <Checkbox
                                label={area.name}
                                checked={areaUnits.length > 0 && chosen === areaUnits.length}
                                indeterminate={chosen > 0 && chosen < areaUnits.length}
                                disabled={siteChecked || areaUnits.length === 0}
                                onChange={(checked) =>
                                  update((s) => {
                                    for (const u of areaUnits) {
                                      if (checked) s.unitIds.add(u.id);
                                      else s.unitIds.delete(u.id);
                                    }
                                  })
                                }
                              />
                              <ul>
                                {areaUnits.map((u) => (
                                  <li key={u.id}>
                                    <Checkbox
                                      label={u.name}
                                      checked={isUnitSelected(selection, u)}
                                      disabled={siteChecked}
                                      onChange={(checked) =>
                                        update((s) => {
                                          if (checked) s.unitIds.add(u.id);
                                          else s.unitIds.delete(u.id);
                                        })
                                      }
                                    />
                                  </li>
                                ))}
                              </ul>
                            </li>
                          );
                        })}
                    </ul>
                  </fieldset>
                </li>
              );
            })}
          </ul>
        )}
      </fieldset>
      {nothingChosen && <p className="hint">Choose at least one site or unit.</p>}
      <button type="submit" className="button primary" disabled={saving || nothingChosen}>
        Save scope
      </button>
      {message &&
        (message.kind === 'ok' ? (
          <p role="status">{message.text}</p>
        ) : (
          <p role="alert" className="inline-error">
            Could not save the scope: {message.text}
          </p>
        ))}
    </form>
  );
}

export function ScopeSection() {
  const bridge = useBridge();
  const session = useSession();
  const scope = useScope();
  const directory = useQuery<Directory, CommandError>({
    queryKey: queryKeys.directoryFresh(),
    queryFn: async () => {
      const result = await bridge.send<'directory'>({ type: 'directory' });
      if (!result.ok) throw result.error;
      return result.data;
    },
    enabled: !!session,
  });
  return (
    <section aria-labelledby="scope-title" className="card">
      <h2 id="scope-title">Scope</h2>
      {!session ? (
        <p className="hint">Sign in to choose which sites and units to watch.</p>
      ) : directory.isPending ? (
        <p role="status">Loading the organization’s sites…</p>
      ) : directory.isError ? (
        <div>
          <p role="alert" className="inline-error">
            Could not load the sites: {directory.error.message}
          </p>
          <button type="button" className="button" onClick={() => void directory.refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <ScopeTree directory={directory.data} scope={scope} />
      )}
    </section>
  );
}
