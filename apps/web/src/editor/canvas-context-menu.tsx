/** Right-click menu on nodes and on the empty canvas. */
import type { XYPosition } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { comboLabel, EDITOR_KEYS } from '../ui/keyboard-map.ts';
import { IS_MAC } from '../ui/platform.ts';
import { reconnectableEdges } from './delete-and-reconnect.ts';
import {
  copySelected,
  cutSelected,
  deleteNodeAndReconnect,
  deleteSelected,
  duplicateSelected,
  pasteClipboard,
  selectAll,
} from './editor-commands.ts';
import { editorHistory } from './editor-history.ts';
import { useEditorStore } from './editor-store.ts';
import { selectLayoutScope, useAutoLayout } from './use-auto-layout.ts';

export type ContextMenuTarget =
  | { kind: 'node'; nodeId: string; screen: XYPosition; flow: XYPosition }
  | { kind: 'pane'; screen: XYPosition; flow: XYPosition };

/** A menu item's key hint, as the keyboard map shows it. */
const hint = (keys: keyof typeof EDITOR_KEYS) => comboLabel(EDITOR_KEYS[keys], IS_MAC);

type Item = { id: string; label: string; hint?: string; disabled?: boolean; run: () => unknown };

export function CanvasContextMenu({
  target,
  onClose,
}: {
  target: ContextMenuTarget;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const canUndo = editorHistory.useStatus((s) => s.canUndo);
  const canRedo = editorHistory.useStatus((s) => s.canRedo);
  const canReconnect = useEditorStore((s) =>
    target.kind === 'node' ? reconnectableEdges(s.edges, target.nodeId) !== null : false,
  );

  const layoutSelection = useEditorStore(selectLayoutScope) === 'selection';
  const autoLayout = useAutoLayout();
  const layoutItem: Item = {
    id: 'auto-layout',
    label: layoutSelection ? 'Auto-layout selection' : 'Auto-layout',
    hint: hint('autoLayout'),
    run: autoLayout,
  };

  useEffect(() => {
    const onPointerDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, [onClose]);

  const items: Item[] =
    target.kind === 'node'
      ? [
          { id: 'copy', label: 'Copy', hint: hint('copy'), run: copySelected },
          { id: 'cut', label: 'Cut', hint: hint('cut'), run: cutSelected },
          { id: 'duplicate', label: 'Duplicate', hint: hint('duplicate'), run: duplicateSelected },
          { id: 'delete', label: 'Delete', hint: hint('delete'), run: deleteSelected },
          {
            id: 'delete-reconnect',
            label: 'Delete and reconnect',
            hint: hint('deleteAndReconnect'),
            disabled: !canReconnect,
            run: () => deleteNodeAndReconnect(target.nodeId),
          },
          ...(layoutSelection ? [layoutItem] : []),
        ]
      : [
          {
            id: 'paste',
            label: 'Paste here',
            hint: hint('paste'),
            run: () => pasteClipboard(target.flow),
          },
          { id: 'select-all', label: 'Select all', hint: hint('selectAll'), run: selectAll },
          layoutItem,
          {
            id: 'undo',
            label: 'Undo',
            hint: hint('undo'),
            disabled: !canUndo,
            run: editorHistory.undo,
          },
          {
            id: 'redo',
            label: 'Redo',
            hint: hint('redo'),
            disabled: !canRedo,
            run: editorHistory.redo,
          },
        ];

  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      style={{ left: target.screen.x, top: target.screen.y }}
      data-testid="canvas-context-menu"
    >
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          className="context-menu__item"
          disabled={item.disabled}
          data-testid={`context-${item.id}`}
          onClick={() => {
            onClose();
            void item.run();
          }}
        >
          <span>{item.label}</span>
          {item.hint && <kbd className="context-menu__hint">{item.hint}</kbd>}
        </button>
      ))}
    </div>
  );
}
