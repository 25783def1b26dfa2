import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, FileAnalysis } from './service/analyze';
import type { ProfileLookup } from './service/checks/checkSecurity';
import { STANDARD_INCLUDES } from './service/data/facts';
import { LineIndex } from './service/diagnostics';
import type { ParseStore } from './service/includeGraph';
import type { FileSystem } from './service/includes';
import type { TextEdit } from './service/reparse';
import { uriToPath } from './service/uri';

export interface Settings {
  readonly includeDirs: readonly string[];
  readonly base?: string;
  readonly abi?: string;
  /** Path of apparmor_parser for the check on save. */
  readonly parserPath?: string;
  /** Run apparmor_parser -Q -K when a file is saved (default on). */
  readonly checkOnSave?: boolean;
  /** Formatting: rewrite `#include` as `include` (default off); `format.modernIncludes` replaces it. */
  readonly formatModernIncludes?: boolean;
  /** The most files and folders the workspace index looks at (default 20,000). */
  readonly indexMaxFiles?: number;
  /** Formatting options beyond layout, each off by default (see formatOptions.ts). */
  readonly 'format.modernIncludes'?: boolean;
  readonly 'format.sortPermissions'?: boolean;
  readonly 'format.spacing'?: string;
}

interface Entry {
  readonly version: number;
  readonly text: string;
  readonly analysis: FileAnalysis;
  readonly lines: LineIndex;
  /** How many updates of the document had been seen when it was analysed. */
  readonly updates: number;
}

/**
 * Open documents and their analyses, cached by version so every feature of one
 * edit shares one parse. Edits to a file invalidate what other files learnt of it.
 */
export class Workspace {
  /** The checker, for features that follow includes (definitions). */
  analyzer: Analyzer;
  private readonly entries = new Map<string, Entry>();
  private names: readonly string[] | undefined;
  /** The last edit of each document, numbered: updates are chained by count, as versions may repeat. */
  private readonly edits = new Map<string, { count: number; edit: TextEdit | undefined }>();
  private profiles: ProfileLookup | undefined;
  /** Called when an edit may change other open files' diagnostics. */
  onDependentsChanged?: (changedUri: string) => void;

  constructor(private readonly fs: FileSystem, public settings: Settings, private readonly parses?: ParseStore) {
    this.analyzer = this.makeAnalyzer();
  }

  configure(settings: Settings): void {
    this.settings = settings;
    this.analyzer = this.makeAnalyzer();
    this.entries.clear();
    this.names = undefined;
  }

  get(doc: TextDocument): Entry {
    const known = this.entries.get(doc.uri);
    const text = doc.getText();
    // A client may send a version again with other text: the text, not the number, decides.
    if (known && known.version === doc.version && known.text === text) return known;
    const path = uriToPath(doc.uri);
    // An edited tunable or abstraction changes what the files including it mean.
    if (known && this.analyzer.invalidate(path)) {
      this.entries.clear();
      this.onDependentsChanged?.(doc.uri);
    }
    const edit = this.edits.get(doc.uri);
    const updates = edit?.count ?? 0;
    // One edit away from the analysis at hand: re-read only around it.
    const analysis = known && edit?.edit && edit.count === known.updates + 1
      ? this.analyzer.analyzeEdit(path, text, known, edit.edit)
      : this.analyzer.analyze(path, text);
    const entry = { version: doc.version, text, analysis, lines: new LineIndex(text), updates };
    this.entries.set(doc.uri, entry);
    return entry;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
    this.edits.delete(uri);
  }

  /** Learns a document update (see editTracking.ts); only the last one per document is kept. */
  noteEdit(uri: string, edit: TextEdit | undefined): void {
    this.edits.set(uri, { count: (this.edits.get(uri)?.count ?? 0) + 1, edit });
  }

  /** Include names found under the search path (and the standard ones), for completion; read once per configuration. */
  includeNames(): readonly string[] {
    this.names ??= this.readIncludeNames();
    return this.names;
  }

  private readIncludeNames(): string[] {
    const out: string[] = [];
    for (const dir of this.settings.includeDirs) {
      for (const sub of ['abstractions', 'tunables']) {
        for (const name of this.fs.readDirectory(`${dir}/${sub}`)) {
          if (!name.startsWith('.') && this.fs.stat(`${dir}/${sub}/${name}`) === 'file') out.push(`${sub}/${name}`);
        }
      }
    }
    return [...new Set([...out, ...STANDARD_INCLUDES])].sort();
  }

  /**
   * Learns the profiles of the workspace and include path, once they are all indexed: before,
   * a program whose profile is not read yet would be reported as having none.
   */
  knowProfiles(profiles: ProfileLookup): void {
    this.profiles = profiles;
    this.configure(this.settings);
  }

  private makeAnalyzer(): Analyzer {
    return new Analyzer({
      fs: this.fs, includeDirs: this.settings.includeDirs, base: this.settings.base, abi: this.settings.abi,
      ...(this.profiles ? { profiles: this.profiles } : {}),
      ...(this.parses ? { parses: this.parses } : {}),
    });
  }
}

/** Drops unset keys, so a setting left empty keeps its default. */
export function withoutUnset(settings: Partial<Settings>): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out as Partial<Settings>;
}
