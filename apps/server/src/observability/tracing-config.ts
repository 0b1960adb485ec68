/**
 * Whether and where to send traces, from the standard OpenTelemetry environment variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). Pure.
 *
 * On when OTEL_TRACES_EXPORTER lists `otlp`, or when it is unset and OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set. Off with OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none, and by default. Spans go as OTLP/HTTP JSON.
 */
export type TracingConfig = {
  enabled: boolean;
  /** Where spans are POSTed. */
  tracesUrl: string;
  serviceName: string;
  /** Settings that were set but are not followed, each a sentence for the log. */
  warnings: string[];
};

const DEFAULT_ENDPOINT = 'http://localhost:4318';
const SUPPORTED_PROTOCOL = 'http/json';

export function tracingConfigFromEnv(env: NodeJS.ProcessEnv): TracingConfig {
  const set = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const warnings: string[] = [];
  const exporters = set('OTEL_TRACES_EXPORTER')
    ?.split(',')
    .map((name) => name.trim().toLowerCase());
  const tracesEndpoint = set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = set('OTEL_EXPORTER_OTLP_ENDPOINT');
  const disabled = set('OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
  const enabled =
    !disabled &&
    (exporters === undefined
      ? tracesEndpoint !== undefined || endpoint !== undefined
      : exporters.includes('otlp'));
  const unsupported = exporters?.filter((name) => name !== 'otlp' && name !== 'none') ?? [];
  if (unsupported.length > 0) {
    warnings.push(
      `OTEL_TRACES_EXPORTER names ${unsupported.join(', ')}: Patchbay exports traces only with otlp (ignored).`,
    );
  }
  const protocol = set('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? set('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (enabled && protocol !== undefined && protocol !== SUPPORTED_PROTOCOL) {
    warnings.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL is ${protocol}: Patchbay sends traces as ${SUPPORTED_PROTOCOL}.`,
    );
  }
  return {
    enabled,
    // The signal-specific endpoint is used as is; the general one gets the signal's path.
    tracesUrl: tracesEndpoint ?? `${(endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/traces`,
    serviceName: set('OTEL_SERVICE_NAME') ?? 'patchbay',
    warnings,
  };
}
