/**
 * The searchable node picker (`/` or Tab on the canvas, or a connection dropped on empty
 * canvas): type to filter, arrows to move, Enter to add, Esc to close.
 */
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { NodeTypeDescriptor } from '../api/types.ts';
import { CategoryIcon } from '../node-types/category-style.tsx';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { useModalDialog } from '../ui/use-modal-dialog.ts';
import { type NodePickerRequest, useNodePicker } from './node-picker-store.ts';
import { searchNodeTypes } from './node-type-search.ts';

const PICKER_WIDTH = 360;
const PICKER_HEIGHT = 380;

/** Beside the drop point, kept on screen. */
function pickerStyle(request: NodePickerRequest | null) {
  if (request?.kind !== 'connect') return { width: PICKER_WIDTH };
  const left = Math.max(8, Math.min(request.screen.x + 12, window.innerWidth - PICKER_WIDTH - 8));
  const top = Math.max(8, Math.min(request.screen.y - 24, window.innerHeight - PICKER_HEIGHT - 8));
  return { width: PICKER_WIDTH, margin: 0, left, top };
}

export function NodePicker({
  onPick,
}: {
  onPick: (descriptor: NodeTypeDescriptor, request: NodePickerRequest) => void;
}) {
  const request = useNodePicker((s) => s.request);
  const close = useNodePicker((s) => s.close);
  const open = request !== null;
  const modal = useModalDialog(open, close, 'input');

  return (
    <dialog
      {...modal}
      className="dialog node-picker"
      style={pickerStyle(request)}
      aria-label="Add a node"
      data-testid="node-picker"
    >
      {request && <PickerBody request={request} onPick={onPick} onClose={close} />}
    </dialog>
  );
}

function PickerBody({
  request,
  onPick,
  onClose,
}: {
  request: NodePickerRequest;
  onPick: (descriptor: NodeTypeDescriptor, request: NodePickerRequest) => void;
  onClose: () => void;
}) {
  const catalog = useNodeTypes().data;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const listId = useId();

  const results = useMemo(() => {
    const offered =
      request.kind === 'connect'
        ? (catalog?.list.filter((d) => d.inputs.length > 0) ?? [])
        : (catalog?.list ?? []);
    return searchNodeTypes(offered, query);
  }, [catalog, query, request.kind]);
  const current = results[Math.min(active, results.length - 1)];

  useEffect(() => {
    listRef.current
      ?.querySelector('[aria-selected="true"]')
      ?.scrollIntoView?.({ block: 'nearest' });
  });

  const pick = (descriptor: NodeTypeDescriptor | undefined) => {
    if (!descriptor) return;
    onClose();
    onPick(descriptor, request);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const move = (delta: number) => {
      event.preventDefault();
      if (results.length > 0) setActive((i) => (i + delta + results.length) % results.length);
    };
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if (event.key === 'Enter') {
      event.preventDefault();
      pick(current);
    } else if (event.key === 'Tab') {
      // The search box is the picker's only stop: focus stays in it.
      event.preventDefault();
    }
  };

  const optionId = (type: string) => `${listId}-${type}`;

  return (
    <div className="node-picker__panel">
      <input
        className="input node-picker__search"
        type="search"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={current ? optionId(current.type) : undefined}
        aria-label={request.kind === 'connect' ? 'Add a connected node' : 'Add a node'}
        placeholder={request.kind === 'connect' ? 'Connect to a new node…' : 'Search nodes…'}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-testid="node-picker-search"
        autoComplete="off"
        spellCheck={false}
      />
      <div id={listId} ref={listRef} className="node-picker__list" role="listbox">
        {results.map((descriptor) => {
          const selected = descriptor === current;
          return (
            // Keys are handled by the search box (aria-activedescendant), as in a combobox.
            // biome-ignore lint/a11y/useKeyWithClickEvents: the search box owns the keyboard
            <div
              key={descriptor.type}
              tabIndex={-1}
              id={optionId(descriptor.type)}
              role="option"
              aria-selected={selected}
              className={`node-picker__option${selected ? ' is-active' : ''}`}
              data-testid={`node-picker-option-${descriptor.type}`}
              onMouseMove={() => setActive(results.indexOf(descriptor))}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(descriptor)}
            >
              <CategoryIcon category={descriptor.category} svg={descriptor.icon} />
              <span className="palette__text">
                <span className="palette__title">{descriptor.title}</span>
                <span className="palette__description">{descriptor.description}</span>
              </span>
              <code className="node-picker__type">{descriptor.type}</code>
            </div>
          );
        })}
        {results.length === 0 && (
          <div className="node-picker__empty">No node type matches “{query}”.</div>
        )}
      </div>
      <div className="node-picker__hint">
        <kbd>↑</kbd>
        <kbd>↓</kbd> to move, <kbd>Enter</kbd> to add, <kbd>Esc</kbd> to close
      </div>
    </div>
  );
}
