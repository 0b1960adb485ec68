/** Node types grouped by category: drag one onto the canvas, or click to drop it in the middle. */
import { useMemo, useState } from 'react';
import type { NodeTypeDescriptor } from '../api/types.ts';
import { CATEGORY_ORDER, CATEGORY_STYLES, CategoryIcon } from '../node-types/category-style.tsx';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { searchNodeTypes } from './node-type-search.ts';

export const PALETTE_DRAG_TYPE = 'application/x-patchbay-node-type';

export function NodePalette({ onAdd }: { onAdd: (descriptor: NodeTypeDescriptor) => void }) {
  const nodeTypes = useNodeTypes();
  const [query, setQuery] = useState('');
  const matches = useMemo(
    () => searchNodeTypes(nodeTypes.data?.list ?? [], query),
    [nodeTypes.data, query],
  );

  return (
    <aside className="palette" data-testid="node-palette" aria-label="Node palette">
      <div className="panel-heading">Nodes</div>
      <input
        className="input palette__search"
        type="search"
        placeholder="Search nodes…"
        aria-label="Search nodes"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        data-testid="palette-search"
      />
      {nodeTypes.isPending && <div className="palette__loading">Loading node types…</div>}
      {nodeTypes.isError && (
        <div className="palette__loading text-danger">Couldn't load node types.</div>
      )}
      {CATEGORY_ORDER.map((category) => {
        // Within a category, the best matches first.
        const items = matches.filter((d) => d.category === category);
        if (items.length === 0) return null;
        return (
          <section key={category} className="palette__group">
            <h3 className="palette__group-title">{CATEGORY_STYLES[category].heading}</h3>
            {items.map((descriptor) => (
              <button
                key={descriptor.type}
                type="button"
                className="palette__item"
                draggable
                title={`${descriptor.description}\n\nClick to add, or drag onto the canvas.`}
                data-testid={`palette-${descriptor.type}`}
                onDragStart={(event) => {
                  event.dataTransfer.setData(PALETTE_DRAG_TYPE, descriptor.type);
                  event.dataTransfer.effectAllowed = 'move';
                }}
                onClick={() => onAdd(descriptor)}
              >
                <CategoryIcon category={descriptor.category} svg={descriptor.icon} />
                <span className="palette__text">
                  <span className="palette__title">{descriptor.title}</span>
                  <span className="palette__description">{descriptor.description}</span>
                </span>
              </button>
            ))}
          </section>
        );
      })}
      {nodeTypes.data && matches.length === 0 && (
        <div className="palette__loading">No node type matches “{query}”.</div>
      )}
      <div className="palette__hint">
        Press <kbd>/</kbd> on the canvas to search and add a node; drop a connection on empty canvas
        to add a connected one. Drag from a node's right handle to another node to connect. Select
        and press <kbd>⌫</kbd> to delete (<kbd>Shift</kbd>+<kbd>⌫</kbd> reconnects its neighbours).
        Shift-drag to box-select;
        <kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes, <kbd>Ctrl</kbd>+<kbd>C</kbd>/<kbd>V</kbd> copy and
        paste; right-click for more.
      </div>
    </aside>
  );
}
