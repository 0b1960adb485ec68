/**
 * The system clipboard when the browser allows it, and an in-app clipboard otherwise, so copy
 * and paste always work within this tab and across tabs when permission is granted.
 */
let inAppClipboard: string | null = null;

export async function writeClipboardText(text: string): Promise<void> {
  inAppClipboard = text;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Refused (no permission, insecure context): the in-app copy still serves this tab.
  }
}

export async function readClipboardText(): Promise<string | null> {
  try {
    const text = await navigator.clipboard.readText();
    if (text) return text;
  } catch {
    // Refused: fall back to what this tab copied.
  }
  return inAppClipboard;
}
