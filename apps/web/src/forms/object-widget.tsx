/**
 * A nested object with declared properties (a webhook's `signature`, an HTTP node's
 * `pagination`): its fields as a group, each generated like a top-level one (their own widgets,
 * `showIf` against their siblings). An optional object is added and removed explicitly.
 */
import { SchemaField } from './config-form.tsx';
import { isFieldShown } from './schema-form-fields.ts';
import type { PropsOf } from './widgets.tsx';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function ObjectWidget({ field, value, onChange, controlId, mode }: PropsOf<'object'>) {
  const values = isRecord(value) ? value : field.required ? {} : undefined;
  if (!values) {
    return (
      <button
        type="button"
        className="btn btn--secondary btn--sm nodrag"
        data-testid={`${controlId}-add`}
        onClick={() => onChange({})}
      >
        Add {field.label.toLowerCase()}
      </button>
    );
  }
  const change = (name: string, next: unknown) => {
    const updated: Record<string, unknown> = { ...values };
    if (next === undefined) delete updated[name];
    else updated[name] = next;
    onChange(updated);
  };
  const shown = field.fields.filter((sub) => isFieldShown(sub, values, field.fields));
  return (
    <div className="form-object" data-testid={controlId}>
      {shown.map((sub) => (
        <SchemaField
          key={sub.name}
          field={sub}
          value={values[sub.name]}
          issues={[]}
          onChange={(next) => change(sub.name, next)}
          controlId={`${controlId}-${sub.name}`}
          mode={mode}
        />
      ))}
      {!field.required && (
        <button
          type="button"
          className="btn btn--ghost btn--sm nodrag"
          data-testid={`${controlId}-remove`}
          onClick={() => onChange(undefined)}
        >
          Remove {field.label.toLowerCase()}
        </button>
      )}
    </div>
  );
}
