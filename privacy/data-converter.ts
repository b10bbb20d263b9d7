import type { DataConverter } from '@temporalio/common';
import { LeadPayloadCodec } from './codec';
import { openDataKeyStore, type DataKeyStore } from './data-keys';
import type { Keyring } from './keyring';

/** The converter module the workflow bundle must include (bundleWorkflowCode's failureConverterPath). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter of every Temporal client and worker of Ripen: failure text encoded, payloads encrypted per lead. */
export function ripenDataConverter(keys: DataKeyStore): DataConverter {
  return { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [new LeadPayloadCodec(keys)] };
}

/**
 * The same, with a key store of its own on this database and master keyring; `codec` is the one it
 * uses (for the codec server); `close` ends the store's pool.
 */
export function dataConverterFor(
  databaseUrl: string,
  masterKeys: Keyring,
): { dataConverter: DataConverter; codec: LeadPayloadCodec; close(): Promise<void> } {
  const keys = openDataKeyStore(databaseUrl, masterKeys);
  const codec = new LeadPayloadCodec(keys);
  return {
    dataConverter: { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [codec] },
    codec,
    close: () => keys.close(),
  };
}
