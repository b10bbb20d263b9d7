/**
 * Determinism guard: one recorded history per journey scenario (test/histories/manifest.json,
 * recorded from the v1 code with `npm run histories:record`) must replay against the current
 * workflow code. A change that would make a running lead replay differently fails here, naming
 * the history: guard it with `patched()` and record new histories beside the old ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from './helpers/lifecycle';
import { workflowBundle } from './helpers/stack';

const manifest = JSON.parse(readFileSync(path.join(HISTORIES_DIR, 'manifest.json'), 'utf8')) as Record<string, string>;
const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
  .sort();
/** `name.json`, `name.run2.json`, `name@patch.json`: the scenario a file belongs to. */
const scenarioOf = (file: string) => file.replace(/(@[^.]+)?(\.run\d+)?\.json$/, '');

it('has a history for every scenario in the manifest, and none outside it', () => {
  expect(Object.keys(manifest).filter((name) => !files.some((f) => scenarioOf(f) === name))).toEqual([]);
  expect(files.filter((f) => !(scenarioOf(f) in manifest))).toEqual([]);
});

it.each(files)('replays %s against the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
  await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, `replay-${file}`);
});
