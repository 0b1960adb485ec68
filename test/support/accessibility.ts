/**
 * axe-core in a Playwright page: injects axe's source once per document and reports the
 * violations a keyboard or screen-reader user would hit hardest (impact serious or critical),
 * each as rule, help text and the offending elements' selectors, so a failure reads on its own.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export type AxeViolation = {
  rule: string;
  impact: string;
  help: string;
  /** The offending elements (at most a few): CSS selector, then what is wrong with it. */
  targets: string[];
};

const REPORTED_IMPACTS = ['serious', 'critical'];
const TARGETS_SHOWN = 10;

/**
 * Runs axe on the whole page. `exclude` lists selectors of third-party widget internals axe must
 * skip; each caller justifies its entries.
 */
export async function seriousViolations(
  page: Page,
  options: { exclude?: readonly string[] } = {},
): Promise<AxeViolation[]> {
  // Strings: this package's tsconfig has no DOM types. Evaluated, not added as a <script>: the
  // app's Content-Security-Policy rightly refuses inline scripts.
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) {
    await page.evaluate(axe.source);
  }
  // A dialog fading in has, for a moment, text blended with its background: check what stays
  // on screen once running transitions and animations have finished (infinite ones excepted).
  await page.evaluate(`Promise.all(
    document.getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
      .map((animation) => animation.finished.catch(() => undefined)),
  )`);
  const context = { include: [['html']], exclude: (options.exclude ?? []).map((s) => [s]) };
  return page.evaluate<AxeViolation[]>(`
    axe.run(${JSON.stringify(context)}, { resultTypes: ['violations'] }).then((results) =>
      results.violations
        .filter((v) => ${JSON.stringify(REPORTED_IMPACTS)}.includes(v.impact))
        .map((v) => ({
          rule: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.slice(0, ${TARGETS_SHOWN}).map((n) => {
            const check = [...n.any, ...n.all, ...n.none][0];
            return n.target.join(' ') + (check ? ': ' + check.message : '');
          }),
        })),
    )
  `);
}
