/**
 * Counts React renders of canvas node components in a page running the production build, through
 * the hook React DevTools uses (`__REACT_DEVTOOLS_GLOBAL_HOOK__`, called on every commit even in
 * production). A node component is recognised by React Flow's node props (`id` and
 * `positionAbsoluteX`), so minified names don't matter. Install with `page.addInitScript` before
 * the app loads.
 */
import type { Page } from 'playwright-core';

// A string, not a function: tsx would wrap named functions in a helper the page does not have.
export const REACT_RENDER_COUNTER_SCRIPT = `(() => {
  const PERFORMED_WORK = 1;
  const renders = new Map();
  // A fiber a commit skipped keeps its old flags; count it again only if it has new props or state.
  const seen = new WeakMap();
  const visit = (fiber) => {
    const stack = [fiber];
    while (stack.length > 0) {
      const current = stack.pop();
      if (!current) continue;
      const props = current.memoizedProps;
      if (
        props && typeof props === 'object' && typeof props.id === 'string' &&
        'positionAbsoluteX' in props && (current.flags & PERFORMED_WORK) === PERFORMED_WORK
      ) {
        const last = seen.get(current);
        if (!last || last.props !== props || last.state !== current.memoizedState) {
          seen.set(current, { props, state: current.memoizedState });
          renders.set(props.id, (renders.get(props.id) ?? 0) + 1);
        }
      }
      if (current.sibling) stack.push(current.sibling);
      if (current.child) stack.push(current.child);
    }
  };
  let nextId = 1;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject(renderer) {
      const id = nextId++;
      this.renderers.set(id, renderer);
      return id;
    },
    onCommitFiberRoot(_id, root) { visit(root.current); },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    onScheduleFiberRoot() {},
    setStrictMode() {},
    checkDCE() {},
  };
  window.__nodeRenders = {
    counts: () => Object.fromEntries(renders),
    reset: () => renders.clear(),
  };
})()`;

/** Renders of each node component (by node id) since the page loaded or the last reset. */
export function nodeRenderCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate<Record<string, number>>('window.__nodeRenders.counts()');
}

export async function resetNodeRenderCounts(page: Page): Promise<void> {
  await page.evaluate('window.__nodeRenders.reset()');
}

/**
 * Resolves after the page has drawn two more frames: a render caused by a size change (React
 * Flow measures a node that grew in the frame after) has landed by then.
 */
export async function afterTwoFrames(page: Page): Promise<void> {
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
}
