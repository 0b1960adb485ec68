/**
 * The visual body of a flow node on any canvas (editor or run view): category icon and colour,
 * title, id, one-line config summary and one React Flow handle per declared port. Zoomed out
 * (see low-zoom.ts) it keeps only the coloured box, the title and the handles edges attach to.
 */
import { Handle, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import type { NodeTypeDescriptor } from '../api/types.ts';
import type { FlowNodeData } from '../editor/flow-types.ts';
import { CategoryIcon, categoryStyle } from './category-style.tsx';
import { configSummary } from './config-summary.ts';
import { useLowZoom } from './low-zoom.ts';

type Port = { id: string; label: string };
// Until descriptors load (or for an unknown type) assume one in, one out so edges still draw.
const FALLBACK_PORTS: readonly Port[] = [{ id: 'in', label: 'in' }];
const FALLBACK_OUT: readonly Port[] = [{ id: 'out', label: 'out' }];

export function NodeCard({
  id,
  data,
  descriptor,
  className = '',
  badge,
  marker,
  footer,
  connectable,
  selected,
}: {
  id: string;
  data: FlowNodeData;
  descriptor: NodeTypeDescriptor | undefined;
  className?: string;
  badge?: ReactNode;
  /** A small mark beside the badge (the editor's pinned-output pin). */
  marker?: ReactNode;
  footer?: ReactNode;
  connectable: boolean;
  selected: boolean;
}) {
  const lowZoom = useLowZoom();
  const category = descriptor?.category;
  const inputs = descriptor?.inputs ?? FALLBACK_PORTS;
  const outputs = descriptor?.outputs ?? FALLBACK_OUT;
  const title = data.label || descriptor?.title || data.nodeType;
  const labelledOutputs = outputs.length > 1;
  const cardClassName = `node-card ${categoryStyle(category).className}${selected ? ' is-selected' : ''} ${className}`;

  const inputHandles = inputs.map((port, index) => (
    <Handle
      key={port.id}
      id={port.id}
      type="target"
      position={Position.Left}
      isConnectable={connectable}
      className="node-handle node-handle--in"
      style={
        inputs.length > 1 ? { top: `${((index + 1) / (inputs.length + 1)) * 100}%` } : undefined
      }
      data-testid={`handle-${id}-in-${port.id}`}
    />
  ));

  if (lowZoom) {
    // Edges need every handle; a branching node's outputs spread down its right side.
    return (
      <div
        className={`${cardClassName} node-card--compact`}
        data-testid={`node-${id}`}
        data-node-type={data.nodeType}
      >
        {inputHandles}
        <div className="node-card__title">{title}</div>
        {outputs.map((port, index) => (
          <Handle
            key={port.id}
            id={port.id}
            type="source"
            position={Position.Right}
            isConnectable={connectable}
            className={`node-handle node-handle--out node-handle--${port.id}`}
            style={
              labelledOutputs
                ? { top: `${((index + 1) / (outputs.length + 1)) * 100}%` }
                : undefined
            }
            data-testid={`handle-${id}-out-${port.id}`}
          />
        ))}
      </div>
    );
  }

  const summary = configSummary(descriptor?.configJsonSchema, data.config);
  return (
    <div className={cardClassName} data-testid={`node-${id}`} data-node-type={data.nodeType}>
      {inputHandles}
      <div className="node-card__header">
        <CategoryIcon category={category} size={15} svg={descriptor?.icon} />
        <div className="node-card__titles">
          <div className="node-card__title" title={title}>
            {title}
          </div>
          <div className="node-card__meta">
            <span className="node-card__id">{id}</span>
            {data.label && descriptor && (
              <span className="node-card__type">{descriptor.title}</span>
            )}
            {!descriptor && <span className="node-card__type">{data.nodeType}</span>}
          </div>
        </div>
        {marker}
        {badge}
      </div>
      {summary && (
        <div className="node-card__summary" title={summary}>
          {summary}
        </div>
      )}
      {footer}
      {labelledOutputs ? (
        <div className="node-card__ports">
          {outputs.map((port) => (
            <div key={port.id} className={`node-card__port node-card__port--${port.id}`}>
              <span>{port.label}</span>
              <Handle
                id={port.id}
                type="source"
                position={Position.Right}
                isConnectable={connectable}
                className={`node-handle node-handle--out node-handle--${port.id}`}
                data-testid={`handle-${id}-out-${port.id}`}
              />
            </div>
          ))}
        </div>
      ) : (
        outputs.map((port) => (
          <Handle
            key={port.id}
            id={port.id}
            type="source"
            position={Position.Right}
            isConnectable={connectable}
            className="node-handle node-handle--out"
            data-testid={`handle-${id}-out-${port.id}`}
          />
        ))
      )}
    </div>
  );
}
