/**
 * Every HTTP route, in one table: who may call it, what it takes, what it answers. The OpenAPI
 * document (`GET /openapi.json`), the docs page (`GET /docs`) and the metrics' route labels are
 * made from it, and test/operations.test.ts fails when createApp serves a route missing here:
 * adding a route is adding one entry.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Role } from '../db/keys';
import { escapeHtml } from '../domain/emails';
import { BoardQuerySchema } from './board-routes';
import { PayloadsSchema } from './codec-routes';
import { EventBatchSchema } from './events-routes';
import { FunnelQuerySchema, ScoringQuerySchema, StalledQuerySchema } from './funnel-routes';
import { InboundSchema } from './inbound-routes';
import { AwaySchema, CreateRepSchema, RepListQuerySchema, UpdateRepSchema } from './rep-admin-routes';
import { IdempotencyKeySchema } from './idempotency';
import {
  CaptureLeadSchema,
  CloseOpportunitySchema,
  FlagJunkSchema,
  HandoffDecisionSchema,
  NoteSchema,
  OutcomeSchema,
  ScheduleActivitySchema,
} from './schemas';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDoc {
  method: Method;
  /** Express syntax: `/v1/leads/:id`. */
  path: string;
  /** `public`: no key; otherwise the roles whose keys are accepted (an admin key is accepted everywhere). */
  access: 'public' | Role[];
  tag: string;
  summary: string;
  description?: string;
  body?: z.ZodType;
  /** The query string's schema (an object: each key becomes a parameter). */
  query?: z.ZodObject;
  /** The success answer; JSON unless contentType says otherwise. */
  ok: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /** Other success answers, e.g. 200 for a capture of a returning person. */
  alsoOk?: { status: number; description: string; schema?: z.ZodType }[];
  /** Error statuses this route can answer, each with the shape of ErrorBodySchema. */
  errors: number[];
  /** A change sent to the lead's workflow: answers 202 (LateAnswerSchema) when the workflow took it but answered late. */
  late?: true;
}

/** api/errors.ts errorHandler: every error, whatever the route. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({
      description:
        'stable machine-readable code, e.g. invalid_request, unauthorized, rate_limited, temporal_unavailable',
    }),
    message: z.string(),
    fields: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'on 400: each bad field by its path' }),
  }),
});
/** The same, registered as the document's `Error` component. */
const ErrorComponent = ErrorBodySchema.meta({ id: 'Error' });

const IDEMPOTENCY =
  'Send one on every write (a UUID will do): a retry with the same key applies once and gets the first answer. The same key on another route, another lead or with another body is 422.';

const ERROR_MEANING: Record<number, string> = {
  400: 'a bad field (each named in `fields`), malformed JSON or a bad Idempotency-Key',
  401: 'no key, or an unknown or revoked one',
  403: 'the key has none of the roles this route needs',
  404: 'no such lead, or one this key may not see; an unknown link',
  409: 'a change the lead cannot take (closed, or not in that stage); an erased person',
  413: 'a body over 16 kB',
  422: 'an `Idempotency-Key` this API key already used on another route, another lead or with another body',
  415: 'a body that is not application/json',
  429: 'too many requests from this client; `Retry-After` says when to retry',
  503: 'PostgreSQL or Temporal unreachable; nothing was stored; `Retry-After` says when to retry (with the same `Idempotency-Key`)',
};

const CaptureResponse = z.object({ leadId: z.uuid(), workflowId: z.string(), created: z.boolean() });
const CaptureStoredResponse = CaptureResponse.extend({ status: z.literal('stored'), message: z.string() });
const LeadStateResponse = z.object({
  state: z
    .record(z.string(), z.unknown())
    .meta({ description: "the lead's state after the change (the workflow's answer)" }),
});
/** The 202 of a change the lead's workflow took but answered late (api/lead-routes.ts). */
const LateAnswerSchema = z.object({
  requestId: z.string().meta({ description: 'the Idempotency-Key, or the id the API gave the request' }),
  status: z.literal('pending'),
  message: z.string(),
  location: z.string().meta({ description: 'where to read the answer (also the `Location` header)' }),
});
const RequestAnswerSchema = z.object({
  requestId: z.string(),
  route: z.string(),
  status: z.enum(['pending', 'done', 'rejected', 'unknown']),
  answer: z
    .object({ status: z.number().int(), body: z.record(z.string(), z.unknown()) })
    .optional()
    .meta({ description: 'done: what the change answered; rejected: the 409' }),
  message: z.string().optional(),
  receivedAt: z.string(),
  answeredAt: z.string().nullable(),
});
const RepResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    managerEmail: z.string().nullable(),
    // As stored: reps from before the admin API (SQL, the demo) may name a country any way.
    territories: z.array(z.object({ country: z.string(), region: z.string().optional(), city: z.string().optional() })),
    languages: z.array(z.string()),
    weight: z.number().int(),
    available: z.boolean(),
    away: z.array(AwaySchema),
    active: z.boolean().meta({ description: 'false once deactivated (DELETE)' }),
    assignedCount: z.number().int().meta({ description: 'leads assigned to the rep so far' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    deactivatedAt: z.string().nullable(),
  })
  .meta({ id: 'Rep' });
