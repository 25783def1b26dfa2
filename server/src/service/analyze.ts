import type { FileNode, IncludeNode, ParseResult } from './ast';
import { checkAst, KeptFindings } from './checks/checkAst';
import { checkStyle } from './checks/checkStyle';
import { declaredAbi } from './checks/checkVersions';
import { checkLineEnds } from './checks/checkLineEnds';
import { Problem, ProblemSink, RelatedPlace } from './checks/problems';
import { formatMessage, severityOf } from './diagnosticRules';
import { LineIndex } from './diagnostics';
import { FileCheck } from './fileCheck';
import { blockIncludes, collectUses, execRules, ExecRule } from './fileFacts';
import { dirName, FileSystem, IncludeResolution, IncludeSearch, MAX_INCLUDE_DEPTH, resolveInclude } from './includes';
import { BUILTIN_VARIABLES } from './data/facts';
import { parse } from './parser';
import { ReparseMode, reparseKeeping, TextEdit } from './reparse';
import { addValueRefs } from './variableExpansions';

export interface AnalyzeOptions extends IncludeSearch {
  readonly fs: FileSystem;
  /** ABI to assume when a file declares none. */
  readonly abi?: string;
}

/** What the checker keeps of a file reached through an include. */
export interface IncludedFile {
  readonly path: string;
  readonly text: string;
  /** The fragment parse, errors included, reused when the file is itself checked. */
  readonly parsed: ParseResult;
  readonly ast: FileNode;
  readonly includes: IncludeNode[];
  /** Variable names its rules use, each with its first use. */
  readonly uses: ReadonlyMap<string, '@' | '$'>;
  readonly execRules: ExecRule[];
}

/** What lies below a file in the include graph. */
export interface Reach {
  /** Every file reachable, the file itself included. */
  readonly closure: ReadonlySet<string>;
  /** Variable names used anywhere below, with the file that uses each first. */
  readonly uses: ReadonlyMap<string, { sigil: '@' | '$'; file: string }>;
  /** Whether the graph below loops back on itself. */
  readonly cyclic: boolean;
}

/** Variables a tunables file defines, through its own includes too. */
export interface Definitions {
  readonly sets: ReadonlyMap<string, string>;
  readonly bools: ReadonlySet<string>;
  /** The set variables each of this file's own assignments refers to. */
  readonly refs: ReadonlyMap<string, readonly string[]>;
  /** The definitions of the files it includes, for their assignments' references. */
  readonly below: readonly Definitions[];
  /** Whether any assignment here or below refers to a variable. */
  readonly hasRefs: boolean;
}


const FRAGMENT_PATH = /(^|\/)(abstractions|tunables|local)\/|(^|\/)(?!apparmor\.d\/)[^/]+\.d\//;

/** Whether a path names an include fragment (abstractions, tunables, local/, *.d/); `apparmor.d/` itself is the policy root. */
export function isFragmentPath(path: string): boolean {
  return FRAGMENT_PATH.test(path);
}

export interface FileAnalysis {
  readonly parse: ParseResult;
  readonly problems: Problem[];
  /** The part of `problems` that checkAst found, kept to carry over to the next edit. */
  readonly astProblems: readonly Problem[];
  readonly fragment: boolean;
}

/** The errors an included file holds, as its include line reports them. */
export interface IncludedErrors {
  readonly count: number;
  /** The first error where it really is: in this file, or in one it includes in turn. */
  readonly root?: { readonly path: string; readonly line: number; readonly message: string };
  /** From this file's first error (or the include line that leads on) down to the root. */
  readonly trail: readonly RelatedPlace[];
  /** Whether includes below nest deeper than MAX_INCLUDE_DEPTH, so were not all checked. */
  readonly tooDeep?: boolean;
}


const TOO_DEEP: IncludedErrors = { count: 0, trail: [], tooDeep: true };

