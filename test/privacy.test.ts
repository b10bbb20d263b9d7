/**
 * Issue 13: personal data that can really be erased. Every payload of a lead workflow is encrypted
 * under the lead's data key, through the real API, dev server, database and SMTP server.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { createApiKey } from '../db/keys';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { suppressionOf } from '../db/suppressions';
import { addressHash, LEGACY_KEY_ID, signToken } from '../privacy/tokens';
import { createLogger } from '../observability/logger';
import { LeadPayloadCodec, isEncrypted, keyIdOf } from '../privacy/codec';
import { createDataKeyStore } from '../privacy/data-keys';
import { decodeHistory } from '../privacy/history';
import { newKeyEntry, parseKeyring } from '../privacy/keyring';
import { leadWorkflowId, leadStateQuery } from '../workflows/contracts';
import { MASTER_KEYS, masterKeyring, SECRET, startStack, UI_ORIGIN, type Stack } from './helpers/stack';
import { testRun } from './setup/run';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('privacy');
  tag = stack.taskQueue.slice(-6);
  capture = await stack.authAs('capture');
});
afterAll(() => stack.close());

/** Every payload in the history with where it sits (e.g. `events.3.workflowExecutionStartedEventAttributes.input.payloads.0`). */
export function payloadsOf(history: History): Array<{ path: string; payload: Payload }> {
  const found: Array<{ path: string; payload: Payload }> = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
    const v = value as Payload;
    if ('data' in v && v.metadata && typeof v.metadata === 'object' && 'encoding' in v.metadata)
      return void found.push({ path, payload: v });
    for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
  };
  walk(history, '');
  return found;
}

describe('the payload codec (issue 13.1)', () => {
  it('encrypts every payload of a lead workflow under that lead’s data key, and the history reads back through the codec', async () => {
    const email = `codec.${tag}@example.fi`;
    const res = await stack.call('POST', '/v1/leads', capture, {
      email,
      firstName: 'Kaisa',
      company: `Salaus ${tag} Oy`,
      message: 'Call me',
    });
    expect(res.status).toBe(201);
    const leadId: string = res.body.leadId;
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));
    const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
    // The stack's client decodes: the query answers in the clear.
    await waitUntil(async () => (await handle.query(leadStateQuery)).stage !== 'new');
    await waitUntil(async () =>
      (await handle.fetchHistory()).events!.some((e) => e.activityTaskCompletedEventAttributes),
    );

    const [key] = await stack.db.query<{ key_id: string }>('SELECT key_id FROM data_keys WHERE lead_id = $1', [leadId]);
    expect(key?.key_id).toMatch(/^dk-/);
    const raw = await handle.fetchHistory(); // as stored: fetchHistory does not decode
    // Search attributes and patch markers (the patch's name, written by the SDK's core) stay plain and hold no personal data.
    const payloads = payloadsOf(raw).filter(({ path }) => !/searchAttributes|patch-data/.test(path));
    expect(payloads.length).toBeGreaterThan(5);
    for (const { path, payload } of payloads) {
      expect({ path, encrypted: isEncrypted(payload), keyId: keyIdOf(payload) }).toEqual({
        path,
        encrypted: true,
        keyId: key!.key_id,
      });
    }
    // The company name appears in the summary and in activity inputs, in the clear only after decoding.
    const stored = JSON.stringify(raw);
    expect(stored).not.toContain(`Salaus ${tag}`);
    const codec = new LeadPayloadCodec(stack.keys);
    const decoded = await codec.decode(payloads.map((p) => p.payload));
    expect(decoded.every((p) => !isEncrypted(p))).toBe(true);
    expect(decoded.map((p) => Buffer.from(p.data ?? []).toString()).join('\n')).toContain(leadId);
  });
});

