import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JwtService } from '@nestjs/jwt';
import type { ChannelStatus, ClientToServerEvents, CreatedApiTokenResponse, ServerToClientEvents, SessionEnded } from '@mld/contracts';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { freeUdpPort, startTestApp, type TestApp } from '../testing/test-app.js';
import { SESSION_RECHECK_MS } from './status.gateway.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a closed socket saw: the reason the server sent, and how long after `since` it closed. */
interface Ending {
  ended: SessionEnded;
  disconnect: string;
  afterMs: number;
}

describe('live connections end when access ends (real app, real socket.io-client)', () => {
  let app: TestApp;
  let admin: string;
  const sockets: ClientSocket[] = [];
  let seq = 0;

  before(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  async function connect(token: string): Promise<ClientSocket> {
    const socket: ClientSocket = io(app.url, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 10_000 });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('snapshot', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** Resolves when the server ends the session; fails if it does not within timeoutMs of `since`. */
  function ending(socket: ClientSocket, timeoutMs: number): { since: () => void; done: Promise<Ending> } {
    let since = Date.now();
    let ended: SessionEnded | undefined;
    socket.on('session.ended', (payload) => (ended = payload));
    const done = new Promise<Ending>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the socket stayed open ${timeoutMs} ms after access ended`)), timeoutMs + 30_000);
      socket.on('disconnect', (reason) => {
        clearTimeout(timer);
        if (!ended) return reject(new Error(`disconnected (${reason}) without a session.ended reason`));
        resolve({ ended, disconnect: reason, afterMs: Date.now() - since });
      });
    });
    return { since: () => (since = Date.now()), done };
  }

  async function newUser(role: 'viewer' | 'operator' | 'admin'): Promise<{ id: string; username: string; password: string; token: string }> {
    seq += 1;
    const username = `live-${role}-${seq}`;
    const password = `${username}-password`;
    const created = await app.request<{ id: string }>('POST', '/api/users', { token: admin, body: { username, password, role } });
    assert.equal(created.status, 201);
    return { id: created.body.id, username, password, token: await app.login(username, password) };
  }

  it('closes a socket within a second of its API token being revoked, with the reason', async () => {
    const created = await app.request<CreatedApiTokenResponse>('POST', '/api/tokens', { token: admin, body: { name: 'wall-display', role: 'viewer' } });
    const socket = await connect(created.body.token);
    const end = ending(socket, 1000);
    end.since();
    assert.equal((await app.request('DELETE', `/api/tokens/${created.body.id}`, { token: admin })).status, 200);
    const result = await end.done;
    assert.ok(result.afterMs < 1000, `closed after ${result.afterMs} ms`);
    assert.match(result.ended.message, /your session ended: sign in again/);
    assert.match(result.ended.reason, /revoked/);
    assert.equal(result.disconnect, 'io server disconnect');
  });

  it('closes the sockets of a deleted user', async () => {
    const user = await newUser('operator');
    const socket = await connect(user.token);
    const end = ending(socket, 1000);
    end.since();
    assert.equal((await app.request('DELETE', `/api/users/${user.id}`, { token: admin })).status, 204);
    const result = await end.done;
    assert.ok(result.afterMs < 1000, `closed after ${result.afterMs} ms`);
    assert.match(result.ended.reason, /no longer exists/);
  });

  it("closes a user's other sockets when they change their password", async () => {
    const user = await newUser('viewer');
    const socket = await connect(user.token);
    const end = ending(socket, 1000);
    const other = await app.login(user.username, user.password);
    end.since();
    const changed = await app.request('POST', '/api/auth/password', { token: other, body: { current_password: user.password, new_password: 'a-brand-new-password' } });
    assert.equal(changed.status, 204);
    const result = await end.done;
    assert.ok(result.afterMs < 1000, `closed after ${result.afterMs} ms`);
    assert.match(result.ended.reason, /password changed/);
  });

  it('closes a socket when its login JWT expires', async () => {
    const user = await newUser('viewer');
    const jwt = app.running.app.get(JwtService);
    const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as { sub: string; role: string; sv: number };
    const shortLived = await jwt.signAsync({ sub: claims.sub, role: claims.role, sv: claims.sv }, { expiresIn: 2 });
    const socket = await connect(shortLived);
    const end = ending(socket, 3500);
    const result = await end.done;
    assert.ok(result.afterMs < 3500, `closed ${result.afterMs} ms after connecting`);
    assert.match(result.ended.reason, /expired/);
  });

  it('catches a change the bus never announced (revoked straight in the database) on the periodic check', async () => {
    const created = await app.request<CreatedApiTokenResponse>('POST', '/api/tokens', { token: admin, body: { name: 'sql-revoked', role: 'operator' } });
    const socket = await connect(created.body.token);
    const end = ending(socket, SESSION_RECHECK_MS + 1000);
    end.since();
    await app.running.app.get(DataSource).query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [created.body.id]);
    const result = await end.done;
    assert.ok(result.afterMs < SESSION_RECHECK_MS + 1000, `closed after ${result.afterMs} ms`);
  });

  it('follows a demotion at once: the socket is told its new role and status carries no secret', async () => {
    const channel = await app.request<{ id: string }>('POST', '/api/channels', { token: admin, body: { name: 'demotion', bind_ip: '127.0.0.1', port: await freeUdpPort() } });
    await app.request('POST', `/api/channels/${channel.body.id}/outputs`, { token: admin, body: { protocol: 'rtmp', url: 'rtmp://127.0.0.1:1935/live/demotion-secret-key' } });
    const user = await newUser('admin');
    const socket = await connect(user.token);
    const changed = new Promise<{ role: string }>((resolve) => socket.once('session.changed', resolve));
    const started = Date.now();
    assert.equal((await app.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { role: 'viewer' } })).status, 200);
    assert.deepEqual(await changed, { role: 'viewer' });
    assert.ok(Date.now() - started < 1000, 'role change reached the socket late');
    const status = await new Promise<ChannelStatus>((resolve) => socket.on('channel.status', (s) => s.channel_id === channel.body.id && resolve(s)));
    assert.ok(!JSON.stringify(status).includes('demotion-secret-key'), 'a stream key travelled to a viewer');
    assert.ok(socket.connected, 'a demoted user keeps read-only live state');
  });
});
