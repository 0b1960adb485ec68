/**
 * The inspector's collapsible "Reliability" section: a node's retry, timeout, circuit breaker,
 * rate limit and target, generated from its node type's policy JSON Schema (which has the retry
 * fields only that type adds, e.g. HTTP's status lists). Each field shows the node
 * type's effective default as its placeholder, and only what the user sets is written.
 */
import { useEffect, useMemo, useState } from 'react';
import type { NodeTypeDescriptor, ValidationIssue } from '../api/types.ts';
import { SchemaField } from '../forms/config-form.tsx';
import { type JsonObject, valueAt, withValueAt } from '../forms/override-value.ts';
import {
  type FormField,
  type FormSection,
  formSectionsFromSchema,
  requiresFieldsAt,
} from '../forms/schema-form-fields.ts';
import { ChevronDownIcon, ShieldIcon } from '../ui/icons.tsx';
import { IssueList } from '../ui/issue-list.tsx';
import { useEditorStore } from './editor-store.ts';
import { policyIssuePath } from './override-issues.ts';

/** Titles of the policy's parts; a part that is one value (timeoutMs) is titled by its field. */
const SECTION_TITLES: Readonly<Record<string, string>> = {
  retry: 'Retry',
  timeoutMs: 'Attempt timeout (ms)',
  breaker: 'Circuit breaker',
  rateLimit: 'Rate limit',
  target: 'Target override',
};

/**
 * Parts that act only on calls to an upstream (breaker, limit, target): shown for node types
 * with side effects, and for any node whose policy already sets them.
 */
const UPSTREAM_ONLY: ReadonlySet<string> = new Set(['breaker', 'rateLimit', 'target']);

/** Placeholders for fields whose default is not a value. */
const EMPTY_PLACEHOLDERS: Readonly<Record<string, string>> = { target: 'The connector’s own' };

type ShownField = { field: FormField; path: string[]; key: string };

function shownFields(
  section: FormSection,
  policy: JsonObject | undefined,
  defaults: NodeTypeDescriptor['policyDefaults'],
  upstream: boolean,
): ShownField[] {
  return section.fields.flatMap((field) => {
    const path = section.nested ? [section.name, field.name] : [field.name];
    const key = path.join('.');
    if (!upstream && UPSTREAM_ONLY.has(key) && valueAt(policy, path) === undefined) return [];
    // The node type's effective default, or the schema's own (a rate limit's burst).
    const effective = valueAt(defaults, path) ?? field.defaultValue;
    return [{ field: { ...field, defaultValue: effective }, path, key }];
  });
}

function PolicyGroup({
  nodeId,
  section,
  fields,
  policy,
  issues,
  onEdit,
}: {
  nodeId: string;
  section: FormSection;
  fields: readonly ShownField[];
  policy: JsonObject | undefined;
  issues: readonly ValidationIssue[];
  onEdit: (path: string[], value: unknown) => void;
}) {
  const title = SECTION_TITLES[section.name] ?? section.label;
  const enabled = !section.optIn || valueAt(policy, [section.name]) !== undefined;
  const toggleId = `policy-enable-${section.name}-${nodeId}`;
  const fieldsOf = (list: readonly ShownField[]) =>
    list.map(({ field, path, key }) => (
      <SchemaField
        key={key}
        field={field}
        value={valueAt(policy, path)}
        issues={issues.filter((issue) => policyIssuePath(issue) === key)}
        onChange={(value) => onEdit(path, value)}
        controlId={`policy-field-${key}`}
        mode="override"
        layout="row"
        label={section.nested ? field.label : title}
        placeholder={EMPTY_PLACEHOLDERS[key]}
      />
    ));
  if (!section.nested) {
    return (
      <div className="policy-group" data-testid={`policy-group-${section.name}`}>
        {fieldsOf(fields)}
      </div>
    );
  }
  return (
    <div className="policy-group" data-testid={`policy-group-${section.name}`}>
      <div className="policy-group__header">
        <div className="policy-group__title">{title}</div>
        {section.optIn && (
          <label className="policy-group__opt-in" htmlFor={toggleId}>
            {!enabled && <span>Add {title.toLowerCase()}</span>}
            <button
              id={toggleId}
              type="button"
              role="switch"
              aria-checked={enabled}
              aria-label={`Add ${title.toLowerCase()}`}
              className={`toggle nodrag${enabled ? ' is-on' : ''}`}
              data-testid={`policy-enable-${section.name}`}
              onClick={() => onEdit([section.name], enabled ? undefined : {})}
            >
              <span className="toggle__thumb" />
            </button>
          </label>
        )}
      </div>
      {section.description && <p className="policy-group__description">{section.description}</p>}
      {enabled && <div className="form-fields form-fields--dense">{fieldsOf(fields)}</div>}
    </div>
  );
}