describe('the codec server for the Temporal UI and CLI (issue 13.2)', () => {
  const asJson = (p: Payload) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });
  const text = (p: { data: string }) => Buffer.from(p.data, 'base64').toString();
  const codecCall = (path: string, auth: Record<string, string>, payloads: unknown[], origin = UI_ORIGIN) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'x-namespace': 'default', ...auth },
      body: JSON.stringify({ payloads }),
    });

  it('shows a manager a live lead’s payloads decoded, and `[erased]` once the lead is erased; other roles and origins get nothing', async () => {
    const email = `ui.${tag}@example.fi`;
    const res = await stack.call('POST', '/v1/leads', capture, {
      email,
      firstName: 'Ulla',
      company: `Näkymä ${tag} Oy`,
    });
    expect(res.status).toBe(201);
    const leadId: string = res.body.leadId;
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));
    const raw = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).fetchHistory();
    const encrypted = payloadsOf(raw)
      .filter(({ payload }) => isEncrypted(payload))
      .map(({ payload }) => asJson(payload));
    expect(encrypted.length).toBeGreaterThan(3);
    const [manager, admin, rep] = await Promise.all([
      stack.authAs('manager'),
      stack.authAs('admin'),
      stack.authAs('rep'),
    ]);

    const decoded = await codecCall('/codec/decode', manager, encrypted);
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const body = (await decoded.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(body.payloads).toHaveLength(encrypted.length);
    expect(body.payloads.map(text).join('\n')).toContain(leadId);
    expect(
      body.payloads.every((p) => Buffer.from(p.metadata.encoding!, 'base64').toString() !== 'binary/encrypted'),
    ).toBe(true);

    // A UI without SSO cannot add a header: the key may sit in the endpoint's path instead.
    const managerKey = manager.authorization!.replace('Bearer ', '');
    expect((await codecCall(`/codec/key/${managerKey}/decode`, {}, encrypted)).status).toBe(200);
    expect((await codecCall('/codec/decode', rep, encrypted)).status).toBe(403);
    expect((await codecCall('/codec/decode', {}, encrypted)).status).toBe(401);

    // CORS for the configured UI origin only.
    const preflight = (origin: string) =>
      fetch(`${stack.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ui = await preflight(UI_ORIGIN);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ui.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await codecCall('/codec/decode', manager, encrypted, 'https://evil.example')).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();

    // Encode then decode: what the UI does for a payload it sends.
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"hello":"ui"}').toString('base64'),
    };
    const enc = (await (await codecCall('/codec/encode', manager, [plain])).json()) as {
      payloads: Array<{ metadata: Record<string, string>; data: string }>;
    };
    expect(Buffer.from(enc.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const dec = (await (await codecCall('/codec/decode', manager, enc.payloads)).json()) as {
      payloads: Array<{ data: string }>;
    };
    expect(text(dec.payloads[0]!)).toBe('{"hello":"ui"}');

    expect((await stack.call('POST', `/v1/admin/leads/${leadId}/erase`, admin)).status).toBe(200);
    const after = (await (await codecCall('/codec/decode', manager, encrypted)).json()) as {
      payloads: Array<{ data: string }>;
    };
    expect(after.payloads.map(text)).toEqual(encrypted.map(() => '"[erased]"'));
  });
});

/** Every text and JSON column of every table (from information_schema): a new table is searched without changing this test. */
async function columnsHolding(needles: string[]): Promise<string[]> {
  const columns = await stack.db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
      ORDER BY table_name, column_name`,
  );
  expect(columns.length).toBeGreaterThan(40);
  const hits: string[] = [];
  for (const { table_name, column_name } of columns) {
    const [row] = await stack.db.query<{ needles: string[] }>(
      `SELECT array_agg(n) AS needles FROM unnest($1::text[]) AS n WHERE EXISTS (SELECT 1 FROM "${table_name}" WHERE "${column_name}"::text ILIKE '%' || n || '%')`,
      [needles],
    );
    for (const needle of row?.needles ?? []) hits.push(`${table_name}.${column_name}: ${needle}`);
  }
  return hits;
}

/** The texts of the lead's history as a fresh process reads it through the codec (no cached keys): event fields and every decoded payload. */
async function historyTexts(leadId: string): Promise<string> {
  const history = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).fetchHistory();
  await decodeHistory(history, new LeadPayloadCodec(createDataKeyStore(stack.db, masterKeyring())));
  const payloadTexts = payloadsOf(history).map(({ payload }) => Buffer.from(payload.data ?? []).toString());
  return [JSON.stringify(history), ...payloadTexts].join('\n');
}

