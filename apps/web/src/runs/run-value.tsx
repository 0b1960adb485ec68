/**
 * A run's or step's input or output: the JSON tree, or, for a value the server sent only as a
 * preview, its size, its first bytes and a Download button that fetches it whole (runs.value).
 */
import { useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useTRPCClient } from '../trpc.ts';
import { downloadFile } from '../ui/download-file.ts';
import { shortId } from '../ui/format.ts';
import { DownloadIcon } from '../ui/icons.tsx';
import { JsonPreview, JsonViewer } from '../ui/json-viewer.tsx';
import { toast } from '../ui/toast-store.ts';

/** What runs.get sends instead of a value that is too large. */
type TruncatedValue = { truncated: true; bytes: number; preview: string };

export function RunValue({
  runId,
  stepId,
  nodeId,
  field,
  value,
  truncated,
  testId,
  pathRoot,
}: {
  runId: string;
  /** The step the value belongs to; none for the run's own input. */
  stepId?: string;
  nodeId?: string;
  field: 'input' | 'output';
  value: unknown;
  truncated: boolean;
  testId: string;
  /** The value's expression root: its tree's lines drag as paths (JsonViewer). */
  pathRoot?: string | undefined;
}) {
  const client = useTRPCClient();
  const [downloading, setDownloading] = useState(false);
  if (!truncated) return <JsonViewer value={value} testId={testId} pathRoot={pathRoot} />;

  const { bytes, preview } = value as TruncatedValue;
  const download = async () => {
    setDownloading(true);
    try {
      const whole = await client.runs.value.query({
        runId,
        field,
        ...(stepId === undefined ? {} : { stepId }),
      });
      const name = [`run-${shortId(runId)}`, nodeId, field].filter(Boolean).join('-');
      downloadFile(`${name}.json`, whole.json);
    } catch (error) {
      toast({ tone: 'error', title: "Couldn't download the value", detail: errorMessage(error) });
    } finally {
      setDownloading(false);
    }
  };
  return (
    <JsonPreview
      bytes={bytes}
      preview={preview}
      testId={testId}
      actions={
        <button
          type="button"
          className="btn btn--secondary btn--xs"
          disabled={downloading}
          data-testid={`${testId}-download`}
          onClick={() => void download()}
        >
          <DownloadIcon size={13} /> {downloading ? 'Downloading…' : 'Download'}
        </button>
      }
    />
  );
}
