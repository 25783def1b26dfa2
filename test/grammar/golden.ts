import type { Token } from './engine';

const ROOT_SCOPE = 'source.apparmor';
const SUFFIX = '.apparmor';
const TEXT_WIDTH = 26;

/**
 * The readable form of a tokenised file: each source line after `>`, then one
 * line per token with its text (JSON-quoted, so blanks show) and its scopes
 * from outer to inner. The root scope and the `.apparmor` suffix are left out
 * to keep lines short; a separate test checks every scope carries the suffix.
 */
export function render(lines: readonly string[], tokens: readonly (readonly Token[])[]): string {
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(`> ${line}`);
    for (const t of tokens[i] ?? []) out.push(`  ${JSON.stringify(t.text).padEnd(TEXT_WIDTH)} ${shortScopes(t.scopes)}`.trimEnd());
  });
  return out.join('\n') + '\n';
}

function shortScopes(scopes: readonly string[]): string {
  return scopes
    .filter((s) => s !== ROOT_SCOPE)
    .map((s) => (s.endsWith(SUFFIX) ? s.slice(0, -SUFFIX.length) : s))
    .join(' ');
}
