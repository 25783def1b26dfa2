/**
 * Where Add Rule writes: the profile itself, or (apparmor.addRule.destination = local) the
 * site override its `include if exists <local/NAME>` names; and the text of a profile file
 * made for rules whose profile no file defines. No vscode here (unit-tested).
 */
import type { IncludeNode } from '../../../server/src/service/ast';
import { findBlocks } from '../../../server/src/service/logs/ruleSet';
import { splitProfile } from '../../../server/src/service/logs/profileName';
import { parse } from '../../../server/src/service/parser';
import { suggestedFileName } from './denialItems';
import { expandSnippet } from './snippetText';
import { PROGRAM_SNIPPET, profileNameFor, Snippets } from './newProfile';

/** The path inside the include folders (`local/usr.bin.foo`) of the block's own local override, if it has one. */
export function localIncludeOf(text: string, profile: string): string | undefined {
  const chain = findBlocks(parse(text).ast, profile);
  const block = chain[chain.length - 1];
  if (!block || chain.length !== splitProfile(profile).length) return undefined;
  const include = block.body.items.find((i): i is IncludeNode => i.type === 'include' && /^[<"]?local\//.test(i.path?.text ?? ''));
  return include?.path?.text.replace(/^[<"]|[>"]$/g, '');
}

/**
 * The override's file: the first of the profile's own folder (a policy tree's root, as
 * /etc/apparmor.d is) and the include folders that holds it; where none does, it is made in
 * the profile's folder.
 */
export function resolveLocalFile(includePath: string, profileDir: string, includeDirs: readonly string[], exists: (path: string) => boolean): string {
  const candidates = [profileDir, ...includeDirs].map((d) => `${d.replace(/\/+$/, '')}/${includePath}`);
  return candidates.find(exists) ?? candidates[0]!;
}

export interface NewProfileFile {
  /** The file's text, from the "New profile" snippet, without rules yet. */
  readonly text: string;
  /** The block the rules go into: the profile as named in the file, `//hat` kept. */
  readonly profile: string;
  readonly fileName: string;
}

/**
 * A profile file for a logged profile no file defines: abi, tunables, the base abstraction,
 * `mr` for its own program, and its local override, as the snippet makes them. A profile
 * logged by its path is named after the program (`/usr/bin/foo` becomes `foo /usr/bin/foo`);
 * `program` is the one it confines (for a named profile, the caller asks).
 */
export function newProfileFile(snippets: Snippets, logged: string, program: string, abi?: string): NewProfileFile {
  const [top = logged, ...inner] = splitProfile(logged);
  const name = top.startsWith('/') ? profileNameFor(top) : top;
  const body = snippets[PROGRAM_SNIPPET]?.body;
  if (!body) throw new Error(`snippets/apparmor.json has no "${PROGRAM_SNIPPET}" snippet`);
  // Without the line that holds only the cursor; the rules go next to their kinds.
  const lines = body.filter((l) => l.trim() !== '$0');
  const values: Record<number, string> = { 2: name, 3: program };
  if (abi) values[1] = abi;
  const text = expandSnippet(lines, values).text.replace(/[ \t]+$/gm, '');
  return { text, profile: [name, ...inner].join('//'), fileName: suggestedFileName(top) };
}

/** What to propose for a named profile's program: its name under /usr/bin. */
export function defaultProgramFor(logged: string): string {
  const top = splitProfile(logged)[0] ?? logged;
  return top.startsWith('/') ? top : `/usr/bin/${top}`;
}
