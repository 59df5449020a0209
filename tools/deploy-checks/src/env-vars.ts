/**
 * The environment variables the service reads, as three sources say them: the code
 * (apps/api/src/config/app-config.ts, the one place that reads the environment), the README's
 * configuration table (the documentation users read) and .env.example (the file they copy).
 */

/** Names read in app-config.ts: `int(env, 'PORT', …)`, `optional(env, 'X')`, `executable(env, 'X', …)`, `env['X']`, `env.X`. */
export function configVariables(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\benv\s*\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\benv(?:\?)?\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  return [...names].sort();
}

/** First-column names of the table under the README's "## Configuration" heading. */
export function readmeTableVariables(readme: string): string[] {
  const section = /^## Configuration\s*$([\s\S]*?)(?=^## )/m.exec(`${readme}\n## `);
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const names: string[] = [];
  for (const line of section[1]!.split('\n')) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

/** Keys of a KEY=value file; commented-out keys (`# KEY=…`) count as listed. */
export function envFileKeys(text: string): string[] {
  const keys: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:#\s*)?([A-Z][A-Z0-9_]*)=/.exec(line);
    if (m) keys.push(m[1]!);
  }
  return keys;
}

/** Problems where `actual` (named) lacks or adds names compared with `expected` (named), plus duplicates. */
export function compareNames(expectedName: string, expected: string[], actualName: string, actual: string[]): string[] {
  const problems: string[] = [];
  const want = new Set(expected);
  const have = new Set(actual);
  for (const name of want) if (!have.has(name)) problems.push(`${name} is read by ${expectedName} but missing from ${actualName}`);
  for (const name of have) if (!want.has(name)) problems.push(`${name} is in ${actualName} but not read by ${expectedName}`);
  const seen = new Set<string>();
  for (const name of actual) {
    if (seen.has(name)) problems.push(`${name} appears twice in ${actualName}`);
    seen.add(name);
  }
  return problems;
}

/** Problems for names (e.g. a ConfigMap's keys) that the service does not read: typos or leftovers. */
export function unknownNames(where: string, names: Iterable<string>, known: string[], extra: string[] = []): string[] {
  const allowed = new Set([...known, ...extra]);
  return [...names].filter((n) => !allowed.has(n)).map((n) => `${where} sets ${n}, which the service does not read`);
}