const EMPTY_REACH: Reach = { closure: new Set(), uses: new Map(), cyclic: false };
const EMPTY_DEFS: Definitions = { sets: new Map(), bools: new Set(), refs: new Map(), below: [], hasRefs: false };

/**
 * Checks files with their includes resolved. Included files are parsed once, and
 * what lies below each in the include graph is computed once, so checking a whole
 * tree costs little more than parsing each file once.
 */
export class Analyzer {
  private readonly files = new Map<string, IncludedFile | null>();
  /** Include resolutions by (form, name, folder): most profiles include the same few files. */
  private readonly resolved = new Map<string, IncludeResolution>();
  /** The same, by syntax node, for the hot path of walking cached include graphs. */
  private byNode = new WeakMap<IncludeNode, { from: string; res: IncludeResolution }>();
  private readonly reaches = new Map<string, Reach>();
  private readonly definitions = new Map<string, Definitions>();
  private readonly definitionIds = new Map<Definitions, number>();
  private readonly residualUses = new Map<string, Map<string, ReadonlyMap<string, { sigil: '@' | '$'; file: string }>>>();
  /** Variable expansions judged under each list of inherited tunables, for files that define none. */
  private readonly expansionMemos = new Map<string, Map<string, unknown>>();
  /** Why files that could not be read could not be. */
  private readonly unreadable = new Map<string, string>();
  private readonly includedErrorsMemo = new Map<string, IncludedErrors | null>();
  /** The errors of an included file that depend on its text alone; kept when other files change. */
  private readonly ownErrors = new Map<string, Problem[]>();
  /** Files whose checks are running, outermost first: an include back into one of them is not followed. */
  private readonly checking = new Set<string>();
  /** Files on `checking` that an include led back to; a result computed below such a cut is not kept. */
  private cuts: string[] = [];

  constructor(readonly options: AnalyzeOptions) {}

  /**
   * Forgets a file whose text changed. What was derived from the include graph is only
   * dropped when the file is part of it, so editing a profile keeps every abstraction's facts.
   * Returns whether other files' results may have changed (the file is included somewhere).
   */
  invalidate(path: string): boolean {
    if (!this.files.has(path)) return false;
    this.files.delete(path);
    this.unreadable.delete(path);
    this.ownErrors.delete(path);
    // Only the files that reach the changed one are checked again: editing a tunable does not
    // re-check every abstraction. A file whose reach is not known is dropped to be safe.
    for (const p of this.includedErrorsMemo.keys()) {
      if (this.reaches.get(p)?.closure.has(path) !== false) this.includedErrorsMemo.delete(p);
    }
    this.forgetDerived();
    return true;
  }

  /** Forgets everything learnt of the file system (files created, removed or moved). */
  invalidateAll(): void {
    this.files.clear();
    this.unreadable.clear();
    this.ownErrors.clear();
    this.includedErrorsMemo.clear();
    this.resolved.clear();
    this.byNode = new WeakMap();
    this.forgetDerived();
  }

  private forgetDerived(): void {
    this.reaches.clear();
    this.definitions.clear();
    this.definitionIds.clear();
    this.residualUses.clear();
    this.expansionMemos.clear();
  }

  /**
   * A memo of variable expansions shared by every file that inherits exactly these tunables
   * and defines no variable itself: nearly every profile, so each edit judges none again.
   */
  sharedExpansions<T>(inherited: readonly Definitions[]): Map<string, T> {
    const key = inherited.map((d) => this.definitionIds.get(d)).join(',');
    let memo = this.expansionMemos.get(key);
    if (!memo) this.expansionMemos.set(key, (memo = new Map()));
    return memo as Map<string, T>;
  }

  analyze(path: string, text: string, fragmentOption?: boolean): FileAnalysis {
    let fragment = fragmentOption ?? isFragmentPath(path);
    let result = fragment ? this.fragmentParse(path, text) : parse(text, { fragment });
    if (fragmentOption === undefined && !fragment && looksLikeFragment(result)) {
      fragment = true;
      result = parse(text, { fragment });
    }
    return this.check(path, text, result, fragment);
  }

