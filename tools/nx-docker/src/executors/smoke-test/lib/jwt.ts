import { createHmac, randomBytes } from 'node:crypto';

/**
 * Bearer tokens minted in the run (endpoints[].bearerSubject), signed with a throw-away key that exists only
 * for one run: HS256 (RFC 7519 JSON Web Token, RFC 7515 JWS compact form) with node:crypto, no dependency.
 * Pure apart from the clock and the random key, which the caller passes in.
 */

/** A token is valid for this long after it is minted: long enough for the run, useless after it. */
export const TOKEN_LIFETIME_SECONDS = 300;

/**
 * The run's secret: 32 random bytes as 64 hex characters. The service is handed this string (in the env
 * variable jwtSecretEnv names) and uses it as it is: the HMAC key is its UTF-8 bytes, as `@fastify/jwt`
 * and `jsonwebtoken` do with a string secret.
 */
export function newJwtSecret(): string {
  return randomBytes(32).toString('hex');
}

export interface JwtClaims {
  sub: string;
  iat: number;
  exp: number;
}

/** The claims of a token for `subject` minted at `nowMs`: `sub`, `iat`, and `exp` 5 minutes later. */
export function bearerClaims(subject: string, nowMs: number): JwtClaims {
  const iat = Math.floor(nowMs / 1000);
  return { sub: subject, iat, exp: iat + TOKEN_LIFETIME_SECONDS };
}

/** `header.payload.signature`, each base64url without padding; the signature is HMAC-SHA256 of the first two. */
export function signHs256(payload: object, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}

/** The value of the Authorization header an endpoint with `bearerSubject` sends. */
export function bearerAuthorization(subject: string, secret: string, nowMs: number): string {
  return `Bearer ${signHs256(bearerClaims(subject, nowMs), secret)}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
