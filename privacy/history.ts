/** Histories read through the codec: for stored test histories, the codec server's callers, and erasure checks. */
import type { Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { ERASED_MARKER, ErasedKeyError, type LeadPayloadCodec } from './codec';

/** The codec's decode, with `[erased]` for payloads whose key was erased. */
export async function decodeOrErased(codec: LeadPayloadCodec, payload: Payload): Promise<Payload> {
  try {
    return await codec.decodeOne(payload);
  } catch (err) {
    if (err instanceof ErasedKeyError) return ERASED_MARKER;
    throw err;
  }
}

function isPayload(value: object): value is Payload {
  const metadata = (value as Payload).metadata;
  return 'data' in value && typeof metadata === 'object' && metadata !== null && 'encoding' in metadata;
}

/** Every payload in the history decoded in place (erased ones become `[erased]`); returns the history. */
export async function decodeHistory(history: History, codec: LeadPayloadCodec): Promise<History> {
  const payloads: Payload[] = [];
  const walk = (value: unknown) => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
    if (isPayload(value)) return void payloads.push(value);
    for (const child of Object.values(value)) walk(child);
  };
  walk(history);
  await Promise.all(
    payloads.map(async (payload) => {
      const decoded = await decodeOrErased(codec, payload);
      payload.metadata = decoded.metadata;
      payload.data = decoded.data;
    }),
  );
  return history;
}
