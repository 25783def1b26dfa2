/**
 * An expectations file (`*.apparmor-test`) checked as `apparmor-lint --test` checks it, for
 * the editor: each line's profile found (the `file` line in force, else the first file of
 * the same folder that defines it), loaded with its includes, and the access evaluated.
 */
import type { Analyzer, IncludedFile } from '../analyze';
import { dirName, isSkippedName } from '../includes';
import { walkItems } from '../walk';
import { evaluate } from './evaluate';
import { Expectation, Expectations, parseExpectations } from './expectations';
import { loadPolicy, NoSuchProfile, Policy, profileNames } from './policy';
import type { Verdict } from './verdict';

/** The extension the editor knows expectations files by. */
export const EXPECTATIONS_EXTENSION = '.apparmor-test';

export type ExpectationOutcome =
  | { readonly kind: 'holds' | 'fails'; readonly item: Expectation; readonly file: string; readonly policy: Policy; readonly verdict: Verdict }
  | { readonly kind: 'no-file'; readonly item: Expectation; readonly file: string }
  | { readonly kind: 'no-profile'; readonly item: Expectation; readonly file?: string; readonly message: string };

export interface ExpectationRun {
  readonly parsed: Expectations;
  readonly outcomes: readonly ExpectationOutcome[];
}

/** `.` and `..` steps resolved, as the CLI's path.resolve does. */
function resolvePath(dir: string, name: string): string {
  const joined = name.startsWith('/') ? name : `${dir}/${name}`;
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return `/${out.join('/')}`;
}

/** A folder of more files than this is not read whole for completion: the workspace index names its profiles. */
const MAX_FOLDER_FOR_NAMES = 300;

/** Profile names of a parsed file, kept with the parse (an edit or a change on disk makes a new one). */
const namesOfFile = new WeakMap<IncludedFile, readonly string[]>();
/**
 * Files on disk whose text does not even mention a name: kept as long as the analyzer keeps
 * what it read from disk. A file open in the editor is always read again (from memory).
 */
const notMentioned = new WeakMap<Analyzer, Set<string>>();

function namesIn(loaded: IncludedFile): readonly string[] {
  let names = namesOfFile.get(loaded);
  if (!names) {
    names = profileNames(loaded.ast);
    namesOfFile.set(loaded, names);
  }
  return names;
}

/** The files of a folder, in order, as `apparmor-lint --test` looks through them. */
class FolderProfiles {
  private readonly byDir = new Map<string, readonly string[]>();
  constructor(private readonly analyzer: Analyzer, private readonly isOpen: (path: string) => boolean) {}

  /** The first file (by name, not recursing) that defines `profile`; a file not yet parsed is read only when its text names it. */
  find(dir: string, profile: string): string | undefined {
    const fs = this.analyzer.options.fs;
    const word = profile.split('//')[0]!;
    let skip = notMentioned.get(this.analyzer);
    if (!skip) {
      skip = new Set();
      notMentioned.set(this.analyzer, skip);
    }
    for (const path of this.files(dir)) {
      const key = `${path}\0${word}`;
      if (skip.has(key) && !this.isOpen(path)) continue;
      if (!this.analyzer.graph.has(path) && !(fs.readFile(path) ?? '').includes(word)) { skip.add(key); continue; }
      const loaded = this.analyzer.load(path);
      if (loaded && namesIn(loaded).includes(profile)) return path;
    }
    return undefined;
  }

  /** Every profile name the folder's files define (none for a folder too large to read whole). */
  names(dir: string): string[] {
    const files = this.files(dir);
    if (files.length > MAX_FOLDER_FOR_NAMES) return [];
    return [...new Set(files.flatMap((path) => {
      const loaded = this.analyzer.load(path);
      return loaded ? namesIn(loaded) : [];
    }))];
  }

  private files(dir: string): readonly string[] {
    let files = this.byDir.get(dir);
    if (!files) {
      const fs = this.analyzer.options.fs;
      files = fs.readDirectory(dir).sort()
        .filter((name) => !isSkippedName(name) && !name.endsWith(EXPECTATIONS_EXTENSION))
        .map((name) => resolvePath(dir, name))
        .filter((path) => fs.stat(path) === 'file');
      this.byDir.set(dir, files);
    }
    return files;
  }
}

