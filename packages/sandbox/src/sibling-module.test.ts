import { describe, expect, it } from 'vitest';
import { siblingModule } from './sibling-module.ts';

describe('siblingModule', () => {
  it('points at the TypeScript source when asked from source', () => {
    expect(
      siblingModule('./tasks/jsonata-task', 'file:///repo/packages/sandbox/src/x.ts').href,
    ).toBe('file:///repo/packages/sandbox/src/tasks/jsonata-task.ts');
  });

  it('points at the built JavaScript beside a bundle', () => {
    expect(siblingModule('./sandbox-entry', 'file:///repo/apps/server/dist/main.js').href).toBe(
      'file:///repo/apps/server/dist/sandbox-entry.js',
    );
  });
});
