/** A small parser for systemd unit files and the rules our unit must keep. */
export type Unit = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.replace(/\\\r?\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = unit.get(header[1]!) ?? new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 0) throw new Error(`cannot parse unit line "${line}"`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** The effective (last) value of a key. */
export function value(unit: Unit, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

export interface UnitExpectations {
  prefix: string;
  dataDir: string;
  envFile: string;
  /** The service's own shutdown bound; TimeoutStopSec must leave a margin over it. */
  serviceStopSeconds: number;
}

export function unitProblems(unit: Unit, expected: UnitExpectations): string[] {
  const problems: string[] = [];
  const want = (section: string, key: string, wanted: string | RegExp, why: string) => {
    const got = value(unit, section, key);
    const ok = got !== undefined && (typeof wanted === 'string' ? got === wanted : wanted.test(got));
    if (!ok) problems.push(`[${section}] ${key}=${got ?? '(unset)'}: expected ${String(wanted)} (${why})`);
  };
  want('Unit', 'After', /\bnetwork-online\.target\b/, 'inputs and outputs need the network');
  want('Unit', 'Wants', /\bnetwork-online\.target\b/, 'pull the network-online target in');
  want('Service', 'Type', 'simple', 'node stays in the foreground');
  want('Service', 'User', /^[a-z_][a-z0-9_-]*$/, 'never root');
  if (value(unit, 'Service', 'User') === 'root') problems.push('[Service] User=root');
  want('Service', 'EnvironmentFile', expected.envFile, 'configuration and secrets live in the env file');
  want('Service', 'WorkingDirectory', expected.prefix, "DASHBOARD_DIR's default is relative to it");
  want('Service', 'ExecStart', new RegExp(`^/\\S*node( --enable-source-maps)? ${escape(expected.prefix)}/dist/apps/api/main\\.js$`), 'run the built API with an absolute node');
  want('Service', 'KillMode', 'mixed', 'SIGTERM to node only: it stops its children itself');
  const stop = Number(value(unit, 'Service', 'TimeoutStopSec'));
  if (!(stop >= expected.serviceStopSeconds + 10)) problems.push(`[Service] TimeoutStopSec=${String(value(unit, 'Service', 'TimeoutStopSec'))}: must exceed the service's own ${expected.serviceStopSeconds} s by at least 10 s`);
  want('Service', 'Restart', 'on-failure', 'come back after a crash');
  want('Service', 'RestartPreventExitStatus', /(^|\s)2(\s|$)/, 'exit 2 is a configuration error that a restart cannot fix');
  want('Service', 'NoNewPrivileges', 'yes', 'hardening');
  want('Service', 'ProtectSystem', 'strict', 'hardening: read-only file system but for ReadWritePaths');
  want('Service', 'ProtectHome', 'yes', 'hardening');
  want('Service', 'PrivateTmp', 'yes', 'hardening');
  const writable = (unit.get('Service')?.get('ReadWritePaths') ?? []).join(' ').split(/\s+/);
  if (!writable.includes(expected.dataDir)) problems.push(`[Service] ReadWritePaths must include ${expected.dataDir} (DATA_DIR, embedded PostgreSQL)`);
  if (value(unit, 'Service', 'MemoryDenyWriteExecute') === 'yes') problems.push('[Service] MemoryDenyWriteExecute=yes breaks V8 (node)');
  want('Install', 'WantedBy', 'multi-user.target', 'start at boot');
  return problems;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
