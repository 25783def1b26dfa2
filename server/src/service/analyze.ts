import type { FileNode, IncludeNode, ParseResult, ProfileNode, Span } from './ast';
import { checkAst } from './checks/checkAst';
import { Problem, ProblemSink } from './checks/problems';
import { BUILTIN_VARIABLES } from './data/facts';
import { allProfiles, blockIncludes, collectUses, execRules, ExecRule, VariableUse } from './fileFacts';
import { FileSystem, IncludeSearch, resolveInclude } from './includes';
import { parse } from './parser';
import { walkItems } from './walk';

export interface AnalyzeOptions extends IncludeSearch {
  readonly fs: FileSystem;
  /** ABI to assume when a file declares none. */
  readonly abi?: string;
}

/** What the checker keeps of a file reached through an include. */
interface IncludedFile {
  readonly path: string;
  readonly ast: FileNode;
  readonly includes: IncludeNode[];
  readonly uses: VariableUse[];
  readonly execRules: ExecRule[];
}

// `apparmor.d/` itself is the policy root, not a fragment folder.
const FRAGMENT_PATH = /(^|\/)(abstractions|tunables|local)\/|(^|\/)(?!apparmor\.d\/)[^/]+\.d\//;

/** Whether a path names an include fragment (abstractions, tunables, local/, *.d/). */
export function isFragmentPath(path: string): boolean {
  return FRAGMENT_PATH.test(path);
}

export interface FileAnalysis {
  readonly parse: ParseResult;
  readonly problems: Problem[];
  readonly fragment: boolean;
}

/**
 * Checks files with their includes resolved. Included files are parsed once and
 * kept, so checking a whole tree costs little more than parsing each file once.
 */
export class Analyzer {
  private readonly cache = new Map<string, IncludedFile | null>();

  constructor(private readonly options: AnalyzeOptions) {}

  /** Forgets a file (for example after it was edited). */
  invalidate(path: string): void {
    this.cache.delete(path);
  }

  analyze(path: string, text: string, fragmentOption?: boolean): FileAnalysis {
    let fragment = fragmentOption ?? isFragmentPath(path);
    let result = parse(text, { fragment });
    if (fragmentOption === undefined && !fragment && looksLikeFragment(result)) {
      fragment = true;
      result = parse(text, { fragment });
    }
    const problems: Problem[] = [...result.errors, ...checkAst(result.ast, { abi: this.options.abi })];
    const sink = new ProblemSink();
    new FileCheck(this, path, text, result.ast, fragment, sink).run();
    problems.push(...sink.problems);
    return { parse: result, problems, fragment };
  }

  /** Parsed facts of an included file, or null when it cannot be read. */
  load(path: string): IncludedFile | null {
    let entry = this.cache.get(path);
    if (entry !== undefined) return entry;
    const text = this.options.fs.readFile(path);
    if (text === undefined) entry = null;
    else {
      const ast = parse(text, { fragment: true }).ast;
      entry = { path, ast, includes: blockIncludes(ast.items), uses: collectUses(ast.items), execRules: execRules(ast.items) };
    }
    this.cache.set(path, entry);
    return entry;
  }

  get search(): AnalyzeOptions {
    return this.options;
  }
}

/** A file with no profile but bare rules is a fragment whatever its path. */
function looksLikeFragment(result: ParseResult): boolean {
  return !result.ast.items.some((i) => i.type === 'profile') && result.errors.some((e) => e.code === 'rule-outside-profile');
}

