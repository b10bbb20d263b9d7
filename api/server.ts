import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireSecret, temporalConnectionOptions, type Config } from '../config';
import { createDb } from '../db';
import { createApp } from './app';

export interface RunningApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the API on config.PORT. The Temporal connection is lazy, so the API starts (and answers 503) while Temporal is down. */
export async function startApi(config: Config = loadConfig()): Promise<RunningApi> {
  const db = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE });
  const connection = Connection.lazy(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, adminKey: config.RIPEN_ADMIN_KEY, secret: requireSecret(config), timeScale: config.RIPEN_TIME_SCALE });
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
      await db.close();
    },
  };
}

if (require.main === module) {
  startApi().then(
    (api) => {
      console.log(`Ripen API listening on ${api.url}`);
      const stop = () => void api.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