export function ReliabilitySection({
  nodeId,
  descriptor,
  policy,
  issues,
}: {
  nodeId: string;
  descriptor: NodeTypeDescriptor;
  policy: JsonObject | undefined;
  /** The node's issues; this section shows those with code `node.invalid_policy`. */
  issues: readonly ValidationIssue[];
}) {
  const schema = descriptor.policyJsonSchema;
  const setPolicy = useEditorStore((s) => s.setPolicy);
  const policyIssues = issues.filter((issue) => policyIssuePath(issue) !== undefined);
  const [open, setOpen] = useState(() => policy !== undefined || policyIssues.length > 0);
  const hasIssues = policyIssues.length > 0;
  // A new problem in the policy opens the section, so the field that has it is in view.
  useEffect(() => {
    if (hasIssues) setOpen(true);
  }, [hasIssues]);

  const sections = useMemo(() => formSectionsFromSchema(schema), [schema]);
  const groups = sections
    .filter(
      (section) =>
        descriptor.sideEffects ||
        !UPSTREAM_ONLY.has(section.name) ||
        valueAt(policy, [section.name]) !== undefined,
    )
    .map((section) => ({
      section,
      fields: shownFields(section, policy, descriptor.policyDefaults, descriptor.sideEffects),
    }));
  const shownKeys = new Set(groups.flatMap((group) => group.fields.map((f) => f.key)));
  const unplaced = policyIssues.filter((issue) => !shownKeys.has(policyIssuePath(issue) ?? ''));
  const customised = sections
    .filter((section) => valueAt(policy, [section.name]) !== undefined)
    .map((section) => SECTION_TITLES[section.name] ?? section.label);

  const edit = (path: string[], value: unknown) => {
    setPolicy(
      nodeId,
      withValueAt(policy, path, value, (at) => requiresFieldsAt(schema, at)),
    );
  };

  return (
    <div className="inspector__section policy-section" data-testid="policy-section">
      <button
        type="button"
        className="policy-section__toggle"
        aria-expanded={open}
        data-testid="policy-section-toggle"
        onClick={() => setOpen(!open)}
      >
        <ShieldIcon size={14} />
        <span className="policy-section__title">Reliability</span>
        <span className="policy-section__summary" data-testid="policy-summary">
          {customised.length > 0 ? customised.join(' · ') : 'Defaults'}
        </span>
        {hasIssues && (
          <span className="policy-section__issues" title={`${policyIssues.length} problem(s)`}>
            {policyIssues.length}
          </span>
        )}
        <ChevronDownIcon size={14} className={`policy-section__chevron${open ? ' is-open' : ''}`} />
      </button>
      {open && (
        <div className="policy-section__body">
          {unplaced.length > 0 && <IssueList issues={unplaced} testId="policy-issues" />}
          {groups.map(({ section, fields }) => (
            <PolicyGroup
              key={section.name}
              nodeId={nodeId}
              section={section}
              fields={fields}
              policy={policy}
              issues={policyIssues}
              onEdit={edit}
            />
          ))}
        </div>
      )}
    </div>
  );
}
