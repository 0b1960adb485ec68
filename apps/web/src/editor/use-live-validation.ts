/** Validates the document on the server shortly after each edit and shows issues on nodes. */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTRPC } from '../trpc.ts';
import { useEditorStore } from './editor-store.ts';

const DEBOUNCE_MS = 400;

export function useLiveValidation(): { validating: boolean } {
  const trpc = useTRPC();
  const revision = useEditorStore((s) => s.revision);
  const flowId = useEditorStore((s) => s.flowId);
  // flows.validate is a mutation (documents are too big for a GET), so responses can arrive out
  // of order: only the newest request may write issues.
  const { mutateAsync: validate, isPending } = useMutation(trpc.flows.validate.mutationOptions());
  const latestRequest = useRef(0);

  useEffect(() => {
    if (!flowId) return;
    const requestedAt = revision;
    const timer = setTimeout(() => {
      const request = ++latestRequest.current;
      validate({ document: useEditorStore.getState().toDocument() }).then(
        ({ issues }) => {
          if (
            request === latestRequest.current &&
            useEditorStore.getState().revision === requestedAt
          ) {
            useEditorStore.getState().setIssues(issues);
          }
        },
        // A failed validation call leaves the previous issues in place; saving reports errors.
        () => undefined,
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [revision, flowId, validate]);

  return { validating: isPending };
}
