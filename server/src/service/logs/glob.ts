/**
 * AppArmor globs (AARE) matched against logged paths and names, as apparmor_parser
 * compiles them: `*` any run without `/`, `**` any run, `?` one character but `/`,
 * `[…]` classes, nested `{a,b}` alternations, `\` escapes, `@{var}` expanded from the
 * given values; a `*` or `**` that is a whole path component must match at least one
 * character, and repeated slashes collapse.
 */

export type Variables = ReadonlyMap<string, readonly string[]>;

/** Beyond this many expansions a glob is treated as matching nothing rather than exploding. */
const MAX_EXPANSIONS = 4096;
const MAX_DEPTH = 16;
const VARIABLE = /@\{([A-Za-z][A-Za-z0-9_]*)\}/;

const compiled = new Map<string, RegExp | null>();
const NO_VARIABLES: Variables = new Map();
/**
 * Each glob compiled once per set of variable values (a rule set keeps one), every
 * expansion in one pattern: evaluating a profile of thousands of rules tests one
 * pattern per rule instead of expanding its variables again on every access.
 */
const byVariables = new WeakMap<Variables, Map<string, RegExp | null>>();
const MAX_CACHED = 50_000;

/**
 * Whether `glob` matches `value` exactly, variables expanded from `vars`. Repeated
 * slashes collapse in paths (the default) but not in labels, where `//` separates a
 * profile from its hat or child.
 */
export function matchesGlob(glob: string, value: string, vars: Variables = NO_VARIABLES, path = true): boolean {
  const re = globPattern(glob, vars, path);
  return re !== null && re.test(value);
}

/** The compiled pattern of a glob under these variable values (null: it matches nothing), for callers that test it many times. */
export function globPattern(glob: string, vars: Variables = NO_VARIABLES, path = true): RegExp | null {
  let cache = byVariables.get(vars);
  if (!cache) {
    cache = new Map();
    byVariables.set(vars, cache);
  }
  const key = path ? glob : `\0${glob}`;
  let re = cache.get(key);
  if (re === undefined) {
    re = compileExpansions(expandVariables(glob, vars).map((g) => (path ? collapseSlashes(g) : g)));
    if (cache.size > MAX_CACHED) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** One pattern for every expansion; a malformed one matches nothing and is left out. */
function compileExpansions(globs: readonly string[]): RegExp | null {
  if (globs.length === 1) return compile(globs[0]!);
  const sources = globs.map((g) => compile(g)?.source.slice(1, -1)).filter((x): x is string => x !== undefined);
  if (sources.length === 0) return null;
  return new RegExp(`^(?:${sources.join('|')})$`, 's');
}

/** Every text `glob` stands for once its variables are replaced; none when one is unknown. */
export function expandVariables(glob: string, vars: Variables, depth = 0): string[] {
  const m = findVariable(glob);
  if (!m) return [glob];
  const values = vars.get(m.name);
  if (!values || depth > MAX_DEPTH) return [];
  const out: string[] = [];
  const tails = expandVariables(glob.slice(m.end), vars, depth + 1);
  for (const value of values) {
    for (const head of expandVariables(glob.slice(0, m.start) + value, vars, depth + 1)) {
      for (const tail of tails) {
        out.push(head + tail);
        if (out.length > MAX_EXPANSIONS) return [];
      }
    }
  }
  return out;
}

/** The first unescaped `@{name}`. */
function findVariable(glob: string): { name: string; start: number; end: number } | undefined {
  for (let from = 0; ;) {
    const m = VARIABLE.exec(glob.slice(from));
    if (!m) return undefined;
    const start = from + m.index;
    if (!isEscaped(glob, start)) return { name: m[1]!, start, end: start + m[0].length };
    from = start + 1;
  }
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** Repeated slashes collapse, as apparmor_parser's filter_slashes does. */
function collapseSlashes(glob: string): string {
  return glob.replace(/\/{2,}/g, '/');
}

function compile(glob: string): RegExp | null {
  let re = compiled.get(glob);
  if (re === undefined) {
    re = toRegExp(glob);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(glob, re);
  }
  return re;
}

/** A class such as `[z-a]` is malformed for JavaScript too: such globs match nothing. */
function toRegExp(glob: string): RegExp | null {
  const source = toRegExpSource(glob);
  if (source === undefined) return null;
  try {
    return new RegExp(`^${source}$`, 's');
  } catch {
    return null;
  }
}

/** The glob as a JavaScript pattern, or undefined when it is malformed (it then matches nothing). */
function toRegExpSource(glob: string): string | undefined {
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      if (i + 1 >= glob.length) return undefined;
      out += escapeRe(glob[++i]!);
    } else if (c === '*') {
      let run = 1;
      while (glob[i + run] === '*') run++;
      const next = glob[i + run];
      if (out.endsWith('/') && (next === '/' || next === undefined)) out += '[^/]';
      out += run >= 2 ? '.*' : '[^/]*';
      i += run - 1;
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const cls = readClass(glob, i);
      if (!cls) return undefined;
      out += cls.source;
      i = cls.end;
    } else if (c === '{') { depth++; out += '(?:'; }
    else if (c === '}') { if (--depth < 0) return undefined; out += ')'; }
    else if (c === ',' && depth > 0) out += '|';
    else out += escapeRe(c);
  }
  return depth === 0 ? out : undefined;
}

/** `[…]` from `start`: its pattern and the index of its `]`. */
export function readClass(glob: string, start: number): { source: string; end: number } | undefined {
  let source = '[';
  let i = start + 1;
  if (glob[i] === '^') { source += '^'; i++; }
  for (; i < glob.length && glob[i] !== ']'; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      if (i + 1 >= glob.length) return undefined;
      source += escapeRe(glob[++i]!);
    } else source += c === '-' ? '-' : escapeRe(c);
  }
  return i < glob.length ? { source: `${source}]`, end: i } : undefined;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|-]/.test(c) ? `\\${c}` : c;
}