/** The checks of one file that need its includes: includes themselves, variables, merged rules. */
class FileCheck {
  private readonly defined = new Map<string, { op: string; local: boolean }>();
  private readonly definedBools = new Set<string>();
  private unresolved = 0;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly path: string,
    private readonly text: string,
    private readonly ast: FileNode,
    private readonly fragment: boolean,
    private readonly sink: ProblemSink,
  ) {}

  run(): void {
    this.definePreamble();
    this.checkIncludeTree();
    if (!this.fragment) this.checkVariableUses();
    for (const p of allProfiles(this.ast)) this.checkExecConflicts(p);
    if (this.unresolved > 0) {
      const first = this.ast.items.find((i) => i.type === 'include') ?? { start: 0, end: 0 };
      this.sink.add('include-unresolved', first, { count: String(this.unresolved) });
    }
  }

  private get noSearchPath(): boolean {
    return this.analyzer.search.includeDirs.length === 0;
  }

  /** Resolves an include of this file, reporting it when missing. */
  private resolve(node: IncludeNode, fromFile: string, reportAt: Span | undefined): string[] {
    if (!node.path) return [];
    const res = resolveInclude(node, fromFile, this.analyzer.search, this.analyzer.search.fs);
    if (res.kind === 'files') return res.paths;
    if (!reportAt || node.ifExists) return [];
    if (node.angle && this.noSearchPath) {
      this.unresolved++;
      return [];
    }
    const where = node.angle ? `the include search path (${this.analyzer.search.includeDirs.join(', ')})` : `'${res.tried[0]}'`;
    const hint = node.path.value.startsWith('local/') ? ' Write "include if exists" for optional local overrides.' : '';
    this.sink.add('include-not-found', reportAt, { name: node.path.value, where, hint });
    return [];
  }

  /** Variables from the preamble and the tunables it includes, in order. */
  private definePreamble(): void {
    const seen = new Set<string>([this.path]);
    const visitItems = (items: FileNode['items'], fromFile: string, local: boolean, stack: string[]): void => {
      for (const item of items) {
        if (item.type === 'variable') this.define(item, local);
        else if (item.type === 'include') {
          for (const p of this.resolve(item, fromFile, undefined)) {
            if (stack.includes(p) || seen.has(p)) continue;
            seen.add(p);
            const f = this.analyzer.load(p);
            if (f) visitItems(f.ast.items, p, false, [...stack, p]);
          }
        }
      }
    };
    visitItems(this.ast.items, this.path, true, [this.path]);
  }

  private define(item: Extract<FileNode['items'][number], { type: 'variable' }>, local: boolean): void {
    const name = item.name.value;
    if (item.sigil === '$') {
      this.definedBools.add(name);
      return;
    }
    const prev = this.defined.get(name);
    if (item.op === '=' && prev && local) this.sink.add('variable-redeclared', item.name, { name, where: prev.local ? '' : ' in an included file' });
    if (item.op === '+=' && !prev && local && !this.fragment) this.sink.add('variable-append-undeclared', item.name, { name });
    if (!prev || item.op === ':=' || item.op === '=') this.defined.set(name, { op: item.op, local: prev?.local ?? local });
  }

  /** Every include in the file resolved (missing ones reported), cycles found. */
  private checkIncludeTree(): void {
    const visit = (items: FileNode['items']): void => {
      for (const item of items) {
        if (item.type === 'include') {
          for (const p of this.resolve(item, this.path, item)) this.findCycle(item, p);
        } else if (item.type === 'profile' || item.type === 'qualifierBlock') visit(item.body.items);
        else if (item.type === 'if') {
          visit(item.then.items);
          let e = item.else;
          while (e) {
            if ('type' in e && e.type === 'if') { visit(e.then.items); e = e.else; } else { visit((e as { items: FileNode['items'] }).items); e = undefined; }
          }
        }
      }
    };
    visit(this.ast.items);
  }

  /** Walks the include graph below `start`; a path that leads back to this file or loops is reported once. */
  private findCycle(at: IncludeNode, start: string): void {
    const onStack = new Set<string>([this.path]);
    const done = new Set<string>();
    const walk = (p: string, chain: string[]): boolean => {
      if (onStack.has(p)) {
        this.sink.add('include-cycle', at, { name: at.path?.value ?? '', chain: [...chain, shortName(p)].join(' → ') });
        return true;
      }
      if (done.has(p)) return false;
      done.add(p);
      const f = this.analyzer.load(p);
      if (!f) return false;
      onStack.add(p);
      for (const inc of f.includes) {
        for (const q of this.resolve(inc, p, undefined)) if (walk(q, [...chain, shortName(p)])) return true;
      }
      onStack.delete(p);
      return false;
    };
    walk(start, []);
  }

  /** Variables used here or in any included file must be defined (built-ins aside). */
  private checkVariableUses(): void {
    const known = (u: VariableUse): boolean =>
      u.sigil === '@' ? this.defined.has(u.name) || BUILTIN_VARIABLES.has(u.name) : this.definedBools.has(u.name);
    for (const u of collectUses(this.ast.items)) {
      if (!known(u)) this.sink.add(u.sigil === '@' ? 'variable-undefined' : 'bool-undefined', u, { name: u.name, hint: '' });
    }
    const reported = new Set<string>();
    for (const inc of allIncludes(this.ast)) {
      const seen = new Set<string>();
      const visit = (p: string): void => {
        if (seen.has(p)) return;
        seen.add(p);
        const f = this.analyzer.load(p);
        if (!f) return;
        for (const u of f.uses) {
          const key = `${inc.start}:${u.name}`;
          if (known(u) || reported.has(key)) continue;
          reported.add(key);
          this.sink.add(u.sigil === '@' ? 'variable-undefined' : 'bool-undefined', inc, { name: u.name, hint: ` (used in ${shortName(p)})` });
        }
        for (const i of f.includes) for (const q of this.resolve(i, p, undefined)) visit(q);
      };
      for (const p of this.resolve(inc, this.path, undefined)) visit(p);
    }
  }

  /** Allow rules for the same path must agree on the exec transition once includes are merged. */
  private checkExecConflicts(profile: ProfileNode): void {
    const byKey = new Map<string, { mode: string; where: string }>();
    const add = (r: ExecRule, where: string, reportAt: Span): void => {
      const prev = byKey.get(r.key);
      if (!prev) byKey.set(r.key, { mode: r.mode, where });
      else if (prev.mode !== r.mode) this.sink.add('exec-conflict', reportAt, { path: r.path, a: r.mode, b: prev.mode, where: prev.where });
    };
    for (const r of execRules(profile.body.items)) add(r, `at line ${lineOf(this.text, r.start)}`, r);
    const seen = new Set<string>();
    for (const inc of blockIncludes(profile.body.items)) {
      const visit = (p: string): void => {
        if (seen.has(p)) return;
        seen.add(p);
        const f = this.analyzer.load(p);
        if (!f) return;
        for (const r of f.execRules) add(r, `in ${shortName(p)}`, inc);
        for (const i of f.includes) for (const q of this.resolve(i, p, undefined)) visit(q);
      };
      for (const p of this.resolve(inc, this.path, undefined)) visit(p);
    }
  }
}

function allIncludes(ast: FileNode): IncludeNode[] {
  const out: IncludeNode[] = [];
  walkItems(ast.items, (item) => {
    if (item.type === 'include') out.push(item);
  });
  return out;
}

function shortName(path: string): string {
  const m = /(?:^|\/)((?:abstractions|tunables|local|profiles)\/.*)$/.exec(path);
  return m ? m[1]! : path;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
