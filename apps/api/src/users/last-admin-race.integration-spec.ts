import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { createDataSource } from '../database/data-source.js';

const ITERATIONS = 20;

/** Two admins act on each other at the same moment: the "last admin" rule must hold for both orders. */
describe('the last admin rule under concurrency', () => {
  let app: TestApp;
  let db: DataSource;
  /** The one admin left standing after each round. */
  let survivor: { id: string; token: string };

  before(async () => {
    app = await startTestApp();
    db = createDataSource(app.running.databaseUrl);
    await db.initialize();
    const token = await app.login();
    const me = await app.request<{ id: string }>('GET', '/api/auth/me', { token });
    survivor = { id: me.body.id, token };
  });
  after(async () => {
    await db?.destroy();
    await app?.close();
  });

  const adminCount = async (): Promise<number> => Number((await db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`))[0].n);

  /** Leaves exactly two admins, a and b, both logged in. */
  async function twoAdmins(round: number): Promise<Array<{ id: string; token: string }>> {
    const pair = [];
    for (const side of ['a', 'b']) {
      const username = `${side}-${round}-${Math.random().toString(36).slice(2, 6)}`;
      const created = await app.request<{ id: string }>('POST', '/api/users', { token: survivor.token, body: { username, password: `${username}-password`, role: 'admin' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      pair.push({ id: created.body.id, token: await app.login(username, `${username}-password`) });
    }
    const retire = await app.request('DELETE', `/api/users/${survivor.id}`, { token: pair[0]!.token });
    assert.equal(retire.status, 204, JSON.stringify(retire.body));
    assert.equal(await adminCount(), 2);
    return pair;
  }

  for (const action of ['demote', 'delete'] as const) {
    it(`${action}: two admins ${action} each other at once, ${ITERATIONS} times → exactly one succeeds, an admin remains`, async () => {
      const started = Date.now();
      const refusals = new Map<number, number>();
      for (let round = 0; round < ITERATIONS; round++) {
        const [a, b] = await twoAdmins(round);
        const act = (actor: { token: string }, target: { id: string }) =>
          action === 'demote'
            ? app.request('PATCH', `/api/users/${target.id}`, { token: actor.token, body: { role: 'operator' } })
            : app.request('DELETE', `/api/users/${target.id}`, { token: actor.token });
        const results = await Promise.all([act(a!, b!), act(b!, a!)]);
        const ok = results.filter((r) => r.status === 200 || r.status === 204);
        const refused = results.filter((r) => r.status !== 200 && r.status !== 204);
        assert.equal(ok.length, 1, `round ${round}: ${results.map((r) => `${r.status} ${JSON.stringify(r.body)}`).join(' / ')}`);
        // The loser is refused as the last admin (409) or, if the winner committed first, as no longer an admin (401/403).
        assert.ok([401, 403, 409].includes(refused[0]!.status), `round ${round}: ${refused[0]!.status} ${JSON.stringify(refused[0]!.body)}`);
        refusals.set(refused[0]!.status, (refusals.get(refused[0]!.status) ?? 0) + 1);
        assert.equal(await adminCount(), 1, `round ${round}: admins left`);
        survivor = results[0] === ok[0] ? a! : b!;
      }
      console.log(`# ${action}: ${ITERATIONS} races in ${Date.now() - started} ms; loser statuses ${JSON.stringify(Object.fromEntries(refusals))}`);
    });
  }
});
