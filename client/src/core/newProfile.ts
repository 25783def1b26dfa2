/**
 * New profiles, made from the snippets the editor offers: "New profile" for a program,
 * "Docker container profile" for a container. No vscode here: the unit tests check that what
 * comes out passes our own checks.
 */
import { suggestedFileName } from './denialItems';
import { expandSnippet, fillSnippet, SnippetValues } from './snippetText';

interface Snippet {
  readonly prefix: string;
  readonly description: string;
  readonly body: readonly string[];
}

export type Snippets = Readonly<Record<string, Snippet>>;

export const PROGRAM_SNIPPET = 'New profile';
const DOCKER_SNIPPET = 'Docker container profile';

/** What the user asked for: a profile for a program (its absolute path), or for a container (the profile's name). */
export type NewProfileRequest = { readonly kind: 'program'; readonly program: string; readonly name?: string } | { readonly kind: 'docker'; readonly name: string };

export interface NewProfilePlan {
  /** The snippet, with what is known filled in and the rest left as tab stops. */
  readonly snippet: string;
  /** The same, every tab stop at its default: the file's text if nothing more is typed. */
  readonly text: string;
  /** Where `$0` is in `text`. */
  readonly cursor: number;
  readonly fileName: string;
  readonly profile: string;
}

/** Why a program path or profile name cannot be used; undefined when it can. */
export function checkNewProfileInput(kind: NewProfileRequest['kind'], value: string): string | undefined {
  const v = value.trim();
  if (v === '') return kind === 'program' ? 'Give the program\'s absolute path, such as /usr/bin/myapp.' : 'Give the profile a name, such as docker-myapp.';
  if (/[\s,{}()[\]"#]/.test(v)) return 'No blanks, commas, quotes, brackets or # here.';
  if (kind === 'program' && !v.startsWith('/')) return 'The path must be absolute, starting with /.';
  if (kind === 'program' && v.endsWith('/')) return 'That is a folder: give the program itself.';
  if (kind === 'docker' && v.includes('/')) return 'A container\'s profile name has no /.';
  return undefined;
}

/** A program's profile is named after its file (`/usr/bin/foo` is `foo`), as the snippet's `profile NAME PATH` has it. */
export function profileNameFor(program: string): string {
  const base = program.slice(program.lastIndexOf('/') + 1);
  return base === '' ? suggestedFileName(program) : base;
}

export function planNewProfile(snippets: Snippets, request: NewProfileRequest, abi?: string): NewProfilePlan {
  if (request.kind === 'docker') {
    const body = snippetBody(snippets, DOCKER_SNIPPET);
    const values: SnippetValues = { 1: request.name };
    return { snippet: fillSnippet(body, values), ...expandSnippet(body, values), fileName: suggestedFileName(request.name), profile: request.name };
  }
  const body = snippetBody(snippets, PROGRAM_SNIPPET);
  const name = request.name ?? profileNameFor(request.program);
  const values: Record<number, string> = { 2: name, 3: request.program };
  if (abi) values[1] = abi;
  return { snippet: fillSnippet(body, values), ...expandSnippet(body, values), fileName: suggestedFileName(request.program), profile: name };
}

function snippetBody(snippets: Snippets, name: string): readonly string[] {
  const s = snippets[name];
  if (!s) throw new Error(`snippets/apparmor.json has no "${name}" snippet`);
  return s.body;
}

/** Folders that hold fragments or the parser's own files, never a profile of their own. */
const NOT_PROFILE_FOLDERS = new Set(['abstractions', 'tunables', 'local', 'abi', 'cache', 'disable', 'force-complain', 'node_modules']);

/**
 * Where a new profile goes: the folder holding most of the workspace's profiles (files in
 * abstractions/, tunables/, local/ or a `*.d` folder are fragments and do not count);
 * ties go to the shallower folder, then the first in order. Paths use `/`.
 */
export function proposeProfileFolder(profilePaths: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const p of profilePaths) {
    const dir = p.slice(0, p.lastIndexOf('/'));
    const segments = dir.split('/');
    if (segments.some((s) => NOT_PROFILE_FOLDERS.has(s) || (s.endsWith('.d') && s !== 'apparmor.d'))) continue;
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [dir, n] of counts) {
    const b = best === undefined ? 0 : counts.get(best)!;
    if (best === undefined || n > b || (n === b && depth(dir) < depth(best))) best = dir;
  }
  return best;
}

function depth(dir: string): number {
  return dir.split('/').length;
}
