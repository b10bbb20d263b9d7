/**
 * The payload codec on every Temporal client and worker: each payload of a lead workflow is
 * encrypted (AES-256-GCM) under that lead's data key, and names the key in its metadata, so
 * decoding needs no context and erasing the key makes the payload unreadable.
 *
 * Which lead: the SDK passes the serialization context (the owning workflow's id, or the
 * scheduling workflow's id for an activity) to the codec; lead workflow ids are `lead-<leadId>`.
 * Payloads no lead owns go under the system key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, type SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ErasedKeyError, type DataKey, type DataKeyStore } from './data-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';

const LEAD_WORKFLOW_ID = /^lead-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The lead that owns payloads of this context, if a lead workflow does. */
export function leadOfContext(context: SerializationContext | undefined): string | undefined {
  const workflowId = context?.workflowId;
  return workflowId ? LEAD_WORKFLOW_ID.exec(workflowId)?.[1]?.toLowerCase() : undefined;
}

/** What an erased lead's payloads read as, and what is written in their place after the erasure. */
export const ERASED_MARKER: Payload = {
  metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') },
  data: Buffer.from('"[erased]"'),
};

export function isEncrypted(payload: Payload): boolean {
  return Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() === ENCRYPTED_ENCODING;
}

export function keyIdOf(payload: Payload): string | undefined {
  const id = payload.metadata?.[KEY_ID_METADATA];
  return id ? Buffer.from(id).toString() : undefined;
}

export class LeadPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: DataKeyStore) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const leadId = leadOfContext(context);
    let key: DataKey;
    try {
      key = leadId ? await this.keys.forLead(leadId) : await this.keys.system();
    } catch (err) {
      // An erased lead's data is never written again, under any key: what its ending workflow (or a late
      // activity) still sends becomes the marker. Throwing instead would fail the worker's task over and over.
      if (err instanceof ErasedKeyError) return payloads.map(() => ERASED_MARKER);
      throw err;
    }
    return payloads.map((payload) => (isEncrypted(payload) ? payload : encrypt(payload, key)));
  }

  /** Drops this process's cached copy of the lead's key (after its erasure). */
  forget(leadId: string): void {
    this.keys.forget(leadId);
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  /** One payload; an erased key throws ErasedKeyError (the codec server shows `[erased]` instead). */
  async decodeOne(payload: Payload): Promise<Payload> {
    if (!isEncrypted(payload)) return payload;
    const keyId = keyIdOf(payload);
    if (!keyId) throw new Error('an encrypted payload without a key id');
    return decrypt(payload, await this.keys.byId(keyId));
  }
}

function encrypt(payload: Payload, { keyId, key }: DataKey): Payload {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The key id is bound to the ciphertext: a payload cannot be relabelled to another key.
  cipher.setAAD(Buffer.from(keyId));
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    metadata: {
      [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA]: Buffer.from(keyId),
      [CIPHER_METADATA]: Buffer.from(CIPHER),
    },
    data: Buffer.concat([iv, cipher.getAuthTag(), body]),
  };
}

function decrypt(payload: Payload, { keyId, key }: DataKey): Payload {
  const data = Buffer.from(payload.data ?? []);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(data.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
  return temporal.api.common.v1.Payload.decode(plain);
}

export { ErasedKeyError };
