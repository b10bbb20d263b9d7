/**
 * Determinism guard: every history stored under test/histories/ (recorded from the lifecycle
 * tests with `npm run histories:record`) must replay against the current workflow code. A change
 * that would make a running lead replay differently fails here, naming the history; guard it with
 * `patched()` and keep the old history.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from './helpers/lifecycle';
import { workflowBundle } from './helpers/stack';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();

it('has stored histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(7);
});

it.each(files)('replays %s against the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
  await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, `replay-${file}`);
});
