import type { AbiNode, FileNode, IncludeNode, ProfileNode, Span, VariableNode } from './ast';
import type { Analyzer, Definitions, IncludedErrors } from './analyze';
import { ProblemSink } from './checks/problems';
import { LineIndex } from './diagnostics';
import { BUILTIN_VARIABLE_SINCE, BUILTIN_VARIABLES, compareVersions } from './data/facts';
import { blockIncludes, collectUses, execRules, ExecRule } from './fileFacts';
import { MAX_INCLUDE_DEPTH } from './includes';
import { addValueRefs, VariableExpansions } from './variableExpansions';
import { walkItems } from './walk';

/** The checks of one file that need its includes: includes themselves, variables, merged rules. */
export class FileCheck {
  /** Set variables this file defines; included tunables are looked up in `inherited`, not copied. */
  private readonly defined = new Set<string>();
  private readonly definedBools = new Set<string>();
  private readonly inherited: Definitions[] = [];
  /** The set variables each of this file's assignments refers to. */
  private readonly refs = new Map<string, string[]>();
  private unresolved = 0;
  private lineIndex: LineIndex | undefined;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly path: string,
    private readonly text: string,
    private readonly ast: FileNode,
    private readonly fragment: boolean,
    private readonly sink: ProblemSink,
    /** The ABI the file is held against (its abi line, else the option), for built-in variables. */
    private readonly abi?: string,
  ) {}

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
    if (!this.fragment) this.checkVariableUses(includes);
    for (const p of profiles) this.checkExecConflicts(p);
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
    const res = this.analyzer.resolve(node, this.path);
    if (res.kind === 'unreadable') {
      this.unreadable(node, res.path, res.why);
      return;
    }
    if (res.kind === 'missing') {
      if (node.ifExists) return;
      if (node.angle && this.analyzer.options.includeDirs.length === 0) {
        this.unresolved++;
        return;
      }
      const where = node.angle ? `the include search path (${this.analyzer.options.includeDirs.join(', ')})` : `'${res.tried[0]}'`;
      const hint = node.path.value.startsWith('local/') ? ' Write "include if exists" for optional local overrides.' : '';
      this.sink.add('include-not-found', node, { name: node.path.value, where, hint });
      return;
    }
    let count = 0;
    let tooDeep = false;
    let first: { errors: IncludedErrors; path: string } | undefined;
    for (const p of res.paths) {
      const reach = this.analyzer.reach(p);
      if (reach.closure.has(this.path)) this.sink.add('include-cycle', node, { name: node.path.value, chain: 'this file' });
      else if (reach.cyclic) this.sink.add('include-cycle', node, { name: node.path.value, chain: 'the files it includes' });
      if (!this.analyzer.load(p)) {
        const why = this.analyzer.readProblem(p);
        if (why) this.unreadable(node, p, why);
        continue;
      }
      const errors = this.analyzer.includedErrors(p);
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
    const res = this.analyzer.resolve({ ...node, type: 'include', legacy: false, ifExists: false }, this.path);
    if (res.kind !== 'missing') return;
    if (node.angle && this.analyzer.options.includeDirs.length === 0) {
      this.unresolved++;
      return;
    }
    const where = node.angle ? `the include search path (${this.analyzer.options.includeDirs.join(', ')})` : `'${res.tried[0]}'`;
    this.sink.add('abi-not-found', node.path, { name: node.path.value, where });
  }

  /** Variables from the preamble and the tunables it includes, in order. */
  private definePreamble(): void {
    for (const item of this.ast.items) {
      if (item.type === 'variable') this.define(item);
      else if (item.type === 'include') {
        for (const p of this.analyzer.targets(item, this.path)) {
          if (p !== this.path) this.inherited.push(this.analyzer.definitionsOf(p));
        }
      }
    }
  }

  private define(item: VariableNode): void {
    const name = item.name.value;
    if (item.sigil === '$') {
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
    const expansions = new VariableExpansions(this.analyzer, this.refs, this.inherited, (name) => this.definedIn(name), this.sink);
    for (const u of collectUses(this.ast.items, this.text)) {
      if (!this.known(u.name, u.sigil)) this.sink.add(u.sigil === '@' ? 'variable-undefined' : 'bool-undefined', u, { name: u.name, hint: '' });
      else if (u.sigil === '@') expansions.check(u.name, u);
      const since = u.sigil === '@' ? BUILTIN_VARIABLE_SINCE.get(u.name) : undefined;
      if (since && this.abi && compareVersions(since, this.abi) > 0 && this.definedIn(u.name) === undefined) {
        this.sink.add('newer-than-abi', u, { what: `The built-in variable @{${u.name}}`, since, abi: this.abi });
      }
    }
    for (const inc of includes) {
      const reported = new Set<string>();
      for (const p of this.analyzer.targets(inc, this.path)) {
        for (const [name, use] of this.analyzer.usesNotIn(p, this.inherited)) {
          if (this.known(name, use.sigil) || reported.has(name)) continue;
          reported.add(name);
          this.sink.add(use.sigil === '@' ? 'variable-undefined' : 'bool-undefined', inc, { name, hint: ` (used in ${shortName(use.file)})` });
        }
        if (this.refs.size === 0 && !this.inherited.some((d) => d.hasRefs)) continue;
        for (const [name, use] of this.analyzer.reach(p).uses) {
          if (use.sigil === '@' && !expansions.checked.has(name) && this.known(name, '@')) expansions.check(name, inc);
        }
      }
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
      else if (prev.mode !== r.mode) this.sink.add('exec-conflict', reportAt, { path: r.path, a: r.mode, b: prev.mode, where: prev.where() });
    };
    for (const r of execRules(profile.body.items)) add(r, () => `at line ${this.lines.positionAt(r.start).line + 1}`, r);
    const seen = new Set<string>();
    for (const inc of blockIncludes(profile.body.items)) {
      for (const p of this.analyzer.targets(inc, this.path)) {
        for (const file of this.analyzer.reach(p).closure) {
          if (seen.has(file)) continue;
          seen.add(file);
          for (const r of this.analyzer.load(file)?.execRules ?? []) add(r, () => `in ${shortName(file)}`, inc);
        }
      }
    }
  }
}

function shortName(path: string): string {
  const m = /(?:^|\/)((?:abstractions|tunables|local|profiles)\/.*)$/.exec(path);
  return m ? m[1]! : path;
}

