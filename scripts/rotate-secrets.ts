/**
 * `npm run secrets:rotate`: brings what PostgreSQL holds under the current (first) key of each
 * keyring: data keys are re-wrapped under the first RIPEN_MASTER_KEYS key; suppression entries are
 * re-hashed under the first RIPEN_SUPPRESSION_KEYS key (link keys need nothing: old links verify while
 * their key stays in RIPEN_LINK_KEYS). Put a new key first, run this, then drop the old one where it
 * says so (README "Secrets and rotation").
 *   --generate   for the local run (no RIPEN_MASTER_KEYS set): puts a new key first in data/master-keys, then rotates
 *   --new-key    only prints a new key entry (`id:base64`) to put first in a keyring
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, requireMasterKeys, requireSecrets } from '../config';
import { rehashSuppressions } from '../db/suppressions';
import { addressHashes } from '../privacy/tokens';
import { createDb } from '../db';
import { rewrapDataKeys } from '../privacy/data-keys';
import { newKeyEntry } from '../privacy/keyring';

const LOCAL_MASTER_KEYS = path.resolve(__dirname, '..', 'data', 'master-keys');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { generate: { type: 'boolean' }, 'new-key': { type: 'boolean' } } });
  if (values['new-key']) return void console.log(newKeyEntry('key'));
  if (!process.env.RIPEN_MASTER_KEYS && existsSync(LOCAL_MASTER_KEYS)) {
    if (values.generate)
      writeFileSync(LOCAL_MASTER_KEYS, `${newKeyEntry('master')},${readFileSync(LOCAL_MASTER_KEYS, 'utf8').trim()}`, {
        mode: 0o600,
      });
    process.env.RIPEN_MASTER_KEYS = readFileSync(LOCAL_MASTER_KEYS, 'utf8').trim();
  } else if (values.generate) {
    throw new Error(
      '--generate is for the local run (data/master-keys); with RIPEN_MASTER_KEYS set, put a new key first there (`--new-key` makes one)',
    );
  }
  const config = loadConfig();
  const masterKeys = requireMasterKeys(config);
  const db = createDb(config.DATABASE_URL, { max: 1 });
  try {
    const { rewrapped } = await rewrapDataKeys(db, masterKeys);
    console.log(`data keys: ${rewrapped} re-wrapped under master key ${masterKeys.current.id}`);
    if (masterKeys.all.length > 1)
      console.log(
        `master keys ${masterKeys.all
          .slice(1)
          .map((k) => k.id)
          .join(', ')} wrap nothing now: they can be dropped from RIPEN_MASTER_KEYS`,
      );
    const secrets = config.RIPEN_SECRET || config.RIPEN_SUPPRESSION_KEYS ? requireSecrets(config) : undefined;
    if (secrets && typeof secrets !== 'string' && secrets.suppression.length > 1) {
      const { rehashed, remaining } = await rehashSuppressions(db, (address) => addressHashes(secrets, address));
      console.log(
        `suppression entries: ${rehashed} re-hashed under key ${secrets.suppression[0]!.id}; ${remaining} of erased people or addresses no longer held stay under older keys (keep those keys in RIPEN_SUPPRESSION_KEYS)`,
      );
    }
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
