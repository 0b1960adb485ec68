/** Node types grouped by category: drag one onto the canvas, or click to drop it in the middle. */
import type { NodeTypeDescriptor } from '../api/types.ts';
import { CATEGORY_ORDER, CATEGORY_STYLES, CategoryIcon } from '../node-types/category-style.tsx';
import { useNodeTypes } from '../node-types/use-node-types.ts';

export const PALETTE_DRAG_TYPE = 'application/x-patchbay-node-type';

export function NodePalette({ onAdd }: { onAdd: (descriptor: NodeTypeDescriptor) => void }) {
  const nodeTypes = useNodeTypes();

  return (
    <aside className="palette" data-testid="node-palette" aria-label="Node palette">
      <div className="panel-heading">Nodes</div>
      {nodeTypes.isPending && <div className="palette__loading">Loading node types…</div>}
      {nodeTypes.isError && (
        <div className="palette__loading text-danger">Couldn't load node types.</div>
      )}
      {CATEGORY_ORDER.map((category) => {
        const items = nodeTypes.data?.list.filter((d) => d.category === category) ?? [];
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
      <div className="palette__hint">
        Drag from a node's right handle to another node to connect. Select and press <kbd>⌫</kbd> to
        delete (<kbd>Shift</kbd>+<kbd>⌫</kbd> reconnects its neighbours). Shift-drag to box-select;
        <kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes, <kbd>Ctrl</kbd>+<kbd>C</kbd>/<kbd>V</kbd> copy and
        paste; right-click for more.
      </div>
    </aside>
  );
}