describe('erasure: key deletion and a full scrub (issue 13.3, 13.4)', () => {
  it('leaves nothing of the person in any text or JSON column of any table, nor in the lead’s decoded history', async () => {
    const n = Math.random().toString().slice(2, 9);
    const person = {
      firstName: `Zyxwa${tag}`,
      lastName: `Qorvath${tag}`,
      company: `Kuplat${tag} Oy`,
      email: `zyxwa.${tag}@erase-me.example`,
      phone: `+358 40 ${n}`,
    };
    const phoneDigits = `+35840${n}`;
    const needles = [person.firstName, person.lastName, person.company, person.email, phoneDigits, person.phone];
    const quote = `${person.firstName} ${person.lastName} of ${person.company}, ${person.email}, ${person.phone}`;
    // A 550 that quotes the recipient, as real servers do: the SMTP reply is stored.
    stack.smtp.rejectRecipient(person.email, 550, `5.1.1 <${person.email}>: Recipient address rejected: User unknown`);
    const [manager, admin] = await Promise.all([stack.authAs('manager'), stack.authAs('admin')]);
    const created = await stack.call('POST', '/v1/leads', capture, {
      ...person,
      title: `Head of ${person.lastName}`,
      city: `Kaupunki${tag}`,
      message: `Hello, this is ${quote}`,
      consent: { marketing: true, basis: 'consent', text: `I, ${quote}, agree` },
      source: { channel: 'web-form', campaign: `camp-${tag}` },
    });
    expect(created.status).toBe(201);
    const leadId: string = created.body.leadId;
    const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
    await waitUntil(
      async () =>
        (
          await stack.db.query(
            "SELECT 1 FROM sent_emails WHERE lead_id = $1 AND smtp_response IS NOT NULL AND template LIKE 'first%'",
            [leadId],
          )
        ).length > 0,
    );
    await waitUntil(async () => (await handle.query(leadStateQuery)).stage !== 'new');

    // Everywhere the product writes free text: notes, a scheduled call's task, an outcome's note, a junk flag, a second capture.
    const at = new Date(Date.now() + 86_400_000).toISOString();
    expect((await stack.call('POST', `/v1/leads/${leadId}/notes`, manager, { body: `Spoke to ${quote}` })).status).toBe(
      201,
    );
    expect(
      (await stack.call('POST', `/v1/leads/${leadId}/activities`, manager, { kind: 'call', at, note: `call ${quote}` }))
        .status,
    ).toBe(201);
    expect(
      (
        await stack.call('POST', `/v1/leads/${leadId}/outcomes`, manager, {
          outcome: 'no_answer',
          note: `no answer from ${quote}`,
        })
      ).status,
    ).toBe(200);
    expect(
      (await stack.call('POST', `/v1/leads/${leadId}/flags`, manager, { reason: `is ${quote} real?` })).status,
    ).toBe(202);
    expect(
      (await stack.call('POST', '/v1/leads', capture, { email: person.email, message: `again ${quote}` })).status,
    ).toBe(200);
    await waitUntil(
      async () => (await stack.db.query('SELECT 1 FROM junk_flags WHERE lead_id = $1', [leadId])).length > 0,
    );

    // Before: the person is in many columns and in the decoded history (so the searches below can fail).
    const before = await columnsHolding(needles);
    for (const column of [
      'leads.email',
      'notes.body',
      'tasks.title',
      'junk_flags.reason',
      'sent_emails.smtp_response',
      'sent_emails.subject',
      'touches.details',
      'consents.text',
    ]) {
      expect(before.some((hit) => hit.startsWith(`${column}:`))).toBe(true);
    }
    const historyBefore = await historyTexts(leadId);
    expect(needles.filter((needle) => historyBefore.includes(needle)).length).toBeGreaterThan(0);

    const erased = await stack.call('POST', `/v1/admin/leads/${leadId}/erase`, admin);
    expect(erased).toEqual({ status: 200, body: { leadId, erased: true, alreadyErased: false } });

    expect(await columnsHolding(needles)).toEqual([]);
    const historyAfter = await historyTexts(leadId);
    expect(needles.filter((needle) => historyAfter.includes(needle))).toEqual([]);
    expect(historyAfter).toContain('[erased]');
    expect(
      await stack.db.query('SELECT wrapped_key, erased_at IS NOT NULL AS erased FROM data_keys WHERE lead_id = $1', [
        leadId,
      ]),
    ).toEqual([{ wrapped_key: null, erased: true }]);
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });

  it('marks an unsubscribed person erased, and capture then refuses them with 409 saying only that', async () => {
    const email = `unsub.${tag}@erase-me.example`;
    const created = await stack.call('POST', '/v1/leads', capture, { email, firstName: 'Ulla' });
    expect(created.status).toBe(201);
    // Unsubscribed (or bounced) before the erasure: the entry's earlier reason must not survive.
    await stack.db.query(
      "INSERT INTO suppressions (address_hash, reason, source) VALUES ($1, 'unsubscribed', 'test')",
      [addressHash(SECRET, email)],
    );
    const admin = await stack.authAs('admin');
    expect((await stack.call('POST', `/v1/admin/leads/${created.body.leadId}/erase`, admin)).status).toBe(200);
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, email)]),
    ).toEqual([{ reason: 'erased' }]);
    const again = await stack.call('POST', '/v1/leads', capture, { email, firstName: 'Ulla' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('erased');
    expect(JSON.stringify(again.body)).not.toContain(created.body.leadId);
    expect(JSON.stringify(again.body)).not.toContain(email);
  });
});

