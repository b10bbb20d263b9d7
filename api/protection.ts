/**
 * Security headers (helmet) and rate limits on the routes anyone can reach: lead capture (the
 * limit runs before the key check, so a flood of bad keys cannot reach the database either) and
 * the links in e-mails (tracking, unsubscribe). Over the limit: 429 in the usual error shape,
 * with Retry-After.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from './errors';

export interface RateLimits {
  /** POST /v1/leads, per client address per window. */
  capturePerWindow: number;
  /** /t/* and /u/* together, per client address per window. */
  publicPerWindow: number;
  windowMs: number;
}

/** Mail clients' image proxies (Gmail's) fetch the open pixel for many readers from few addresses: the public limit is high. */
export const DEFAULT_RATE_LIMITS: RateLimits = { capturePerWindow: 120, publicPerWindow: 1_200, windowMs: 60_000 };

/**
 * helmet's defaults with two changes: resources may be loaded cross-origin (the open pixel and the
 * click links are fetched by mail clients on other origins, webmail, which `same-origin` would
 * block); and no `upgrade-insecure-requests`, which would send the unsubscribe form to https on a
 * plain-http local run (in production PUBLIC_URL is https and HSTS keeps it there).
 */
export const securityHeaders: RequestHandler = helmet({
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
});

/** A limiter counting per client address (behind proxies: set TRUST_PROXY_HOPS so this is the client's). Counts live in this process. */
export function limiter(name: string, limit: number, windowMs: number): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res, next) => {
      const retryAfter = String(res.getHeader('Retry-After') ?? Math.ceil(windowMs / 1000));
      next(
        new HttpError(
          429,
          'rate_limited',
          `Too many ${name} requests from this address: at most ${limit} in ${windowMs / 1000} s. Retry after ${retryAfter} s.`,
          undefined,
          { 'Retry-After': retryAfter },
        ),
      );
    },
  });
}
