/**
 * A lead worker in a process of its own, for fault tests that kill it with SIGKILL. Settings
 * arrive as JSON in RIPEN_WORKER_PROCESS; it prints "ready" once it polls.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createDb } from '../../db';
import { createLeadWorker } from '../../worker';
import { MAIL } from './stack';

interface Settings {
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  workflowBundlePath: string;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.RIPEN_WORKER_PROCESS ?? '') as Settings;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const worker = await createLeadWorker({
    connection,
    namespace: 'default',
    taskQueue: settings.taskQueue,
    deps: { db: createDb(settings.databaseUrl), mailer: nodemailer.createTransport(settings.smtpUrl), mail: MAIL },
    workflowBundle: { code: readFileSync(settings.workflowBundlePath, 'utf8') },
  });
  process.stdout.write('ready\n');
  await worker.run();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
