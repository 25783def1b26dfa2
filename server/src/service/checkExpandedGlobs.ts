import type { BodyItem, FileNode, IncludeNode, Token, TopItem, VariableNode } from './ast';
import { globProblem, globText, hasVariable } from './checks/checkGlob';
import type { ProblemSink } from './checks/problems';
import { BUILTIN_VARIABLES } from './data/facts';
import type { Definitions, IncludeGraph } from './includeGraph';
import { walkItems } from './walk';

/** Past this length (or nesting of values) an expansion is not judged: the raw text is. */
const MAX_EXPANDED = 16_384;
const MAX_NESTING = 16;
/** A `{` that opens an alternation, not a variable reference. */
const ALTERNATION = /(?:^|[^@$])\{/;

/**
 * The globs holding variables, judged after the variables expand as apparmor_parser expands
 * them: a variable of one value becomes that value, one of several `{v1,v2,…}`. A glob whose
 * variables are not all known (a fragment's, an undefined one) is judged as written.
 */
export function checkExpandedGlobs(graph: IncludeGraph, path: string, ast: FileNode, sink: ProblemSink): void {
  let vars: Expander | undefined;
  forEachGlob(ast.items, (token) => {
    const glob = globText(token);
    if (!hasVariable(glob)) return;
    const raw = globProblem(glob);
    vars ??= expanderFor(graph, path, ast);
    // Self-contained values change nothing, unless a brace group counts on them for its
    // alternatives (`{@{V}}` with one value is refused).
    if (!raw && !ALTERNATION.test(glob) && vars.allPlain(glob)) return;
    const expanded = vars.expand(glob);
    if (expanded === undefined) {
      if (raw) sink.add('glob-syntax', token, { path: token.text, why: raw });
      return;
    }
    const why = globProblem(expanded);
    if (why) sink.add('glob-syntax', token, { path: token.text, why: `${why} With its variables expanded it reads '${shorten(expanded)}'.` });
  });
}

/** The tokens the glob check looks at: file and link paths, attachments, path-named profiles. */
function forEachGlob(items: readonly (TopItem | BodyItem)[], visit: (token: Token) => void): void {
  walkItems(items, (item) => {
    if (item.type === 'profile') {
      if (item.attachment) visit(item.attachment);
      if (!item.keyword && item.name?.value.startsWith('/')) visit(item.name);
    } else if (item.type === 'rule' && (item.kind === 'file' || item.kind === 'link')) {
      if (item.path) visit(item.path);
      if (item.kind === 'link' && item.target) visit(item.target);
    }
  });
}

/** A file's assignments with those of the files it includes: each variable's values, and whether they add to earlier ones. */
type Assigned = Map<string, { values: string[]; append: boolean }>;

/** What each included file assigns, kept as long as the include graph's definitions are. */
const ASSIGNED = new WeakMap<Definitions, Assigned>();

/**
 * The expander of a file: the variables its preamble includes expand alike in every file that
 * includes the same files (nearly every profile includes tunables/global alone), so those are
 * expanded once for all of them; the file's own assignments on top.
 */
function expanderFor(graph: IncludeGraph, path: string, ast: FileNode): Expander {
  const own = new Set<string>();
  const included: Assigned[] = [];
  const sources: (VariableNode | Assigned)[] = [];
  for (const item of ast.items) {
    if (item.type === 'variable' && item.sigil === '@') {
      own.add(item.name.value);
      sources.push(item);
    } else if (item.type === 'include') {
      for (const target of graph.targets(item, path)) {
        if (target === path) continue;
        const a = assignedBelow(graph, target);
        included.push(a);
        sources.push(a);
      }
    }
  }
  const shared = sharedExpander(included);
  if (own.size === 0) return shared;
  return new Expander(valuesIn(sources), { expander: shared, names: own });
}

const SHARED = new WeakMap<Assigned, Map<string, Expander>>();
const IDS = new WeakMap<Assigned, number>();
let nextId = 0;

function sharedExpander(included: readonly Assigned[]): Expander {
  const first = included[0];
  if (!first) return new Expander(() => undefined);
  const key = included.map((a) => IDS.get(a) ?? (IDS.set(a, ++nextId), nextId)).join(' ');
  let byKey = SHARED.get(first);
  if (!byKey) SHARED.set(first, (byKey = new Map<string, Expander>()));
  let e = byKey.get(key);
  if (!e) byKey.set(key, (e = new Expander(valuesIn(included))));
  return e;
}

/** The values of a set variable from these sources, in order: `+=` adds, `?=` only sets. */
function valuesIn(sources: readonly (VariableNode | Assigned)[]): (name: string) => readonly string[] | undefined {
  return (name) => {
    let values: string[] | undefined;
    for (const s of sources) {
      const a = s instanceof Map ? s.get(name) : s.name.value === name ? { values: s.values.map((t) => t.value), op: s.op } : undefined;
      if (!a) continue;
      const op = 'op' in a ? a.op : a.append ? '+=' : '=';
      if (op === '+=' && values) values = [...values, ...a.values];
      else if (op !== '?=' || !values) values = a.values;
    }
    return values;
  };
}

/** The assignments of an included file and the files it includes, once per file. */
function assignedBelow(graph: IncludeGraph, path: string): Assigned {
  const defs = graph.definitionsOf(path);
  let out = ASSIGNED.get(defs);
  if (out) return out;
  out = new Map();
  const seen = new Set([path]);
  const collect = (from: string, items: readonly (VariableNode | IncludeNode)[]): void => {
    for (const item of items) {
      if (item.type === 'variable' && item.sigil === '@') {
        const known = out!.get(item.name.value);
        const values = item.values.map((t) => t.value);
        if (item.op === '+=' && known) known.values.push(...values);
        else if (item.op !== '?=' || !known) out!.set(item.name.value, { values, append: item.op === '+=' });
      } else if (item.type === 'include') {
        for (const target of graph.targets(item, from)) {
          if (seen.has(target)) continue;
          seen.add(target);
          const f = graph.load(target);
          if (f) collect(target, f.preamble);
        }
      }
    }
  };
  const f = graph.load(path);
  if (f) collect(path, f.preamble);
  ASSIGNED.set(defs, out);
  return out;
}

/**
 * Whether a variable's expansion is a glob of its own: balanced, with no comma outside its
 * braces. Put anywhere, such a value leaves the braces around it as they were.
 */
function selfContained(text: string): boolean {
  if (globProblem(text)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) return false;
  }
  return true;
}

