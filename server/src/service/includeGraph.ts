import type { AbiNode, FileNode, IncludeNode, ParseResult, VariableNode } from './ast';
import { BUILTIN_VARIABLES } from './data/facts';
import { blockIncludes, collectUses, execRules, ExecRule } from './fileFacts';
import { dirName, FileSystem, IncludeResolution, IncludeSearch, MAX_INCLUDE_DEPTH, resolveInclude } from './includes';
import { parse } from './parser';
import { addValueRefs } from './variableExpansions';
import { walkItems } from './walk';

/** Where includes are looked for, and the files they are read from. */
export interface IncludeGraphOptions extends IncludeSearch {
  readonly fs: FileSystem;
  /** What earlier processes parsed and found (node/parseCache.ts), for a fresh start. */
  readonly parses?: ParseStore;
}

/** What an included file's text gives, whatever its path: the facts its includers read off it. */
export type ParsedInclude = Pick<IncludedFile, 'includes' | 'preamble' | 'lines' | 'uses' | 'execRules'>;

/**
 * Values kept between processes, each under a key that names everything it was made from:
 * the text's digest for what one text gives, a digest of all the inputs for a check's result.
 */
export interface ParseStore {
  /** A strong digest of `text`: two texts with one digest are taken to be the same. */
  digest(text: string): string;
  get(key: string): unknown;
  /** Kept as it is now: later changes to `value` are not. */
  put(key: string, value: unknown): void;
}

/** What the checker keeps of a file reached through an include. */
export interface IncludedFile {
  readonly path: string;
  readonly text: string;
  /** The text's digest, when the graph has a store. */
  readonly digest?: string;
  /** The fragment parse, errors included, reused when the file is itself checked. */
  readonly parsed: ParseResult;
  readonly ast: FileNode;
  readonly includes: IncludeNode[];
  /** Its top-level assignments and includes, in order: what the variables it defines come from. */
  readonly preamble: (VariableNode | IncludeNode)[];
  /** Every include and abi line, nested profiles' too, in order: what its own check resolves. */
  readonly lines: (IncludeNode | AbiNode)[];
  /** Variable names its rules use, each with its first use. */
  readonly uses: ReadonlyMap<string, '@' | '$'>;
  readonly execRules: ExecRule[];
}

/**
 * An included file whose parse is made (or read from the store) only when something asks for
 * it: an include's facts and its check's result, kept, are all a fresh check of its includer needs.
 */
class LoadedFile implements IncludedFile {
  readonly includes: IncludeNode[];
  readonly preamble: (VariableNode | IncludeNode)[];
  readonly lines: (IncludeNode | AbiNode)[];
  readonly uses: ReadonlyMap<string, '@' | '$'>;
  readonly execRules: ExecRule[];
  private made: ParseResult | undefined;

  constructor(readonly path: string, readonly text: string, facts: ParsedInclude, parsed: ParseResult | undefined, readonly digest?: string, private readonly store?: ParseStore) {
    ({ includes: this.includes, preamble: this.preamble, lines: this.lines, uses: this.uses, execRules: this.execRules } = facts);
    this.made = parsed;
  }

  get parsed(): ParseResult {
    if (this.made) return this.made;
    const key = this.digest === undefined ? undefined : `parse ${this.digest}`;
    let parsed = key === undefined ? undefined : (this.store?.get(key) as ParseResult | undefined);
    if (!parsed) {
      parsed = parse(this.text, { fragment: true });
      if (key !== undefined) this.store?.put(key, parsed);
    }
    return (this.made = parsed);
  }

  get ast(): FileNode {
    return this.parsed.ast;
  }
}

/** The facts of a file read off its parse. */
function factsOf(parsed: ParseResult, text: string): ParsedInclude {
  const uses = new Map<string, '@' | '$'>();
  for (const u of collectUses(parsed.ast.items, text)) if (!uses.has(u.name)) uses.set(u.name, u.sigil);
  const preamble = parsed.ast.items.filter((i): i is VariableNode | IncludeNode => i.type === 'variable' || i.type === 'include');
  const lines: (IncludeNode | AbiNode)[] = [];
  walkItems(parsed.ast.items, (item) => {
    if (item.type === 'include' || item.type === 'abi') lines.push(item);
  });
  return { includes: blockIncludes(parsed.ast.items), preamble, lines, uses, execRules: execRules(parsed.ast.items) };
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


const EMPTY_REACH: Reach = { closure: new Set(), uses: new Map(), cyclic: false };
const EMPTY_DEFS: Definitions = { sets: new Map(), bools: new Set(), refs: new Map(), below: [], hasRefs: false };

/**
 * The include graph: how each include resolves, the files it reaches parsed once, and what
 * is derived from the graph below a file (its reach, the variables its tunables define).
 * Everything is cached until a file in it changes; checks read it, and never write it.
 */
export class IncludeGraph {
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

  constructor(readonly options: IncludeGraphOptions) {}

  /** Whether the file was read as part of the graph. */
  has(path: string): boolean {
    return this.files.has(path);
  }

  /** The reach of `path` when it is known already; never computes it. */
  knownReach(path: string): Reach | undefined {
    return this.reaches.get(path);
  }

  /** Forgets a file whose text changed, and everything derived from the graph. */
  invalidate(path: string): void {
    this.files.delete(path);
    this.unreadable.delete(path);
    this.forgetDerived();
  }

  /** Forgets everything learnt of the file system (files created, removed or moved). */
  invalidateAll(): void {
    this.files.clear();
    this.unreadable.clear();
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
    if (!memo) this.expansionMemos.set(key, (memo = new Map<string, unknown>()));
    return memo as Map<string, T>;
  }

  /** Why a file an include names could not be read, when it could not. */
  readProblem(path: string): string | undefined {
    return this.unreadable.get(path);
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
  fragmentParse(path: string, text: string): ParseResult {
    const known = this.files.get(path);
    if (known && known.text === text) return known.parsed;
    const entry = this.remember(path, text);
    if (known === undefined) this.files.set(path, entry);
    return entry.parsed;
  }

  private remember(path: string, text: string): IncludedFile {
    const store = this.options.parses;
    if (!store) {
      const parsed = parse(text, { fragment: true });
      return new LoadedFile(path, text, factsOf(parsed, text), parsed);
    }
    const digest = store.digest(text);
    const kept = store.get(`facts ${digest}`) as ParsedInclude | undefined;
    if (kept) return new LoadedFile(path, text, kept, undefined, digest, store);
    const parsed = parse(text, { fragment: true });
    const facts = factsOf(parsed, text);
    store.put(`facts ${digest}`, facts);
    store.put(`parse ${digest}`, parsed);
    return new LoadedFile(path, text, facts, parsed, digest, store);
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
    if (!byDefs) this.residualUses.set(path, (byDefs = new Map<string, Reach['uses']>()));
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
    for (const item of f.preamble) {
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
