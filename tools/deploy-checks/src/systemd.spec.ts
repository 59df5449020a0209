import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envFileKeys } from './env-vars.js';
import { sameBuildProblems, startScriptBuild } from './nx-build-command.js';
import { onPath, readRepoFile, repoPath, runProgram, type RunResult } from './repo.js';
import { parseUnit, unitProblems } from './systemd-unit.js';

const SERVICE_STOP_SECONDS = 30; // apps/api/src/main.ts: the forced exit after SIGTERM

describe('systemd/ scripts and unit', () => {
  it('install.sh and uninstall.sh pass shellcheck', async () => {
    assert.ok(onPath('shellcheck'), 'shellcheck is not installed (apt-get install shellcheck)');
    const result = await runProgram('shellcheck', ['--external-sources', 'systemd/install.sh', 'systemd/uninstall.sh'], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
  });

  it('the unit has the keys we rely on (default paths)', () => {
    const unit = parseUnit(readRepoFile('systemd/medialive-distributor.service'));
    assert.deepEqual(
      unitProblems(unit, { prefix: '/opt/medialive-distributor', dataDir: '/var/lib/medialive-distributor', envFile: '/etc/medialive-distributor/env', serviceStopSeconds: SERVICE_STOP_SECONDS }),
      [],
    );
  });

  it('the unit rules catch a unit that would misbehave', () => {
    const unit = parseUnit('[Service]\nUser=root\nExecStart=node main.js\nKillMode=control-group\nTimeoutStopSec=30\nMemoryDenyWriteExecute=yes\n');
    const problems = unitProblems(unit, { prefix: '/p', dataDir: '/d', envFile: '/e', serviceStopSeconds: 30 }).join('\n');
    for (const expected of [/User=root/, /ExecStart=node main.js/, /KillMode=control-group/, /TimeoutStopSec=30/, /MemoryDenyWriteExecute/, /ReadWritePaths must include \/d/, /EnvironmentFile/, /NoNewPrivileges/, /WantedBy/]) {
      assert.match(problems, expected);
    }
  });

  it('install.sh builds exactly what scripts/start.sh builds', () => {
    assert.deepEqual(sameBuildProblems('systemd/install.sh', readRepoFile('systemd/install.sh'), startScriptBuild(readRepoFile('scripts/start.sh'))), []);
  });

  it('install.sh --dry-run prints the whole plan and changes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mld-dry-'));
    try {
      const prefix = join(root, 'opt');
      const result = await runProgram('bash', ['systemd/install.sh', '--dry-run', '--prefix', prefix, '--data-dir', join(root, 'data'), '--config-dir', join(root, 'etc')], { timeoutMs: 30_000 });
      assert.equal(result.code, 0, result.stderr);
      for (const step of ['npm ci --no-audit', 'scripts/nx.sh run-many -t build', 'npm ci --omit=dev', 'systemctl enable medialive-distributor.service']) {
        assert.ok(result.stdout.includes(step), `the plan does not show "${step}":\n${result.stdout}`);
      }
      assert.deepEqual(readdirSync(root), [], 'a dry run created files');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('install.sh --stage-only into a temporary prefix (built artefacts, no root, apt, useradd or systemctl)', () => {
  let root = '';
  let prefix = '';
  let dataDir = '';
  let envFile = '';
  let unitFile = '';
  let staged: RunResult;
  const children: ChildProcess[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mld-stage-'));
    // As root, the embedded PostgreSQL runs as "postgres" and must reach its binaries and data.
    chmodSync(root, 0o755);
    prefix = join(root, 'opt');
    dataDir = join(root, 'data');
    envFile = join(prefix, 'etc/medialive-distributor/env');
    unitFile = join(prefix, 'etc/systemd/system/medialive-distributor.service');
    staged = await runProgram('bash', ['systemd/install.sh', '--stage-only', '--prefix', prefix, '--data-dir', dataDir], { timeoutMs: 120_000 });
  });

  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const pid of processesMentioning(root)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('stages in well under a minute', (t) => {
    assert.equal(staged.code, 0, `install.sh --stage-only failed:\n${staged.stdout}\n${staged.stderr}`);
    t.diagnostic(`install.sh --stage-only took ${(staged.ms / 1000).toFixed(1)} s`);
    assert.ok(staged.ms < 60_000, `took ${staged.ms} ms`);
  });

  it('the tree holds the built API, the dashboard, the libs and production dependencies only', () => {
    for (const file of ['dist/apps/api/main.js', 'dist/apps/dashboard/browser/index.html', 'package.json']) assert.ok(existsSync(join(prefix, file)), `${file} missing`);
    const pkg = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) assert.ok(existsSync(join(prefix, 'node_modules', dep, 'package.json')), `dependency ${dep} missing`);
    for (const dev of ['nx', 'eslint', '@angular/build', '@angular/core', 'playwright-core', 'kubernetes-models']) assert.ok(!existsSync(join(prefix, 'node_modules', dev)), `dev dependency ${dev} staged`);
    for (const lib of readdirSync(repoPath('libs'))) {
      if (!existsSync(repoPath('libs', lib, 'dist'))) continue;
      const name = (JSON.parse(readRepoFile('libs', lib, 'package.json')) as { name: string }).name;
      assert.equal(realpathSync(join(prefix, 'node_modules', name)), join(prefix, 'libs', lib), `${name} does not link to the staged lib`);
      assert.ok(existsSync(join(prefix, 'libs', lib, 'dist')), `libs/${lib}/dist not staged`);
    }
    assert.ok(!existsSync(join(prefix, '.staging')), 'staging directory left behind');
  });

  it("the unit runs the project's Node.js: the system's when it fits engines, else the pinned binary copied into PREFIX/node", () => {
    const node = unitNode(unitFile);
    const bundled = process.execPath.startsWith(repoPath('tools/node-runtime'));
    if (bundled) {
      assert.equal(node, join(prefix, 'node/bin/node'));
      assert.ok(existsSync(node), 'the pinned Node.js was not copied into the prefix');
    } else {
      assert.equal(node, realpathSync(process.execPath));
    }
  });

  it('writes the env file from .env.example with DATA_DIR and an absolute DASHBOARD_DIR, mode 0640', () => {
    const text = readFileSync(envFile, 'utf8');
    assert.equal(statSync(envFile).mode & 0o777, 0o640);
    assert.deepEqual(envFileKeys(text), envFileKeys(readRepoFile('.env.example')));
    assert.match(text, new RegExp(`^DATA_DIR=${dataDir}$`, 'm'));
    assert.match(text, new RegExp(`^DASHBOARD_DIR=${prefix}/dist/apps/dashboard/browser$`, 'm'));
  });

  it('renders the unit for this prefix and data dir; systemd-analyze accepts it', async (t) => {
    const text = readFileSync(unitFile, 'utf8');
    assert.deepEqual(unitProblems(parseUnit(text), { prefix, dataDir, envFile, serviceStopSeconds: SERVICE_STOP_SECONDS }), []);
    assert.ok(!text.includes('/opt/medialive-distributor') && !text.includes('/var/lib/medialive-distributor'), 'default paths left in the rendered unit');
    if (!onPath('systemd-analyze')) {
      t.skip('systemd-analyze not installed');
      return;
    }
    const verify = await runProgram('systemd-analyze', ['verify', unitFile], { timeoutMs: 30_000 });
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(verify.stderr.trim(), '', `systemd-analyze verify complained:\n${verify.stderr}`);
  });

  it('never overwrites an existing env file', async () => {
    writeFileSync(envFile, 'PORT=8123\n', { mode: 0o640 });
    const again = await runProgram('bash', ['systemd/install.sh', '--stage-only', '--prefix', prefix, '--data-dir', dataDir], { timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(envFile, 'utf8'), 'PORT=8123\n');
  });

  it('the staged service starts from its prefix, serves health and dashboard, and stops cleanly on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const line of readFileSync(repoPath('.env.example'), 'utf8').split('\n')) {
      const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2];
    }
    Object.assign(env, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NO_COLOR: '1' });
    delete env.DATABASE_URL;
    // As the unit runs it: its ExecStart's Node.js, WorkingDirectory=prefix (so DASHBOARD_DIR's relative default resolves there).
    const child = spawn(unitNode(unitFile), ['--enable-source-maps', join(prefix, 'dist/apps/api/main.js')], { cwd: prefix, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" within 90 s:\n${output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listening on [\d.]+:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code}) during start:\n${output}`));
      });
    });
    const health = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; node_version: string };
    assert.equal(body.status, 'ok');
    assert.equal(body.node_version, process.versions.node, 'the staged service runs on another Node.js than the tests');
    const page = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 45_000).unref())]);
    assert.equal(code, 0, `exit after SIGTERM: ${code}\n${output}`);
  });
});

/** The node binary the rendered unit's ExecStart runs. */
function unitNode(unitFile: string): string {
  const line = readFileSync(unitFile, 'utf8').split('\n').find((l) => l.startsWith('ExecStart='));
  assert.ok(line, 'no ExecStart in the rendered unit');
  return line.slice('ExecStart='.length).split(' ')[0]!;
}

/** PIDs of processes whose command line mentions the text (the embedded PostgreSQL of a test). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
