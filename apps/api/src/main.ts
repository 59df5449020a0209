import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { installExitHandlers } from '@mld/supervisor';
import { ConfigError, loadConfig } from './config/app-config.js';
import { startApplication } from './application.js';
import { ClusterRefusedError } from './database/embedded-postgres-cluster.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // Last line of defence: whatever path ends the process, media children are killed with it.
  installExitHandlers();
  const running = await startApplication(config);
  const logger = new Logger('Main');
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: stopping`);
    // Bounded: a stuck shutdown must not keep the port (or the pod) forever.
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 30 s: exiting anyway');
      process.exit(1);
    }, 30_000);
    force.unref();
    running
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ClusterRefusedError) {
    // Not a crash: the data is kept and the message says what to do. No stack trace to scare anyone.
    console.error(`refusing to start: ${error.message}`);
    process.exit(3);
  }
  console.error(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