/**
 * Policies loaded before, by analyzer, file and profile, each with the parses of every file it
 * reaches: it stands while each is still the analyzer's (an edit of any of them makes a new one).
 */
const policiesOf = new WeakMap<Analyzer, Map<string, { readonly policy: Policy | string; readonly stamp: ReadonlyMap<string, IncludedFile | null> }>>();
const MAX_POLICIES = 64;

function cachedPolicy(analyzer: Analyzer, file: string, loaded: IncludedFile, profile: string): Policy | string {
  let known = policiesOf.get(analyzer);
  if (!known) {
    known = new Map();
    policiesOf.set(analyzer, known);
  }
  const key = `${file}\0${profile}`;
  const hit = known.get(key);
  if (hit && [...hit.stamp].every(([p, f]) => analyzer.load(p) === f)) return hit.policy;
  let policy: Policy | string;
  try {
    policy = loadPolicy(analyzer, { path: file, text: loaded.text, ast: loaded.ast }, profile, analyzer.options.abi);
  } catch (e) {
    if (!(e instanceof NoSuchProfile)) throw e;
    policy = e.message;
  }
  const stamp = new Map([...reachedFiles(analyzer, file)].map((p) => [p, analyzer.load(p)] as const));
  if (known.size >= MAX_POLICIES) known.clear();
  known.set(key, { policy, stamp });
  return policy;
}

/** Every file a file's includes reach, those inside profile blocks too (the include graph's reach stops at the preamble's). */
function reachedFiles(analyzer: Analyzer, file: string): Set<string> {
  const seen = new Set([file]);
  const queue = [file];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    const loaded = analyzer.load(path);
    if (!loaded) continue;
    const from = path;
    walkItems(loaded.ast.items, (item) => {
      if (item.type !== 'include') return;
      for (const t of analyzer.targets(item, from)) if (!seen.has(t)) { seen.add(t); queue.push(t); }
    });
  }
  return seen;
}

/** The profile file a `file` line names, resolved beside the expectations file at `path`. */
export function expectationFile(path: string, file: string): string {
  return resolvePath(dirName(path), file);
}

/** The profile names an expectations file at `path` can name: those of its folder and of its `file` lines. */
export function expectationProfileNames(analyzer: Analyzer, path: string, files: readonly string[], isOpen: IsOpen = () => true): string[] {
  const dir = dirName(path);
  const named = files.flatMap((f) => {
    const loaded = analyzer.load(resolvePath(dir, f));
    return loaded ? namesIn(loaded) : [];
  });
  return [...new Set([...named, ...new FolderProfiles(analyzer, isOpen).names(dir)])];
}

/** Which files the editor has open (their text may change without the analyzer knowing it was read). */
export type IsOpen = (path: string) => boolean;

/** Every expectation of the file at `path` (its text as the editor has it), evaluated; or only the one on line `only`. */
export function runExpectations(analyzer: Analyzer, path: string, text: string, isOpen: IsOpen = () => true, only?: number): ExpectationRun {
  const parsed = parseExpectations(text);
  const dir = dirName(path);
  const folder = new FolderProfiles(analyzer, isOpen);
  const outcomes = parsed.items.filter((i) => only === undefined || i.line === only).map((item): ExpectationOutcome => {
    const file = item.file !== undefined ? resolvePath(dir, item.file) : folder.find(dir, item.profile);
    if (file === undefined) return { kind: 'no-profile', item, message: `no file beside this one defines a profile '${item.profile}' (name its file with a 'file PATH' line)` };
    const loaded = analyzer.load(file);
    if (!loaded) return { kind: 'no-file', item, file };
    const policy = cachedPolicy(analyzer, file, loaded, item.profile);
    if (typeof policy === 'string') return { kind: 'no-profile', item, file, message: policy };
    const verdict = evaluate(policy, item.query.access);
    const holds = verdict.verdict === (item.expect === 'allow' ? 'allowed' : 'denied');
    return { kind: holds ? 'holds' : 'fails', item, file, policy, verdict };
  });
  return { parsed, outcomes };
}
