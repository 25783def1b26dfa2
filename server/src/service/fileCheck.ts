import { descend, runDeep, type Deep } from './deep';
import type { AbiNode, BodyItem, FileNode, IncludeNode, ProfileNode, Span, TopItem, VariableNode } from './ast';
import type { IncludedErrors } from './analyze';
import type { Definitions, IncludeGraph } from './includeGraph';
import { ProblemSink } from './checks/problems';
import { checkExpandedGlobs } from './checkExpandedGlobs';
import { LineIndex } from './diagnostics';
import { BUILTIN_VARIABLE_SINCE, BUILTIN_VARIABLES, compareVersions } from './data/facts';
import { blockIncludes, collectUses, execRules, ExecRule } from './fileFacts';
import { MAX_INCLUDE_DEPTH } from './includes';
import { addValueRefs, VariableExpansions } from './variableExpansions';
import { ifBlocks, walkItems } from './walk';

/** The file whose includes are checked, and how to learn the errors of a file it includes. */
export interface FileToCheck {
  readonly path: string;
  readonly text: string;
  readonly ast: FileNode;
  readonly fragment: boolean;
  /** The ABI the file is held against (its abi line, else the option), for built-in variables. */
  readonly abi?: string;
  /** The errors of an included file, checked on its own (the analyzer memoizes them). */
  errorsBelow(path: string): IncludedErrors | undefined;
  /** A syntax error before the first profile: undefined variables would only repeat it. */
  readonly preambleBroken?: boolean;
}

/** The checks of one file that need its includes: includes themselves, variables, merged rules. */
export function checkIncludes(graph: IncludeGraph, file: FileToCheck, sink: ProblemSink): void {
  new IncludeCheck(graph, file, sink).run();
}

/** The state of one checkIncludes call: what the file and its tunables define so far. */
class IncludeCheck {
  /** Set variables this file defines; included tunables are looked up in `inherited`, not copied. */
  private readonly defined = new Set<string>();
  private readonly definedBools = new Set<string>();
  private readonly inherited: Definitions[] = [];
  /** The set variables each of this file's assignments refers to. */
  private readonly refs = new Map<string, string[]>();
  private unresolved = 0;
  private lineIndex: LineIndex | undefined;

  private readonly path: string;
  private readonly text: string;
  private readonly ast: FileNode;
  private readonly fragment: boolean;
  private readonly abi: string | undefined;
  /** A syntax error before the first profile: undefined variables would only repeat it. */
  private readonly preambleBroken: boolean;

  constructor(private readonly graph: IncludeGraph, private readonly file: FileToCheck, private readonly sink: ProblemSink) {
    ({ path: this.path, text: this.text, ast: this.ast, fragment: this.fragment, abi: this.abi } = file);
    this.preambleBroken = file.preambleBroken ?? false;
  }

  run(): void {
    const includes: IncludeNode[] = [];
    const profiles: ProfileNode[] = [];
    walkItems(this.ast.items, (item) => {
      if (item.type === 'include') includes.push(item);
      else if (item.type === 'abi') this.checkAbi(item);
      else if (item.type === 'profile') profiles.push(item);
    });
    for (const inc of includes) this.checkInclude(inc);
    this.definePreamble();
    checkExpandedGlobs(this.graph, this.path, this.ast, this.sink);
    if (!this.fragment && !this.preambleBroken) this.checkVariableUses(includes);
    for (const p of profiles) this.checkExecConflicts(p);
    runDeep(this.checkDuplicateProfiles(this.ast.items));
    if (this.unresolved > 0) {
      const first = includes[0] ?? { start: 0, end: 0 };
      this.sink.add('include-unresolved', first, { count: String(this.unresolved) });
    }
  }

