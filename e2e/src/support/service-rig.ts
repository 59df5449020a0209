// One service of its own for an e2e file: a fresh data dir (and optionally a work dir), the built
// service started on it with a known admin, an admin API client, and one close() that ends what
// was started (the service, tracked peers, leftovers naming the data dir) and removes the dirs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distributor } from './distributor.js';
import { stopAllTracked } from './media/index.js';
import { killLeftovers, login, processesMentioning, startService, type ServiceProcess } from './service-process.js';

export interface ServiceRig<T = undefined> {
  service: ServiceProcess;
  /** Logged in as the admin. */
  mld: Distributor;
  dataDir: string;
  /** A scratch directory for the file's own fixtures (removed by close()). */
  workDir: string;
  /** What `alongside` made while the service started. */
  prepared: T;
  close(): Promise<void>;
}

export interface ServiceRigOptions<T> {
  env?: Record<string, string>;
  /** Made in the work dir while the service starts (feeds take as long as a start). */
  alongside?: (workDir: string) => Promise<T>;
  /** Serve the built dashboard (browser specs); default off, so API specs do not depend on it. */
  dashboard?: boolean;
}

export async function startServiceRig<T = undefined>(prefix: string, adminPassword: string, options: ServiceRigOptions<T> = {}): Promise<ServiceRig<T>> {
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-data-`));
  const workDir = mkdtempSync(join(tmpdir(), `${prefix}-work-`));
  const removeDirs = (): void => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  };
  const starting = startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: adminPassword, ...(options.dashboard ? {} : { DASHBOARD_DIR: join(dataDir, 'none') }), ...options.env });
  const [service, prepared] = await Promise.allSettled([starting, options.alongside ? options.alongside(workDir) : Promise.resolve(undefined as T)]);
  if (service.status === 'rejected' || prepared.status === 'rejected') {
    if (service.status === 'fulfilled') await service.value.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    removeDirs();
    throw service.status === 'rejected' ? service.reason : (prepared as PromiseRejectedResult).reason;
  }
  const mld = new Distributor(service.value.url, await login(service.value.url, 'admin', adminPassword));
  return {
    service: service.value,
    mld,
    dataDir,
    workDir,
    prepared: prepared.value,
    async close() {
      await service.value.stop('SIGTERM').catch(() => undefined);
      await stopAllTracked();
      killLeftovers();
      for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
      removeDirs();
    },
  };
}
