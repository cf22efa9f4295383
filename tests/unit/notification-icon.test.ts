import { describe, expect, it } from 'vitest';
import { createNotificationIcon } from '../../lib/notification-icon';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);

describe('notification icon (#14)', () => {
  it('is the file until loaded, then the same bytes as a data: URL', async () => {
    const icon = createNotificationIcon('chrome-extension://x/icon/80.png', async (url) => {
      expect(url).toBe('chrome-extension://x/icon/80.png');
      return new Response(PNG);
    });
    expect(icon.url()).toBe('chrome-extension://x/icon/80.png');
    await icon.load();
    expect(icon.url()).toBe(`data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);
  });

  it('keeps the file when the read fails or is refused, and never rejects', async () => {
    const failing = createNotificationIcon('f.png', () => Promise.reject(new Error('gone')));
    await expect(failing.load()).resolves.toBeUndefined();
    expect(failing.url()).toBe('f.png');
    const refused = createNotificationIcon('f.png', async () => new Response('', { status: 404 }));
    await refused.load();
    expect(refused.url()).toBe('f.png');
  });
});
