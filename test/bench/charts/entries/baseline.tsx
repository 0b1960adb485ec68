/** React alone: the size every other entry is measured against. */

import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { installBench } from './data.ts';

installBench((kind, points, root) => {
  const reactRoot = createRoot(root);
  flushSync(() => reactRoot.render(<p>{`${kind} ${points}`}</p>));
});
