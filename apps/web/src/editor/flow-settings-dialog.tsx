/**
 * "Flow settings": concurrency, queue cap, run timeout, runs kept and error flow, generated from the settings' JSON Schema. Edits
 * go into the editor's document as they are typed (validated live, saved with the flow).
 */
import { useMemo } from 'react';
import { CurrentFlowContext } from '../flows/flow-picker.tsx';
import { SchemaField } from '../forms/config-form.tsx';
import { valueAt, withValueAt } from '../forms/override-value.ts';
import { formFieldsFromSchema } from '../forms/schema-form-fields.ts';
import { usePolicySchemas } from '../node-types/use-node-types.ts';
import { Dialog } from '../ui/dialog.tsx';
import { IssueList } from '../ui/issue-list.tsx';
import { useEditorStore } from './editor-store.ts';
import { settingsIssuePath } from './override-issues.ts';

/** Placeholders for settings whose default is not a value. */
const EMPTY_PLACEHOLDERS: Readonly<Record<string, string>> = {
  maxConcurrentRuns: 'Unlimited',
  maxQueuedRuns: 'Server-wide limit',
  maxRunsKept: 'Server-wide retention in days',
};

export function FlowSettingsDialog({ readOnly = false }: { readOnly?: boolean }) {
  const open = useEditorStore((s) => s.flowSettingsOpen);
  const setOpen = useEditorStore((s) => s.setFlowSettingsOpen);
  const settings = useEditorStore((s) => s.settings);
  const setSettings = useEditorStore((s) => s.setSettings);
  const allIssues = useEditorStore((s) => s.issues.all);
  const schemas = usePolicySchemas().data;
  const flowId = useEditorStore((s) => s.flowId);

  const fields = useMemo(
    () => (schemas ? formFieldsFromSchema(schemas.flowSettings) : []),
    [schemas],
  );
  const issues = allIssues.filter((issue) => settingsIssuePath(issue) !== undefined);
  const names = new Set(fields.map((field) => field.name));
  const unplaced = issues.filter((issue) => !names.has(settingsIssuePath(issue) ?? ''));
  const defaults: Record<string, unknown> = schemas?.flowSettingsDefaults ?? {};
  const close = () => setOpen(false);

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Flow settings"
      description="Apply to every run of this flow. Saved with the flow."
      testId="flow-settings-dialog"
      width={440}
      footer={
        <button
          type="button"
          className="btn btn--primary"
          data-testid="flow-settings-save"
          onClick={close}
        >
          Done
        </button>
      }
    >
      <CurrentFlowContext value={flowId}>
        <fieldset className="form-fields fieldset-plain" disabled={readOnly}>
          {!schemas && <p className="muted small">Loading…</p>}
          {unplaced.length > 0 && <IssueList issues={unplaced} testId="flow-settings-issues" />}
          {fields.map((field) => (
            <SchemaField
              key={field.name}
              field={{ ...field, defaultValue: defaults[field.name] ?? field.defaultValue }}
              value={valueAt(settings, [field.name])}
              issues={issues.filter((issue) => settingsIssuePath(issue) === field.name)}
              onChange={(value) => setSettings(withValueAt(settings, [field.name], value))}
              controlId={`flow-settings-field-${field.name}`}
              mode="override"
              placeholder={EMPTY_PLACEHOLDERS[field.name]}
            />
          ))}
        </fieldset>
      </CurrentFlowContext>
    </Dialog>
  );
}
