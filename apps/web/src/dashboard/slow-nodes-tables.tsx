/** The slowest flow nodes (p95) and the same figures per node type. */
import { Link } from 'wouter';
import type { RouterOutputs } from '../api/types.ts';
import { formatDuration } from '../ui/format.ts';
import { formatPercent } from '../upstreams/upstream-format.ts';

type NodeStats = RouterOutputs['stats']['nodes'];

export function SlowNodesTable({
  nodes,
  showFlow,
}: {
  nodes: NodeStats['nodes'];
  showFlow: boolean;
}) {
  const slowest = Math.max(1, ...nodes.map((n) => n.p95Ms ?? 0));
  return (
    <table className="table dash-table" data-testid="slow-nodes">
      <thead>
        <tr>
          <th>Node</th>
          {showFlow && <th>Flow</th>}
          <th className="num">p95</th>
          <th className="num">p50</th>
          <th className="num">Steps</th>
          <th className="num">Errors</th>
          <th className="num">Retries</th>
          <th className="num" title="Time spent waiting on breakers and rate limits">
            Waited
          </th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((node) => (
          <tr key={`${node.flowId}:${node.nodeId}`} data-testid={`slow-node-${node.nodeId}`}>
            <td>
              <Link href={`/flows/${node.flowId}`}>{node.nodeLabel ?? node.nodeId}</Link>{' '}
              <span className="chip chip--muted">{node.nodeType}</span>
            </td>
            {showFlow && <td className="muted">{node.flowName}</td>}
            <td className="num">
              <span className="dash-meter" aria-hidden="true">
                <span
                  className="dash-meter__fill"
                  style={{ width: `${((node.p95Ms ?? 0) / slowest) * 100}%` }}
                />
              </span>
              {formatDuration(node.p95Ms)}
            </td>
            <td className="num muted">{formatDuration(node.p50Ms)}</td>
            <td className="num">{node.steps.toLocaleString()}</td>
            <td className={`num${node.failed > 0 ? ' dash-danger-text' : ' muted'}`}>
              {node.errorRate === null ? '—' : formatPercent(node.errorRate)}
            </td>
            <td className="num muted">{node.retries.toLocaleString()}</td>
            <td className="num muted">{node.waitMs > 0 ? formatDuration(node.waitMs) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NodeTypesTable({ nodeTypes }: { nodeTypes: NodeStats['nodeTypes'] }) {
  return (
    <table className="table dash-table" data-testid="node-types">
      <thead>
        <tr>
          <th>Node type</th>
          <th className="num">p95</th>
          <th className="num">Steps</th>
          <th className="num">Errors</th>
        </tr>
      </thead>
      <tbody>
        {nodeTypes.map((type) => (
          <tr key={type.nodeType} data-testid={`node-type-${type.nodeType}`}>
            <td>
              <code>{type.nodeType}</code>
            </td>
            <td className="num">{formatDuration(type.p95Ms)}</td>
            <td className="num">{type.steps.toLocaleString()}</td>
            <td className={`num${type.failed > 0 ? ' dash-danger-text' : ' muted'}`}>
              {type.errorRate === null ? '—' : formatPercent(type.errorRate)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
