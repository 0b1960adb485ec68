/** Parses an HTTP Retry-After header (delta seconds or an HTTP date) into a delay. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates always name the month; this keeps Date.parse from reading "-5" as a year.
  // (Date.parse only reads the text; it does not consult the system clock.)
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
