/**
 * Issue 12.4, SMTP reply classes (RFC 5321, RFC 3463): only a 5xx to RCPT TO (or an enhanced status
 * 5.1.x for the recipient) is the recipient's hard bounce and suppresses the address. A 535 at AUTH,
 * a 550 at MAIL FROM, a 554 after DATA, a 4xx, and a server that hangs are the provider's incident:
 * nothing is suppressed, the send fails retryably and succeeds once the provider is back, and the
 * manager is told once per incident. A real smtp-server scripted per case, real PostgreSQL.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { messageIdFor } from '../activities/outbox';
import { createNotifyActivities, providerOf } from '../activities/send-email';
import { createDb, type Db } from '../db';
import { listIncidents } from '../db/incidents';
import { captureLead } from '../db/leads';
import { suppressionOf } from '../db/suppressions';
import { addressHashes } from '../privacy/tokens';
import { MAIL } from './helpers/stack';
import { testRun } from './setup/run';

type Script = 'ok' | 'auth-535' | 'mail-from-550' | 'data-554' | 'rcpt-550' | 'rcpt-451' | 'data-551-5.1.1' | 'hang';

/** An SMTP server answering as the script says; it keeps every message it accepted (its 250 was sent). */
async function scriptedServer() {
  let script: Script = 'ok';
  const accepted: { to: string[]; parsed: ParsedMail }[] = [];
  const refuse = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (script === 'hang') return; // never greets: the client's greeting timeout ends it
      callback();
    },
    onAuth(auth, _session, callback) {
      if (script === 'auth-535') return callback(refuse(535, '5.7.8 Authentication credentials invalid'));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      if (script === 'mail-from-550') return callback(refuse(550, '5.7.1 Sender address rejected: not permitted'));
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (script === 'rcpt-550') return callback(refuse(550, '5.1.1 Mailbox does not exist'));
      if (script === 'rcpt-451') return callback(refuse(451, '4.7.1 Greylisted, try again later'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (script === 'data-554') return callback(refuse(554, '5.7.1 Message rejected as spam'));
        if (script === 'data-551-5.1.1') return callback(refuse(550, '5.1.1 User unknown'));
        void simpleParser(Buffer.concat(chunks)).then((parsed) => {
          accepted.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    accepted,
    play: (next: Script) => void (script = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let db: Db;
let smtp: Awaited<ReturnType<typeof scriptedServer>>;
let mailer: nodemailer.Transporter;
let notify: ReturnType<typeof createNotifyActivities>;
const manager = `manager.${Date.now()}@ripen.test`;

beforeAll(async () => {
  db = createDb(testRun().databaseUrl);
  smtp = await scriptedServer();
  // Short timeouts so a hang fails the attempt quickly (the worker's are 10 s and 20 s); no assertion depends on them.
  mailer = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: 'ripen', pass: 'secret' },
    connectionTimeout: 2_000,
    greetingTimeout: 2_000,
    socketTimeout: 2_000,
  });
  notify = createNotifyActivities({ db, mailer, mail: { ...MAIL, managerEmail: manager } });
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await db.close();
});

async function lead(name: string) {
  const to = `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.fi`;
  const { lead } = await db.withTransaction((tx) => captureLead(tx, { email: to }, { channel: 'test' }, new Date()));
  return { leadId: lead.id, to, sendKey: `lead-${lead.id}/first-touch` };
}

const suppressed = (to: string) => suppressionOf(db, addressHashes(MAIL.secret, to));
const delivered = (to: string) => smtp.accepted.filter((m) => m.to.includes(to));
const alerts = () => smtp.accepted.filter((m) => m.to.includes(manager));

it('suppresses the address on a 550 to RCPT TO: the recipient hard-bounced, and it is never sent again', async () => {
  const { leadId, to, sendKey } = await lead('rcpt550');
  smtp.play('rcpt-550');
  expect(await notify.sendFirstTouchEmail({ leadId, sendKey })).toMatchObject({ status: 'bounced' });
  expect(await suppressed(to)).toBe('hard_bounce');
  smtp.play('ok');
  expect(await notify.sendFirstTouchEmail({ leadId, sendKey })).toMatchObject({ status: 'bounced' });
  expect(delivered(to)).toHaveLength(0);
});

it('suppresses the address on a 5.1.1 after DATA (a server that checks recipients late)', async () => {
  const { leadId, to, sendKey } = await lead('data511');
  smtp.play('data-551-5.1.1');
  expect(await notify.sendFirstTouchEmail({ leadId, sendKey })).toMatchObject({ status: 'bounced' });
  expect(await suppressed(to)).toBe('hard_bounce');
});

describe.each<[Script, string]>([
  ['auth-535', 'AUTH PLAIN 535 EAUTH'],
  ['mail-from-550', 'MAIL FROM 550 EENVELOPE'],
  ['data-554', 'DATA 554 EMESSAGE'],
  ['rcpt-451', 'RCPT TO 451 EENVELOPE'],
  ['hang', 'CONN ETIMEDOUT'],
])('a provider incident: %s', (script, recorded) => {
  it('suppresses nothing, fails the attempt retryably, and sends once when the provider is back', async () => {
    const { leadId, to, sendKey } = await lead(script);
    smtp.play(script);
    for (const _ of [1, 2]) {
      const err = await notify.sendFirstTouchEmail({ leadId, sendKey }).catch((e: unknown) => e);
      expect(err).toMatchObject({ type: 'SmtpProviderIncident', nonRetryable: false });
    }
    expect(await suppressed(to)).toBeUndefined();
    expect(await db.query('SELECT status FROM sent_emails WHERE send_key = $1', [sendKey])).toEqual([]);
    const incidents = await listIncidents(db, providerOf(mailer));
    expect(incidents.at(-1)!.last_failure).toBe(recorded);

    smtp.play('ok');
    expect(await notify.sendFirstTouchEmail({ leadId, sendKey })).toMatchObject({ status: 'sent' });
    expect(delivered(to).map((m) => m.parsed.messageId)).toEqual([messageIdFor(sendKey, MAIL.messageIdDomain)]);
  }, 60_000);
});

it('tells the manager once per incident, not once per failed e-mail', async () => {
  const incidents = await listIncidents(db, providerOf(mailer));
  // Ten failed attempts above, over one incident (two if the run crossed an hour); each alerted exactly once.
  expect(incidents.reduce((n, i) => n + i.failures, 0)).toBe(10);
  expect(incidents.every((i) => i.alerted_at !== null)).toBe(true);
  expect(alerts()).toHaveLength(incidents.length);
  expect(alerts()[0]!.parsed.subject).toMatch(/^E-mail provider incident since /);
  expect(alerts()[0]!.parsed.text).toContain('Nothing was suppressed');
});
