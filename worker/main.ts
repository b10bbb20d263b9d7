import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { loadConfig, mailSettings, requireMasterKeys, temporalConnectionOptions } from '../config';
import { dataConverterFor } from '../privacy/data-converter';
import { createDb } from '../db';
import { createLogger } from '../observability/logger';
import { installWorkerRuntime } from '../observability/worker-runtime';
import { SCORING_MODELS } from '../domain/scoring';
import { createLeadWorker } from './index';
import { ensureReconcileSchedule } from './reconcile';

/** Runs the lead worker until SIGINT/SIGTERM. */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE });
  // Timeouts well inside the activities' 30-second start-to-close, so a hung SMTP server fails the attempt, which is retried.
  // Pooled: a few SMTP connections kept open and reused, not a connection (TCP, greeting, EHLO) per e-mail.
  const mailer = nodemailer.createTransport({
    url: config.SMTP_URL,
    pool: true,
    maxConnections: 4,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const keys = dataConverterFor(config.DATABASE_URL, requireMasterKeys(config));
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // The reconciliation sweep starts and signals lead workflows: it needs a client, with the same data converter.
  const clientConnection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({
    connection: clientConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: keys.dataConverter,
  });
  try {
    await ensureReconcileSchedule(client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      every: `${config.RECONCILE_EVERY_MINUTES} minutes`,
    });
    const worker = await createLeadWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { db, mailer, mail: mailSettings(config), scoringModel: SCORING_MODELS.get(config.SCORING_MODEL) },
      emailsPerSecond: config.EMAILS_PER_SECOND,
      memoryBudgetMb: config.WORKER_MEMORY_BUDGET_MB,
      dataConverter: keys.dataConverter,
      reconcile: {
        temporal: client,
        batch: config.RECONCILE_BATCH,
        requestRetentionDays: config.API_REQUEST_RETENTION_DAYS,
        workflowOptions: config.RIPEN_TIME_SCALE !== 1 ? { timeScale: config.RIPEN_TIME_SCALE } : undefined,
      },
    });
    await worker.run(); // the SDK shuts the worker down gracefully on SIGINT/SIGTERM
  } finally {
    await clientConnection.close();
    await connection.close();
    await keys.close();
    mailer.close();
    await db.close();
  }
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  Promise.resolve()
    .then(() => {
      installWorkerRuntime({ logger, metricsPort: config.WORKER_METRICS_PORT }); // first: before any connection
      return runWorker();
    })
    .catch((err) => {
      logger.fatal({ err }, 'worker failed');
      process.exit(1);
    });
}
