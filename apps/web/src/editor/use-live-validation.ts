/** Validates the document on the server shortly after each edit and shows issues on nodes. */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTRPC } from '../trpc.ts';
import { useEditorStore } from './editor-store.ts';

const DEBOUNCE_MS = 400;

export function useLiveValidation(): { validating: boolean } {
  const trpc = useTRPC();
  const flowId = useEditorStore((s) => s.flowId);
  // flows.validate is a mutation (documents are too big for a GET), so responses can arrive out
  // of order: only the newest request may write issues.
  const { mutateAsync: validate, isPending } = useMutation(trpc.flows.validate.mutationOptions());
  const latestRequest = useRef(0);

  // Subscribed outside React's render: the page that hosts this hook (the whole editor) must not
  // re-render on every keystroke just to restart a timer.
  useEffect(() => {
    if (!flowId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (requestedAt: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
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
    };
    schedule(useEditorStore.getState().revision);
    const unsubscribe = useEditorStore.subscribe((state, previous) => {
      if (state.revision !== previous.revision) schedule(state.revision);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [flowId, validate]);

  return { validating: isPending };
}
