/**
 * The `filenamePatterns` of the language contribution. VS Code's globs have no negation, so
 * "every folder of an apparmor.d tree but abi/, cache/, disable/ and force-complain/" is
 * spelled out with character classes: for each excluded name, every other name that
 * starts with its first letter (a proper prefix, a name that differs at some letter, or a
 * longer name), and names that start with any other letter. The list in package.json is
 * checked against this function by a test, and the patterns' meaning by the tests inside
 * VS Code.
 */

const NON_POLICY_FOLDERS = ['abi', 'cache', 'disable', 'force-complain'] as const;

/** Folder names (glob segments) other than `word` that start with its first letter. */
function namesNear(word: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < word.length; i++) {
    out.push(word.slice(0, i)); // a proper prefix, exactly
    out.push(`${word.slice(0, i)}[!${word[i]}]*`); // same start, then a different letter
  }
  out.push(`${word}?*`); // longer
  return out;
}

/** Glob segments matching every folder name except the excluded ones. */
function allowedFolderGlobs(excluded: readonly string[] = NON_POLICY_FOLDERS): string[] {
  const firstLetters = [...new Set(excluded.map((w) => w[0]!))].sort().join('');
  // Two excluded names with one first letter would let each one's "near" names admit the other.
  if (firstLetters.length !== excluded.length) throw new Error('excluded folder names must start with different letters');
  return [`[!${firstLetters}]*`, ...excluded.flatMap(namesNear)];
}

/**
 * Profile files are named after the program's path with dots for slashes (usr.bin.foo);
 * only the /usr forms, since `bin.*` or `opt.*` would take other files.
 */
const PROFILE_NAME_PREFIXES = ['usr.bin', 'usr.sbin', 'usr.lib', 'usr.libexec', 'usr.local.bin', 'usr.local.sbin'] as const;

/** Alternatives in one glob: VS Code's braces may hold globs of their own. */
function anyOf(globs: readonly string[]): string {
  return `{${globs.join(',')}}`;
}

export function buildFilenamePatterns(): string[] {
  const folders = anyOf(allowedFolderGlobs());
  return [
    '**/apparmor.d/*',
    `**/apparmor.d/${folders}/**`,
    // In a folder of any name but the four, so a cache/usr.bin.foo stays out.
    `**/${folders}/${anyOf(PROFILE_NAME_PREFIXES)}.?*`,
  ];
}

/**
 * First lines that only an AppArmor file has: an `abi` line, an include of tunables, a
 * profile header, or a vim modeline naming apparmor. A C file's `#include <stdio.h>` and a
 * shell's `# ~/.profile: …` do not match.
 */
export const FIRST_LINE =
  '^(?:\\s*abi\\s+<[^>]+>\\s*,|\\s*#?include\\s+(?:if\\s+exists\\s+)?<tunables/[^>]+>|\\s*profile\\s+[^\\s{]+.*\\{\\s*(?:#.*)?$|#.*\\bvim:.*\\b(?:syntax|ft|filetype)=apparmor\\b)';