describe('logs carry no address (issue 13.8)', () => {
  it('logs a PostgreSQL unique violation on an address without the address (pg quotes it in `detail`)', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    const email = `dup.${tag}@unique.example`;
    const insert = () =>
      stack.db.query(
        'INSERT INTO leads (email, email_normalized, first_touch_at, first_source, last_touch_at) VALUES ($1, $1, now(), \'{"channel":"api"}\', now())',
        [email],
      );
    await insert();
    const err = await insert().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: '23505', detail: expect.stringContaining(email) });
    // As the API's error handler and the worker log errors: the error object, under `err` and `error`, and nested as a cause.
    logger.error({ err }, 'request failed');
    logger.warn({ error: new Error('capture failed', { cause: err }) }, 'Activity failed');
    logger.info({ failure: { ...(err as object) } }, 'a failure copied into another field');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('23505');
    expect(lines.filter((l) => l.includes(email))).toEqual([]);
  });
});

describe('npm run secrets:rotate (issue 13.1, 13.7)', () => {
  it('re-wraps every data key under the new master key, so the old one can be dropped and payloads still read', async () => {
    const email = `rotate.${tag}@example.fi`;
    const res = await stack.call('POST', '/v1/leads', capture, {
      email,
      firstName: 'Risto',
      company: `Kierto ${tag} Oy`,
    });
    expect(res.status).toBe(201);
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));
    const raw = await stack.client.workflow.getHandle(leadWorkflowId(res.body.leadId)).fetchHistory();
    const encrypted = payloadsOf(raw)
      .filter(({ payload }) => isEncrypted(payload))
      .map(({ payload }) => payload);
    expect(encrypted.length).toBeGreaterThan(0);

    const newEntry = newKeyEntry('master');
    const newOnly = parseKeyring(newEntry, { name: 'new', exactBytes: 32 });
    // Before: the new key alone cannot unwrap the lead's data key.
    await expect(new LeadPayloadCodec(createDataKeyStore(stack.db, newOnly)).decode(encrypted)).rejects.toThrow(
      /not in RIPEN_MASTER_KEYS/,
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.resolve(__dirname, '..', 'scripts', 'rotate-secrets.ts')],
      {
        env: { ...process.env, DATABASE_URL: testRun().databaseUrl, RIPEN_MASTER_KEYS: `${newEntry},${MASTER_KEYS}` },
      },
    );
    expect(stdout).toMatch(/data keys: [1-9]\d* re-wrapped under master key master-/);
    const decoded = await new LeadPayloadCodec(createDataKeyStore(stack.db, newOnly)).decode(encrypted);
    expect(decoded.map((p) => Buffer.from(p.data ?? []).toString()).join('\n')).toContain(res.body.leadId);
    // Put the test ring back first, so the other tests' processes (which know only it) keep reading.
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.resolve(__dirname, '..', 'scripts', 'rotate-secrets.ts')],
      {
        env: { ...process.env, DATABASE_URL: testRun().databaseUrl, RIPEN_MASTER_KEYS: `${MASTER_KEYS},${newEntry}` },
      },
    );
    expect(
      await stack.db.query("SELECT count(*)::int AS n FROM data_keys WHERE master_key_id <> 'test-master-1'"),
    ).toEqual([{ n: 0 }]);
  }, 60_000);
});

