/**
 * The API's request ledger (issue 12): each write a key makes, by its Idempotency-Key. A key is
 * one request: the same key on another route or with another body is a conflict the caller must
 * see, a repeat gets the first answer, and a late answer (202) can be read afterwards.
 */
import type { Db } from './index';

export type RequestStatus = 'pending' | 'done' | 'rejected';

export interface ApiRequest {
  keyId: string;
  requestKey: string;
  route: string;
  leadId: string | null;
  bodyHash: string;
  status: RequestStatus;
  answer: { status: number; body: unknown } | null;
  createdAt: string;
  answeredAt: string | null;
}

interface Row {
  key_id: string;
  request_key: string;
  route: string;
  lead_id: string | null;
  body_hash: string;
  status: RequestStatus;
  answer_status: number | null;
  answer: unknown;
  created_at: Date;
  answered_at: Date | null;
}

const COLUMNS =
  'key_id, request_key, route, lead_id, body_hash, status, answer_status, answer, created_at, answered_at';

const toRequest = (r: Row): ApiRequest => ({
  keyId: r.key_id,
  requestKey: r.request_key,
  route: r.route,
  leadId: r.lead_id,
  bodyHash: r.body_hash,
  status: r.status,
  answer: r.answer_status === null ? null : { status: r.answer_status, body: r.answer },
  createdAt: r.created_at.toISOString(),
  answeredAt: r.answered_at?.toISOString() ?? null,
});

/** Records a request, or returns the one recorded earlier under the same key (`fresh: false`). */
export async function claimRequest(
  db: Db,
  request: { keyId: string; requestKey: string; route: string; leadId: string | null; bodyHash: string },
): Promise<{ fresh: boolean; request: ApiRequest }> {
  const [inserted] = await db.query<Row>(
    `INSERT INTO api_requests (key_id, request_key, route, lead_id, body_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_id, request_key) DO NOTHING RETURNING ${COLUMNS}`,
    [request.keyId, request.requestKey, request.route, request.leadId, request.bodyHash],
  );
  if (inserted) return { fresh: true, request: toRequest(inserted) };
  return { fresh: false, request: (await findRequest(db, request.keyId, request.requestKey))! };
}

export async function findRequest(db: Db, keyId: string, requestKey: string): Promise<ApiRequest | undefined> {
  const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM api_requests WHERE key_id = $1 AND request_key = $2`, [
    keyId,
    requestKey,
  ]);
  return row && toRequest(row);
}

/** The answer the request got (or, when rejected, the refusal), for repeats and late readers. */
export async function answerRequest(
  db: Db,
  keyId: string,
  requestKey: string,
  status: Exclude<RequestStatus, 'pending'>,
  answer: { status: number; body: unknown },
): Promise<void> {
  await db.query(
    'UPDATE api_requests SET status = $3, answer_status = $4, answer = $5, answered_at = now() WHERE key_id = $1 AND request_key = $2',
    [keyId, requestKey, status, answer.status, JSON.stringify(answer.body)],
  );
}

/** Forgets a request that stored nothing (answered 503), so "nothing was stored" holds for the ledger too. */
export async function forgetRequest(db: Db, keyId: string, requestKey: string): Promise<void> {
  await db.query("DELETE FROM api_requests WHERE key_id = $1 AND request_key = $2 AND status = 'pending'", [
    keyId,
    requestKey,
  ]);
}
