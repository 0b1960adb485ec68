/** Category → colour token, icon and heading, shared by palette, canvas nodes and run views. */
import type { ComponentType } from 'react';
import type { NodeCategory } from '../api/types.ts';
import { BracesIcon, BranchIcon, GlobeIcon, ZapIcon } from '../ui/icons.tsx';

type CategoryStyle = {
  heading: string;
  icon: ComponentType<{ size?: number }>;
  /** CSS class that sets `--cat` / `--cat-soft` for the element and its children. */
  className: string;
};

export const CATEGORY_ORDER: readonly NodeCategory[] = ['trigger', 'action', 'transform', 'logic'];

export const CATEGORY_STYLES = {
  trigger: { heading: 'Triggers', icon: ZapIcon, className: 'cat-trigger' },
  action: { heading: 'Actions', icon: GlobeIcon, className: 'cat-action' },
  transform: { heading: 'Transforms', icon: BracesIcon, className: 'cat-transform' },
  logic: { heading: 'Logic', icon: BranchIcon, className: 'cat-logic' },
} satisfies Record<NodeCategory, CategoryStyle>;

export function categoryStyle(category: NodeCategory | undefined): CategoryStyle {
  return category
    ? CATEGORY_STYLES[category]
    : { heading: 'Unknown', icon: BracesIcon, className: 'cat-unknown' };
}

/**
 * A node type's icon in its category's colours: the connector's own SVG when it ships one
 * (a webhook, a clock), else the category's. The SVG is used as a CSS mask, never inserted as
 * markup, so it draws in the category colour and cannot run anything.
 */
export function CategoryIcon({
  category,
  size = 14,
  svg,
}: {
  category: NodeCategory | undefined;
  size?: number;
  /** The node type's own icon (NodeTypeDescriptor.icon): an SVG document. */
  svg?: string | undefined;
}) {
  const { icon: Icon, className } = categoryStyle(category);
  return (
    <span className={`cat-icon ${className}`}>
      {svg ? <SvgMaskIcon svg={svg} size={size} /> : <Icon size={size} />}
    </span>
  );
}

const maskUrls = new Map<string, string>();

function SvgMaskIcon({ svg, size }: { svg: string; size: number }) {
  let url = maskUrls.get(svg);
  if (!url) {
    url = `url("data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}")`;
    maskUrls.set(svg, url);
  }
  return (
    <span
      className="svg-mask-icon"
      aria-hidden="true"
      style={{ width: size, height: size, maskImage: url, WebkitMaskImage: url }}
    />
  );
}
