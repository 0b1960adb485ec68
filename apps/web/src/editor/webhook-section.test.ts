import { describe, expect, it } from 'vitest';
import { webhookUrls } from './webhook-section.tsx';

describe('webhookUrls', () => {
  it('lists the path URL first when the node has a path, and always the flow id URL', () => {
    expect(webhookUrls('https://pb.example', 'f-1', 'orders')).toEqual([
      'https://pb.example/hooks/orders',
      'https://pb.example/hooks/f-1',
    ]);
    expect(webhookUrls('https://pb.example', 'f-1', undefined)).toEqual([
      'https://pb.example/hooks/f-1',
    ]);
    expect(webhookUrls('https://pb.example', 'f-1', '')).toEqual(['https://pb.example/hooks/f-1']);
  });
});
