import fastifyJwt from '@fastify/jwt';
import { HttpError } from '@ventas/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The claims bff-cliente relies on: `sub` is the customer id, as a string. */
export interface CustomerToken {
  sub: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: CustomerToken;
    user: CustomerToken;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless the request carries a valid bearer token whose `sub` is a customer id. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

const CUSTOMER_ID = /^[1-9][0-9]{0,9}$/;

const unauthorized = (message: string) => new HttpError(401, 'UNAUTHORIZED', message);

/**
 * Bearer JWTs (HS256 only: an `alg: none` or RS256 token is refused) verified with JWT_SECRET by @fastify/jwt;
 * `exp` and `nbf` are checked when present. Every failure is the same 401 JSON, with a `WWW-Authenticate` header.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { secret: string }) => {
    await app.register(fastifyJwt, { secret: options.secret, verify: { algorithms: ['HS256'] } });
    app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('www-authenticate', 'Bearer');
      try {
        await request.jwtVerify();
      } catch (err) {
        request.log.info({ reason: (err as { code?: string }).code }, 'bearer token refused');
        throw unauthorized('A valid bearer token is required');
      }
      const sub = (request.user as { sub?: unknown }).sub;
      if (typeof sub !== 'string' || !CUSTOMER_ID.test(sub)) {
        throw unauthorized('The token has no customer id (sub)');
      }
      reply.removeHeader('www-authenticate');
    });
  },
  { name: 'bff-cliente-auth' },
);
