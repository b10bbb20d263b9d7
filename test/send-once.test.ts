/** The outbox makes a retried send activity send at most once per key (the key is made in the workflow, unique in `sent_emails`), on a real database and SMTP server. */
import nodemailer from 'nodemailer';
import { messageIdFor, sendOnce, type OutgoingEmail } from '../activities/outbox';
import { createDb, type Db } from '../db';
import { captureLead } from '../db/leads';
import { startSmtpRecorder, type SmtpRecorder } from './helpers/smtp';
import { testRun } from './setup/run';

let db: Db;
let smtp: SmtpRecorder;
let transport: nodemailer.Transporter;

beforeAll(async () => {
  db = createDb(testRun().databaseUrl);
  smtp = await startSmtpRecorder();
  transport = nodemailer.createTransport(smtp.url);
});
afterAll(async () => {
  transport.close();
  await smtp.close();
  await db.close();
});

async function email(name: string): Promise<OutgoingEmail> {
  const to = `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.gr`;
  const { lead } = await db.withTransaction((tx) => captureLead(tx, { email: to }, { channel: 'test' }, new Date()));
  return {
    sendKey: `lead-${lead.id}/first-touch`,
    leadId: lead.id,
    template: 'first-touch',
    from: 'hello@ripen.test',
    to,
    subject: 'Hello',
    text: 'Hello',
    html: '<p>Hello</p>',
  };
}

it('sends once and answers a repeated call from the outbox', async () => {
  const msg = await email('nikos');
  const first = await sendOnce(db, transport, 'ripen.test', msg);
  const second = await sendOnce(db, transport, 'ripen.test', msg);
  expect(first).toEqual({ messageId: messageIdFor(msg.sendKey, 'ripen.test'), status: 'sent' });
  expect(second).toEqual({ messageId: first.messageId, status: 'already_sent' });
  expect(smtp.sentTo(msg.to)).toHaveLength(1);
  expect(smtp.sentTo(msg.to)[0]!.parsed.messageId).toBe(first.messageId);
  const [row] = await db.query('SELECT status, attempts FROM sent_emails WHERE send_key = $1', [msg.sendKey]);
  expect(row).toEqual({ status: 'sent', attempts: 2 });
});

it('sends once when two attempts with the same key run at the same time', async () => {
  const msg = await email('eleni');
  const results = await Promise.all([1, 2, 3].map(() => sendOnce(db, transport, 'ripen.test', msg)));
  expect(results.filter((r) => r.status === 'sent')).toHaveLength(1);
  expect(smtp.sentTo(msg.to)).toHaveLength(1);
});

it('treats a 5xx to RCPT TO as a hard bounce: stored, suppressed through the hook, and never sent again', async () => {
  const msg = await email('bounce');
  smtp.rejectRecipient(msg.to, 550);
  const bounced: number[] = [];
  const onHardBounce = async (_tx: unknown, code: number) => void bounced.push(code);
  expect(await sendOnce(db, transport, 'ripen.test', msg, { onHardBounce })).toMatchObject({ status: 'bounced' });
  expect(bounced).toEqual([550]);
  smtp.rejectRecipient(msg.to, 0);
  expect(await sendOnce(db, transport, 'ripen.test', msg, { onHardBounce })).toMatchObject({ status: 'bounced' });
  expect(smtp.sentTo(msg.to)).toHaveLength(0);
  expect(await db.query('SELECT status FROM sent_emails WHERE send_key = $1', [msg.sendKey])).toEqual([
    { status: 'bounced' },
  ]);
});

it('sends nothing when the check at send time blocks it, and keeps that answer for retries', async () => {
  const msg = await email('suppressed');
  const blocked = await sendOnce(db, transport, 'ripen.test', msg, { blockedBy: async () => 'suppressed' });
  expect(blocked.status).toBe('suppressed');
  expect(await sendOnce(db, transport, 'ripen.test', msg)).toMatchObject({ status: 'suppressed' });
  expect(smtp.sentTo(msg.to)).toHaveLength(0);
});

it('throws a retryable provider incident on a 4xx, suppresses nothing, and delivers once on the retry', async () => {
  const msg = await email('greylisted');
  smtp.rejectRecipient(msg.to, 451);
  const bounced: number[] = [];
  const incidents: unknown[] = [];
  const error = await sendOnce(db, transport, 'ripen.test', msg, {
    onHardBounce: async (_tx, code) => void bounced.push(code),
    onIncident: async (incident) => void incidents.push(incident),
  }).catch((e: unknown) => e);
  expect(error).toMatchObject({ type: 'SmtpProviderIncident', nonRetryable: false });
  expect(incidents).toEqual([{ command: 'RCPT TO', responseCode: 451, code: 'EENVELOPE' }]);
  expect(bounced).toEqual([]);
  expect(await db.query('SELECT status FROM sent_emails WHERE send_key = $1', [msg.sendKey])).toEqual([]);
  smtp.rejectRecipient(msg.to, 0);
  await sendOnce(db, transport, 'ripen.test', msg);
  expect(smtp.sentTo(msg.to)).toHaveLength(1);
});
