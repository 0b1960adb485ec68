/**
 * The URL of a module that is started on its own (a sandbox process's entry, a task), next to the
 * module asking. From source that is the `.ts` file; in the server's production build the asking
 * module is bundled into `main.js`, and the build emits each such module as an entry of its own at
 * the same relative path, as `.js` (apps/server/scripts/build.mjs).
 */
export function siblingModule(relativePath: string, base: string): URL {
  const extension = new URL(base).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativePath}${extension}`, base);
}