  /**
   * A missing include is an error unless `if exists`; so is an unreadable one, and one whose
   * files hold errors (reported once here, not at each of them); a loop below it is reported once.
   */
  private checkInclude(node: IncludeNode): void {
    if (!node.path) return;
    // apparmor_parser rejects `include <>` and `include ""`, with or without `if exists`.
    if (node.path.value === '') {
      this.sink.add('include-missing-name', node);
      return;
    }
    const res = this.graph.resolve(node, this.path);
    if (res.kind === 'unreadable') {
      this.unreadable(node, res.path, res.why);
      return;
    }
    if (res.kind === 'missing') {
      if (node.ifExists) return;
      if (node.angle && this.graph.options.includeDirs.length === 0) {
        this.unresolved++;
        return;
      }
      const where = node.angle ? `the include search path (${this.graph.options.includeDirs.join(', ')})` : `'${res.tried[0]}'`;
      const hint = node.path.value.startsWith('local/') ? ' Write "include if exists" for optional local overrides.' : '';
      this.sink.add('include-not-found', node, { name: node.path.value, where, hint });
      return;
    }
    let count = 0;
    let tooDeep = false;
    let first: { errors: IncludedErrors; path: string } | undefined;
    for (const p of res.paths) {
      const reach = this.graph.reach(p);
      if (reach.closure.has(this.path)) this.sink.add('include-cycle', node, { name: node.path.value, chain: 'this file' });
      else if (reach.cyclic) this.sink.add('include-cycle', node, { name: node.path.value, chain: 'the files it includes' });
      if (!this.graph.load(p)) {
        const why = this.graph.readProblem(p);
        if (why) this.unreadable(node, p, why);
        continue;
      }
      const errors = this.file.errorsBelow(p);
      if (!errors) continue;
      tooDeep ||= !!errors.tooDeep;
      if (!errors.root) continue;
      count += errors.count;
      first ??= { errors, path: p };
    }
    if (first) this.reportIncludedErrors(node, node.path.value, count, first.path, first.errors);
    if (tooDeep) this.sink.add('include-too-deep', node, { name: node.path.value, depth: String(MAX_INCLUDE_DEPTH) });
  }

  private unreadable(node: IncludeNode, path: string, why: string): void {
    this.sink.add(node.ifExists ? 'include-unreadable-skipped' : 'include-unreadable', node, { path, why });
  }

  /** One finding at the include line for all the errors below it, leading to the first. */
  private reportIncludedErrors(node: IncludeNode, name: string, count: number, target: string, errors: IncludedErrors): void {
    const root = errors.root!;
    const where = root.path === target ? `at line ${root.line}` : `in ${shortName(root.path)} at line ${root.line}`;
    this.sink.add('include-errors', node, {
      name, count: count === 1 ? '1 error' : `${count} errors`, where, first: root.message,
      // Kept for an includer further up, which reports the same root.
      rootPath: root.path, rootLine: String(root.line), rootMessage: root.message,
    }, errors.trail);
  }

  /** apparmor_parser opens the abi file like an include; `<kernel>` and `<default>` are built in. */
  private checkAbi(node: AbiNode): void {
    if (!node.path || (node.angle && /^(kernel|default)$/.test(node.path.value))) return;
    const res = this.graph.resolve({ ...node, type: 'include', legacy: false, ifExists: false }, this.path);
    if (res.kind !== 'missing') return;
    if (node.angle && this.graph.options.includeDirs.length === 0) {
      this.unresolved++;
      return;
    }
    const where = node.angle ? `the include search path (${this.graph.options.includeDirs.join(', ')})` : `'${res.tried[0]}'`;
    this.sink.add('abi-not-found', node.path, { name: node.path.value, where });
  }

  /** Variables from the preamble and the tunables it includes, in order. */
  private definePreamble(): void {
    for (const item of this.ast.items) {
      if (item.type === 'variable') this.define(item);
      else if (item.type === 'include') {
        for (const p of this.graph.targets(item, this.path)) {
          if (p !== this.path) this.inherited.push(this.graph.definitionsOf(p));
        }
      }
    }
  }

  private define(item: VariableNode): void {
    const name = item.name.value;
    if (item.sigil === '$') {
      const inherited = this.inherited.some((d) => d.bools.has(name));
      if (item.op === '=' && (this.definedBools.has(name) || inherited)) this.sink.add('bool-redeclared', item.name, { name, where: inherited ? ' in an included file' : '' });
      this.definedBools.add(name);
      return;
    }
    const prev = this.definedIn(name);
    if (item.op === '=' && prev !== undefined) {
      this.sink.add('variable-redeclared', item.name, { name, where: prev === '' ? '' : ` in ${shortName(prev)}` });
    }
    if (item.op === '+=' && prev === undefined && !this.fragment) this.sink.add('variable-append-undeclared', item.name, { name });
    this.defined.add(name);
    addValueRefs(this.refs, item);
  }

