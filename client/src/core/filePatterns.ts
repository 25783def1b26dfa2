/**
 * The `filenamePatterns` of the language contribution. VS Code's globs have no negation, so
 * "every folder of an apparmor.d tree but abi/, cache/, disable/ and force-complain/" is
 * spelled out with character classes: for each excluded name, every other name that
 * starts with its first letter (a proper prefix, a name that differs at some letter, or a
 * longer name), and names that start with any other letter. The list in package.json is
 * checked against this function by a test.
 */

export const NON_POLICY_FOLDERS = ['abi', 'cache', 'disable', 'force-complain'] as const;

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
export function allowedFolderGlobs(excluded: readonly string[] = NON_POLICY_FOLDERS): string[] {
  const firstLetters = [...new Set(excluded.map((w) => w[0]!))].sort().join('');
  // Two excluded names with one first letter would let each one's "near" names admit the other.
  if (firstLetters.length !== excluded.length) throw new Error('excluded folder names must start with different letters');
  return [`[!${firstLetters}]*`, ...excluded.flatMap(namesNear)];
}

export function buildFilenamePatterns(): string[] {
  return ['**/apparmor.d/*', ...allowedFolderGlobs().map((g) => `**/apparmor.d/${g}/**`)];
}

/**
 * First lines that only an AppArmor file has: an `abi` line, an include of tunables, a
 * profile header, or a vim modeline naming apparmor. A C file's `#include <stdio.h>` and a
 * shell's `# ~/.profile: …` do not match.
 */
export const FIRST_LINE =
  '^(?:\\s*abi\\s+<[^>]+>\\s*,|\\s*#?include\\s+(?:if\\s+exists\\s+)?<tunables/[^>]+>|\\s*profile\\s+[^\\s{]+.*\\{\\s*(?:#.*)?$|#.*\\bvim:.*\\b(?:syntax|ft|filetype)=apparmor\\b)';
