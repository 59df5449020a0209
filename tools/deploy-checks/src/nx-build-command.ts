/**
 * The build command CI and `npm start` use (`bash scripts/nx.sh run-many -t build -p …`), found in
 * shell scripts and Dockerfiles, so that the image and the systemd installer build exactly what
 * scripts/start.sh builds.
 */
export interface NxBuildCommand {
  target: string;
  projects: string[];
  /** Other flags, sorted; --output-style only changes the log and is left out. */
  flags: string[];
  text: string;
}

/** Every `bash scripts/nx.sh run-many …` in the text (line continuations joined). */
export function findNxRunMany(text: string): NxBuildCommand[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const found: NxBuildCommand[] = [];
  for (const match of joined.matchAll(/bash\s+scripts\/nx\.sh\s+run-many\b([^\n&;|#]*)/g)) {
    found.push(parseRunMany(match[1]!.trim(), match[0].trim()));
  }
  return found;
}

function parseRunMany(argText: string, text: string): NxBuildCommand {
  const tokens = argText.split(/\s+/).filter(Boolean).map((t) => t.replace(/^["']|["']$/g, ''));
  let target = '';
  const projects: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '-t' || token === '--target' || token === '--targets') target = tokens[++i] ?? '';
    else if (/^--targets?=/.test(token)) target = token.split('=')[1]!;
    else if (token === '-p' || token === '--projects') {
      while (i + 1 < tokens.length && !tokens[i + 1]!.startsWith('-')) projects.push(...tokens[++i]!.split(',').filter(Boolean));
    } else if (token.startsWith('--projects=')) projects.push(...token.slice('--projects='.length).split(',').filter(Boolean));
    else if (!token.startsWith('--output-style')) flags.push(token);
  }
  return { target, projects: [...new Set(projects)].sort(), flags: flags.sort(), text };
}

/** The one build command of scripts/start.sh. */
export function startScriptBuild(startSh: string): NxBuildCommand {
  const builds = findNxRunMany(startSh).filter((c) => c.target === 'build');
  if (builds.length !== 1) throw new Error(`scripts/start.sh should run exactly one "nx.sh run-many -t build", found ${builds.length}`);
  return builds[0]!;
}

/** Problems when `text` (named `where`) does not run the same build as scripts/start.sh. */
export function sameBuildProblems(where: string, text: string, reference: NxBuildCommand): string[] {
  const builds = findNxRunMany(text).filter((c) => c.target === 'build');
  if (builds.length === 0) return [`${where} does not run the build command of scripts/start.sh (${reference.text})`];
  const key = (c: NxBuildCommand) => JSON.stringify([c.target, c.projects, c.flags]);
  return builds
    .filter((c) => key(c) !== key(reference))
    .map((c) => `${where} builds ${c.projects.join(' ')} ${c.flags.join(' ')}, scripts/start.sh builds ${reference.projects.join(' ')} ${reference.flags.join(' ')}: keep them the same`);
}
