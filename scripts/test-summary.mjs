// Adds up the JUnit files written by scripts/run-node-tests.mjs into one closing line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'test-artifacts/junit';
let passed = 0;
let failed = 0;
let skipped = 0;
const suites = [];
if (existsSync(dir)) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
    const xml = readFileSync(join(dir, file), 'utf8');
    // Count leaf test cases; node's JUnit reporter nests suites as testsuite elements.
    // Attribute values may contain ">" (test names like "0x1B -> H.264"): skip quoted strings.
    const cases = xml.match(/<testcase\b(?:[^>"]|"[^"]*")*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
    let p = 0;
    let f = 0;
    let s = 0;
    for (const c of cases) {
      if (/<failure\b/.test(c) || /<error\b/.test(c)) f++;
      else if (/<skipped\b/.test(c)) s++;
      else p++;
    }
    passed += p;
    failed += f;
    skipped += s;
    suites.push(`${file.replace(/\.xml$/, '')}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
  }
}
for (const line of suites) console.log(`  ${line}`);
// A suite that failed before writing results (a compile error, a crash) must still show as a failure.
if (process.argv.includes('--runner-failed') && failed === 0) {
  console.log('  a test target failed before reporting results (see its output above)');
  failed = 1;
}
if (passed + failed === 0) {
  console.log('0 passed, 1 failed');
  console.error('no test results found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
