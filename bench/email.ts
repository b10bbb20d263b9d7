/**
 * E-mail throughput (issue: exactly-once sending). Not a test: `npm run bench:email` writes
 * bench/results/email.json with, in the same run against the same in-process SMTP server:
 *   - e-mails/s through sendOnce (claim in the outbox, SMTP, mark sent), the path every send takes;
 *   - e-mails/s of a bare pooled nodemailer loop, the floor it is measured against;
 * their ratio, and duplicates counted by Message-ID (must be 0) — with every send issued twice,
 * as a retried activity would.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { sendOnce } from '../activities/outbox';
import { createDb, migrate } from '../db';
import { captureLead } from '../db/leads';
import { dropDatabase, ensureDatabase, findPostgres } from '../scripts/postgres';
import { freePort } from '../scripts/processes';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function measure(count: number, op: (i: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await op(next++);
    }),
  );
  return Number((count / ((performance.now() - started) / 1000)).toFixed(1));
}

async function main(): Promise<void> {
  // A real SMTP server that counts every accepted message by Message-ID.
  const received = new Map<string, number>();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => (head.length < 4096 ? (head += c.toString()) : undefined));
      stream.on('end', () => {
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? 'none';
        received.set(id, (received.get(id) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

  const postgres = await findPostgres({
    databaseUrl: process.env.DATABASE_URL,
    embeddedDir: path.join(__dirname, '..', 'data', 'bench-pg'),
    embeddedPort: await freePort(),
  });
  const database = `ripen_bench_email_${Date.now()}`;
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, { max: CONCURRENCY + 2 });
  // Pooled transports on both sides, so the comparison is the outbox's cost, not connection set-up.
  const pooled = () => nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: CONCURRENCY });
  const bareTransport = pooled();
  const outboxTransport = pooled();
  try {
    const { lead } = await db.withTransaction((tx) =>
      captureLead(tx, { email: 'bench@bench.ripen.test' }, { channel: 'bench' }, new Date()),
    );
    const mail = (i: number, kind: string) => ({
      from: 'bench@ripen.test',
      to: `lead${i}@bench.ripen.test`,
      subject: `Bench ${i}`,
      text: 'Hello\n',
      html: '<p>Hello</p>',
      messageId: `<${kind}-${i}@bench.ripen.test>`,
    });

    await measure(100, async (i) => void (await bareTransport.sendMail(mail(i, 'warm'))));
    const bare = await measure(EMAILS, async (i) => void (await bareTransport.sendMail(mail(i, 'bare'))));
    let alreadySent = 0;
    const outbox = await measure(EMAILS, async (i) => {
      const email = { sendKey: `bench/${i}`, leadId: lead.id, template: 'bench', ...mail(i, 'outbox') };
      await sendOnce(db, outboxTransport, 'bench.ripen.test', email);
      // The same send again, as a retried activity would: answered from the outbox.
      if ((await sendOnce(db, outboxTransport, 'bench.ripen.test', email)).status === 'already_sent') alreadySent += 1;
    });
    const outboxIds = [...received].filter(
      ([id]) => id.includes('bench.ripen.test') && !id.startsWith('<warm') && !id.startsWith('<bare'),
    );
    const result = {
      benchmark: 'email',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { emails: EMAILS, concurrency: CONCURRENCY, postgres: postgres.kind },
      outboxPerSecond: outbox,
      barePooledNodemailerPerSecond: bare,
      ratio: Number((outbox / bare).toFixed(3)),
      sendsIssued: EMAILS * 2,
      repeatsAnsweredFromOutbox: alreadySent,
      delivered: outboxIds.reduce((n, [, count]) => n + count, 0),
      duplicates: outboxIds.reduce((n, [, count]) => n + count - 1, 0),
    };
    mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    writeFileSync(path.join(__dirname, 'results', 'email.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    bareTransport.close();
    outboxTransport.close();
    await db.close();
    await dropDatabase(postgres.adminUrl, database);
    await postgres.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
