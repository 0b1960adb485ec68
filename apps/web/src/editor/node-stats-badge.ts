/**
 * What the editor's stats overlay says on a node: p95 and error rate on the badge, coloured by the
 * error rate, and the counts behind them in the tooltip. Pure; the figures come from stats.nodes.
 */
import { formatDuration } from '../ui/format.ts';

/** The stats.nodes figures the badge uses. */
export type NodeFigures = {
  steps: number;
  failed: number;
  errorRate: number | null;
  p95Ms: number | null;
  retries: number;
};

export type NodeStatsTone = 'ok' | 'warn' | 'bad';

export type NodeStatsBadge = { text: string; tone: NodeStatsTone; tooltip: string };

/** Error rates from which the badge turns amber, then red. */
export const WARN_ERROR_RATE = 0.01;
export const BAD_ERROR_RATE = 0.05;

/** The badge of a node, or undefined when it has no finished attempt in the range. */
export function nodeStatsBadge(figures: NodeFigures | undefined): NodeStatsBadge | undefined {
  if (!figures || figures.steps === 0) return undefined;
  const rate = figures.errorRate ?? figures.failed / figures.steps;
  const parts = [];
  if (figures.p95Ms !== null) parts.push(`p95 ${formatDuration(figures.p95Ms)}`);
  parts.push(`${formatPercent(rate)} errors`);
  return {
    text: parts.join(' · '),
    tone: rate >= BAD_ERROR_RATE ? 'bad' : rate >= WARN_ERROR_RATE ? 'warn' : 'ok',
    tooltip: [
      plural(figures.steps, 'step'),
      `${figures.failed} failed`,
      plural(figures.retries, 'retry', 'retries'),
    ].join(' · '),
  };
}

/** 0 %, 0.4 %, 4 %, 100 %: one decimal below 1 %, so a rare failure does not read as none. */
export function formatPercent(rate: number): string {
  const percent = rate * 100;
  if (percent === 0 || percent >= 1) return `${Math.round(percent)} %`;
  return `${Math.max(0.1, Math.round(percent * 10) / 10)} %`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
