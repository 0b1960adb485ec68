/**
 * Collapsible, syntax-coloured JSON tree with a copy button, for step input/output/error; and a
 * preview of a value too large to show whole. Given a `pathRoot`, each line can be dragged: it
 * carries its JSONata path (`$.body.items[0]`) to a config field.
 */
import { type DragEvent, useState } from 'react';
import {
  EXPRESSION_PATH_MIME,
  expressionPath,
  type PathSegment,
} from '../editor/run-data/expression-path.ts';
import { CopyButton } from './copy-button.tsx';
import { formatBytes } from './format.ts';
import { ChevronRightIcon } from './icons.tsx';

const AUTO_EXPAND_DEPTH = 2;
const MAX_AUTO_EXPAND_ENTRIES = 30;

function Primitive({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (value === undefined) return <span className="json-null">undefined</span>;
  if (typeof value === 'string')
    return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

/** The props a line needs to be dragged as its path, or none without a root. */
function dragProps(pathRoot: string | undefined, segments: readonly PathSegment[]) {
  if (pathRoot === undefined) return {};
  const path = expressionPath(pathRoot, segments);
  return {
    draggable: true,
    title: `Drag ${path} into a field`,
    'data-path': path,
    onDragStart: (event: DragEvent<HTMLDivElement>) => {
      event.stopPropagation();
      event.dataTransfer.setData(EXPRESSION_PATH_MIME, path);
      event.dataTransfer.setData('text/plain', path);
      event.dataTransfer.effectAllowed = 'copy';
    },
  };
}

function JsonNode({
  name,
  value,
  depth,
  last,
  pathRoot,
  segments,
}: {
  name: string | undefined;
  value: unknown;
  depth: number;
  last: boolean;
  pathRoot: string | undefined;
  /** Where the value sits under the root. */
  segments: readonly PathSegment[];
}) {
  const isArray = Array.isArray(value);
  const isObject = typeof value === 'object' && value !== null;
  const entries: [string, unknown][] = isObject
    ? isArray
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value)
    : [];
  const [open, setOpen] = useState(
    depth < AUTO_EXPAND_DEPTH && entries.length <= MAX_AUTO_EXPAND_ENTRIES,
  );
  const key =
    name === undefined ? null : (
      <span className="json-key">{isArrayKey(name) ? '' : `"${name}": `}</span>
    );
  const comma = last ? '' : ',';

  if (!isObject || entries.length === 0) {
    return (
      <div
        className="json-line"
        style={{ paddingLeft: indent(depth) }}
        {...dragProps(pathRoot, segments)}
      >
        {key}
        {isObject ? (
          <span className="json-punct">{isArray ? '[]' : '{}'}</span>
        ) : (
          <Primitive value={value} />
        )}
        {comma}
      </div>
    );
  }

  const [openBrace, closeBrace] = isArray ? ['[', ']'] : ['{', '}'];
  return (
    <>
      <div
        className="json-line json-line--toggle"
        style={{ paddingLeft: indent(depth) }}
        {...dragProps(pathRoot, segments)}
      >
        <button
          type="button"
          style={{ left: indent(depth) - 14 }}
          className={`json-toggle${open ? ' is-open' : ''}`}
          onClick={() => setOpen(!open)}
          aria-label={open ? 'Collapse' : 'Expand'}
        >
          <ChevronRightIcon size={11} />
        </button>
        {key}
        <span className="json-punct">{openBrace}</span>
        {!open && (
          <>
            <button type="button" className="json-summary" onClick={() => setOpen(true)}>
              {entries.length}{' '}
              {isArray
                ? entries.length === 1
                  ? 'item'
                  : 'items'
                : entries.length === 1
                  ? 'key'
                  : 'keys'}
            </button>
            <span className="json-punct">{closeBrace}</span>
            {comma}
          </>
        )}
      </div>
      {open &&
        entries.map(([k, v], i) => (
          <JsonNode
            key={k}
            name={isArray ? `[${k}]` : k}
            value={v}
            depth={depth + 1}
            last={i === entries.length - 1}
            pathRoot={pathRoot}
            segments={[...segments, isArray ? i : k]}
          />
        ))}
      {open && (
        <div className="json-line" style={{ paddingLeft: indent(depth) }}>
          <span className="json-punct">{closeBrace}</span>
          {comma}
        </div>
      )}
    </>
  );
}

function indent(depth: number): number {
  return 14 + depth * 14;
}

function isArrayKey(name: string) {
  return name.startsWith('[');
}

export function JsonViewer({
  value,
  testId,
  pathRoot,
}: {
  value: unknown;
  testId?: string;
  /** The expression root of the value (`$`, `$nodes.call`): its lines drag as paths. */
  pathRoot?: string | undefined;
}) {
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2);
  return (
    <div className="json-viewer" data-testid={testId}>
      <div className="json-viewer__actions">
        <CopyButton text={text} />
      </div>
      <div className="json-viewer__tree">
        <JsonNode name={undefined} value={value} depth={0} last pathRoot={pathRoot} segments={[]} />
      </div>
    </div>
  );
}

/**
 * The start of a JSON value too large to show whole: its size, the first bytes of its text (or a
 * note when none were sent), and room for actions such as a download.
 */
export function JsonPreview({
  bytes,
  preview,
  actions,
  testId,
}: {
  bytes: number;
  preview: string;
  actions?: React.ReactNode;
  testId?: string;
}) {
  return (
    <div className="json-preview" data-testid={testId} data-truncated="true">
      <div className="json-preview__header">
        <span className="small" data-testid={testId ? `${testId}-size` : undefined}>
          {preview === ''
            ? `Not shown: ${formatBytes(bytes)}, and this run's values are too large to show at once.`
            : `Too large to show whole (${formatBytes(bytes)}); the first ${formatBytes(new TextEncoder().encode(preview).length)} follow.`}
        </span>
        {actions}
      </div>
      {preview !== '' && (
        <pre className="json-preview__text">
          {preview}
          <span className="json-preview__more">…</span>
        </pre>
      )}
    </div>
  );
}
