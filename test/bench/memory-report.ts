/** `pnpm bench memory` figures as Markdown, for docs/benchmarks.md. */
import type { ConstructorGrowth } from './heap-snapshot.ts';
import type { MemoryPoint, MemoryResult, Stage } from './memory.ts';
import { topGrowth } from './memory.ts';

const TOP = 15;

export function memoryRows(result: MemoryResult): string[] {
  const { idle, a, b } = result;
  const stages: [string, Stage][] = [
    ['idle, after start-up', idle],
    [`A: ${format(result.warmupRuns)} runs in`, a],
    [`B: ${format(result.runs)} runs later`, b],
  ];
  const row = (label: string, cell: (stage: Stage) => string, change: string) =>
    `| ${label} | ${stages.map(([, stage]) => cell(stage)).join(' | ')} | ${change} |`;
  const delta = (pick: (stage: Stage) => number | undefined) =>
    signed((pick(b) ?? Number.NaN) - (pick(a) ?? Number.NaN));
  const gc = (pick: (point: MemoryPoint) => number) => (stage: Stage) => pick(stage.collected);
  const rejected = Object.entries(result.rejectedByStatus)
    .map(([status, count]) => `${status}: ${format(count)}`)
    .join(', ');
  const snapshot = (stage: Stage) =>
    stage.snapshotHeapMb === undefined ? '—' : mb(stage.snapshotHeapMb);
  const { snapshotCost, idleAfterLoad } = result;
  return [
    `Load average at the start: ${loads(result.loadAverageAtStart)}, at the end: ${loads(result.loadAverageAtEnd)} (1, 5, 15 min). c=${result.connections}: ${format(result.runs)} runs sent in ${Math.round(result.loadSeconds)} s (${format(Math.round(result.runs / result.loadSeconds))}/s)${rejected ? `; shed and sent again: ${rejected}` : ''}. Server environment: MALLOC_ARENA_MAX ${result.serverEnv.MALLOC_ARENA_MAX ?? 'unset'}, NODE_OPTIONS \`${result.serverEnv.NODE_OPTIONS ?? ''}\`. Runs of the flow at B: ${Object.entries(
      result.runsByStatus,
    )
      .map(([status, count]) => `${status} ${format(count)}`)
      .join(', ')}.`,
    '',
    `| memory: \`bash scripts/start.sh\`, ${result.settleSeconds} s after the queue drained | ${stages.map(([label]) => label).join(' | ')} | B − A |`,
    `| --- | ${stages.map(() => '---').join(' | ')} | --- |`,
    row(
      'V8 heap, live (heap snapshot, total self size)',
      snapshot,
      delta((s) => s.snapshotHeapMb),
    ),
    row(
      'heap snapshot, objects',
      (s) => (s.snapshotNodes === undefined ? '—' : format(s.snapshotNodes)),
      signedCount((b.snapshotNodes ?? 0) - (a.snapshotNodes ?? 0)),
    ),
    row(
      'after a full GC: heapUsed / heapTotal',
      (s) => `${mb(s.collected.heapUsedMb)} / ${mb(s.collected.heapTotalMb)}`,
      delta(gc((p) => p.heapUsedMb)),
    ),
    row(
      'after a full GC: server RSS (anonymous)',
      (s) => `${mb(s.collected.serverRssMb)} (${mb(s.collected.serverAnonymousMb)})`,
      delta(gc((p) => p.serverRssMb)),
    ),
    row(
      'after a full GC: server PSS',
      (s) => mb(s.collected.serverPssMb),
      delta(gc((p) => p.serverPssMb)),
    ),
    row(
      'after a full GC: PSS of the tree (server, sandbox, PostgreSQL)',
      (s) => `${mb(s.collected.treePssMb)} in ${s.collected.processes}`,
      delta(gc((p) => p.treePssMb)),
    ),
    row(
      'of it PostgreSQL (postmaster, backends, shared buffers)',
      (s) => mb(s.collected.postgresPssMb),
      delta(gc((p) => p.postgresPssMb)),
    ),
    row(
      'as found (no forced GC): server RSS / heapTotal',
      (s) => `${mb(s.settled.serverRssMb)} / ${mb(s.settled.heapTotalMb)}`,
      delta((s) => s.settled.serverRssMb),
    ),
    '',
    `Writing heap snapshot A took the server's RSS from ${mb(snapshotCost.rssBeforeMb)} to ${mb(snapshotCost.rssAfterMb)}; A and B are both measured after it.` +
      (idleAfterLoad
        ? ` ${idleAfterLoad.seconds} s after the load, left alone: RSS ${mb(idleAfterLoad.point.serverRssMb)}, heapTotal ${mb(idleAfterLoad.point.heapTotalMb)}, heapUsed ${mb(idleAfterLoad.point.heapUsedMb)}.`
        : ''),
    '',
    'During the load (no forced GC, runs in flight):',
    '',
    '| runs finished | server RSS | heapTotal | heapUsed |',
    '| --- | --- | --- | --- |',
    ...result.during.map(
      (p) =>
        `| ${format(p.runsFinished)} | ${mb(p.serverRssMb)} | ${mb(p.heapTotalMb)} | ${mb(p.heapUsedMb)} |`,
    ),
    '',
    `Heap snapshot B against A: top ${TOP} constructors by the self size of objects allocated after A and still alive at B, then by growth in count:`,
    '',
    '| constructor | objects A → B | self size A → B | allocated after A, alive at B |',
    '| --- | --- | --- | --- |',
    ...topGrowth(result.growth, TOP).map(growthRow),
    '',
    '| constructor | objects A → B | self size A → B | allocated after A, alive at B |',
    '| --- | --- | --- | --- |',
    ...[...result.growth]
      .sort((x, y) => y.countB - y.countA - (x.countB - x.countA))
      .slice(0, TOP)
      .map(growthRow),
    '',
  ];
}

/** Retainer chains of the top growers, for the investigation (not for the docs table). */
export function retainerLines(result: MemoryResult): string[] {
  return result.retainers.flatMap(({ name, chains }) => [
    `retainers of ${name} allocated after A, alive at B:`,
    ...chains.map((chain) => `  ${chain}`),
  ]);
}

function growthRow(g: ConstructorGrowth): string {
  return `| \`${g.name}\` | ${format(g.countA)} → ${format(g.countB)} | ${kb(g.sizeA)} → ${kb(g.sizeB)} | ${format(g.newCount)}, ${kb(g.newSize)} |`;
}

function mb(value: number): string {
  return `${value.toFixed(1)} MB`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)} MB`;
}

function signedCount(value: number): string {
  return `${value >= 0 ? '+' : ''}${format(value)}`;
}

function kb(bytes: number): string {
  return `${format(Math.round(bytes / 1024))} kB`;
}

function loads(values: number[]): string {
  return values.map((n) => n.toFixed(2)).join(', ');
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}
