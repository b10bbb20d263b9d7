import { z } from 'zod';
import { BUYER_STAGES, REP_OUTCOMES } from '../domain/lifecycle';
import { isTimeZone } from '../cadences/send-window';
import { emailAddress, instant, languageTag, phoneNumber, text } from './fields';

/** R2: where the lead came from. */
export const SourceSchema = z
  .object({
    channel: text(64),
    campaign: text(200).optional(),
    form: text(200).optional(),
    event: text(200).optional(),
    utm: z
      .object({ source: text(200), medium: text(200), campaign: text(200), term: text(200), content: text(200) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

/** R1: a way to reach the person is required; everything else is optional. */
export const CaptureLeadSchema = z
  .object({
    email: emailAddress().optional(),
    phone: phoneNumber().optional(),
    firstName: text(100).optional(),
    lastName: text(100).optional(),
    company: text(200).optional(),
    title: text(200).optional(),
    country: text(100).optional(),
    region: text(100).optional(),
    city: text(100).optional(),
    industry: text(100).optional(),
    companySize: text(50).optional(),
    revenue: z.number().finite().nonnegative().optional(),
    message: text(5000, { allowEmpty: true, multiline: true }).optional(),
    buyerStage: z.enum(BUYER_STAGES).optional(),
    /** The lead's IANA time zone; cadences e-mail in its office hours (else the country's). */
    timeZone: text(64)
      .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Helsinki')
      .meta({ enum: Intl.supportedValuesOf('timeZone') })
      .optional(),
    /** BCP 47; every e-mail to the lead is in it (the nearest shipped language, else English). Default: the country's. */
    language: languageTag().meta({ example: 'fa-IR' }).optional(),
    consent: z
      .object({
        marketing: z.boolean(),
        basis: z.enum(['consent', 'legitimate_interest', 'contract']).optional(),
        text: text(1000, { multiline: true }).optional(),
        /** When the person gave it (default: the capture's time). */
        at: instant().optional(),
      })
      .strict()
      .optional(),
    source: SourceSchema.default({ channel: 'api' }),
    /** A returning person's stored fields change only where empty, unless this is true and the key may update leads. */
    update: z.boolean().optional(),
  })
  .strict()
  .refine((lead) => lead.email !== undefined || lead.phone !== undefined, {
    message: 'email or phone is required',
    path: ['email'],
  })
  .meta({
    anyOf: [{ required: ['email'] }, { required: ['phone'] }],
    description: 'R1: `email` or `phone` (or both) is required; every other field is optional.',
  });

export type CaptureLeadBody = z.infer<typeof CaptureLeadSchema>;

/** R7, R8: what the rep reports after a contact, with an optional next activity. */
export const OutcomeSchema = z
  .object({
    outcome: z.enum(REP_OUTCOMES),
    /** The buyer stage the rep found the lead in (R13): the nurture track follows it, forward or back. */
    buyerStage: z.enum(BUYER_STAGES).optional(),
    note: text(2000, { allowEmpty: true, multiline: true }).optional(),
    nextActivity: z
      .object({ kind: z.enum(['call', 'meeting']), at: instant() })
      .strict()
      .optional(),
  })
  .strict();

/** R15: sales accepts the lead or rejects it with a reason. */
export const HandoffDecisionSchema = z
  .object({ decision: z.enum(['accept', 'reject']), reason: text(1000, { multiline: true }).optional() })
  .strict()
  .refine((d) => d.decision === 'accept' || d.reason !== undefined, {
    message: 'a rejection needs a reason',
    path: ['reason'],
  })
  .meta({
    anyOf: [{ properties: { decision: { enum: ['accept'] } } }, { required: ['reason'] }],
    description: 'A rejection needs a reason.',
  });

export const CloseOpportunitySchema = z
  .object({ status: z.enum(['won', 'lost']), reason: text(1000, { multiline: true }).optional() })
  .strict();

/** R5: "please delete", with why. */
export const FlagJunkSchema = z.object({ reason: text(500, { multiline: true }) }).strict();

/** R7: a note the rep keeps on the lead. */
export const NoteSchema = z.object({ body: text(5000, { multiline: true }) }).strict();

/** How far ahead a call or meeting may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;

/** R7: the next call or meeting, at a time still to come (within a year). */
export const ScheduleActivitySchema = z
  .object({
    kind: z.enum(['call', 'meeting']),
    at: instant()
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .refine((at) => Date.parse(at) < Date.now() + MAX_SCHEDULE_AHEAD_MS, 'must be within a year'),
    note: text(1000, { multiline: true }).optional(),
  })
  .strict();
