import { escapeGlob } from './ruleText';

export interface PathGlob {
  /** The path as a rule glob (unquoted). */
  readonly glob: string;
  /** Tunables the glob uses; a profile needs `include <tunables/global>` for them. */
  readonly variables: readonly string[];
}

interface Pattern {
  readonly re: RegExp;
  /** The glob prefix replacing the match, given its groups. */
  readonly prefix: (m: RegExpExecArray) => string | undefined;
  readonly variables: readonly string[];
}

/** @{pid} covers 1–4999999; @{uid} 0–4999999999 (tunables/kernelvars). */
const isPid = (s: string): boolean => /^[1-9]\d{0,6}$/.test(s) && Number(s) < 5_000_000;
const isUid = (s: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(s) && Number(s) < 5_000_000_000;

/**
 * The tunables that clearly apply, in the order tried. Each pattern is anchored and
 * made of bounded or single-class runs, so it cannot backtrack badly.
 */
const PATTERNS: readonly Pattern[] = [
  { re: /^\/home\/[^/]+(?=\/)/, prefix: () => '@{HOME}', variables: ['HOME'] },
  { re: /^\/root(?=\/)/, prefix: () => '@{HOME}', variables: ['HOME'] },
  {
    re: /^\/proc\/(\d+)\/task\/(\d+)(?=\/|$)/,
    prefix: (m) => (isPid(m[1]!) && isPid(m[2]!) ? '@{PROC}/@{pid}/task/@{tid}' : undefined),
    variables: ['PROC', 'pid', 'tid'],
  },
  { re: /^\/proc\/(\d+)(?=\/|$)/, prefix: (m) => (isPid(m[1]!) ? '@{PROC}/@{pid}' : undefined), variables: ['PROC', 'pid'] },
  { re: /^\/proc(?=\/)/, prefix: () => '@{PROC}', variables: ['PROC'] },
  {
    re: /^(?:\/var)?\/run\/user\/(\d+)(?=\/|$)/,
    prefix: (m) => (isUid(m[1]!) ? '@{run}/user/@{uid}' : undefined),
    variables: ['run', 'uid'],
  },
];

/** A logged absolute path as a glob, with the first tunable that clearly applies. */
export function generalisePath(path: string): PathGlob {
  for (const p of PATTERNS) {
    const m = p.re.exec(path);
    const prefix = m ? p.prefix(m) : undefined;
    if (m && prefix !== undefined) return { glob: prefix + escapeGlob(path.slice(m[0].length)), variables: p.variables };
  }
  return { glob: escapeGlob(path), variables: [] };
}

/** The same path as a glob that matches only itself. */
export function literalPath(path: string): PathGlob {
  return { glob: escapeGlob(path), variables: [] };
}
