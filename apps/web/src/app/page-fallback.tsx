/**
 * Shown while a page's chunk loads. It stays blank for the first moment, so a fast load (or a
 * cached chunk) never flashes a spinner.
 */
import { useEffect, useState } from 'react';

const SHOW_AFTER_MS = 300;

export function PageFallback() {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setVisible(true), SHOW_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, []);
  return (
    <div className="page-loading" data-testid="page-loading">
      {visible && <span className="spinner" role="status" aria-label="Loading page" />}
    </div>
  );
}
