import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  /** When the server accepted it (Date.now()). */
  receivedAt: number;
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpRecorder {
  url: string;
  messages: ReceivedMail[];
  /** Waits until `count` messages match, or fails after timeoutMs. */
  waitFor(
    predicate: (m: ReceivedMail) => boolean,
    options?: { count?: number; timeoutMs?: number },
  ): Promise<ReceivedMail[]>;
  /** Messages whose envelope recipient is this address (case-insensitive). */
  sentTo(address: string): ReceivedMail[];
  /** Rejects RCPT TO for this address with the given SMTP reply code (e.g. 550 or 451), and this reply text if given (real servers often quote the address). */
  rejectRecipient(address: string, code: number, message?: string): void;
  /** How many times RCPT TO was refused for this address. */
  rejected(address: string): number;
  /**
   * Holds the next message to this address after its data arrived, before the 250 reply: `held`
   * resolves then; after `release()` the message counts only if its client is still connected.
   */
  holdNext(address: string): { held: Promise<void>; disconnected: Promise<void>; release(): void };
  /** Stops listening (connections refused) until `up()`; messages so far are kept. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server in process (smtp-server) that records every message it accepts. */
export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const messages: ReceivedMail[] = [];
  const rejections = new Map<string, number>();
  const replies = new Map<string, string>();
  const refused = new Map<string, number>();
  const holds = new Map<string, { arrived: () => void; released: Promise<void>; gone: () => void }>();
  const closedSessions = new Set<string>();
  const onSessionClose = new Map<string, () => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = rejections.get(address.address.toLowerCase());
      if (code) refused.set(address.address.toLowerCase(), (refused.get(address.address.toLowerCase()) ?? 0) + 1);
      if (code)
        return callback(
          Object.assign(new Error(replies.get(address.address.toLowerCase()) ?? `Recipient refused (${code})`), {
            responseCode: code,
          }),
        );
      callback();
    },
    onClose(session) {
      closedSessions.add(session.id);
      onSessionClose.get(session.id)?.();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        const hold = envelopeTo.map((to) => holds.get(to.toLowerCase())).find(Boolean);
        if (hold) holds.delete(envelopeTo.find((to) => holds.has(to.toLowerCase()))!.toLowerCase());
        void (async () => {
          if (hold) {
            onSessionClose.set(session.id, hold.gone);
            hold.arrived();
            await hold.released;
            // The client went away before our 250: it cannot know the message arrived, so it is not delivered.
            if (closedSessions.has(session.id)) return callback(new Error('client disconnected before the reply'));
          }
          const receivedAt = Date.now();
          messages.push({ envelopeTo, receivedAt, parsed: await simpleParser(raw), raw });
          callback();
        })().catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, { count = 1, timeoutMs = 20_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.filter(predicate);
        if (found.length >= count) return found;
        if (Date.now() > deadline)
          throw new Error(
            `Expected ${count} matching e-mail(s) within ${timeoutMs} ms, got ${found.length} (of ${messages.length} received)`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    sentTo(address) {
      const wanted = address.trim().toLowerCase();
      return messages.filter((m) => m.envelopeTo.some((to) => to.toLowerCase() === wanted));
    },
    rejectRecipient(address, code, message) {
      rejections.set(address.toLowerCase(), code);
      if (message) replies.set(address.toLowerCase(), message);
    },
    rejected: (address) => refused.get(address.toLowerCase()) ?? 0,
    holdNext(address) {
      let arrived!: () => void;
      let release!: () => void;
      let gone!: () => void;
      const held = new Promise<void>((resolve) => (arrived = resolve));
      const disconnected = new Promise<void>((resolve) => (gone = resolve));
      holds.set(address.toLowerCase(), {
        arrived,
        gone,
        released: new Promise<void>((resolve) => (release = resolve)),
      });
      return { held, disconnected, release };
    },
    down: () => new Promise<void>((resolve) => server.server.close(() => resolve())),
    up: () => new Promise<void>((resolve) => server.server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