const RepAuditResponse = z.object({
  repId: z.string(),
  entries: z.array(
    z.object({
      at: z.string(),
      actor: z.string().meta({ description: 'the id of the API key that made the change' }),
      action: z.enum(['created', 'updated', 'deactivated']),
      changes: z
        .record(z.string(), z.unknown())
        .meta({ description: 'created: the fields; updated: `{ field: { from, to } }`' }),
    }),
  ),
});
const DeactivateResponse = z.object({
  rep: RepResponse,
  alreadyDeactivated: z.boolean(),
  leads: z.object({
    reassigning: z.array(z.string()).meta({ description: 'open leads whose workflows were asked to route them again' }),
    ended: z.array(z.string()).meta({ description: 'leads whose workflows had ended: nothing to reassign' }),
    failed: z.array(z.string()).meta({ description: 'leads Temporal could not be reached for: send DELETE again' }),
  }),
  message: z.string().optional(),
});
const READ = [400, 401, 403, 404, 429, 503];
const WRITE = [400, 401, 403, 404, 409, 413, 415, 422, 429, 503];
const HTML = 'text/html';

export const ROUTES: RouteDoc[] = [
  // Operations
  {
    method: 'get',
    path: '/healthz',
    access: 'public',
    tag: 'operations',
    summary: 'The process is up',
    ok: { status: 200, description: '`{ "status": "ok" }`', schema: z.object({ status: z.literal('ok') }) },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    access: 'public',
    tag: 'operations',
    summary: 'PostgreSQL and Temporal are reachable',
    description:
      'Answers 503 naming each unreachable dependency in `failing` and in `error.message` (code `not_ready`).',
    ok: {
      status: 200,
      description: 'ready',
      schema: z.object({
        ready: z.boolean(),
        failing: z.array(z.enum(['postgresql', 'temporal'])),
        checks: z.record(z.string(), z.string()),
      }),
    },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    access: 'public',
    tag: 'operations',
    summary: 'Prometheus metrics: request counts and latencies by route and status',
    ok: { status: 200, description: 'Prometheus text format', contentType: 'text/plain' },
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    access: 'public',
    tag: 'operations',
    summary: 'This document',
    ok: { status: 200, description: 'OpenAPI 3 document' },
    errors: [],
  },
  {
    method: 'get',
    path: '/docs',
    access: 'public',
    tag: 'operations',
    summary: 'This document as a page',
    ok: { status: 200, description: 'HTML', contentType: HTML },
    errors: [],
  },

  // Capture (R1–R3)
  {
    method: 'post',
    path: '/v1/leads',
    access: ['capture'],
    tag: 'capture',
    summary: 'Capture a lead (201 new, 200 returning person, 202 stored but not confirmed by Temporal)',
    body: CaptureLeadSchema,
    ok: { status: 201, description: 'a new lead', schema: CaptureResponse },
    alsoOk: [
      { status: 200, description: 'a returning person: their lead re-engaged (R3)', schema: CaptureResponse },
      {
        status: 202,
        description:
          'stored, but Temporal did not confirm the capture in time: the reconciliation sweep starts the workflow or gives it the capture; do not send it again',
        schema: CaptureStoredResponse,
      },
    ],
    errors: [400, 401, 403, 409, 413, 415, 422, 429, 503],
  },

  // Engagement (R12)
  {
    method: 'post',
    path: '/v1/events',
    access: ['capture'],
    tag: 'engagement',
    summary: "The web site's signs of interest, up to 100 a request, for leads named by id or e-mail",
    description:
      'A `requestId` per event makes it count once however often it is sent. Each event gets a result: recorded, duplicate, unknown_lead or lead_erased.',
    body: EventBatchSchema,
    ok: { status: 200, description: '`{ recorded, duplicate, unknownLead, results }`' },
    alsoOk: [
      {
        status: 202,
        description:
          "stored, but Temporal did not confirm every lead's workflow got its events in time: the reconciliation sweep gives them (once); do not send them again — `{ recorded, duplicate, unknownLead, results, message }`",
      },
    ],
    errors: [400, 401, 403, 413, 415, 422, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/inbound',
    access: ['inbound'],
    tag: 'engagement',
    summary: "The mail provider's webhook: replies, bounces and complaints",
    description:
      'A reply stops every cadence; an automatic reply changes nothing; a hard bounce or a complaint suppresses the address. A retried webhook applies once (by `id`, or by the body).',
    body: InboundSchema,
    ok: { status: 200, description: 'what was done: `{ type, leadId, matched, action, … }`' },
    alsoOk: [
      {
        status: 202,
        description:
          "a reply stored, but Temporal did not confirm the lead's workflow got it in time: the reconciliation sweep gives it (once); do not send it again — `{ …, action: 'engaged', message }`",
      },
    ],
    errors: [400, 401, 403, 413, 415, 422, 429, 503],
  },

  // Reps and managers
  {
    method: 'get',
    path: '/v1/board',
    access: ['rep', 'manager'],
    tag: 'board',
    summary:
      "The rep's board (R22): leads grouped by stage, most urgent first (SLA breached, activity due, hot); a rep sees own leads only",
    description: "`stage` is comma-separated; `cursor` is the previous page's `nextCursor`.",
    query: BoardQuerySchema,
    ok: { status: 200, description: '`{ rep, asOf, total, columns, nextCursor }`' },
    errors: [400, 401, 403, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/leads',
    access: ['rep', 'manager'],
    tag: 'board',
    summary: 'Search leads with the board filters (rep, stage, grade, source), paged by cursor',
    query: BoardQuerySchema,
    ok: { status: 200, description: '`{ asOf, total, leads, nextCursor }`' },
    errors: [400, 401, 403, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/funnel',
    access: ['manager'],
    tag: 'board',
    summary:
      'Funnel figures (R19) for the leads first touched in [from, to): counts per stage, conversion rates, speed to lead, SLA breach rate, cycle length, recycle rate; per rep and per source',
    query: FunnelQuerySchema.in,
    ok: { status: 200, description: 'the funnel' },
    errors: [400, 401, 403, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/funnel/scoring',
    access: ['manager'],
    tag: 'board',
    summary:
      'Is the scoring reliable? (R19): conversion rate by grade and by score band; with `model`, what-if (N5): the cohort replayed through that model against the current one',
    query: ScoringQuerySchema,
    ok: { status: 200, description: 'the scoring report' },
    errors: [400, 401, 403, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/stalled',
    access: ['rep', 'manager'],
    tag: 'board',
    summary: 'Leads whose workflow raised the silence alert (R20), with how long; a rep sees own leads only',
    query: StalledQuerySchema,
    ok: { status: 200, description: '`{ rep, leads }`' },
    errors: [400, 401, 403, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/leads/:id',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: 'The lead, its live state and its timeline (a rep sees own leads only)',
    ok: { status: 200, description: 'lead, state, running, timeline' },
    errors: READ,
  },
  {
    method: 'get',
    path: '/v1/leads/:id/requests/:requestId',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary:
      'The answer to a change answered 202: pending, done (with its answer), rejected, or unknown to the workflow (send it again with the same Idempotency-Key)',
    description:
      'Only the API key that sent the request can read it; `requestId` is its Idempotency-Key or the id the 202 gave.',
    ok: { status: 200, description: 'the request and its answer', schema: RequestAnswerSchema },
    errors: READ,
  },
  {
    method: 'post',
    path: '/v1/leads/:id/outcomes',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: 'Report what happened on a contact (R7, R8)',
    description: 'Send `Idempotency-Key` to make a retried request apply once.',
    body: OutcomeSchema,
    ok: { status: 200, description: 'the state after the change', schema: LeadStateResponse },
    errors: WRITE,
    late: true,
  },
  {
    method: 'post',
    path: '/v1/leads/:id/notes',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: "A note on the lead's timeline (R7, R21)",
    body: NoteSchema,
    ok: { status: 201, description: '`{ note }`' },
    errors: WRITE,
  },
  {
    method: 'post',
    path: '/v1/leads/:id/activities',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: 'Schedule the next call or meeting: a task for the rep, a reminder when due (R7)',
    body: ScheduleActivitySchema,
    ok: { status: 201, description: 'the state after the change', schema: LeadStateResponse },
    errors: WRITE,
    late: true,
  },
  {
    method: 'post',
    path: '/v1/leads/:id/handoff',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: 'Accept or reject a handed-off lead (R15)',
    body: HandoffDecisionSchema,
    ok: { status: 200, description: 'the state after the change', schema: LeadStateResponse },
    errors: WRITE,
    late: true,
  },
  {
    method: 'post',
    path: '/v1/leads/:id/opportunity',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: 'Close the opportunity: won converts, lost recycles to nurture',
    body: CloseOpportunitySchema,
    ok: { status: 200, description: 'the state after the change', schema: LeadStateResponse },
    errors: WRITE,
    late: true,
  },
  {
    method: 'post',
    path: '/v1/leads/:id/flags',
    access: ['rep', 'manager'],
    tag: 'leads',
    summary: 'Flag a lead "please delete" with a reason (R5)',
    body: FlagJunkSchema,
    ok: { status: 202, description: 'flagged for admin review', schema: LeadStateResponse },
    errors: WRITE,
    late: true,
  },

  // Admin
  {
    method: 'get',
    path: '/v1/admin/flags',
    access: ['admin'],
    tag: 'admin',
    summary: 'Flagged leads awaiting review (R5)',
    ok: { status: 200, description: '`{ flags: [...] }`' },
    errors: [401, 403, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/admin/leads/:id/disqualify',
    access: ['admin'],
    tag: 'admin',
    summary: 'Confirm a junk flag: the lead is disqualified (R5)',
    ok: { status: 200, description: 'the state after the change', schema: LeadStateResponse },
    errors: READ.concat(409, 422),
    late: true,
  },
  {
    method: 'post',
    path: '/v1/admin/leads/:id/clear-flag',
    access: ['admin'],
    tag: 'admin',
    summary: 'Clear a junk flag (R5)',
    ok: { status: 200, description: 'the state after the change', schema: LeadStateResponse },
    errors: READ.concat(409, 422),
    late: true,
  },
  {
    method: 'post',
    path: '/v1/admin/leads/:id/erase',
    access: ['admin'],
    tag: 'admin',
    summary: "Erase a person's data on request: the workflow ends, its data key is deleted, PostgreSQL is scrubbed",
    ok: { status: 200, description: '`{ leadId, erased, alreadyErased }`' },
    errors: READ.concat(422),
  },

  // Rep administration (issue 14.1, R16)
  {
    method: 'post',
    path: '/v1/admin/reps',
    access: ['admin'],
    tag: 'admin',
    summary: 'Add a rep with their territories, languages, weight and away windows (audited)',
    body: CreateRepSchema,
    ok: { status: 201, description: 'the rep', schema: RepResponse },
    errors: [400, 401, 403, 409, 413, 415, 422, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/reps',
    access: ['admin'],
    tag: 'admin',
    summary: 'The active reps (`includeInactive=true`: deactivated ones too)',
    query: RepListQuerySchema,
    ok: { status: 200, description: '`{ reps }`', schema: z.object({ reps: z.array(RepResponse) }) },
    errors: [400, 401, 403, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/reps/:id',
    access: ['admin'],
    tag: 'admin',
    summary: 'One rep',
    ok: { status: 200, description: 'the rep', schema: RepResponse },
    errors: READ,
  },
  {
    method: 'patch',
    path: '/v1/admin/reps/:id',
    access: ['admin'],
    tag: 'admin',
    summary: 'Change any of a rep’s fields; territories and away windows are replaced as a whole (audited)',
    body: UpdateRepSchema,
    ok: {
      status: 200,
      description: 'the rep after the change, and the fields that changed',
      schema: RepResponse.extend({ changed: z.array(z.string()) }),
    },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 429, 503],
  },
  {
    method: 'delete',
    path: '/v1/admin/reps/:id',
    access: ['admin'],
    tag: 'admin',
    summary:
      'Deactivate a rep: no new leads; each open lead is reassigned through its workflow and the manager told (audited)',
    ok: { status: 200, description: 'the rep and what happened to their open leads', schema: DeactivateResponse },
    errors: READ.concat(422),
  },
  {
    method: 'get',
    path: '/v1/admin/reps/:id/audit',
    access: ['admin'],
    tag: 'admin',
    summary: 'Every change to the rep: who (API key id), when, what',
    ok: { status: 200, description: 'the audit, oldest first', schema: RepAuditResponse },
    errors: READ,
  },

  // Codec server for the Temporal UI and CLI (issue 13.2); the key may also sit in the path, for a UI that cannot send a header
  ...(['encode', 'decode'] as const).flatMap((op): RouteDoc[] =>
    ['/codec', '/codec/key/:key'].map((prefix) => ({
      method: 'post',
      path: `${prefix}/${op}`,
      access: ['manager'],
      tag: 'admin',
      summary:
        op === 'decode'
          ? "Decode Temporal payloads for the UI or CLI (`[erased]` for an erased lead's)"
          : 'Encode Temporal payloads (under the system key: no workflow names a lead here)',
      body: PayloadsSchema,
      ok: { status: 200, description: '`{ payloads }` in the same format', schema: PayloadsSchema },
      errors: [400, 401, 403, 413, 415],
    })),
  ),

  // Pages for people (each figure on them needs a key)
  {
    method: 'get',
    path: '/board',
    access: 'public',
    tag: 'pages',
    summary: 'The board page',
    ok: { status: 200, description: 'HTML', contentType: HTML },
    errors: [],
  },
  {
    method: 'get',
    path: '/funnel',
    access: 'public',
    tag: 'pages',
    summary: 'The funnel page',
    ok: { status: 200, description: 'HTML', contentType: HTML },
    errors: [],
  },
  {
    method: 'get',
    path: '/admin/reps',
    access: 'public',
    tag: 'pages',
    summary: 'The rep administration page (needs an admin key to show anything)',
    ok: { status: 200, description: 'HTML', contentType: HTML },
    errors: [],
  },
  {
    method: 'get',
    path: '/web/:file',
    access: 'public',
    tag: 'pages',
    summary: "The pages' scripts",
    ok: { status: 200, description: 'JavaScript', contentType: 'text/javascript' },
    errors: [400, 404],
  },

  // Links in e-mails (no key: the signed token is the credential)
  {
    method: 'get',
    path: '/t/o/:token',
    access: 'public',
    tag: 'e-mail links',
    summary:
      'Open pixel: records an open (R12) and answers a 1×1 GIF; unknown or tampered tokens 404 and record nothing',
    ok: { status: 200, description: 'image/gif', contentType: 'image/gif' },
    errors: [400, 404, 429, 503],
  },
  {
    method: 'get',
    path: '/t/c/:token',
    access: 'public',
    tag: 'e-mail links',
    summary:
      'Tracked link: records a click (R12) and redirects to the link as stored when the e-mail was sent (no open redirect)',
    ok: { status: 302, description: 'redirect to the original link', contentType: 'text/plain' },
    errors: [400, 404, 429, 503],
  },
  {
    method: 'get',
    path: '/u/:token',
    access: 'public',
    tag: 'e-mail links',
    summary: 'Unsubscribe page (masked address, one button)',
    ok: { status: 200, description: 'HTML', contentType: HTML },
    errors: [400, 404, 429, 503],
  },
  {
    method: 'post',
    path: '/u/:token',
    access: 'public',
    tag: 'e-mail links',
    summary: 'Unsubscribe, RFC 8058 one-click: the address is suppressed at once',
    ok: { status: 200, description: 'HTML', contentType: HTML },
    errors: [400, 404, 429, 503],
  },
];

const PARAM = /:(\w+)/g;
const toOpenApiPath = (path: string) => path.replace(PARAM, '{$1}');

/** The OpenAPI 3.0 document, built from ROUTES and the zod schemas the routes validate with. */
export function openApiDocument(): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (`npm run keys:create -- --role <role>`); each key has one role: capture, rep (with a rep id), manager or admin.',
  });

  for (const route of ROUTES) {
    const params = [...route.path.matchAll(PARAM)].map((m) => m[1]!);
    const roles =
      route.access === 'public'
        ? 'none: public'
        : [...route.access, ...(route.access.includes('admin') ? [] : ['admin'])].join(', ');
    const json = route.ok.contentType === undefined;
    // The codec's encode and decode change nothing: no Idempotency-Key for them.
    const write = route.method !== 'get' && route.access !== 'public' && !route.path.startsWith('/codec');
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      tags: [route.tag],
      summary: route.summary,
      description: [`**Roles:** ${roles}.`, route.description].filter(Boolean).join('\n\n'),
      security: route.access === 'public' ? [] : [{ [bearer.name]: [] }],
      'x-ripen-roles': route.access === 'public' ? [] : route.access,
      request: {
        ...(params.length
          ? {
              params: z.object(
                Object.fromEntries(params.map((p) => [p, p === 'requestId' ? IdempotencyKeySchema : z.string()])),
              ),
            }
          : {}),
        ...(write
          ? {
              headers: z.object({
                'Idempotency-Key': IdempotencyKeySchema.optional().meta({ description: IDEMPOTENCY }),
              }),
            }
          : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: {
        [route.ok.status]: {
          description: route.ok.description,
          content: {
            [route.ok.contentType ?? 'application/json']: {
              schema: route.ok.schema ?? (json ? z.record(z.string(), z.unknown()) : z.string()),
            },
          },
        },
        ...Object.fromEntries(
          (route.alsoOk ?? []).map(({ status, description, schema }) => [
            status,
            { description, content: { 'application/json': { schema: schema ?? z.record(z.string(), z.unknown()) } } },
          ]),
        ),
        ...(route.late
          ? {
              202: {
                description: "the lead's workflow took the change but answered late: read the answer at `Location`",
                headers: { Location: { schema: { type: 'string' }, description: 'GET this for the answer' } },
                content: { 'application/json': { schema: LateAnswerSchema } },
              },
            }
          : {}),
        ...Object.fromEntries(
          route.errors.map((status) => [
            status,
            {
              description: ERROR_MEANING[status] ?? 'error',
              content: { 'application/json': { schema: ErrorComponent } },
            },
          ]),
        ),
      },
    });
  }

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Ripen API',
      version: '1',
      description:
        'Lead capture and the lead pipeline. Errors are always `{ "error": { "code", "message", "fields"? } }` (the `Error` schema). ' +
        'Every response carries `X-Request-Id` (sent back if the request had a valid one), to find the request in the logs. ' +
        'Send an `Idempotency-Key` on every write. A method a path does not serve is 405 with `Allow`. ' +
        'Text is valid Unicode without NUL or control characters (tab, and line breaks where a field is multi-line, are fine); times are ISO 8601 with Z or an offset, from 2000 to 2100.',
    },
  });
}

interface RouteMatcher {
  method: string;
  template: string;
  pattern: RegExp;
}

const matchers: RouteMatcher[] = ROUTES.map((route) => ({
  method: route.method.toUpperCase(),
  template: route.path,
  pattern: new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`),
}));

/** The documented route a request is for (`/v1/leads/:id`), or undefined: metrics label by template, never by raw path. */
export function routeTemplate(method: string, path: string): string | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return matchers.find((r) => r.method === m && r.pattern.test(path))?.template;
}

/** The methods a documented path serves (`GET` brings `HEAD`), or none when no documented route has that path. */
export function allowedMethods(path: string): string[] {
  const methods = new Set(matchers.filter((r) => r.pattern.test(path)).map((r) => r.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}

/** `GET /docs`: the operations listed from the document, with no script or asset to load (works offline). */
export function docsPage(): string {
  const doc = openApiDocument();
  const rows = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(
      item as Record<
        string,
        { summary?: string; tags?: string[]; 'x-ripen-roles'?: string[]; responses?: Record<string, unknown> }
      >,
    ).map(
      ([method, op]) =>
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op['x-ripen-roles']?.length ? `${op['x-ripen-roles'].join(', ')} (or admin)` : 'public')}</td><td>${escapeHtml(op.summary ?? '')}</td><td>${escapeHtml(Object.keys(op.responses ?? {}).join(' '))}</td></tr>`,
    ),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Ripen API</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem"><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p>
<table style="border-collapse:collapse" cellpadding="6" border="1"><thead><tr><th>method</th><th>path</th><th>roles</th><th>what</th><th>answers</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>`;
}
