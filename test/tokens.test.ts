/** Tokens in e-mail links: signed, opaque, and rejected when tampered or foreign. */
import { addressHash, emailRefFor, signToken, verifyToken } from '../privacy/tokens';

const secret = 'a-test-secret-of-at-least-32-characters';
const ref = emailRefFor('lead-1/first-touch');

describe('tokens in e-mail links', () => {
  it('round-trips an open, a click on link 3 and an unsubscribe', () => {
    for (const claims of [
      { kind: 'open', emailRef: ref },
      { kind: 'click', emailRef: ref, link: 3 },
      { kind: 'unsubscribe', emailRef: ref },
    ] as const) {
      expect(verifyToken(secret, signToken(secret, claims))).toEqual(claims);
    }
  });

  it('carries no lead id or address in clear', () => {
    const token = signToken(secret, {
      kind: 'unsubscribe',
      emailRef: emailRefFor('lead-4b1c/aino@example.fi/first-touch'),
    });
    expect(token).not.toMatch(/lead|aino|example/);
  });

  it('rejects a tampered, a foreign and a malformed token', () => {
    const token = signToken(secret, { kind: 'click', emailRef: ref, link: 0 });
    expect(verifyToken(secret, token.replace('.0.', '.1.'))).toBeUndefined();
    expect(verifyToken(secret, `u${token.slice(1)}`)).toBeUndefined();
    expect(verifyToken('another-secret-of-at-least-32-characters', token)).toBeUndefined();
    for (const bad of [
      '',
      'o',
      'o..',
      `${token}x`,
      token.toUpperCase(),
      '../../etc/passwd',
      'o.' + 'a'.repeat(22) + '.' + 'b'.repeat(32),
    ]) {
      expect(verifyToken(secret, bad)).toBeUndefined();
    }
  });

  it('hashes addresses case- and space-insensitively, keyed by the secret', () => {
    expect(addressHash(secret, ' Aino@Example.FI ')).toBe(addressHash(secret, 'aino@example.fi'));
    expect(addressHash(secret, 'aino@example.fi')).not.toBe(
      addressHash('another-secret-of-at-least-32-characters', 'aino@example.fi'),
    );
  });
});