/** A variable's expansion, whether it is self-contained, and the variables it is made of. */
interface Expanded {
  readonly text: string;
  readonly plain: boolean;
  readonly deps: ReadonlySet<string>;
}

/** Expands variables as apparmor_parser does, each variable once. */
class Expander {
  private readonly memo = new Map<string, Expanded | null>();
  private readonly expanding = new Set<string>();
  /** Expansions cut by a cycle or the nesting limit: what depends on the way in is not kept. */
  private cuts = 0;

  constructor(
    private readonly valuesOf: (name: string) => readonly string[] | undefined,
    /** The expander of the included files, and the names this file assigns over them. */
    private readonly below?: { readonly expander: Expander; readonly names: ReadonlySet<string> },
  ) {}

  /**
   * `glob` with its variables replaced, or undefined when one is unknown, cyclic or too large;
   * the variables it met are added to `deps`.
   */
  expand(glob: string, deps?: Set<string>): string | undefined {
    let out = '';
    let from = 0;
    for (const ref of refs(glob)) {
      if (this.builtIn(ref.name)) continue;
      const v = this.variable(ref.name);
      if (!v) return undefined;
      if (deps) for (const d of v.deps) deps.add(d);
      out += glob.slice(from, ref.start) + v.text;
      if (out.length > MAX_EXPANDED) return undefined;
      from = ref.end;
    }
    return out + glob.slice(from);
  }

  /** Whether every variable of `glob` is known and self-contained. */
  allPlain(glob: string): boolean {
    return refs(glob).every((r) => this.builtIn(r.name) || this.variable(r.name)?.plain === true);
  }

  /** A built-in variable (@{profile_name} …) the policy does not define is left as written. */
  private builtIn(name: string): boolean {
    return BUILTIN_VARIABLES.has(name) && !this.valuesOf(name);
  }

  private variable(name: string): Expanded | undefined {
    const known = this.memo.get(name);
    if (known !== undefined) return known ?? undefined;
    const b = this.below;
    if (b && !b.names.has(name)) {
      const r = b.expander.variable(name);
      if (r && !overlaps(r.deps, b.names)) {
        this.memo.set(name, r);
        return r;
      }
    }
    const values = this.valuesOf(name);
    if (!values?.length) return undefined;
    if (this.expanding.has(name) || this.expanding.size >= MAX_NESTING) {
      this.cuts++;
      return undefined;
    }
    const cutsBefore = this.cuts;
    this.expanding.add(name);
    let result: Expanded | null = null;
    const parts: string[] = [];
    const deps = new Set([name]);
    for (const value of values) {
      const e = this.expand(value, deps);
      if (e === undefined) { parts.length = 0; break; }
      parts.push(e);
    }
    this.expanding.delete(name);
    if (parts.length === values.length) {
      const text = parts.length === 1 ? parts[0]! : `{${parts.join(',')}}`;
      if (text.length <= MAX_EXPANDED) result = { text, plain: selfContained(text), deps };
    }
    // A variable met again while it expands (a cycle) is not settled by that inner call.
    if (result || this.cuts === cutsBefore || this.expanding.size === 0) this.memo.set(name, result);
    return result ?? undefined;
  }
}

/** The unescaped `@{NAME}` references of a glob. */
function refs(glob: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  for (let i = glob.indexOf('@{'); i >= 0; i = glob.indexOf('@{', i + 1)) {
    const close = glob.indexOf('}', i);
    const name = close < 0 ? '' : glob.slice(i + 2, close);
    if (!/^[A-Za-z_]\w*$/.test(name) || isEscaped(glob, i)) continue;
    out.push({ name, start: i, end: close + 1 });
    i = close;
  }
  return out;
}

function overlaps(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function shorten(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 77)}…`;
}
