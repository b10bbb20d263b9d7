/**
 * Issue 13.9: `docker compose up` must start the API and the worker. Docker is not available where the
 * tests run, so this checks the compose file against the config schema: every Ripen service gets every
 * setting its start-up requires, including the secrets the one-shot `ripen-secrets` generates (its
 * script is run here, into a temporary directory, and its file sourced the way the services do).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  ConfigSchema,
  loadConfig,
  mailSettings,
  requireMasterKeys,
  requireSecrets,
  temporalConnectionOptions,
} from '../config';
import { SERVER_DYNAMIC_CONFIG } from '../scripts/processes';
import { searchAttributeDefinitions } from '../workflows/contracts';

interface Service {
  image?: string;
  environment?: Record<string, string | number | boolean>;
  configs?: { source: string; target: string }[];
  entrypoint?: string[];
  command?: string[];
}

const compose = parse(readFileSync(path.resolve(__dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string }>;
};
const ENTRY_POINTS = ['api/server.ts', 'worker/main.ts'];
const ripenServices = Object.entries(compose.services).filter(([, s]) =>
  [...(s.entrypoint ?? []), ...(s.command ?? [])].some((part) => ENTRY_POINTS.some((e) => part.includes(e))),
);

/** Compose's interpolation: `${VAR:?message}` must come from whoever runs compose (a valid stand-in here), `${VAR:-default}` falls back. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?([?-])([^}]*))?\}/g, (_all, _name: string, op?: string, rest?: string) => {
    if (op === '?') {
      expect(rest).toMatch(/\w+/); // says what to set
      return 'user-supplied-admin-key-0123456789';
    }
    return rest ?? '';
  });
}

/** What a service's process sees: its environment, plus the generated secrets file when its entry point sources it. */
function processEnv(service: Service, secretsDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
  );
  const entry = (service.entrypoint ?? []).join(' ');
  const sourced = /\. (\/secrets\/\S+)/.exec(entry)?.[1];
  if (sourced) {
    // `set -a; . file`: each line NAME=value, with sh's ${NAME:-default} (the environment's value wins).
    const lines = readFileSync(path.join(secretsDir, path.basename(sourced)), 'utf8')
      .split('\n')
      .filter(Boolean);
    for (const line of lines) {
      const [, name, value] = /^(\w+)=(.*)$/.exec(line)!;
      env[name!] = value!.replace(
        /\$\{(\w+):-([^}]*)\}/g,
        (_all, ref: string, fallback: string) => env[ref] || fallback,
      );
    }
  }
  return env;
}

/** Everything start-up requires: the schema, then the secrets the API and the worker refuse to start without. */
function startUpChecks(env: NodeJS.ProcessEnv): void {
  const config = loadConfig(env);
  requireSecrets(config);
  requireMasterKeys(config);
  mailSettings(config);
  temporalConnectionOptions(config);
}

let secretsDir: string;
beforeAll(() => {
  secretsDir = mkdtempSync(path.join(tmpdir(), 'ripen-compose-'));
  const generator = compose.services['ripen-secrets'];
  expect(generator?.command?.slice(0, 2)).toEqual(['node', '-e']);
  // Compose's `$$` is a literal `$`; the script writes into our directory instead of the volume.
  const script = generator!.command![2]!.replace(/\$\$/g, '$').replaceAll('/secrets/', `${secretsDir}/`);
  execFileSync(process.execPath, ['-e', script]);
});
afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

it('has the API and the worker as Ripen services', () => {
  expect(ripenServices.map(([name]) => name).sort()).toEqual(['ripen-api', 'ripen-worker']);
});

it.each(ripenServices.map(([name]) => name))('gives %s every setting its start-up requires', (name) => {
  const env = processEnv(compose.services[name]!, secretsDir);
  const required = Object.entries(ConfigSchema.shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key);
  for (const key of required) expect({ key, set: env[key] !== undefined }).toEqual({ key, set: true });
  expect(() => startUpChecks(env)).not.toThrow();
  // The same service without the generated secrets would not start: the check has teeth.
  const { entrypoint: _sourcing, ...withoutSecrets } = compose.services[name]!;
  expect(() => startUpChecks(processEnv(withoutSecrets, secretsDir))).toThrow(/RIPEN_SECRET|RIPEN_MASTER_KEYS/);
});

it('registers every search attribute the lead workflow sets, with its type (a missing one fails its workflow tasks)', () => {
  const script = compose.services['temporal-setup']!.command!.join('\n');
  const registered = [...script.matchAll(/--name (\w+) --type (\w+)/g)].map(([, name, type]) => ({ name, type }));
  const byName = (a: { name?: string }, b: { name?: string }) => a.name!.localeCompare(b.name!);
  expect(registered.sort(byName)).toEqual(searchAttributeDefinitions().sort(byName));
});

it("runs Temporal with the dev server's dynamic config (eager activities), from the file the server reads", () => {
  const temporal = compose.services.temporal!;
  const file = String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH);
  const mounted = temporal.configs?.find((c) => c.target === path.posix.join('/etc/temporal', file));
  expect(mounted).toBeDefined();
  const config = parse(compose.configs?.[mounted!.source]?.content ?? '') as Record<string, { value: unknown }[]>;
  expect(Object.fromEntries(Object.entries(config).map(([key, [first]]) => [key, first?.value]))).toEqual(
    SERVER_DYNAMIC_CONFIG,
  );
});

it('generates the secrets once: a second run keeps the first values', () => {
  const first = readFileSync(path.join(secretsDir, 'ripen.env'), 'utf8');
  const script = compose.services['ripen-secrets']!.command![2]!.replace(/\$\$/g, '$').replaceAll(
    '/secrets/',
    `${secretsDir}/`,
  );
  execFileSync(process.execPath, ['-e', script]);
  expect(readFileSync(path.join(secretsDir, 'ripen.env'), 'utf8')).toBe(first);
  expect(first).toMatch(
    /^RIPEN_SECRET=\$\{RIPEN_SECRET:-[A-Za-z0-9_-]{43}\}\nRIPEN_MASTER_KEYS=\$\{RIPEN_MASTER_KEYS:-master-1:[A-Za-z0-9+/=]{44}\}\n$/,
  );
});
