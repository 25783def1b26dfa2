import type { Range, SymbolInformation } from 'vscode-languageserver-types';
import { SymbolKind } from 'vscode-languageserver-types';
import { isFragmentPath } from './analyze';
import { LineIndex } from './diagnostics';
import { FileSystem, isSkippedName, joinPath } from './includes';
import { matchesGlob } from './logs/glob';
import { parse } from './parser';
import { isSkippedDir } from './policyTree';
import { pathToUri } from './uri';
import { walkItems } from './walk';

interface IndexedName {
  readonly name: string;
  readonly range: Range;
  readonly detail?: string;
}

interface IndexedProfile extends IndexedName {
  /** The attachment's value (unquoted), which a path-named logged profile may match. */
  readonly attachment?: string;
  /** Not a hat or child profile: a name the kernel logs on its own. */
  readonly topLevel: boolean;
}

interface IndexedFile {
  readonly profiles: IndexedProfile[];
  readonly variables: IndexedName[];
}

/** A top-level profile and the file defining it. */
export interface ProfileEntry {
  readonly path: string;
  readonly name: string;
  readonly attachment?: string;
}

/**
 * Profiles and variables of every policy file under some folders, for workspace symbols,
 * completion of profile names, and definitions across files. Built in slices so the
 * server keeps answering requests while a large tree is read.
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** Profile names, kept until the index changes: completion asks on every keystroke. */
  private names: string[] | undefined;
  /** What hasProfileFor answered, until the index changes. */
  private found: Map<string, boolean> | undefined;

  constructor(private readonly fs: FileSystem) {}

  /** Every policy file below `roots` (recursively), skipping dot files, backups and non-policy folders. */
  listFiles(roots: readonly string[]): string[] {
    const out: string[] = [];
    const walk = (dir: string, depth: number): void => {
      if (depth > 12) return;
      for (const name of this.fs.readDirectory(dir).sort()) {
        if (isSkippedName(name) || name.endsWith('.md')) continue;
        const p = joinPath(dir, name);
        const kind = this.fs.stat(p);
        if (kind === 'directory' && !isSkippedDir(name)) walk(p, depth + 1);
        else if (kind === 'file') out.push(p);
      }
    };
    for (const r of roots) walk(r, 0);
    return [...new Set(out)];
  }

  /** Reads one file into the index (or refreshes it from new text). */
  update(path: string, text?: string): void {
    const source = text ?? this.fs.readFile(path);
    this.names = undefined;
    this.found = undefined;
    const entry = source === undefined ? undefined : readIndexEntry(path, source);
    if (entry) this.files.set(path, entry);
    else this.files.delete(path);
  }

  /**
   * Top-level profiles of every indexed file, those of `open` files read from the given
   * texts instead (unsaved edits, files not saved yet).
   */
  *topLevelProfiles(open: ReadonlyMap<string, string> = new Map()): Generator<ProfileEntry> {
    const fromIndex = [...this.files].filter(([path]) => !open.has(path));
    const fromOpen = [...open].map(([path, text]) => [path, readIndexEntry(path, text)] as const);
    for (const [path, file] of [...fromIndex, ...fromOpen]) {
      for (const p of file?.profiles ?? []) if (p.topLevel) yield { path, name: p.name, ...(p.attachment !== undefined ? { attachment: p.attachment } : {}) };
    }
  }

  /** Every indexed file. */
  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  get size(): number {
    return this.files.size;
  }

  profileNames(): readonly string[] {
    if (!this.names) {
      const names = new Set<string>();
      for (const f of this.files.values()) for (const p of f.profiles) names.add(p.name);
      this.names = [...names].sort();
    }
    return this.names;
  }

  /**
   * Whether a profile may run the program or profile `nameOrPath`: a profile of that name, of the
   * program's base name (apparmor.d names profiles so), or with an attachment matching it.
   * An attachment's variables stand for anything: a warning wrongly kept costs more than one missed.
   */
  hasProfileFor(nameOrPath: string): boolean {
    // Asked for every Px rule at every edit: answers are kept until the index changes.
    let known = (this.found ??= new Map<string, boolean>()).get(nameOrPath);
    if (known === undefined) this.found.set(nameOrPath, (known = this.searchProfileFor(nameOrPath)));
    return known;
  }

  private searchProfileFor(nameOrPath: string): boolean {
    const base = nameOrPath.slice(nameOrPath.lastIndexOf('/') + 1);
    for (const f of this.files.values()) {
      for (const p of f.profiles) {
        if (p.name === nameOrPath || p.name === base) return true;
        const glob = p.attachment ?? (p.name.startsWith('/') ? p.name : undefined);
        // An attachment made only of variables (`@{exec_path}`) names no program by itself.
        if (!glob || !/[^/*?{},[\]]/.test(glob.replace(/@\{[^}]*\}/g, ''))) continue;
        if (matchesGlob(glob.replace(/@\{[^}]*\}/g, '**'), nameOrPath)) return true;
      }
    }
    return false;
  }

  /** Where profiles of this name are defined. */
  findProfile(name: string): { path: string; range: Range }[] {
    const out: { path: string; range: Range }[] = [];
    for (const [path, f] of this.files) for (const p of f.profiles) if (p.name === name) out.push({ path, range: p.range });
    return out;
  }

  /** Workspace symbols: profiles and variables whose name contains the query's characters in order. */
  symbols(query: string, limit = 500): SymbolInformation[] {
    const q = query.toLowerCase();
    const matches = (name: string): boolean => {
      let i = 0;
      for (const c of name.toLowerCase()) if (c === q[i]) i++;
      return i === q.length;
    };
    const out: SymbolInformation[] = [];
    for (const [path, f] of this.files) {
      for (const p of f.profiles) if (matches(p.name)) out.push({ name: p.name, kind: SymbolKind.Class, location: { uri: pathToUri(path), range: p.range }, ...(p.detail ? { containerName: p.detail } : {}) });
      for (const v of f.variables) if (matches(v.name)) out.push({ name: v.name, kind: SymbolKind.Variable, location: { uri: pathToUri(path), range: v.range } });
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }
}

/** The names a file defines; undefined for files too large to be policy. */
function readIndexEntry(path: string, source: string): IndexedFile | undefined {
  if (source.length > 4_000_000) return undefined;
  const { ast } = parse(source, { fragment: isFragmentPath(path) });
  const lines = new LineIndex(source);
  const profiles: IndexedProfile[] = [];
  const variables: IndexedName[] = [];
  walkItems(ast.items, (item, ctx) => {
    if (item.type === 'profile' && item.name) {
      profiles.push({
        name: item.name.value, range: lines.rangeOf(item.name.start, item.name.end), detail: item.attachment?.text,
        ...(item.attachment ? { attachment: item.attachment.value } : {}), topLevel: ctx.profile === undefined,
      });
    } else if (item.type === 'variable') {
      variables.push({ name: `${item.sigil}{${item.name.value}}`, range: lines.rangeOf(item.name.start, item.name.end) });
    }
  });
  return { profiles, variables };
}
