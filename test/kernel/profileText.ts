import type { TextEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../../server/src/service/diagnostics';
import { insertDenialRules } from '../../server/src/service/features/insertDenialRules';
import { applyTextEdits, buildModeEdits, Mode } from '../../client/src/core/profileFlags';
import type { Vm } from './vm';

/** What the editor does to a profile's text: set its mode, add proposed rules. */

export function withMode(text: string, mode: Mode): string {
  return applyTextEdits(text, buildModeEdits(text, mode).edits);
}

/** Adds rules to a profile block as the denials view's Add Rule does. */
export function withRules(text: string, profile: string, rules: readonly string[]): string {
  if (rules.length === 0) return text;
  return applyLspEdits(text, insertDenialRules(text, { profile, rules: [...rules] }).edits);
}

function applyLspEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const byOffset = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }));
  return applyTextEdits(text, byOffset);
}

/** `apparmor_parser -r -W` with the text on standard input, as Load Profile runs it. */
export async function load(vm: Vm, text: string): Promise<void> {
  const r = await vm.exec(['apparmor_parser', '-r', '-W'], { stdin: text });
  if (r.status !== 0) throw new Error(`apparmor_parser -r -W failed (${r.status}): ${r.stderr}\n${text}`);
}

/** The kernel's list: name → mode. */
export async function kernelModes(vm: Vm): Promise<Map<string, string>> {
  const text = await vm.must('cat /sys/kernel/security/apparmor/profiles');
  return new Map([...text.matchAll(/^(.+) \(([a-z_]+)\)$/gm)].map((m) => [m[1]!, m[2]!]));
}
