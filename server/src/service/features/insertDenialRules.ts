import type { TextEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../diagnostics';
import { insertRules } from '../logs/insertRules';
import { parse } from '../parser';

/** Rules to add to a block (`parent//child` for hats and child profiles), as the file names it. */
export interface RuleInsertion {
  readonly profile: string;
  /** Rule texts with their trailing commas. */
  readonly rules: readonly string[];
  /** Create a missing innermost block as a hat (`^name`) rather than a child profile. */
  readonly hat?: boolean;
}

export interface InsertedRules {
  /** Empty when the block already holds every rule. */
  readonly edits: TextEdit[];
  /** The file does not exist yet: create it, then apply the edits. */
  readonly newFile: boolean;
}

/** A new profile file starts with the tunables: proposed rules use @{HOME}, @{PROC} and the like. */
const NEW_FILE_HEADER = 'include <tunables/global>\n';

/**
 * The edits that add rules to a block of a profile file, creating the block where it is
 * missing; `text` undefined means the file does not exist yet, and the one edit is its
 * whole text.
 */
export function insertDenialRules(text: string | undefined, params: RuleInsertion): InsertedRules {
  const options = { hat: params.hat ?? false };
  if (text !== undefined) return { edits: insertRules(text, parse(text).ast, params.profile, params.rules, options), newFile: false };
  const edits = insertRules(NEW_FILE_HEADER, parse(NEW_FILE_HEADER).ast, params.profile, params.rules, options);
  const whole = applyEdits(NEW_FILE_HEADER, edits);
  return { edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: whole }], newFile: true };
}

/** Edits that do not overlap, applied from the last to the first. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const byOffset = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }));
  byOffset.sort((a, b) => b.start - a.start);
  return byOffset.reduce((out, e) => out.slice(0, e.start) + e.newText + out.slice(e.end), text);
}
