/** Bad input gets a clear 4xx naming the field, never a 500, and nothing is stored (R1). */
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
let auth: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('api-input', { worker: false });
  auth = await stack.authAs('capture');
});
afterAll(() => stack.close());

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.apiUrl}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth, ...headers },
    body,
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as {
      error: { code: string; message: string; fields?: { field: string; message: string }[] };
    },
  };
}

async function leadCount(): Promise<number> {
  const [row] = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM leads');
  return Number(row!.n);
}

describe('POST /v1/leads input errors', () => {
  let before: number;
  beforeEach(async () => {
    before = await leadCount();
  });
  afterEach(async () => {
    expect(await leadCount()).toBe(before);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await post('{"email": "a@example.fi",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('answers 400 naming email when neither e-mail nor phone is given (R1)', async () => {
    const res = await post(JSON.stringify({ firstName: 'Aino' }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'email', message: 'email or phone is required' }]);
  });

  it('answers 400 naming an unknown field', async () => {
    const res = await post(JSON.stringify({ email: 'a@example.fi', favouriteColour: 'green' }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'favouriteColour', message: 'unknown field' }]);
    expect(res.body.error.message).toContain('favouriteColour');
  });

  it('answers 400 naming a nested field of the wrong type', async () => {
    const res = await post(
      JSON.stringify({ email: 'a@example.fi', source: { channel: 'web', utm: { campaign: 42 } } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.map((f) => f.field)).toEqual(['source.utm.campaign']);
  });

  it.each([
    ['email', { email: 'not-an-address' }],
    ['phone', { phone: '12ab' }],
    ['revenue', { email: 'a@example.fi', revenue: -5 }],
    ['buyerStage', { email: 'a@example.fi', buyerStage: 'ready' }],
  ])('answers 400 naming %s when it is invalid', async (field, body) => {
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.map((f) => f.field)).toContain(field);
  });

  it('answers 400 for a JSON body that is not an object', async () => {
    const res = await post('[1, 2, 3]');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await post('email=a@example.fi', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('application/json');
  });

  it('answers 413 for a body over 16 kB', async () => {
    const res = await post(JSON.stringify({ email: 'a@example.fi', message: 'x'.repeat(17 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });
});

describe('access (Authorization: Bearer <key>)', () => {
  it('answers 401 without a key', async () => {
    const res = await post(JSON.stringify({ email: 'a@example.fi' }), { authorization: '' });
    expect(res).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized', message: expect.stringContaining('Missing API key') } },
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 for an unknown key', async () => {
    const res = await post(JSON.stringify({ email: 'a@example.fi' }), {
      authorization: 'Bearer rk_capture_not-a-real-key',
    });
    expect(res).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'Unknown or revoked API key' } },
    });
  });

  it('answers 403 when the role may not capture', async () => {
    const res = await post(JSON.stringify({ email: 'a@example.fi' }), await stack.authAs('rep', 'rep-oulu'));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('stores keys only as hashes', async () => {
    const header = await stack.authAs('manager');
    const key = header.authorization!.replace('Bearer ', '');
    expect(await stack.db.query('SELECT 1 FROM api_keys WHERE key_hash = $1', [key])).toHaveLength(0);
  });
});
