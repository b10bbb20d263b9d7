import type { Db } from '../db';
import type { Secrets } from '../privacy/tokens';
import type { LeadClient } from './lead-client';

/** What every route builder gets: the database, the lead workflow's client and the secrets of e-mail links. */
export interface RouteDeps {
  db: Db;
  leads: LeadClient;
  /** Signs e-mail link tokens and keys the suppression list's hashes; the worker uses the same. */
  secret: Secrets;
}
