/**
 * The subset of the TextMate grammar format that vscode-textmate reads, plus the
 * few builders the AppArmor grammar is written with.
 */

interface Capture {
  readonly name?: string;
  readonly patterns?: readonly Rule[];
}

export type Captures = Readonly<Record<number, Capture>>;

export interface Rule {
  readonly comment?: string;
  readonly name?: string;
  readonly contentName?: string;
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly captures?: Captures;
  readonly beginCaptures?: Captures;
  readonly endCaptures?: Captures;
  readonly patterns?: readonly Rule[];
  readonly include?: string;
}

export interface Grammar {
  readonly $schema?: string;
  readonly name: string;
  readonly scopeName: string;
  readonly fileTypes: readonly string[];
  readonly patterns: readonly Rule[];
  readonly repository: Readonly<Record<string, Rule>>;
}

/** Every scope of this grammar ends in the language name, as the convention asks. */
export function scope(name: string): string {
  return `${name}.apparmor`;
}

/** A reference to a repository entry. */
export function ref(name: string): Rule {
  return { include: `#${name}` };
}

/**
 * An alternation of literal words. Longest first, because Oniguruma takes the
 * first alternative that matches and `rw` must not stop at `r`.
 */
export function words(names: Iterable<string>): string {
  const sorted = [...new Set(names)].sort((a, b) => b.length - a.length || a.localeCompare(b));
  return `(?:${sorted.map(escapeRegex).join('|')})`;
}

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
