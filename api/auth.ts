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

/** Every /v1 route: `Authorization: Bearer <key>`; keys are looked up by hash. Missing or wrong key: 401. */
export function authenticate(db: Db, adminKey?: string): RequestHandler {
  const adminHash = adminKey ? Buffer.from(hashKey(adminKey)) : undefined;
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match) return next(new HttpError(401, 'unauthorized', 'Missing API key: send Authorization: Bearer <key>', undefined, { 'WWW-Authenticate': 'Bearer' }));
    const key = match[1]!;
    if (adminHash && timingSafeEqual(Buffer.from(hashKey(key)), adminHash)) {
      req.principal = { role: 'admin', repId: null, keyId: 'env:RIPEN_ADMIN_KEY' };
      return next();
    }
    findPrincipal(db, key).then((principal) => {
      if (!principal) return next(new HttpError(401, 'unauthorized', 'Unknown or revoked API key', undefined, { 'WWW-Authenticate': 'Bearer' }));
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
