/** Whether shortcuts should be shown with ⌘ (Apple platforms) or Ctrl. */
export const IS_MAC =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
