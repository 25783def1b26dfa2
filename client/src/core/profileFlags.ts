import type { ProfileNode } from '../../../server/src/service/ast';
import { topLevelProfiles } from './profiles';

/**
 * Complain and enforce as aa-complain and aa-enforce write them: the mode lives in the
 * `flags=(…)` of each top-level profile of the file. Hats and child profiles keep their own
 * flags, since the kernel gives each of them its own mode.
 */

export type Mode = 'complain' | 'enforce';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Flags that are a mode of their own; setting one mode removes the others, as the aa-* tools do. */
const MODE_FLAGS = ['complain', 'enforce', 'kill', 'unconfined', 'prompt', 'default_allow'];

export interface ModeChange {
  readonly edits: TextEdit[];
  /** Names of the profiles found, changed or not. */
  readonly profiles: string[];
}

export function buildModeEdits(text: string, mode: Mode): ModeChange {
  const profiles = topLevelProfiles(text);
  const edits = profiles.flatMap((p) => profileEdit(text, p, mode) ?? []);
  return { edits, profiles: profiles.map((p) => p.name?.value ?? '(unnamed)') };
}

function profileEdit(text: string, profile: ProfileNode, mode: Mode): TextEdit | undefined {
  const flags = profile.flags ?? [];
  const old = flags.map((f) => text.slice(f.start, f.end));
  const kept = flags.filter((f) => !(MODE_FLAGS.includes(f.name.value) && f.name.value !== keptFlag(mode)));
  const wanted = kept.map((f) => text.slice(f.start, f.end));
  if (mode === 'complain' && !kept.some((f) => f.name.value === 'complain')) wanted.push('complain');
  if (sameList(old, wanted)) return undefined;
  const span = profile.flagsSpan;
  if (!span) return insertFlags(text, profile.body.start, wanted);
  if (wanted.length === 0) return { start: skipBlanksBack(text, span.start), end: span.end, text: '' };
  // Only the list inside the parentheses changes: `flags=`, its spacing and separators stay as written.
  const open = text.indexOf('(', span.start);
  const close = text[span.end - 1] === ')' ? span.end - 1 : span.end;
  const inner = text.slice(open + 1, close);
  const lead = /^\s*/.exec(inner)![0].length;
  const trail = /\s*$/.exec(inner)![0].length;
  return { start: open + 1 + lead, end: close - trail, text: wanted.join(separatorOf(inner)) };
}

/** A profile without flags gets them just before its `{`. */
function insertFlags(text: string, brace: number, flags: readonly string[]): TextEdit {
  const blankBefore = /[ \t]/.test(text[brace - 1] ?? '');
  return { start: brace, end: brace, text: `${blankBefore ? '' : ' '}flags=(${flags.join(',')}) ` };
}

/** The mode flag that may stay where it is. */
function keptFlag(mode: Mode): string | undefined {
  return mode === 'complain' ? 'complain' : undefined;
}

/** As written between the first two flags; else a bare comma, as in Docker's own profiles. */
function separatorOf(list: string): string {
  const m = /\s*,\s*|\s+/.exec(list.trim());
  return m ? m[0] : ',';
}

function skipBlanksBack(text: string, at: number): number {
  let i = at;
  while (i > 0 && /[ \t]/.test(text[i - 1]!)) i--;
  return i;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Applies non-overlapping edits (for tests and previews; the extension hands them to a WorkspaceEdit). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
