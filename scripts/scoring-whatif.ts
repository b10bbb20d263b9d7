/**
 * `npm run scoring:whatif -- --model <id>@<version> [--from <ISO>] [--to <ISO>]` (N5, issue 15):
 * replays every lead's recorded touches and outcomes in [from, to) (first touched; default the last
 * 30 days) from PostgreSQL through the candidate model in simulated time and prints it against the
 * current model (SCORING_MODEL): leads whose grade would change, MQLs gained and lost, and the
 * conversion by grade and score band under each model against what really happened.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb } from '../db';
import { loadHistories } from '../db/whatif';
import { SCORING_MODELS } from '../domain/scoring';
import { compareModels, formatWhatIf } from '../domain/whatif';

const USAGE = `usage: npm run scoring:whatif -- --model <id>@<version> [--from <ISO time>] [--to <ISO time>] [--rep <id>] [--source <channel>] [--json]
models: ${[...SCORING_MODELS.keys()].join(', ')}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      rep: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const candidate = values.model ? SCORING_MODELS.get(values.model) : undefined;
  if (!candidate)
    throw new Error(`${values.model ? `unknown model ${values.model}` : '--model is required'}\n${USAGE}`);
  const to = values.to ? new Date(values.to) : new Date();
  const from = values.from ? new Date(values.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (Number.isNaN(to.getTime()) || Number.isNaN(from.getTime()) || from >= to)
    throw new Error(`--from and --to must be ISO times, from before to\n${USAGE}`);
  const config = loadConfig();
  const current = SCORING_MODELS.get(config.SCORING_MODEL)!;
  const db = createDb(config.DATABASE_URL);
  try {
    const histories = await loadHistories(db, { from, to, repId: values.rep, source: values.source });
    const result = compareModels(current, candidate, histories, to.toISOString());
    console.log(values.json ? JSON.stringify(result, null, 2) : formatWhatIf(result));
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
