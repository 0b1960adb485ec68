/**
 * Which credentials a flow document names. A node names one through any config value shaped
 * `{ credentialId: "<id>" }` (the HTTP node's `auth`, a webhook's `signature`), or through a
 * config field whose `x-ui` widget is `credential` holding the id itself.
 */
import { type NodeTypeRegistry, UI_HINT_KEY, type UiHint } from '@patchbay/engine';

const MAX_DEPTH = 50;

export function credentialIdsIn(document: unknown, registry: NodeTypeRegistry): Set<string> {
  const ids = new Set<string>();
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return ids;
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    const { type, config } = node as { type?: unknown; config?: unknown };
    collect(config, ids, 0);
    if (typeof type !== 'string' || typeof config !== 'object' || config === null) continue;
    for (const field of credentialFieldsOf(type, registry)) {
      const value = (config as Record<string, unknown>)[field];
      if (typeof value === 'string' && value !== '') ids.add(value);
    }
  }
  return ids;
}

function collect(value: unknown, ids: Set<string>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, ids, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === 'credentialId' && typeof item === 'string' && item !== '') ids.add(item);
    else collect(item, ids, depth + 1);
  }
}

const fieldsByType = new WeakMap<NodeTypeRegistry, Map<string, string[]>>();

/** Top-level config fields of a node type with the `credential` widget. */
function credentialFieldsOf(type: string, registry: NodeTypeRegistry): string[] {
  let byType = fieldsByType.get(registry);
  if (!byType) {
    byType = new Map();
    for (const descriptor of registry.describe()) {
      const properties = (descriptor.configJsonSchema as { properties?: Record<string, unknown> })
        .properties;
      const fields = Object.entries(properties ?? {})
        .filter(([, property]) => {
          const hint = (property as Record<string, unknown> | null)?.[UI_HINT_KEY] as
            | UiHint
            | undefined;
          return hint?.widget === 'credential';
        })
        .map(([name]) => name);
      byType.set(descriptor.type, fields);
    }
    fieldsByType.set(registry, byType);
  }
  return byType.get(type) ?? [];
}
