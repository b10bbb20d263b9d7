/**
 * `npm run reps -- add|list|show|set|away|deactivate|audit …`: rep administration from the command
 * line (docs/reps.md). It calls the admin API (/v1/admin/reps) with an admin key, so the rules,
 * the audit and the reassignment of a deactivated rep's leads are the API's, in one place.
 */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run reps -- <command> [options]

Commands:
  add <id> --name <name> --email <address> [--territory T]... [--language L]... [--weight N]
           [--manager-email <address>] [--unavailable]
                         add a rep (id: lower-case letters, digits, . _ -)
  list [--all]           the active reps (--all: deactivated ones too)
  show <id>              one rep
  set <id> [--name …] [--email …] [--territory T]... [--no-territories] [--language L]... [--weight N]
           [--manager-email <address>|none] [--available true|false]
                         change a rep; --territory and --language replace the whole list
  away <id> --from <time> --to <time>
                         add an away window (routing skips the rep then); times are ISO 8601,
                         a date alone (2026-07-01) is midnight UTC
  away <id> --clear      remove every away window
  deactivate <id>        no new leads; each open lead is reassigned and the manager told
  audit <id>             every change to the rep: who, when, what

Territories: FI (the whole country), FI/Oulu (a city), FI/Lapland/* (a region),
             FI/Lapland/Rovaniemi (a city in a region). Languages: BCP 47 tags (fi, en, fa, uk, el).

Options:
  --json     print the API's answer as JSON
  --key <k>  an admin API key (default: RIPEN_ADMIN_KEY)
  --api <u>  the API's URL (default: RIPEN_API_URL, else http://localhost:$PORT, port 3000)
  -h, --help this text`;

/**
 * What `npm start` says about reps: with none, every lead goes to the manager and its first touch is
 * signed by the team, so it says how to add the first one.
 */
export function repsStatusLines(activeReps: number, apiUrl: string, team: string): string[] {
  if (activeReps > 0)
    return [`Reps           ${activeReps} active: npm run reps -- list, or ${apiUrl}/admin/reps (docs/reps.md)`];
  return [
    `Reps           none yet: leads wait for the manager and first touches are signed "${team}". Add the first:`,
    `               RIPEN_ADMIN_KEY=<admin key> npm run reps -- add rep-oulu --name "Oona Oulu" \\`,
    `                 --email oona@example.fi --territory FI/Oulu --language fi --language en`,
    `               or on ${apiUrl}/admin/reps (docs/reps.md)`,
  ];
}

export interface RepsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

/** `FI`, `FI/Oulu`, `FI/Lapland/*`, `FI/Lapland/Rovaniemi` → a territory as the API takes it. */
export function parseTerritory(text: string): { country: string; region?: string; city?: string } {
  const parts = text.split('/').map((p) => p.trim());
  const [country, a, b] = parts;
  if (!country || parts.length > 3 || parts.some((p) => p === ''))
    throw new UsageError(
      `--territory ${text}: expected COUNTRY, COUNTRY/CITY, COUNTRY/REGION/* or COUNTRY/REGION/CITY`,
    );
  if (parts.length === 1) return { country };
  if (parts.length === 2) return { country, city: a! };
  return { country, region: a!, ...(b === '*' ? {} : { city: b! }) };
}

/** A date alone is midnight UTC; anything else goes to the API as written (it says what is wrong). */
const instant = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);

const describeTerritory = (t: { country: string; region?: string; city?: string }) =>
  [t.country, t.region, t.city ?? (t.region ? '*' : undefined)].filter(Boolean).join('/');

interface Rep {
  id: string;
  name: string;
  email: string;
  managerEmail: string | null;
  territories: { country: string; region?: string; city?: string }[];
  languages: string[];
  weight: number;
  available: boolean;
  away: { from: string; to: string }[];
  active: boolean;
  assignedCount: number;
}

function repLines(rep: Rep): string[] {
  const state = !rep.active ? 'deactivated' : rep.available ? 'available' : 'unavailable';
  return [
    `${rep.id}  ${rep.name} <${rep.email}>  ${state}, weight ${rep.weight}, ${rep.assignedCount} leads so far`,
    `  territories: ${rep.territories.map(describeTerritory).join(', ') || '(none: round robin only)'}`,
    `  languages:   ${rep.languages.join(', ') || '(none given)'}`,
    ...(rep.managerEmail ? [`  manager:     ${rep.managerEmail}`] : []),
    ...rep.away.map((w) => `  away:        ${w.from} → ${w.to}`),
  ];
}

