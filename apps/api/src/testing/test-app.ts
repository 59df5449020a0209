import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApplication, type RunningApplication } from '../application.js';
import { loadConfig } from '../config/app-config.js';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A real app on a real (embedded) PostgreSQL in a temp dir, on a free port. */
export interface TestApp {
  running: RunningApplication;
  url: string;
  dataDir: string;
  request<T = unknown>(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string }): Promise<HttpResult<T>>;
  login(username?: string, password?: string): Promise<string>;
  /** Stops the app (and its PostgreSQL); keepData leaves the directory for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, dataDir?: string): Promise<TestApp> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'mld-it-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    DASHBOARD_DIR: join(dir, 'no-dashboard'),
    LOG_LEVEL: 'error',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    ...env,
  });
  const running = await startApplication(config);
  const request: TestApp['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) {
      payload = options.rawBody;
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${running.url}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: body as never, headers: response.headers };
  };
  return {
    running,
    url: running.url,
    dataDir: dir,
    request,
    async login(username = ADMIN.username, password = ADMIN.password) {
      const result = await request<{ access_token: string }>('POST', '/api/auth/login', { body: { username, password } });
      if (result.status !== 200) throw new Error(`login as ${username} failed: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body.access_token;
    },
    async close(options = {}) {
      await running.close();
      if (!options.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a user with the role and returns a logged-in token for it. */
export async function tokenForRole(app: TestApp, adminToken: string, role: 'viewer' | 'operator' | 'admin'): Promise<string> {
  const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
  const password = `${role}-password-123`;
  const created = await app.request('POST', '/api/users', { token: adminToken, body: { username, password, role } });
  if (created.status !== 201) throw new Error(`cannot create ${role}: ${created.status} ${JSON.stringify(created.body)}`);
  return app.login(username, password);
}

/** A UDP port nobody uses right now, so a started channel never collides with a running service. */
export async function freeUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
