import type { ProfileNode, Qualifiers, QualifierBlockNode } from '../ast';
import { ERRNO_NAMES, PROFILE_FLAGS, SIGNALS, isRealtimeSignal } from '../data/facts';
import { checkGlob } from './checkGlob';
import { ProblemSink, suggest } from './problems';

export function checkProfile(p: ProfileNode, sink: ProblemSink): void {
  if (!p.name && !p.hat) sink.add('profile-name-required', p.keyword ?? { start: p.start, end: p.start + 1 });
  if (p.name?.value.startsWith(':')) checkNamespace(p.name.value, p.name, sink);
  if (p.name && !p.keyword) {
    const v = p.name.value;
    if (!(v.startsWith('/') || v.startsWith(':') || v.startsWith('@'))) sink.add('profile-name-form', p.name);
  }
  if (p.attachment && !/^(\/|@)/.test(p.attachment.value)) sink.add('attachment-form', p.attachment, { value: p.attachment.text });
  checkGlob(p.attachment, sink);
  if (!p.keyword && p.name?.value.startsWith('/')) checkGlob(p.name, sink);
  if (p.hat && p.xattrs) sink.add('xattrs-on-hat', p.keyword ?? p);
  checkFlags(p, sink);
}

/** `:ns:name` and `:ns://name`, as apparmor_parser splits them. */
function checkNamespace(name: string, span: { start: number; end: number }, sink: ProblemSink): void {
  const close = name.indexOf(':', 1);
  const why = close < 0 ? "the namespace has no closing ':' (write :ns:name)."
    : close === 1 ? 'the namespace between the colons is empty.'
    : /^\/*$/.test(name.slice(close + 1)) ? 'no profile name follows the namespace.' : undefined;
  if (why) sink.add('namespace-form', span, { name, why });
}

function checkFlags(p: ProfileNode, sink: ProblemSink): void {
  const seen = new Map<string, string>();
  for (const f of p.flags ?? []) {
    const name = f.name.value;
    const fact = PROFILE_FLAGS.get(name);
    if (!fact) {
      sink.add('unknown-flag', f.name, { name, ...suggest(name, PROFILE_FLAGS.keys()) });
      continue;
    }
    checkFlagValue(name, fact.value, f.value?.value, f, sink);
    const group = fact.kind === 'mode' ? 'mode' : undefined;
    if (group) {
      const other = seen.get(group);
      if (other && other !== name) sink.add('conflicting-flags', f.name, { a: other, b: name });
      seen.set(group, name);
    }
    for (const c of fact.conflictsWith ?? []) {
      if ([...(p.flags ?? [])].some((g) => g.name.value === c) && name < c) sink.add('conflicting-flags', f.name, { a: name, b: c });
    }
  }
}

function checkFlagValue(name: string, kind: string | undefined, value: string | undefined, span: { start: number; end: number }, sink: ProblemSink): void {
  if (!kind) {
    if (value !== undefined) sink.add('flag-value', span, { name, why: 'takes no value.' });
    return;
  }
  if (value === undefined) {
    // `attach_disconnected.ipc` exists both bare and with a path.
    if (name !== 'attach_disconnected.ipc') sink.add('flag-value', span, { name, why: 'needs a value (name=VALUE).' });
    return;
  }
  // A variable is expanded first (4.0 and later); @{profile_name} expands to a name, not a path.
  if (kind === 'path' && !value.startsWith('/') && !(value.startsWith('@{') && !value.startsWith('@{profile_name}'))) sink.add('flag-value', span, { name, why: 'takes an absolute path.' });
  if (kind === 'signal' && !SIGNALS.has(value) && !isRealtimeSignal(value)) sink.add('flag-value', span, { name, why: `needs a signal name; '${value}' is not one.` });
  if (kind === 'errno' && !ERRNO_NAMES.has(value.toUpperCase())) sink.add('flag-value', span, { name, why: `needs an errno name such as EPERM; '${value}' is not one.` });
}

export function checkQualifiers(q: Qualifiers, sink: ProblemSink): void {
  const p = q.priority;
  if (!p || !p.value) return;
  const v = p.value.value;
  const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= -1000 && n <= 1000)) sink.add('priority-range', p.value, { value: v });
}

export function checkQualifierBlock(b: QualifierBlockNode, sink: ProblemSink): void {
  if (b.qualifiers.priority) sink.add('priority-on-block', b.qualifiers.priority.span);
}
