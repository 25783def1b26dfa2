import type { FileNode, IncludeNode, ParseResult } from './ast';
import { checkAst, KeptFindings } from './checks/checkAst';
import { ProfileLookup, checkSecurity } from './checks/checkSecurity';
import { dropCascades } from './checks/dropCascades';
import { checkStyle } from './checks/checkStyle';
import { declaredAbi } from './checks/checkVersions';
import { checkLineEnds } from './checks/checkLineEnds';
import { Problem, ProblemSink, RelatedPlace } from './checks/problems';
import { formatMessage, severityOf } from './diagnosticRules';
import { LineIndex } from './diagnostics';
import { checkIncludes } from './fileCheck';
import { Definitions, IncludedFile, IncludeGraph, IncludeGraphOptions, Reach } from './includeGraph';
import { MAX_INCLUDE_DEPTH } from './includes';
import { KeptErrors } from './keptErrors';
import { parse } from './parser';
import { ReparseMode, reparseKeeping, TextEdit } from './reparse';

export interface AnalyzeOptions extends IncludeGraphOptions {
  /** ABI to assume when a file declares none. */
  readonly abi?: string;
  /** The profiles known around the file (the workspace index), for `Px` to a program without one. */
  readonly profiles?: ProfileLookup;
}

export type { Definitions, IncludedFile, Reach } from './includeGraph';

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


/**
 * Checks files with their includes resolved. Included files are parsed once, and
 * what lies below each in the include graph is computed once, so checking a whole
 * tree costs little more than parsing each file once.
 */
export class Analyzer {
  /** Include resolution, reach and definitions, with their caches. */
  readonly graph: IncludeGraph;
  private readonly includedErrorsMemo = new Map<string, IncludedErrors | null>();
  /** The errors of an included file that depend on its text alone; kept when other files change. */
  private readonly ownErrors = new Map<string, Problem[]>();
  /** Files whose checks are running, outermost first: an include back into one of them is not followed. */
  private readonly checking = new Set<string>();
  /** Files on `checking` that an include led back to; a result computed below such a cut is not kept. */
  private cuts: string[] = [];
  /** The keys of included files' results in the store (see keptErrors.ts). */
  private kept: KeptErrors | undefined;

  constructor(readonly options: AnalyzeOptions) {
    this.graph = new IncludeGraph(options);
    if (options.parses) this.kept = new KeptErrors(this.graph, options.parses, options.abi);
  }

  /**
   * Forgets a file whose text changed. What was derived from the include graph is only
   * dropped when the file is part of it, so editing a profile keeps every abstraction's facts.
   * Returns whether other files' results may have changed (the file is included somewhere).
   */
  invalidate(path: string): boolean {
    if (!this.graph.has(path)) return false;
    this.ownErrors.delete(path);
    // Only the files that reach the changed one are checked again: editing a tunable does not
    // re-check every abstraction. A file whose reach is not known is dropped to be safe.
    for (const p of this.includedErrorsMemo.keys()) {
      if (this.graph.knownReach(p)?.closure.has(path) !== false) this.includedErrorsMemo.delete(p);
    }
    this.graph.invalidate(path);
    this.kept?.forget();
    return true;
  }

  /** Forgets everything learnt of the file system (files created, removed or moved). */
  invalidateAll(): void {
    this.ownErrors.clear();
    this.includedErrorsMemo.clear();
    this.graph.invalidateAll();
    // With every result forgotten, none computed past the depth limit is left: keys are safe again.
    this.kept = this.options.parses ? new KeptErrors(this.graph, this.options.parses, this.options.abi) : undefined;
  }

