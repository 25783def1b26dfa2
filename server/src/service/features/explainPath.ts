/**
 * Hover on a rule's path: what it matches in words, its variables with every value, a few
 * paths that match and a near miss that does not, each checked with the evaluator's matcher.
 */
import { expandVariables, globPattern, Variables } from '../logs/glob';
import { exampleMatches, GlobPart, nearMissCandidates, readGlob } from './globExamples';

const MAX_SHOWN_EXPANSIONS = 8;
const MAX_EXAMPLES = 4;
const MAX_WILDCARDS = 6;

/** Markdown for the path `glob` (a rule path's value) under these variable values. */
export function explainPath(glob: string, vars: Variables): string {
  const out = [`**path** \`${glob}\``];
  const names = [...new Set([...glob.matchAll(/@\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))];
  if (names.length > 0) out.push('');
  for (const name of names) {
    const values = vars.get(name);
    out.push(values ? `- \`@{${name}}\` = ${values.map((v) => `\`${v}\``).join(' ')}` : `- \`@{${name}}\` has no value here`);
  }
  const globs = [...new Set(expandVariables(glob, vars).map((g) => g.replace(/\/{2,}/g, '/')))];
  if (globs.length === 0) {
    out.push('', 'Matches nothing until every variable in it has a value (a profile gets them from the tunables it includes).');
    return out.join('\n');
  }
  if (names.length > 0) {
    const shown = globs.slice(0, MAX_SHOWN_EXPANSIONS).map((g) => `\`${g}\``).join(', ');
    out.push('', `Expands to ${globs.length === 1 ? '' : `${globs.length} globs: `}${shown}${globs.length > MAX_SHOWN_EXPANSIONS ? ', …' : ''}`);
  }
  const parts = readGlob(globs[0]!);
  if (!parts) return [...out, '', 'Malformed: it matches nothing.'].join('\n');
  out.push('', globs.length === 1 ? `Matches ${headline(globs[0]!, parts)}` : `Matches what any of its ${globs.length} expansions matches; \`${globs[0]!}\` matches ${headline(globs[0]!, parts)}`);
  const kinds = wildcards(parts);
  out.push(...kinds.slice(0, MAX_WILDCARDS).map((w) => `- ${w}`), ...(kinds.length > MAX_WILDCARDS ? [`- … and ${kinds.length - MAX_WILDCARDS} more`] : []));
  const re = globPattern(glob, vars);
  const examples = samplePaths(glob, vars, MAX_EXAMPLES);
  if (examples.length > 0) out.push('', `For example: ${examples.map((p) => `\`${p}\``).join(', ')}`);
  const miss = nearMissCandidates(globs[0]!).find((m) => re !== null && !re.test(m.path));
  if (miss) out.push('', `Not: \`${miss.path}\` (${miss.why})`);
  return out.join('\n');
}

/** Up to `count` paths the rule path matches, taken from each expansion in turn, each checked with the evaluator's matcher. */
export function samplePaths(glob: string, vars: Variables, count: number): string[] {
  const re = globPattern(glob, vars);
  if (!re) return [];
  const globs = [...new Set(expandVariables(glob, vars).map((g) => g.replace(/\/{2,}/g, '/')))];
  const lists = globs.slice(0, count).map((g) => exampleMatches(g, count));
  const out: string[] = [];
  for (let i = 0; out.length < count && lists.some((l) => l.length > i); i++) {
    for (const l of lists) {
      const p = l[i];
      if (p !== undefined && out.length < count && !out.includes(p) && re.test(p)) out.push(p);
    }
  }
  return out;
}

function isPlain(parts: readonly GlobPart[]): boolean {
  return parts.every((p) => p.t === 'lit');
}

function text(parts: readonly GlobPart[]): string {
  return parts.map((p) => (p.t === 'lit' ? p.c : '')).join('');
}

/** The whole in one sentence, for the common shapes. */
function headline(glob: string, parts: readonly GlobPart[]): string {
  const last = parts[parts.length - 1];
  const dir = parts.slice(0, -1);
  if (isPlain(parts)) return glob.endsWith('/') ? `exactly the directory \`${glob}\` (not the files in it).` : `exactly the file \`${glob}\`.`;
  if (last?.t === 'star' && last.minOne && isPlain(dir)) {
    return last.deep
      ? `everything below \`${text(dir)}\`, at any depth: files and directories, not \`${text(dir)}\` itself.`
      : `every file directly in \`${text(dir)}\` (one level, no directories: those end with \`/\`), not \`${text(dir)}\` itself.`;
  }
  if (glob.endsWith('/')) return 'directories (the path ends with `/`) whose paths fit the pattern:';
  return 'paths that fit the pattern:';
}

/** What each kind of wildcard in it stands for, once each. */
function wildcards(parts: readonly GlobPart[]): string[] {
  const out = new Map<string, string>();
  const visit = (ps: readonly GlobPart[]): void => {
    for (const p of ps) {
      switch (p.t) {
        case 'star': {
          const min = p.minOne ? ', at least one as a whole path component' : '';
          if (p.deep) out.set(`**${min}`, `\`**\`: any characters, \`/\` included: any depth${min}`);
          else out.set(`*${min}`, `\`*\`: any characters within one path component (never \`/\`)${min}`);
          break;
        }
        case 'any': out.set('?', '`?`: exactly one character, not `/`'); break;
        case 'class': out.set(p.text, p.negated ? `\`${p.text}\`: one character not listed` : `\`${p.text}\`: one of the characters listed`); break;
        case 'alt':
          out.set(p.text, `\`${p.text}\`: one of ${p.branches.length} alternatives`);
          p.branches.forEach(visit);
          break;
        case 'lit': break;
      }
    }
  };
  visit(parts);
  return [...out.values()];
}
