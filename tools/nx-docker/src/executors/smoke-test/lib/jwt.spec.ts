import { createVerifier } from 'fast-jwt';
import { bearerAuthorization, bearerClaims, newJwtSecret, signHs256, TOKEN_LIFETIME_SECONDS } from './jwt';

describe('jwt', () => {
  it('signs the jwt.io HS256 example byte for byte', () => {
    // The example token of jwt.io (header {"alg":"HS256","typ":"JWT"}, secret "your-256-bit-secret").
    expect(signHs256({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 'your-256-bit-secret')).toBe(
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    );
  });

  it('mints a token that fast-jwt (what @fastify/jwt verifies with) accepts with the run secret only', () => {
    const secret = newJwtSecret();
    const now = Date.now();
    const header = bearerAuthorization('1', secret, now);
    expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const token = header.slice('Bearer '.length);
    expect(createVerifier({ key: secret, algorithms: ['HS256'] })(token)).toEqual(bearerClaims('1', now));
    expect(() => createVerifier({ key: newJwtSecret(), algorithms: ['HS256'] })(token)).toThrow(/signature/i);
  });

  it('claims sub, iat in seconds and exp five minutes later', () => {
    expect(bearerClaims('2', 1_700_000_000_999)).toEqual({
      sub: '2',
      iat: 1_700_000_000,
      exp: 1_700_000_000 + TOKEN_LIFETIME_SECONDS,
    });
    expect(TOKEN_LIFETIME_SECONDS).toBe(300);
  });

  it('makes a new 32-byte secret every time, as 64 hex characters', () => {
    const a = newJwtSecret();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newJwtSecret()).not.toBe(a);
  });
});