  /** Where a set variable is defined: '' for this file, a path for included tunables. */
  private definedIn(name: string): string | undefined {
    if (this.defined.has(name)) return '';
    for (const d of this.inherited) {
      const file = d.sets.get(name);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  private known(name: string, sigil: '@' | '$'): boolean {
    if (sigil === '$') return this.definedBools.has(name) || this.inherited.some((d) => d.bools.has(name));
    return BUILTIN_VARIABLES.has(name) || this.definedIn(name) !== undefined;
  }

  /** Variables used here or in any included file must be defined (built-ins aside). */
  private checkVariableUses(includes: readonly IncludeNode[]): void {
    const expansions = new VariableExpansions(this.graph, this.refs, this.inherited, (name) => this.definedIn(name), this.sink);
    // Each undefined variable is reported at its first use only: one missing definition (or
    // a missing tunables include) is one mistake, however often the variable is used.
    const reported = new Set<string>();
    for (const u of collectUses(this.ast.items, this.text)) {
      if (!this.known(u.name, u.sigil)) {
        if (!reported.has(u.sigil + u.name)) this.sink.add(u.sigil === '@' ? 'variable-undefined' : 'bool-undefined', u, { name: u.name, hint: '' });
        reported.add(u.sigil + u.name);
      } else if (u.sigil === '@') expansions.check(u.name, u);
      const since = u.sigil === '@' ? BUILTIN_VARIABLE_SINCE.get(u.name) : undefined;
      if (since && this.abi && compareVersions(since, this.abi) > 0 && this.definedIn(u.name) === undefined) {
        this.sink.add('newer-than-abi', u, { what: `The built-in variable @{${u.name}}`, since, abi: this.abi });
      }
    }
    for (const inc of includes) {
      for (const p of this.graph.targets(inc, this.path)) {
        for (const [name, use] of this.graph.usesNotIn(p, this.inherited)) {
          if (this.known(name, use.sigil) || reported.has(use.sigil + name)) continue;
          reported.add(use.sigil + name);
          this.sink.add(use.sigil === '@' ? 'variable-undefined' : 'bool-undefined', inc, { name, hint: ` (used in ${shortName(use.file)})` });
        }
        if (this.refs.size === 0 && !this.inherited.some((d) => d.hasRefs)) continue;
        for (const [name, use] of this.graph.reach(p).uses) {
          if (use.sigil === '@' && !expansions.checked.has(name) && this.known(name, '@')) expansions.check(name, inc);
        }
      }
    }
  }

  /**
   * Profiles (and hats) side by side with one name: apparmor_parser refuses the second
   * ("Multiple definitions for profile"). The arms of an if are apart (only one is taken),
   * and each body is looked at in turn.
   */
  /** A generator, run on an explicit stack: blocks nest thousands deep (deep.ts). */
  private *checkDuplicateProfiles(items: readonly (TopItem | BodyItem)[], seen = new Map<string, ProfileNode>()): Deep<void> {
    for (const item of items) {
      if (item.type === 'qualifierBlock') yield* descend(this.checkDuplicateProfiles(item.body.items, seen));
      else if (item.type === 'if') for (const arm of ifBlocks(item)) yield* descend(this.checkDuplicateProfiles(arm.items, new Map(seen)));
      if (item.type !== 'profile') continue;
      if (item.name) {
        const key = (item.hat ? '^' : '') + item.name.value;
        const first = seen.get(key);
        if (first) this.sink.add('duplicate-profile', item.name, { name: item.name.value, where: ` (first at line ${this.lines.positionAt(first.start).line + 1})` });
        else seen.set(key, item);
      }
      yield* descend(this.checkDuplicateProfiles(item.body.items));
    }
  }

  /** Built on the first conflict only: most files have none. */
  private get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /** Allow rules for the same path must agree on the exec transition once includes are merged. */
  private checkExecConflicts(profile: ProfileNode): void {
    // `where` is a function so line numbers are only counted for the rare conflict.
    const byKey = new Map<string, { mode: string; where: () => string }>();
    const add = (r: ExecRule, where: () => string, reportAt: Span): void => {
      const prev = byKey.get(r.key);
      if (!prev) byKey.set(r.key, { mode: r.mode, where });
      else if (prev.mode !== r.mode) this.sink.add(r.changeProfile ? 'change-profile-conflict' : 'exec-conflict', reportAt, { path: r.path, a: r.mode, b: prev.mode, where: prev.where() });
    };
    for (const r of execRules(profile.body.items)) add(r, () => `at line ${this.lines.positionAt(r.start).line + 1}`, r);
    const seen = new Set<string>();
    for (const inc of blockIncludes(profile.body.items)) {
      for (const p of this.graph.targets(inc, this.path)) {
        for (const file of this.graph.reach(p).closure) {
          if (seen.has(file)) continue;
          seen.add(file);
          for (const r of this.graph.load(file)?.execRules ?? []) add(r, () => `in ${shortName(file)}`, inc);
        }
      }
    }
  }
}

function shortName(path: string): string {
  const m = /(?:^|\/)((?:abstractions|tunables|local|profiles)\/.*)$/.exec(path);
  return m ? m[1]! : path;
}

