/**
 * The worker's Temporal Runtime: its logs (the SDK's, the workflow and activity context loggers', and
 * the Rust core's, forwarded) go through the same pino logger as the API's, and the SDK's own metrics
 * (temporal_*) are served for Prometheus. Runtime.install works once per process, before any
 * connection: call this first in a worker's entry point.
 */
import { Runtime, type LogEntry, type RuntimeOptions } from '@temporalio/worker';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import type { Logger } from './logger';

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<TemporalLogLevel, string>;

/** A Temporal SDK logger that writes to pino; `onEntry` also sees every entry (local-run waits for 'Worker state changed'). */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(
    private readonly logger: Logger,
    private readonly onEntry?: (entry: Pick<LogEntry, 'level' | 'message' | 'meta'>) => void,
  ) {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    this.onEntry?.({ level, message, meta });
    this.logger[PINO_LEVEL[level]]({ ...meta }, message);
  }
  trace(message: string, meta?: LogMetadata) {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata) {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata) {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata) {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata) {
    this.log('ERROR', message, meta);
  }
}

export interface WorkerRuntimeOptions {
  logger: Logger;
  /** Port of the Prometheus endpoint (`/metrics`) for the SDK's metrics; 0 turns it off. */
  metricsPort: number;
  /** Interface it binds to: all of them by default, so a scraper in another container reaches it. */
  metricsHost?: string;
  onEntry?: (entry: Pick<LogEntry, 'level' | 'message' | 'meta'>) => void;
  shutdownSignals?: NodeJS.Signals[];
}

/** Installs the process's Temporal Runtime with pino logging and the Prometheus exporter. */
export function installWorkerRuntime({
  logger,
  metricsPort,
  metricsHost = '0.0.0.0',
  onEntry,
  shutdownSignals,
}: WorkerRuntimeOptions): Runtime {
  const options: RuntimeOptions = {
    logger: new PinoTemporalLogger(logger.child({ component: 'worker' }), onEntry),
    ...(shutdownSignals ? { shutdownSignals } : {}),
    telemetryOptions: {
      // Core's own logs (polling, connection) forwarded to the same logger, at warnings and up.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(metricsPort > 0 ? { metrics: { prometheus: { bindAddress: `${metricsHost}:${metricsPort}` } } } : {}),
    },
  };
  try {
    return Runtime.install(options);
  } catch (err) {
    if (!/address already in use/i.test((err as Error).message)) throw err;
    throw new Error(
      `The worker's metrics port ${metricsPort} is in use (another worker on this machine?): set WORKER_METRICS_PORT to a free port, or 0 to turn the endpoint off`,
      { cause: err },
    );
  }
}
