import type { DataConverter } from '@temporalio/common';
import type { Db } from '../db';
import { LeadPayloadCodec } from './codec';
import { createDataKeyStore, type DataKeyStore } from './data-keys';
import type { Keyring } from './keyring';

/** The converter module the workflow bundle must include (bundleWorkflowCode's failureConverterPath). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter of every Temporal client and worker of Ripen: failure text encoded, payloads encrypted per lead. */
export function ripenDataConverter(keys: DataKeyStore): DataConverter {
  return { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [new LeadPayloadCodec(keys)] };
}

/** The same, with its own key store on this database and master keyring; `codec` is the one it uses (for the codec server). */
export function dataConverterFor(db: Db, masterKeys: Keyring): DataConverter & { codec: LeadPayloadCodec } {
  const codec = new LeadPayloadCodec(createDataKeyStore(db, masterKeys));
  return { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [codec], codec };
}
