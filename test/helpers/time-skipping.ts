import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { testRun } from '../setup/run';

type Create = (opts: {
  server: { type: 'existing' };
  address: string;
  namespace: string;
  supportsTimeSkipping: true;
  client?: { dataConverter?: DataConverter };
}) => Promise<TestWorkflowEnvironment>;

/**
 * Attaches to the run's one time-skipping test server (started by the global setup).
 * `@temporalio/testing` 1.24 offers attaching to an existing server only without time skipping
 * (`createFromExistingServer`), so this calls the factory that the public constructors share.
 * Its clock is shared: time-skipping test files must not run concurrently (jest maxWorkers: 1).
 */
export function connectTimeSkipping(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const create = (TestWorkflowEnvironment as unknown as { create: Create }).create.bind(TestWorkflowEnvironment);
  return create({
    server: { type: 'existing' },
    address: testRun().timeSkippingAddress,
    namespace: 'default',
    supportsTimeSkipping: true,
    client: { dataConverter },
  });
}
