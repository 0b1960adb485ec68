/** How the live preview shows a value: JSON, cut short when large. Pure. */

export const PREVIEW_MAX_CHARS = 2_000;

export function previewText(
  value: unknown,
  maxChars = PREVIEW_MAX_CHARS,
): {
  text: string;
  truncated: boolean;
} {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : (JSON.stringify(value, null, 2) ?? String(value));
  return text.length > maxChars
    ? { text: `${text.slice(0, maxChars)}…`, truncated: true }
    : { text, truncated: false };
}
