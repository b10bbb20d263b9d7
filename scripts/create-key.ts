/**
 * `npm run keys:create -- --role rep --rep rep-oulu --label "Oulu rep"`: creates an API key in
 * DATABASE_URL's database. The key goes to stdout alone (KEY=$(npm run -s keys:create -- …) works);
 * everything else to stderr. Keys are stored hashed, so this is the only time it is shown.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb, isDatabaseUnavailable } from '../db';
import { createApiKey, type Role } from '../db/keys';
import { withoutPassword } from './postgres';

const ROLES: readonly Role[] = ['capture', 'rep', 'manager', 'admin', 'inbound'];

const USAGE = `Usage: npm run keys:create -- --role <${ROLES.join('|')}> [--rep <rep id>] [--label <text>] [--may-update]
  --role   what the key may do (admin may do everything)
  --rep    the rep the key belongs to; required with --role rep, refused otherwise
  --label  a note to recognise the key by later, e.g. "Oulu rep"
  --may-update  a capture key whose \`update: true\` may change a returning person's stored fields (a trusted import)
The database is DATABASE_URL's (default: the local run's on 127.0.0.1:5432).`;

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArguments(): { role: Role; repId?: string; label?: string; mayUpdateLeads?: boolean } {
  let values: { role?: string; rep?: string; label?: string; help?: boolean; 'may-update'?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        rep: { type: 'string' },
        label: { type: 'string' },
        'may-update': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    usageError((err as Error).message);
  }
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const role = values.role as Role | undefined;
  if (!role) usageError('Missing --role.');
  if (!ROLES.includes(role)) usageError(`Unknown role "${role}".`);
  const repId = values.rep?.trim();
  if (role === 'rep' && !repId) usageError('A rep key needs --rep <rep id>, e.g. --rep rep-oulu.');
  if (role !== 'rep' && values.rep !== undefined) usageError(`--rep only applies to --role rep, not ${role}.`);
  const label = values.label?.trim();
  if (values.label !== undefined && !label) usageError('--label is empty.');
  if (values['may-update'] && role !== 'capture')
    usageError(`--may-update only applies to --role capture, not ${role}.`);
  return { role, repId, label, mayUpdateLeads: values['may-update'] };
}

async function main(): Promise<void> {
  const { role, repId, label, mayUpdateLeads } = parseArguments();
  const { DATABASE_URL } = loadConfig();
  const db = createDb(DATABASE_URL, { max: 1 });
  try {
    const key = await createApiKey(db, role, { repId, label, mayUpdateLeads });
    console.error(
      `Created an API key with role ${role}${repId ? ` for ${repId}` : ''}${label ? ` ("${label}")` : ''}. Store it now: it is not shown again.`,
    );
    console.log(key);
  } catch (err) {
    if (isDatabaseUnavailable(err))
      throw new Error(
        `Cannot reach PostgreSQL at ${withoutPassword(DATABASE_URL)}: is \`npm start\` running? Set DATABASE_URL to the database it printed.`,
      );
    if ((err as { code?: string }).code === '42P01')
      throw new Error(
        `No api_keys table in ${withoutPassword(DATABASE_URL)}: run \`npm start\` or \`npm run migrate\` first.`,
      );
    throw err;
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
