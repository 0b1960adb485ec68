/** The mark on a node card whose output is pinned (sample data for testing the nodes after it). */
import { PinIcon } from '../../ui/icons.tsx';

export function PinMarker({ nodeId }: { nodeId: string }) {
  return (
    <span
      className="pin-marker"
      role="img"
      aria-label="Output pinned"
      title="Output pinned: testing a node after this one uses it as this node's output"
      data-testid={`node-pinned-${nodeId}`}
    >
      <PinIcon size={12} />
    </span>
  );
}
