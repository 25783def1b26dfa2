import type { AbiNode, IncludeNode } from './ast';
import type { IncludedErrors } from './analyze';
import type { IncludeGraph, ParseStore } from './includeGraph';
import { MAX_INCLUDE_DEPTH } from './includes';

/** The key of one file's result, with what it depends on. */
interface Keyed {
  readonly key: string;
  /** The longest chain of includes from the file down, the file counted. */
  readonly height: number;
  /** Every file its result was made from, itself included. */
  readonly files: ReadonlySet<string>;
}

/**
 * The errors of included files, as their include lines report them, kept in the store between
 * processes. A result is kept under a digest of everything it is computed from: the file's
 * path and text, how each of its include and abi lines resolves (a file that appears earlier
 * in the search path, or in an included folder, resolves otherwise), the same for every file
 * those lead to, and the options (abi, search path, base). An edit anywhere below gives
 * another key, so a result is only ever taken for the inputs it was made from. Files in a
 * cycle, or near the depth limit, get no key: their results depend on the way in.
 */
export class KeptErrors {
  private readonly keys = new Map<string, Keyed | null>();
  private readonly options: string;

  constructor(private readonly graph: IncludeGraph, private readonly store: ParseStore, abi: string | undefined) {
    const o = graph.options;
    this.options = JSON.stringify([abi ?? null, o.includeDirs, o.base ?? null]);
  }

  /** The key of `path`'s result checked below `checking`, or undefined when it has none. */
  keyOf(path: string, checking: ReadonlySet<string>): string | undefined {
    const k = this.keyed(path, new Set());
    if (!k || checking.size + k.height >= MAX_INCLUDE_DEPTH) return undefined;
    // A file being checked that the result depends on is cut there: the result is not the kept one.
    for (const c of checking) if (k.files.has(c)) return undefined;
    return k.key;
  }

  get(key: string): IncludedErrors | null | undefined {
    return this.store.get(`errors ${key}`) as IncludedErrors | null | undefined;
  }

  put(key: string, result: IncludedErrors | null): void {
    this.store.put(`errors ${key}`, result);
  }

  /** Forgets the keys, after the graph changed. */
  forget(): void {
    this.keys.clear();
  }

  private keyed(path: string, stack: Set<string>): Keyed | null {
    const known = this.keys.get(path);
    if (known !== undefined) return known;
    // Met again on the way down: a cycle, whose members' results depend on where it is entered.
    if (stack.has(path) || stack.size >= MAX_INCLUDE_DEPTH) return null;
    const f = this.graph.load(path);
    if (!f?.digest) return null;
    stack.add(path);
    const parts = [this.options, path, f.digest];
    const files = new Set([path]);
    let height = 1;
    let cut = false;
    for (const node of f.lines) {
      const below = this.keyedLine(node, path, stack, parts);
      if (below === null) { cut = true; break; }
      for (const k of below) {
        for (const p of k.files) files.add(p);
        height = Math.max(height, k.height + 1);
      }
    }
    stack.delete(path);
    const result = cut ? null : { key: this.store.digest(parts.join('\n')), height, files };
    this.keys.set(path, result);
    return result;
  }

  /** Adds how a line resolves to `parts`; the keys of the files it includes, or null for a cycle. */
  private keyedLine(node: IncludeNode | AbiNode, from: string, stack: Set<string>, parts: string[]): Keyed[] | null {
    if (!node.path) {
      parts.push('-');
      return [];
    }
    // Resolved as the check resolves it (fileCheck.ts), an abi line as an include of its name.
    const include: IncludeNode = node.type === 'include' ? node : { ...node, type: 'include', legacy: false, ifExists: false };
    const res = this.graph.resolve(include, from);
    parts.push(JSON.stringify(res));
    if (node.type !== 'include' || res.kind !== 'files') return [];
    const out: Keyed[] = [];
    for (const p of res.paths) {
      if (!this.graph.load(p)) {
        parts.push(`unread ${this.graph.readProblem(p) ?? ''}`);
        continue;
      }
      const k = this.keyed(p, stack);
      if (!k) return null;
      parts.push(k.key);
      out.push(k);
    }
    return out;
  }
}