describe('re-capture never overwrites silently (issue 13.5, R3)', () => {
  it('records what a returning capture brought, fills only empty fields, and leaves consent alone without a stated basis', async () => {
    const email = `recapture.${tag}@example.fi`;
    const first = await stack.call('POST', '/v1/leads', capture, {
      email,
      firstName: 'Anna',
      company: 'Alkuperä Oy',
      phone: '+358 40 111 0001',
      consent: { marketing: false, basis: 'consent' },
    });
    expect(first.status).toBe(201);
    const leadId: string = first.body.leadId;
    const again = await stack.call('POST', '/v1/leads', capture, {
      email,
      firstName: 'Mallory',
      company: 'Evil Oy',
      phone: '+358 40 999 0002',
      title: 'CEO',
      consent: { marketing: true },
    });
    expect(again.status).toBe(200);

    const [lead] = await stack.db.query('SELECT first_name, company, phone, title FROM leads WHERE id = $1', [leadId]);
    expect(lead).toEqual({ first_name: 'Anna', company: 'Alkuperä Oy', phone: '+358 40 111 0001', title: 'CEO' });
    expect(await stack.db.query('SELECT marketing FROM consents WHERE lead_id = $1', [leadId])).toEqual([
      { marketing: false },
    ]);
    const [touch] = await stack.db.query(
      "SELECT details FROM touches WHERE lead_id = $1 AND kind = 'capture' ORDER BY id DESC LIMIT 1",
      [leadId],
    );
    expect(touch!.details).toMatchObject({
      returning: true,
      brought: {
        firstName: 'Mallory',
        company: 'Evil Oy',
        phone: '+358 40 999 0002',
        title: 'CEO',
        consent: { marketing: true },
      },
      kept: expect.arrayContaining(['phone', 'first_name', 'company']),
      consentIgnored: expect.any(String),
    });
    expect(touch!.details.kept).not.toContain('title');
  });

  it('changes stored fields with `update: true` only from a capture key allowed to, and consent only as an explicit statement with basis, time and source', async () => {
    const email = `update.${tag}@example.fi`;
    const first = await stack.call('POST', '/v1/leads', capture, { email, firstName: 'Ville', company: 'Vanha Oy' });
    expect(first.status).toBe(201);
    const leadId: string = first.body.leadId;
    const refused = await stack.call('POST', '/v1/leads', capture, { email, company: 'Uusi Oy', update: true });
    expect(refused).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden', message: expect.stringContaining('--may-update') } },
    });
    const importKey = {
      authorization: `Bearer ${await createApiKey(stack.db, 'capture', { label: 'CRM import', mayUpdateLeads: true })}`,
    };
    const givenAt = '2026-01-15T10:00:00.000Z';
    const updated = await stack.call('POST', '/v1/leads', importKey, {
      email,
      company: 'Uusi Oy',
      update: true,
      consent: { marketing: true, basis: 'consent', at: givenAt, text: 'Ticked the newsletter box' },
      source: { channel: 'crm-import' },
    });
    expect(updated.status).toBe(200);
    expect(await stack.db.query('SELECT company, first_name FROM leads WHERE id = $1', [leadId])).toEqual([
      { company: 'Uusi Oy', first_name: 'Ville' },
    ]);
    expect(
      await stack.db.query('SELECT marketing, basis, text, source, at FROM consents WHERE lead_id = $1', [leadId]),
    ).toEqual([
      {
        marketing: true,
        basis: 'consent',
        text: 'Ticked the newsletter box',
        source: { channel: 'crm-import' },
        at: new Date(givenAt),
      },
    ]);
  });
});

describe('the first touch quotes nothing the form sent beyond the first name and company (issue 13.6)', () => {
  it('sends the first-touch e-mail without the message, title, city, phone or last name typed into the form', async () => {
    const email = `victim.${tag}@example.fi`;
    const relayed = {
      message: `RELAY-${tag} claim your prize at https://evil.example/${tag}`,
      title: `Title-${tag}`,
      city: `City-${tag}`,
      lastName: `Last-${tag}`,
      phone: '+358 40 555 0199',
    };
    const res = await stack.call('POST', '/v1/leads', capture, {
      email,
      firstName: 'Eeva',
      company: `Firma ${tag} Oy`,
      ...relayed,
    });
    expect(res.status).toBe(201);
    const [mail] = await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));
    const sent = `${mail!.parsed.subject}\n${mail!.parsed.text}\n${mail!.parsed.html}`;
    expect(sent).toContain('Hi Eeva,');
    expect(sent).toContain(`Firma ${tag} Oy`);
    for (const value of [...Object.values(relayed), 'evil.example', '555 0199']) expect(sent).not.toContain(value);
  });
});

