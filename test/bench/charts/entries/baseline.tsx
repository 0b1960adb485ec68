/** React alone: the size every other entry is measured against. */
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';

window.chartBench = {
  render(kind, points, root) {
    const reactRoot = createRoot(root);
    flushSync(() => reactRoot.render(<p>{`${kind} ${points}`}</p>));
  },
};
