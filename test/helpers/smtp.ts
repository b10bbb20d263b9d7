import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpRecorder {
  url: string;
  messages: ReceivedMail[];
  /** Waits until `count` messages match, or fails after timeoutMs. */
  waitFor(predicate: (m: ReceivedMail) => boolean, options?: { count?: number; timeoutMs?: number }): Promise<ReceivedMail[]>;
  /** Messages whose envelope recipient is this address (case-insensitive). */
  sentTo(address: string): ReceivedMail[];
  /** Rejects RCPT TO for this address with the given SMTP reply code (e.g. 550 or 451). */
  rejectRecipient(address: string, code: number): void;
  /** How many times RCPT TO was refused for this address. */
  rejected(address: string): number;
  close(): Promise<void>;
}

/** A real SMTP server in process (smtp-server) that records every message it accepts. */
export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const messages: ReceivedMail[] = [];
  const rejections = new Map<string, number>();
  const refused = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = rejections.get(address.address.toLowerCase());
      if (code) refused.set(address.address.toLowerCase(), (refused.get(address.address.toLowerCase()) ?? 0) + 1);
      if (code) return callback(Object.assign(new Error(`Recipient refused (${code})`), { responseCode: code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server.server.address() as AddressInfo);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, { count = 1, timeoutMs = 20_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.filter(predicate);
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`Expected ${count} matching e-mail(s) within ${timeoutMs} ms, got ${found.length} (of ${messages.length} received)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    sentTo(address) {
      const wanted = address.trim().toLowerCase();
      return messages.filter((m) => m.envelopeTo.some((to) => to.toLowerCase() === wanted));
    },
    rejectRecipient(address, code) {
      rejections.set(address.toLowerCase(), code);
    },
    rejected: (address) => refused.get(address.toLowerCase()) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
