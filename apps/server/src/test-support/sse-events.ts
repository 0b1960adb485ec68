/** Reading a tRPC subscription's server-sent events over plain fetch, for integration tests. */

/** The stream's events with a JSON `data:` line, as they arrive; ends with the response. */
export async function* sseEvents(response: Response): AsyncGenerator<Record<string, unknown>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      if (data) yield JSON.parse(data) as Record<string, unknown>;
      end = buffered.indexOf('\n\n');
    }
  }
}

/** The URL of a subscription procedure with its input, as httpSubscriptionLink requests it. */
export function subscriptionUrl(baseUrl: string, path: string, input: unknown): string {
  return `${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
}
