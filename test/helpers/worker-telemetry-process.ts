/**
 * A lead worker in a process of its own, started as worker/main.ts starts one: the Temporal Runtime
 * installed with the pino logger (JSON lines on stdout) and the Prometheus exporter. Runtime.install
 * works once per process, hence the child. Settings arrive as JSON in RIPEN_WORKER_PROCESS.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createDb } from '../../db';
import { createLogger } from '../../observability/logger';
import { installWorkerRuntime } from '../../observability/worker-runtime';
import { createLeadWorker } from '../../worker';
import { MAIL } from './stack';

interface Settings {
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  workflowBundlePath: string;
  metricsPort: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.RIPEN_WORKER_PROCESS ?? '') as Settings;
  const logger = createLogger({ level: 'debug' });
  installWorkerRuntime({ logger, metricsPort: settings.metricsPort, metricsHost: '127.0.0.1' });
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const db = createDb(settings.databaseUrl);
  const mailer = nodemailer.createTransport(settings.smtpUrl);
  const worker = await createLeadWorker({
    connection,
    namespace: 'default',
    taskQueue: settings.taskQueue,
    deps: { db, mailer, mail: MAIL },
    workflowBundle: { code: readFileSync(settings.workflowBundlePath, 'utf8') },
  });
  await worker.run(); // until SIGTERM, which the SDK turns into a graceful shutdown
  await connection.close();
  mailer.close();
  await db.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