  /**
   * The analysis of a file after one edit of `previous`. When the edit lies inside the
   * file's items, only part of the text is parsed again; items kept unchanged keep their
   * per-node findings, and the whole-file checks run as usual.
   */
  analyzeEdit(path: string, text: string, previous: { readonly analysis: FileAnalysis; readonly text: string }, edit: TextEdit, mode: ReparseMode = 'auto'): FileAnalysis {
    const old = previous.analysis;
    if (!old.fragment && !isFragmentPath(path)) {
      const re = reparseKeeping(old.parse, previous.text, text, edit, mode);
      if (re && !looksLikeFragment(re.result)) {
        const k = re.kept;
        // The kept items' findings are those of the old tree between the block's start and the
        // edit, unless the edit changed the abi they are held to.
        const carried = k && declaredAbi(re.result.ast) === declaredAbi(old.parse.ast)
          ? { items: k.items, kept: k.kept, problems: old.astProblems.filter((p) => p.start >= k.blockStart && p.end <= k.from) }
          : undefined;
        return this.check(path, text, re.result, false, carried);
      }
    }
    return this.analyze(path, text);
  }

  private check(path: string, text: string, result: ParseResult, fragment: boolean, carried?: KeptFindings): FileAnalysis {
    const astProblems = checkAst(result.ast, { abi: this.options.abi }, carried);
    const problems: Problem[] = [...result.errors, ...astProblems];
    const sink = new ProblemSink();
    checkStyle(result.ast, text, sink);
    this.checkInContext(path, text, result.ast, fragment, sink);
    for (const p of sink.problems) problems.push(p);
    return { parse: result, problems, astProblems, fragment };
  }

  /** The checks that look past the file: its includes, and lines the parser would not read. */
  private checkInContext(path: string, text: string, ast: FileNode, fragment: boolean, sink: ProblemSink): void {
    checkLineEnds(text, ast, sink);
    this.checking.add(path);
    try {
      new FileCheck(this, path, text, ast, fragment, sink, declaredAbi(ast) ?? this.options.abi).run();
    } finally {
      this.checking.delete(path);
    }
  }

  /** Why a file an include names could not be read, when it could not. */
  readProblem(path: string): string | undefined {
    return this.unreadable.get(path);
  }

  /**
   * The errors of an included file, checked as a fragment on its own (its own includes too),
   * or undefined when it has none. Each file is checked once until the include graph changes;
   * an include back into a file being checked is not followed (the cycle warning covers it).
   */
  includedErrors(path: string): IncludedErrors | undefined {
    const memo = this.includedErrorsMemo.get(path);
    if (memo !== undefined) return memo ?? undefined;
    if (this.checking.has(path)) {
      this.cuts.push(path);
      return undefined;
    }
    const f = this.load(path);
    if (!f) return undefined;
    if (this.checking.size >= MAX_INCLUDE_DEPTH) return TOO_DEEP;
    const before = this.cuts.length;
    const sink = new ProblemSink();
    this.checkInContext(path, f.text, f.ast, true, sink);
    let own = this.ownErrors.get(path);
    if (!own) this.ownErrors.set(path, (own = [...f.parsed.errors, ...checkAst(f.ast, { abi: declaredAbi(f.ast) ?? this.options.abi })]));
    const errors = [...own, ...sink.problems]
      .filter((p) => severityOf(p.code) === 'error')
      .sort((a, b) => a.start - b.start);
    const tooDeep = sink.problems.some((p) => p.code === 'include-too-deep');
    const result = errors.length > 0 ? summarize(path, f.text, errors, tooDeep) : tooDeep ? TOO_DEEP : null;
    // Cuts back to this file are settled here; one further up leaves the result incomplete.
    const below = this.cuts.splice(before).filter((c) => c !== path);
    if (below.length === 0) this.includedErrorsMemo.set(path, result);
    else this.cuts.push(...below);
    return result ?? undefined;
  }

