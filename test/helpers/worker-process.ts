/**
 * A lead worker in a process of its own: for fault tests that kill it with SIGKILL, and, with a
 * metrics port, for the telemetry test, started as worker/main.ts starts one (the Temporal Runtime
 * with the pino logger on stdout and the Prometheus exporter; Runtime.install works once per
 * process, hence the child). Settings arrive as JSON in RIPEN_WORKER_PROCESS; it prints "ready"
 * once it polls.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createDb } from '../../db';
import { createLogger } from '../../observability/logger';
import { installWorkerRuntime } from '../../observability/worker-runtime';
import { createLeadWorker } from '../../worker';
import { ripenDataConverter } from '../../privacy/data-converter';
import { openDataKeyStore } from '../../privacy/data-keys';
import { MAIL, masterKeyring } from './stack';

interface Settings {
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  workflowBundlePath: string;
  /** Install the production Runtime (JSON logs, Prometheus on this port) instead of a quiet one. */
  metricsPort?: number;
  /** The worker's SMTP timeouts (worker/main.ts), so a hung SMTP server fails the attempt (the fault suite). */
  smtpTimeouts?: boolean;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.RIPEN_WORKER_PROCESS ?? '') as Settings;
  if (settings.metricsPort !== undefined) {
    installWorkerRuntime({
      logger: createLogger({ level: 'debug' }),
      metricsPort: settings.metricsPort,
      metricsHost: '127.0.0.1',
    });
  } else {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  }
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const db = createDb(settings.databaseUrl);
  const keys = openDataKeyStore(settings.databaseUrl, masterKeyring());
  const mailer = nodemailer.createTransport(
    settings.smtpTimeouts
      ? { url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }
      : settings.smtpUrl,
  );
  const worker = await createLeadWorker({
    connection,
    namespace: 'default',
    taskQueue: settings.taskQueue,
    deps: { db, mailer, mail: MAIL },
    workflowBundle: { code: readFileSync(settings.workflowBundlePath, 'utf8') },
    dataConverter: ripenDataConverter(keys),
  });
  process.stdout.write('ready\n');
  await worker.run(); // until SIGTERM, which the SDK turns into a graceful shutdown (or SIGKILL in fault tests)
  await connection.close();
  mailer.close();
  await keys.close();
  await db.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
