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

export function CategoryIcon({
  category,
  size = 14,
}: {
  category: NodeCategory | undefined;
  size?: number;
}) {
  const { icon: Icon, className } = categoryStyle(category);
  return (
    <span className={`cat-icon ${className}`}>
      <Icon size={size} />
    </span>
  );
}
