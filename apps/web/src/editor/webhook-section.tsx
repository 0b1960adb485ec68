/**
 * The inspector's Webhook section for trigger.webhook nodes: the URL(s) the flow is served at,
 * with copy buttons, and "Listen for test event", which captures the next request to them (the
 * flow need not be switched on) and shows it as the trigger's sample output.
 */
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { CopyButton } from '../ui/copy-button.tsx';
import { JsonViewer } from '../ui/json-viewer.tsx';

export const WEBHOOK_NODE_TYPE = 'trigger.webhook';

/** Where the flow's webhook is served: /hooks/<flowId>, and /hooks/<path> when one is set. */
export function webhookUrls(origin: string, flowId: string, path: unknown): string[] {
  const urls = [`${origin}/hooks/${flowId}`];
  if (typeof path === 'string' && path !== '') urls.unshift(`${origin}/hooks/${path}`);
  return urls;
}

export function WebhookSection({
  flowId,
  config,
}: {
  flowId: string | null;
  config: Record<string, unknown>;
}) {
  const trpc = useTRPC();
  const listen = useMutation(trpc.webhooks.listen.mutationOptions());
  if (!flowId) {
    return (
      <div className="inspector__section" data-testid="webhook-section">
        <div className="panel-heading panel-heading--inline">Webhook</div>
        <p className="muted small">Save the flow to get its webhook URL.</p>
      </div>
    );
  }
  const urls = webhookUrls(window.location.origin, flowId, config.path);
  const method = typeof config.method === 'string' ? config.method : 'POST';
  return (
    <div className="inspector__section" data-testid="webhook-section">
      <div className="panel-heading panel-heading--inline">Webhook</div>
      <div className="form-fields">
        {urls.map((url, index) => (
          <div className="field" key={url}>
            <span className="field__label">
              {index === 0 ? `URL (${method === 'ANY' ? 'any method' : method})` : 'Also at'}
            </span>
            <div className="readonly-value">
              <code data-testid={index === 0 ? 'webhook-url' : 'webhook-url-alt'}>{url}</code>
              <CopyButton
                text={url}
                label="Copy"
                testId={index === 0 ? 'copy-webhook-url' : 'copy-webhook-url-alt'}
              />
            </div>
          </div>
        ))}
        <p className="muted small">
          Requests start runs only while the flow is switched on; other flows' requests get 404.
        </p>
        <div className="field">
          <button
            type="button"
            className="btn btn--secondary btn--sm"
            data-testid="webhook-listen"
            disabled={listen.isPending}
            onClick={() => listen.mutate({ flowId })}
          >
            {listen.isPending ? 'Listening… send a request now' : 'Listen for test event'}
          </button>
          {listen.isPending && (
            <p className="muted small">
              The next request to this webhook (within 60 s) is captured and answered 200 without
              starting a run.
            </p>
          )}
          {listen.error && <p className="form-error">{errorMessage(listen.error)}</p>}
          {listen.data && listen.data.captured === null && (
            <p className="muted small" data-testid="webhook-listen-timeout">
              No request arrived within 60 s.
            </p>
          )}
          {listen.data?.captured && (
            <>
              <span className="field__label">
                Sample output (received{' '}
                {new Date(listen.data.captured.receivedAt).toLocaleTimeString()})
              </span>
              <JsonViewer value={listen.data.captured.input} testId="webhook-sample" />
            </>
          )}
        </div>
      </div>
    </div>
  );
}
