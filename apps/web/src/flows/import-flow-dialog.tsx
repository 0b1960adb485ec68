/** Import a `.patchbay.json` document from a file or pasted text; shows the server's issues. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { errorMessage, issuesFromError } from '../api/api-error.ts';
import { warningsToast } from '../editor/save-warnings.ts';
import { useTRPC } from '../trpc.ts';
import { Dialog } from '../ui/dialog.tsx';
import { FileIcon, UploadIcon } from '../ui/icons.tsx';
import { IssueList } from '../ui/issue-list.tsx';
import { toast } from '../ui/toast-store.ts';

export function parseDocumentText(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!text.trim()) return { ok: false, error: 'Paste a flow document or choose a file.' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export function ImportFlowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const importFlow = useMutation(
    trpc.flows.import.mutationOptions({
      onSuccess: async (flow) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        if (flow.warnings.length > 0) toast(warningsToast('imported', flow.warnings));
        navigate(`/flows/${flow.id}`);
      },
    }),
  );
  const issues = importFlow.isError ? issuesFromError(importFlow.error) : [];

  const close = () => {
    setText('');
    setFileName(null);
    setParseError(null);
    importFlow.reset();
    onClose();
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    setParseError(null);
    importFlow.reset();
    event.target.value = '';
  };

  const submit = () => {
    const parsed = parseDocumentText(text);
    if (!parsed.ok) {
      setParseError(parsed.error);
      return;
    }
    setParseError(null);
    importFlow.mutate({ document: parsed.value });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import flow"
      description="Create a flow from an exported .patchbay.json document."
      testId="import-flow-dialog"
      width={600}
      footer={
        <>
          <button type="button" className="btn btn--ghost" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            onClick={submit}
            disabled={importFlow.isPending || !text.trim()}
            data-testid="import-flow-submit"
          >
            {importFlow.isPending ? 'Importing…' : 'Import'}
          </button>
        </>
      }
    >
      <div className="import">
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-flow-file"
          onChange={(e) => void onFile(e)}
        />
        <button type="button" className="dropzone" onClick={() => fileInput.current?.click()}>
          {fileName ? <FileIcon size={18} /> : <UploadIcon size={18} />}
          <span>{fileName ? fileName : 'Choose a file…'}</span>
          <span className="muted small">
            {fileName ? 'Choose another' : 'or paste the JSON below'}
          </span>
        </button>
        <textarea
          className={`input textarea mono${parseError ? ' is-invalid' : ''}`}
          rows={10}
          spellCheck={false}
          placeholder={'{\n  "version": 1,\n  "name": "My flow",\n  "nodes": [],\n  "edges": []\n}'}
          value={text}
          data-testid="import-flow-json"
          onChange={(e) => {
            setText(e.target.value);
            setFileName(null);
            setParseError(null);
          }}
        />
        {parseError && (
          <p className="form-error" data-testid="import-parse-error">
            {parseError}
          </p>
        )}
        {importFlow.isError && (
          <div className="callout callout--danger" data-testid="import-error">
            <div className="callout__title">
              {issues.length > 0
                ? `This document has ${issues.length} problem${issues.length === 1 ? '' : 's'}`
                : "Couldn't import this document"}
            </div>
            {issues.length > 0 ? (
              <IssueList issues={issues} testId="import-issues" />
            ) : (
              <p className="small">{errorMessage(importFlow.error)}</p>
            )}
          </div>
        )}
      </div>
    </Dialog>
  );
}