  resolve(node: IncludeNode, fromFile: string): IncludeResolution {
    // Only the syntax trees of included files live on; a document's own nodes are new at
    // every edit, and keying them would grow the map by every include of every keystroke.
    if (!this.files.get(fromFile)) return this.resolveByName(node, fromFile);
    const cached = this.byNode.get(node);
    if (cached && cached.from === fromFile) return cached.res;
    const res = this.resolveByName(node, fromFile);
    this.byNode.set(node, { from: fromFile, res });
    return res;
  }

  private resolveByName(node: IncludeNode, fromFile: string): IncludeResolution {
    const name = node.path?.value ?? '';
    const key = node.angle ? `<${name}` : `"${name}\0${this.options.base ?? dirName(fromFile)}`;
    let res = this.resolved.get(key);
    if (!res) {
      res = resolveInclude(node, fromFile, this.options, this.options.fs);
      this.resolved.set(key, res);
    }
    return res;
  }

  /** The files an include names, or none when it cannot be resolved. */
  targets(node: IncludeNode, fromFile: string): readonly string[] {
    if (!node.path) return [];
    const res = this.resolve(node, fromFile);
    return res.kind === 'files' ? res.paths : [];
  }

  /** Parsed facts of an included file, or null when it cannot be read. */
  load(path: string): IncludedFile | null {
    let entry = this.files.get(path);
    if (entry !== undefined) return entry;
    const text = this.options.fs.readFile(path);
    entry = text === undefined ? null : this.remember(path, text);
    if (text === undefined) {
      const why = this.options.fs.readError?.(path);
      if (why) this.unreadable.set(path, why);
    }
    this.files.set(path, entry);
    return entry;
  }

  /**
   * A fragment checked on its own is parsed as it would be when included, so a tree
   * check parses each abstraction once whichever way it meets it first.
   */
  private fragmentParse(path: string, text: string): ParseResult {
    const known = this.files.get(path);
    if (known && known.text === text) return known.parsed;
    const entry = this.remember(path, text);
    if (known === undefined) this.files.set(path, entry);
    return entry.parsed;
  }

  private remember(path: string, text: string): IncludedFile {
    const parsed = parse(text, { fragment: true });
    const ast = parsed.ast;
    const uses = new Map<string, '@' | '$'>();
    for (const u of collectUses(ast.items, text)) if (!uses.has(u.name)) uses.set(u.name, u.sigil);
    return { path, text, parsed, ast, includes: blockIncludes(ast.items), uses, execRules: execRules(ast.items) };
  }

  /** What lies below `path`; `stack` holds the files being explored (a cycle guard). */
  reach(path: string, stack: Set<string> = new Set()): Reach {
    const memo = this.reaches.get(path);
    if (memo) return memo;
    const f = this.load(path);
    if (!f || stack.size >= MAX_INCLUDE_DEPTH) return EMPTY_REACH;
    stack.add(path);
    const closure = new Set<string>([path]);
    const uses = new Map<string, { sigil: '@' | '$'; file: string }>();
    for (const [name, sigil] of f.uses) uses.set(name, { sigil, file: path });
    let cyclic = false;
    for (const inc of f.includes) {
      for (const q of this.targets(inc, path)) {
        if (stack.has(q)) { cyclic = true; continue; }
        const below = this.reach(q, stack);
        for (const c of below.closure) closure.add(c);
        for (const [name, use] of below.uses) if (!uses.has(name)) uses.set(name, use);
        cyclic ||= below.cyclic;
      }
    }
    stack.delete(path);
    const result: Reach = { closure, uses, cyclic };
    this.reaches.set(path, result);
    return result;
  }

