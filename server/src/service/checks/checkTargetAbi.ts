import type { FileNode } from '../ast';
import { compareVersions } from '../data/facts';
import { walkItems } from '../walk';
import { Problem, ProblemSink } from './problems';
import { versionChecker } from './checkVersions';

/** An ABI a profile may meet: a version (`--target-abi 3.0`) or a kernel's feature set (`--features-file`). */
export interface AbiTarget {
  /** How messages name it: `3.0`, or the feature file's name. */
  readonly name: string;
  readonly version: string;
  /** Capability names it knows, when a feature set lists them. */
  readonly caps?: ReadonlySet<string>;
}

/**
 * Holds a file to each target: a construct newer than a target is an error there (one
 * error per construct, naming every target it breaks), and a profile with no abi line,
 * whose meaning then depends on the kernel, gets a warning saying what changes.
 */
export function checkTargetAbis(ast: FileNode, targets: readonly AbiTarget[]): Problem[] {
  if (targets.length === 0) return [];
  const sink = new ProblemSink();
  const broken = new Map<string, { start: number; end: number; what: string; since: string; targets: string[] }>();
  for (const t of targets) {
    // The file's own abi line is what the other checks hold it to; here only the target counts.
    const perTarget = new ProblemSink();
    const check = versionChecker({ ...ast, items: [] }, t.version, perTarget)!;
    walkItems(ast.items, (item) => {
      check(item);
      if (t.caps && item.type === 'rule' && item.kind === 'capability') {
        for (const w of item.words) if (!t.caps.has(w.value)) perTarget.add('newer-than-abi', w, { what: `The capability '${w.value}'`, since: 'a kernel that lists it in its feature set' });
      }
    });
    for (const p of perTarget.problems) {
      const key = `${p.start}:${p.end}:${p.args['what']}`;
      const known = broken.get(key);
      if (known) known.targets.push(t.name);
      else broken.set(key, { start: p.start, end: p.end, what: p.args['what']!, since: /^\d/.test(p.args['since']!) ? `AppArmor ${p.args['since']}` : p.args['since']!, targets: [t.name] });
    }
  }
  for (const b of broken.values()) sink.add('target-abi-unknown', b, { what: b.what, since: b.since, targets: b.targets.join(', ') });
  const unpinned = unpinnedWarning(ast, targets);
  if (unpinned) sink.add('target-abi-unpinned', unpinned.span, unpinned.args);
  return sink.problems;
}

function unpinnedWarning(ast: FileNode, targets: readonly AbiTarget[]): { span: { start: number; end: number }; args: Record<string, string> } | undefined {
  if (ast.fragment || ast.items.some((i) => i.type === 'abi')) return undefined;
  const first = ast.items.find((i) => i.type === 'profile');
  if (!first) return undefined;
  let network = false;
  let unix = false;
  walkItems(ast.items, (item) => {
    if (item.type !== 'rule' || item.qualifiers.mode?.text === 'deny') return;
    if (item.kind === 'unix') unix = true;
    // A bare `network,` or one naming the unix family is what 4.0 stops applying to unix sockets.
    if (item.kind === 'network' && (item.words.length === 0 || item.words.some((w) => w.value === 'unix'))) network = true;
  });
  const newest = targets.some((t) => compareVersions(t.version, '4.0') >= 0);
  const change = !newest
    ? ''
    : network && !unix
      ? " Under 4.0 and later, 'network,' no longer covers unix sockets: this profile's network rules stop allowing them, and it has no unix rule."
      : " Under 4.0 and later, 'network,' no longer covers unix sockets (those need unix rules), and new mediation (user namespaces, message queues, io_uring) applies.";
  return { span: { start: first.start, end: first.start }, args: { targets: targets.map((t) => t.name).join(', '), change } };
}
