/** Unsaved edits kept in localStorage per flow, so a reload or a crash loses nothing. */
import { z } from 'zod';
import type { DraftFlowDocument } from './flow-document-mapping.ts';

const storedDraft = z.object({
  savedAt: z.string(),
  document: z.looseObject({
    version: z.number(),
    name: z.string(),
    nodes: z.array(z.looseObject({ id: z.string() })),
    edges: z.array(z.looseObject({ id: z.string() })),
  }),
});

export type StoredDraft = { savedAt: string; document: DraftFlowDocument };

export const draftKey = (flowId: string) => `patchbay.flow-draft.${flowId}`;

export function readDraft(storage: Storage, flowId: string): StoredDraft | null {
  const raw = storage.getItem(draftKey(flowId));
  if (raw === null) return null;
  try {
    const parsed = storedDraft.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data as unknown as StoredDraft;
  } catch {
    // Unreadable: dropped below.
  }
  storage.removeItem(draftKey(flowId));
  return null;
}

export function writeDraft(storage: Storage, flowId: string, document: DraftFlowDocument): void {
  try {
    const draft: StoredDraft = { savedAt: new Date().toISOString(), document };
    storage.setItem(draftKey(flowId), JSON.stringify(draft));
  } catch {
    // Quota exceeded or storage disabled: the draft is a safety net, editing goes on.
  }
}

export function clearDraft(storage: Storage, flowId: string): void {
  storage.removeItem(draftKey(flowId));
}

/** A draft is worth offering only when it differs from what the server holds. */
export function draftDiffers(draft: StoredDraft, saved: DraftFlowDocument): boolean {
  return JSON.stringify(draft.document) !== JSON.stringify(saved);
}
