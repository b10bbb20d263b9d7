import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Db } from '../db';
import { findPrincipal, hashKey, type Principal, type Role } from '../db/keys';
import { HttpError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** How long a key found in PostgreSQL is trusted without asking again: a revoked key stops working within this time. */
export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_SIZE = 1_000;

/**
 * Every /v1 route: `Authorization: Bearer <key>`; keys are looked up by hash. Missing or wrong key: 401.
 * Valid keys are remembered for KEY_CACHE_MS, which saves a database round trip on every capture.
 */
export function authenticate(db: Db, adminKey?: string): RequestHandler {
  const adminHash = adminKey ? Buffer.from(hashKey(adminKey)) : undefined;
  const known = new Map<string, { principal: Principal; until: number }>();
  const lookUp = async (key: string): Promise<Principal | undefined> => {
    const cached = known.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const principal = await findPrincipal(db, key);
    known.delete(key);
    if (principal) {
      if (known.size >= KEY_CACHE_SIZE) known.delete(known.keys().next().value!);
      known.set(key, { principal, until: Date.now() + KEY_CACHE_MS });
    }
    return principal;
  };
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match)
      return next(
        new HttpError(401, 'unauthorized', 'Missing API key: send Authorization: Bearer <key>', undefined, {
          'WWW-Authenticate': 'Bearer',
        }),
      );
    const key = match[1]!;
    if (adminHash && timingSafeEqual(Buffer.from(hashKey(key)), adminHash)) {
      req.principal = { role: 'admin', repId: null, keyId: 'env:RIPEN_ADMIN_KEY' };
      return next();
    }
    lookUp(key).then((principal) => {
      if (!principal)
        return next(
          new HttpError(401, 'unauthorized', 'Unknown or revoked API key', undefined, { 'WWW-Authenticate': 'Bearer' }),
        );
      req.principal = principal;
      next();
    }, next);
  };
}

/** Wrong role: 403. Admin may do everything. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.principal?.role;
    if (role === 'admin' || (role && roles.includes(role))) return next();
    next(new HttpError(403, 'forbidden', `This route needs one of the roles: ${roles.join(', ')}`));
  };
}
