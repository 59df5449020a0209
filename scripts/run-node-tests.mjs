// Runs compiled *.spec.js / *.integration-spec.js files with Node's test runner.
// Usage: node scripts/run-node-tests.mjs <suite-name> <dir> [pattern-suffix...]
// Prints the spec reporter to stdout and writes JUnit XML to test-artifacts/junit/<suite>.xml,
// which scripts/test-summary.mjs adds up into one closing line for the whole run.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [suite, dir, ...suffixes] = process.argv.slice(2);
if (!suite || !dir) {
  console.error('usage: run-node-tests.mjs <suite> <dir> [suffix...]');
  process.exit(2);
}
const wanted = suffixes.length > 0 ? suffixes : ['.spec.js'];

function collect(path, out) {
  for (const name of readdirSync(path)) {
    if (name === 'node_modules') continue;
    const full = join(path, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (wanted.some((s) => name.endsWith(s))) out.push(full);
  }
  return out;
}

const files = collect(dir, []).sort();
if (files.length === 0) {
  console.error(`${suite}: no test files matching ${wanted.join(', ')} under ${dir}`);
  process.exit(1);
}
mkdirSync('test-artifacts/junit', { recursive: true });
const args = [
  '--enable-source-maps',
  '--test',
  `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 180000}`,
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=junit',
  `--test-reporter-destination=test-artifacts/junit/${suite}.xml`,
  ...files,
];
const suiteTimeoutMs = Number(process.env.SUITE_TIMEOUT_MS ?? 35 * 60_000);
const child = spawn(process.execPath, args, { stdio: 'inherit' });
// A hung suite must not hold CI for its 90 minutes; the end-to-end suite alone runs ~18 min on 2 cores.
const killTimer = setTimeout(() => {
  console.error(`${suite}: still running after ${suiteTimeoutMs / 60_000} min: killed (SUITE_TIMEOUT_MS)`);
  child.kill('SIGKILL');
}, suiteTimeoutMs);
child.on('exit', (code, signal) => {
  clearTimeout(killTimer);
  process.exit(code ?? (signal ? 1 : 0));
});
