import type { Server } from 'node:http';
import { SCORING_MODELS } from '../domain/scoring';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireMasterKeys, requireSecrets, temporalConnectionOptions, type Config } from '../config';
import { dataConverterFor } from '../privacy/data-converter';
import { collectDefaultMetrics } from 'prom-client';
import { createDb } from '../db';
import { createLogger, type Logger } from '../observability/logger';
import { createHttpMetrics } from './request-observability';
import { createApp } from './app';

export interface RunningApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the API on config.PORT. The Temporal connection is lazy, so the API starts (and answers 503) while Temporal is down. */
export async function startApi(
  config: Config = loadConfig(),
  logger: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<RunningApi> {
  const db = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE });
  const connection = Connection.lazy(temporalConnectionOptions(config));
  const { codec, dataConverter, close: closeKeys } = dataConverterFor(config.DATABASE_URL, requireMasterKeys(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const metrics = createHttpMetrics();
  collectDefaultMetrics({ register: metrics.registry }); // process CPU, memory, event-loop lag
  const app = createApp({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    adminKey: config.RIPEN_ADMIN_KEY,
    secret: requireSecrets(config),
    logger: logger.child({ component: 'api' }),
    metrics,
    rateLimits: {
      capturePerWindow: config.RATE_LIMIT_CAPTURE_PER_MINUTE,
      publicPerWindow: config.RATE_LIMIT_PUBLIC_PER_MINUTE,
      windowMs: 60_000,
    },
    trustProxyHops: config.TRUST_PROXY_HOPS,
    timeScale: config.RIPEN_TIME_SCALE,
    codec,
    temporalUiOrigin: config.TEMPORAL_UI_ORIGIN,
    scoringModel: SCORING_MODELS.get(config.SCORING_MODEL),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, () => resolve(s)).on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return {
    server,
    url: `http://localhost:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await closeKeys();
      await db.close();
    },
  };
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  startApi(config, logger).then(
    (api) => {
      logger.info({ url: api.url }, 'Ripen API listening');
      const stop = () => void api.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      logger.fatal({ err }, 'API failed to start');
      process.exit(1);
    },
  );
}
