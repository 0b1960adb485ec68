import { describe, expect, it } from 'vitest';
import { tracingConfigFromEnv } from './tracing-config.ts';

describe('tracingConfigFromEnv', () => {
  it('is off by default', () => {
    expect(tracingConfigFromEnv({})).toMatchObject({ enabled: false, warnings: [] });
  });

  it('is on with OTEL_TRACES_EXPORTER=otlp, sending to the default local collector', () => {
    expect(tracingConfigFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({
      enabled: true,
      tracesUrl: 'http://localhost:4318/v1/traces',
      serviceName: 'patchbay',
    });
  });

  it('is on with an endpoint alone; the general one gets /v1/traces, the traces one is used as is', () => {
    expect(
      tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }),
    ).toMatchObject({ enabled: true, tracesUrl: 'http://collector:4318/v1/traces' });
    expect(
      tracingConfigFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
        OTEL_SERVICE_NAME: 'patchbay-eu',
      }),
    ).toMatchObject({
      enabled: true,
      tracesUrl: 'http://traces:9999/custom',
      serviceName: 'patchbay-eu',
    });
  });

  it('stays off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, even with an endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingConfigFromEnv({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
    expect(tracingConfigFromEnv({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
  });

  it('warns about exporters and protocols it does not follow', () => {
    expect(
      tracingConfigFromEnv({
        OTEL_TRACES_EXPORTER: 'otlp,zipkin',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }).warnings,
    ).toEqual([
      'OTEL_TRACES_EXPORTER names zipkin: Patchbay exports traces only with otlp (ignored).',
      'OTEL_EXPORTER_OTLP_PROTOCOL is grpc: Patchbay sends traces as http/json.',
    ]);
  });
});
