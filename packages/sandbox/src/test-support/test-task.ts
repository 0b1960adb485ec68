/** Sandbox task `test` for the sandbox's own tests: each operation misbehaves in one way. */
export type TestTaskInput =
  | { op: 'echo'; value: unknown }
  | { op: 'pid' }
  | { op: 'sleep'; ms: number; value: unknown }
  /** Holds the event loop forever. */
  | { op: 'spin' }
  /** Grows one array until the heap is gone: the shape that aborts a whole process from a worker thread. */
  | { op: 'allocate' }
  | { op: 'throw'; code: string; message: string }
  | { op: 'big'; chars: number };

export default async function run(input: TestTaskInput): Promise<unknown> {
  switch (input.op) {
    case 'echo':
      return input.value;
    case 'pid':
      return process.pid;
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, input.ms));
      return input.value;
    case 'spin':
      for (;;) {
        // Nothing: never yields.
      }
    case 'allocate': {
      const items: number[][] = [];
      for (let i = 0; ; i++) items.push([i, i, i, i]);
    }
    case 'throw':
      throw Object.assign(new Error(input.message), {
        code: input.code,
        details: { from: 'test-task' },
      });
    case 'big':
      return 'x'.repeat(input.chars);
    default:
      return undefined;
  }
}