  analyze(path: string, text: string, fragmentOption?: boolean): FileAnalysis {
    let fragment = fragmentOption ?? isFragmentPath(path);
    let result = fragment ? this.graph.fragmentParse(path, text) : parse(text, { fragment });
    if (fragmentOption === undefined && !fragment && looksLikeFragment(result)) {
      // Bare rules make a fragment only where another file includes this one; a file checked
      // on its own as a profile is refused by apparmor_parser.
      if (this.graph.has(path)) {
        fragment = true;
        result = parse(text, { fragment });
      } else result = withoutProfile(result);
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
    const sink = new ProblemSink();
    checkStyle(result.ast, text, sink);
    checkSecurity(result.ast, sink, this.options.profiles);
    this.checkInContext(path, text, result.ast, fragment, sink, brokenPreamble(result));
    const found = sink.problems.length === 0 ? astProblems : [...astProblems, ...sink.problems];
    const problems: Problem[] = [...result.errors, ...dropCascades(result.ast, result.errors, found)];
    return { parse: result, problems, astProblems, fragment };
  }

  /** The checks that look past the file: its includes, and lines the parser would not read. */
  private checkInContext(path: string, text: string, ast: FileNode, fragment: boolean, sink: ProblemSink, preambleBroken = false): void {
    checkLineEnds(text, ast, sink);
    this.checking.add(path);
    try {
      checkIncludes(this.graph, { path, text, ast, fragment, abi: declaredAbi(ast) ?? this.options.abi, errorsBelow: (p) => this.includedErrors(p), preambleBroken }, sink);
    } finally {
      this.checking.delete(path);
    }
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
    const f = this.graph.load(path);
    if (!f) return undefined;
    if (this.checking.size >= MAX_INCLUDE_DEPTH) {
      // Results from here on may depend on the depth they were computed at: none is kept or taken.
      this.kept = undefined;
      return TOO_DEEP;
    }
    const key = this.kept?.keyOf(path, this.checking);
    const stored = key === undefined ? undefined : this.kept!.get(key);
    if (stored !== undefined) {
      this.includedErrorsMemo.set(path, stored);
      return stored ?? undefined;
    }
    const before = this.cuts.length;
    const sink = new ProblemSink();
    this.checkInContext(path, f.text, f.ast, true, sink);
    let own = this.ownErrors.get(path);
    if (!own) {
      const found = checkAst(f.ast, { abi: declaredAbi(f.ast) ?? this.options.abi });
      this.ownErrors.set(path, (own = [...f.parsed.errors, ...dropCascades(f.ast, f.parsed.errors, found)]));
    }
    const errors = [...own, ...sink.problems]
      .filter((p) => severityOf(p.code) === 'error')
      .sort((a, b) => a.start - b.start);
    const tooDeep = sink.problems.some((p) => p.code === 'include-too-deep');
    const result = errors.length > 0 ? summarize(path, f.text, errors, tooDeep) : tooDeep ? TOO_DEEP : null;
    // Cuts back to this file are settled here; one further up leaves the result incomplete.
    const below = this.cuts.splice(before).filter((c) => c !== path);
    if (below.length === 0) {
      this.includedErrorsMemo.set(path, result);
      if (key !== undefined && !tooDeep) this.kept?.put(key, result);
    } else this.cuts.push(...below);
    return result ?? undefined;
  }

  // The include graph's reads, for the features that follow includes.
  targets(node: IncludeNode, fromFile: string): readonly string[] {
    return this.graph.targets(node, fromFile);
  }

  load(path: string): IncludedFile | null {
    return this.graph.load(path);
  }

  reach(path: string): Reach {
    return this.graph.reach(path);
  }

  definitionsOf(path: string): Definitions {
    return this.graph.definitionsOf(path);
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

/**
 * Whether a syntax error lies before the first profile: a misspelt include or a broken
 * assignment there leaves variables undefined, and each use would repeat that one mistake.
 */
function brokenPreamble(result: ParseResult): boolean {
  const first = result.ast.items.find((i) => i.type === 'profile');
  const end = first ? first.start : result.ast.end;
  return result.errors.some((e) => e.start < end);
}

/**
 * The parse of a file of bare rules checked as a profile: one error for the file, at its
 * first rule, in place of one per run of rules.
 */
function withoutProfile(result: ParseResult): ParseResult {
  let first = true;
  const errors = result.errors.flatMap((e) => {
    if (e.code !== 'rule-outside-profile') return [e];
    if (!first) return [];
    first = false;
    return [{ ...e, code: 'rules-without-profile' as const }];
  });
  return { ...result, errors };
}

/** A file with no profile but bare rules: a fragment, or a profile missing its header. */
function looksLikeFragment(result: ParseResult): boolean {
  return !result.ast.items.some((i) => i.type === 'profile') && result.errors.some((e) => e.code === 'rule-outside-profile');
}
