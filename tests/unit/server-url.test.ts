/** Issue #6: https required, plain http only on this computer. */
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, originPattern, parseServerUrl } from '../../lib/server-url';

describe('parseServerUrl', () => {
  it.each([
    ['https://monitor.example.com', 'https://monitor.example.com'],
    ['  https://monitor.example.com/some/path?x=1#y  ', 'https://monitor.example.com'],
    ['https://monitor.example.com:8443/', 'https://monitor.example.com:8443'],
    ['HTTPS://Monitor.Example.COM', 'https://monitor.example.com'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://127.0.0.1:8787/', 'http://127.0.0.1:8787'],
    ['http://127.12.0.3', 'http://127.12.0.3'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
  ])('accepts %s as %s', (input, origin) => {
    expect(parseServerUrl(input)).toEqual({ ok: true, origin });
  });

  it.each([
    ['http://monitor.example.com', 'insecure-url'],
    ['http://10.0.0.5:8787', 'insecure-url'],
    ['http://128.0.0.1', 'insecure-url'],
    ['http://localhost.evil.example', 'insecure-url'],
    ['http://127.0.0.1.evil.example', 'insecure-url'],
    ['monitor.example.com', 'invalid-url'],
    ['', 'invalid-url'],
    ['ftp://monitor.example.com', 'invalid-url'],
    ['ws://localhost:8787', 'invalid-url'],
    ['javascript:alert(1)', 'invalid-url'],
    ['https://user:pass@monitor.example.com', 'invalid-url'],
    ['https://token@monitor.example.com', 'invalid-url'],
  ])('refuses %s (%s)', (input, code) => {
    const result = parseServerUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it('knows loopback hosts and builds the host permission pattern', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '[::1]', '::1'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(['localhost.', '0.0.0.0', '127.0.0', 'example.com'].some(isLoopbackHost)).toBe(false);
    expect(originPattern('https://monitor.example.com')).toBe('https://monitor.example.com/*');
  });
});