  /**
   * The variables used below `path` that neither `inherited` nor the built-ins define.
   * Nearly every profile inherits the same tunables, so the answer is kept per (file, tunables).
   */
  usesNotIn(path: string, inherited: readonly Definitions[]): ReadonlyMap<string, { sigil: '@' | '$'; file: string }> {
    let byDefs = this.residualUses.get(path);
    if (!byDefs) this.residualUses.set(path, (byDefs = new Map()));
    const key = inherited.map((d) => this.definitionIds.get(d)).join(',');
    let result = byDefs.get(key);
    if (!result) {
      const residual = new Map<string, { sigil: '@' | '$'; file: string }>();
      for (const [name, use] of this.reach(path).uses) {
        const defined = use.sigil === '@'
          ? BUILTIN_VARIABLES.has(name) || inherited.some((d) => d.sets.has(name))
          : inherited.some((d) => d.bools.has(name));
        if (!defined) residual.set(name, use);
      }
      byDefs.set(key, residual);
      result = residual;
    }
    return result;
  }

  /** Variables defined by a tunables file and everything it includes, in order. */
  definitionsOf(path: string, stack: Set<string> = new Set()): Definitions {
    const memo = this.definitions.get(path);
    if (memo) return memo;
    const f = this.load(path);
    if (!f || stack.size >= MAX_INCLUDE_DEPTH) return EMPTY_DEFS;
    stack.add(path);
    const sets = new Map<string, string>();
    const bools = new Set<string>();
    const refs = new Map<string, string[]>();
    const below: Definitions[] = [];
    for (const item of f.ast.items) {
      if (item.type === 'variable') {
        if (item.sigil === '$') bools.add(item.name.value);
        else {
          if (!sets.has(item.name.value)) sets.set(item.name.value, path);
          addValueRefs(refs, item);
        }
      } else if (item.type === 'include') {
        for (const q of this.targets(item, path)) {
          if (stack.has(q)) continue;
          const d = this.definitionsOf(q, stack);
          for (const [name, file] of d.sets) if (!sets.has(name)) sets.set(name, file);
          for (const b of d.bools) bools.add(b);
          if (d.hasRefs) below.push(d);
        }
      }
    }
    stack.delete(path);
    const hasRefs = below.length > 0 || [...refs.values()].some((r) => r.length > 0);
    const result = { sets, bools, refs, below, hasRefs };
    this.definitions.set(path, result);
    this.definitionIds.set(result, this.definitionIds.size);
    return result;
  }
}


/** A trail down a long chain of includes keeps its first steps and the error itself. */
function shortened(trail: readonly RelatedPlace[]): readonly RelatedPlace[] {
  return trail.length <= 3 ? trail : [trail[0]!, trail[1]!, trail[trail.length - 1]!];
}

/** What an include line says of `errors` (sorted, at least one) in the file at `path`. */
function summarize(path: string, text: string, errors: readonly Problem[], tooDeep: boolean): IncludedErrors {
  const first = errors[0]!;
  const range = new LineIndex(text).rangeOf(first.start, first.end);
  const message = formatMessage(first.code, first.args);
  const a = first.args;
  // An include line whose own included file holds the error leads on to it.
  if (first.code === 'include-errors' && a['rootPath'] && first.related) {
    return {
      count: errors.length,
      root: { path: a['rootPath'], line: Number(a['rootLine']), message: a['rootMessage'] ?? '' },
      trail: [{ path, range, message: `includes ${a['name']} here` }, ...shortened(first.related)],
      tooDeep,
    };
  }
  return { count: errors.length, root: { path, line: range.start.line + 1, message }, trail: [{ path, range, message }], tooDeep };
}

/** A file with no profile but bare rules is a fragment whatever its path. */
function looksLikeFragment(result: ParseResult): boolean {
  return !result.ast.items.some((i) => i.type === 'profile') && result.errors.some((e) => e.code === 'rule-outside-profile');
}