describe('a keyring for every secret purpose (issue 13.7)', () => {
  it('signs new links with the new key while every old unsubscribe link keeps working, and secrets:rotate re-hashes the suppression list', async () => {
    const email = `keys.${tag}@example.fi`;
    const res = await stack.call('POST', '/v1/leads', capture, { email, firstName: 'Kaarina' });
    expect(res.status).toBe(201);
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));
    // The outbox row commits after the SMTP server's 250: wait for it rather than race it.
    const firstTouch =
      "SELECT ref FROM sent_emails WHERE lead_id = $1 AND template = 'first-touch' AND status = 'sent'";
    await waitUntil(async () => (await stack.db.query(firstTouch, [res.body.leadId])).length === 1);
    const [sent] = await stack.db.query<{ ref: string }>(firstTouch, [res.body.leadId]);
    // A link from before the keyrings: signed with RIPEN_SECRET, no key id.
    const oldLink = signToken(SECRET, { kind: 'unsubscribe', emailRef: sent!.ref });

    const newEntry = newKeyEntry('links');
    const newKey = parseKeyring(newEntry, { name: 'new' }).current;
    const legacy = { id: LEGACY_KEY_ID, key: Buffer.from(SECRET) };
    const rotated = { links: [newKey, legacy], suppression: [newKey, legacy] };
    const app = createApp({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, secret: rotated });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const newLink = signToken(rotated, { kind: 'unsubscribe', emailRef: sent!.ref });
      expect(newLink).toContain(`.k${newKey.id}.`);
      expect((await fetch(`${url}/u/${newLink}`)).status).toBe(200);
      // A process without the new key cannot verify it.
      const unverified = await fetch(`${stack.apiUrl}/u/${newLink}`);
      expect({ status: unverified.status, body: await unverified.json() }).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found' } },
      });
      // The old link still unsubscribes, on a process that has rotated (the entry is made under the new key)...
      const page = await fetch(`${url}/u/${oldLink}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Unsubscribe');
      // ...and an entry made under the old key (by a process that has not rotated yet) is still found.
      expect(
        (
          await fetch(`${stack.apiUrl}/u/${oldLink}`, {
            method: 'POST',
            body: 'List-Unsubscribe=One-Click',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).status,
      ).toBe(200);
      expect(await suppressionOf(stack.db, addressHash(SECRET, email))).toBe('unsubscribed');
      expect(await (await fetch(`${url}/u/${oldLink}`)).text()).toContain('You are unsubscribed');

      const rotate = (env: Record<string, string>) => {
        const { RIPEN_SECRET: _unset, ...inherited } = process.env;
        return promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', path.resolve(__dirname, '..', 'scripts', 'rotate-secrets.ts')],
          {
            env: { ...inherited, DATABASE_URL: testRun().databaseUrl, RIPEN_MASTER_KEYS: MASTER_KEYS, ...env },
          },
        );
      };
      const { stdout } = await rotate({
        RIPEN_SECRET: SECRET,
        RIPEN_LINK_KEYS: newEntry,
        RIPEN_SUPPRESSION_KEYS: newEntry,
      });
      expect(stdout).toMatch(/suppression entries: [1-9]\d* re-hashed under key links-/);
      // Re-hashed: found with the new key alone, no longer under the old one.
      expect(await suppressionOf(stack.db, addressHash({ links: [newKey], suppression: [newKey] }, email))).toBe(
        'unsubscribed',
      );
      expect(await suppressionOf(stack.db, addressHash(SECRET, email))).toBeUndefined();
      // Back under the test runs' key, for the test files after this one.
      await rotate({
        RIPEN_LINK_KEYS: `${LEGACY_KEY_ID}:${Buffer.from(SECRET).toString('base64')}`,
        RIPEN_SUPPRESSION_KEYS: `${LEGACY_KEY_ID}:${Buffer.from(SECRET).toString('base64')},${newEntry}`,
      });
      expect(await suppressionOf(stack.db, addressHash(SECRET, email))).toBe('unsubscribed');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
