import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../server/transport/origin-policy.js';

describe('originAllowed', () => {
  it('same-host: no Origin, or an Origin whose host name is the Host header’s', () => {
    expect(originAllowed(undefined, 'game.example', 'same-host')).toBe(true);
    expect(originAllowed('https://game.example', 'game.example', 'same-host')).toBe(true);
    // nginx's `Host $host` drops the port; the scheme is unknown behind TLS termination.
    expect(originAllowed('http://game.example:8080', 'game.example', 'same-host')).toBe(true);
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', 'same-host')).toBe(true);
    expect(originAllowed('https://evil.example', 'game.example', 'same-host')).toBe(false);
    expect(originAllowed('null', 'game.example', 'same-host')).toBe(false);
    expect(originAllowed('https://game.example', undefined, 'same-host')).toBe(false);
  });

  it('a list: exactly its origins; any: everything', () => {
    const list = ['https://game.example'];
    expect(originAllowed('https://game.example', 'x', list)).toBe(true);
    expect(originAllowed('https://GAME.example', 'x', list)).toBe(true);
    expect(originAllowed('http://game.example', 'game.example', list)).toBe(false);
    expect(originAllowed(undefined, 'x', list)).toBe(true);
    expect(originAllowed('https://evil.example', 'x', 'any')).toBe(true);
  });
});
