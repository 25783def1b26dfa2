/**
 * The denials view shows one result per source: a log (a file, or lines of an editor), the
 * kernel of this machine, or the kernel of the target. Reading a source again, or another
 * log, replaces that source's result; reading the kernel adds to a log's, never silently
 * replacing it. The header says which sources and what each held.
 */
import type { DenialsResult } from '../../../server/src/protocol';
import { plural, summarize } from './denialItems';

export type SourceKind = 'log' | 'kernel';

export interface DenialSource {
  readonly kind: SourceKind;
  /** As read: "denials.log", "selection of denials.log", "journalctl -k", "dmesg on web1". */
  readonly label: string;
  /** For the kernel: the target's name; absent for this machine. */
  readonly target?: string;
  /** What the sources tried before this one said ("dmesg: permission denied …"). */
  readonly notes: readonly string[];
}

export interface ShownSource {
  readonly source: DenialSource;
  readonly result: DenialsResult;
}

/** "log denials.log", "kernel of this machine (journalctl -k)", "kernel of web1 (dmesg on web1)". */
export function describeSource(s: DenialSource): string {
  if (s.kind === 'log') return `log ${s.label}`;
  return s.target ? `kernel of ${s.target} (${s.label.replace(` on ${s.target}`, '')})` : `kernel of this machine (${s.label})`;
}

/** Sources in the order they were first read: a source read again keeps its place. */
export function withSource(shown: readonly ShownSource[], next: ShownSource): ShownSource[] {
  const at = shown.findIndex((s) => s.source.kind === next.source.kind);
  if (at < 0) return [...shown, next];
  return shown.map((s, i) => (i === at ? next : s));
}

export interface SourcesSummary {
  readonly description: string;
  readonly message: string;
  readonly badge: number;
}

export function summarizeSources(shown: readonly ShownSource[]): SourcesSummary {
  if (shown.length === 0) return { description: '', message: '', badge: 0 };
  // Each part names its source: in the panel a lone view's description is not shown.
  const parts = shown.map(({ source, result }) => describeOne(source, result));
  const badge = shown.reduce((n, s) => n + summarize(s.result, s.source.label).badge, 0);
  return { description: shown.map((s) => describeSource(s.source)).join(' + '), message: parts.join(' '), badge };
}

function describeOne(source: DenialSource, result: DenialsResult): string {
  const counts = summarize(result, source.label).message;
  const where = `${capitalize(describeSource(source))}: `;
  if (result.records > 0) return `${where}${counts}`;
  // Nothing to show: where it looked, so the empty tree below is not a mystery.
  if (source.kind === 'log' || source.notes.length === 0) return `${where}No AppArmor records${result.unparsed > 0 ? ` (${plural(result.unparsed, 'line')} could not be read)` : ''}.`;
  return `${where}No AppArmor records. Looked at ${source.notes.map((n) => n.replace(/\.$/, '')).join('; ')}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