/** Runs one command; answers the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runReps(argv: string[], io: RepsIo): Promise<number> {
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        email: { type: 'string' },
        territory: { type: 'string', multiple: true },
        'no-territories': { type: 'boolean' },
        language: { type: 'string', multiple: true },
        weight: { type: 'string' },
        'manager-email': { type: 'string' },
        unavailable: { type: 'boolean' },
        available: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        clear: { type: 'boolean' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        key: { type: 'string' },
        api: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, id, ...extra] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    (command === undefined && !values.help ? io.err : io.out)(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const key = values.key ?? io.env.RIPEN_ADMIN_KEY;
  const api = (values.api ?? io.env.RIPEN_API_URL ?? `http://localhost:${io.env.PORT ?? 3000}`).replace(/\/$/, '');

  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${api}/v1/admin/reps${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: Error) => {
      throw new Error(`Cannot reach the API at ${api} (${err.message}): is \`npm start\` running? Set RIPEN_API_URL.`);
    });
    const answer = (await res.json().catch(() => ({}))) as any;
    if (!res.ok) {
      const fields = (answer.error?.fields ?? []) as { field: string; message: string }[];
      throw new Error(
        [
          `${res.status} ${answer.error?.message ?? res.statusText}`,
          ...fields.map((f) => `  ${f.field}: ${f.message}`),
        ].join('\n'),
      );
    }
    return answer;
  };
  const show = (answer: unknown, lines: () => string[]) => {
    if (values.json) io.out(JSON.stringify(answer, null, 2));
    else lines().forEach((line) => io.out(line));
  };

  try {
    const needsId = command !== 'list';
    if (needsId && !id) throw new UsageError(`${command} needs a rep id`);
    if (extra.length > 0 || (!needsId && id)) throw new UsageError(`Unexpected argument ${extra[0] ?? id}`);
    if (!key)
      throw new UsageError('No admin key: set RIPEN_ADMIN_KEY or pass --key (npm run keys:create -- --role admin)');
    const territories = values['no-territories'] ? [] : values.territory?.map(parseTerritory);
    const weight = values.weight === undefined ? undefined : Number(values.weight);
    const managerEmail = values['manager-email'] === 'none' ? null : values['manager-email'];
    const path = `/${encodeURIComponent(id ?? '')}`;
    switch (command) {
      case 'add': {
        const rep = await call('POST', '', {
          id,
          name: values.name,
          email: values.email,
          ...(territories ? { territories } : {}),
          ...(values.language ? { languages: values.language } : {}),
          ...(weight === undefined ? {} : { weight }),
          ...(managerEmail ? { managerEmail } : {}),
          ...(values.unavailable ? { available: false } : {}),
        });
        show(rep, () => [`Added:`, ...repLines(rep)]);
        return 0;
      }
      case 'list': {
        const { reps } = await call('GET', values.all ? '?includeInactive=true' : '');
        show({ reps }, () =>
          reps.length ? (reps as Rep[]).flatMap(repLines) : ['No reps yet: npm run reps -- add …'],
        );
        return 0;
      }
      case 'show': {
        const rep = await call('GET', path);
        show(rep, () => repLines(rep));
        return 0;
      }
      case 'set': {
        if (values.available !== undefined && !['true', 'false'].includes(values.available))
          throw new UsageError('--available takes true or false');
        const patch = {
          ...(values.name === undefined ? {} : { name: values.name }),
          ...(values.email === undefined ? {} : { email: values.email }),
          ...(territories ? { territories } : {}),
          ...(values.language ? { languages: values.language } : {}),
          ...(weight === undefined ? {} : { weight }),
          ...(managerEmail === undefined ? {} : { managerEmail }),
          ...(values.available === undefined ? {} : { available: values.available === 'true' }),
        };
        if (Object.keys(patch).length === 0) throw new UsageError('set: nothing to change');
        const rep = await call('PATCH', path, patch);
        show(rep, () => [`Changed ${rep.changed.join(', ') || 'nothing'}:`, ...repLines(rep)]);
        return 0;
      }
      case 'away': {
        let away: { from: string; to: string }[];
        if (values.clear) away = [];
        else {
          if (!values.from || !values.to) throw new UsageError('away needs --from and --to, or --clear');
          away = [...(await call('GET', path)).away, { from: instant(values.from), to: instant(values.to) }];
        }
        const rep = await call('PATCH', path, { away });
        show(rep, () => repLines(rep));
        return 0;
      }
      case 'deactivate': {
        const answer = await call('DELETE', path);
        show(answer, () => [
          `${answer.rep.id} ${answer.alreadyDeactivated ? 'was already' : 'is now'} deactivated: no new leads.`,
          `Open leads being reassigned: ${answer.leads.reassigning.length}` +
            (answer.leads.failed.length ? `; not reached (run deactivate again): ${answer.leads.failed.length}` : ''),
        ]);
        return answer.leads.failed.length ? 1 : 0;
      }
      case 'audit': {
        const { entries } = await call('GET', `${path}/audit`);
        show({ entries }, () =>
          (entries as { at: string; actor: string; action: string; changes: object }[]).map(
            (e) => `${e.at}  key ${e.actor}  ${e.action}  ${JSON.stringify(e.changes)}`,
          ),
        );
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err((err as Error).message);
    return 1;
  }
}

if (require.main === module) {
  runReps(process.argv.slice(2), { out: console.log, err: console.error, env: process.env }).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
