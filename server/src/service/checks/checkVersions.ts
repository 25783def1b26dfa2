import type { BodyItem, FileNode, Span, TopItem } from '../ast';
import { compareVersions, MOUNT_OPTIONS, NETWORK_CONDITIONALS, PROFILE_FLAGS, SIGNALS } from '../data/facts';
import { RULE_KINDS } from '../data/ruleKinds';
import { forEachCond, forEachExpr } from '../walk';
import { ProblemSink } from './problems';

/** The version an `abi <abi/N>,` line declares, when it names one. */
export function declaredAbi(ast: FileNode): string | undefined {
  for (const item of ast.items) {
    if (item.type !== 'abi' || !item.path) continue;
    const m = /(?:^|\/)(\d+\.\d+)/.exec(item.path.value);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Warns where a construct is newer than the ABI the file declares. The parser
 * accepts newer syntax regardless, so this is advice about the target systems.
 */
export function versionChecker(ast: FileNode, abiOption: string | undefined, sink: ProblemSink): ((item: TopItem | BodyItem) => void) | undefined {
  const abi = declaredAbi(ast) ?? abiOption;
  if (!abi) return undefined;
  const newer = new Map<string, boolean>();
  const isNewer = (since: string): boolean => {
    let answer = newer.get(since);
    if (answer === undefined) newer.set(since, (answer = compareVersions(since, abi) > 0));
    return answer;
  };
  const need = (since: string, what: string, span: Span): void => {
    if (isNewer(since)) sink.add('newer-than-abi', span, { what, since, abi });
  };
  return (item) => {
    switch (item.type) {
      case 'variable':
        if (item.op === '?=' || item.op === ':=') need('5.0', `The '${item.op}' assignment`, item.opSpan);
        if (item.expr && item.expr.kind !== 'term') need('5.0', 'A boolean expression in an assignment', item.expr);
        break;
      case 'profile':
        for (const id of item.identities) need('5.0', 'identities=', id);
        for (const f of item.flags ?? []) {
          const since = PROFILE_FLAGS.get(f.name.value)?.since;
          if (since) need(since, `The '${f.name.value}' flag`, f);
        }
        break;
      case 'qualifierBlock':
        if (item.qualifiers.mode?.text === 'deny') need('4.0', 'A deny block', item.qualifiers.mode);
        break;
      case 'if':
        forEachExpr(item.condition, (e) => {
          if (e.kind === 'binary' || e.kind === 'paren') need('5.0', "'and', 'or', comparisons and parentheses in conditions", e);
        });
        break;
      case 'rule': {
        const q = item.qualifiers;
        if (q.priority) need('4.1', 'priority=', q.priority.span);
        if (q.mode?.text === 'prompt') need('4.1', "The 'prompt' qualifier", q.mode);
        if (item.kind === 'file' || item.kind === 'link' || item.kind === 'rlimit') break;
        // Messages are built only for the few constructs that have a version to hold.
        // Every ABI file has the rules of the first ABI.
        const since = RULE_KINDS[item.kind].abi;
        if (since !== '3.0') need(since, `The ${item.kind} rule`, item.keyword ?? item);
        if (item.kind === 'network') {
          // `network (),` has a permission list with nothing in it: the rule stands for it.
          if (item.perms) need('4.0', 'Network permissions', item.perms[0] ?? item);
          // peer=(label=…) came with 5.0 too, so the peer group is looked into.
          forEachCond(item.conds, (c) => {
            const condSince = NETWORK_CONDITIONALS.get(c.name.value)?.since;
            if (condSince) need(condSince, `network ${c.name.value}=`, c);
          });
        }
        if (item.kind === 'signal') {
          for (const c of item.conds) for (const v of c.values) {
            // Most names are as old as the rule: the message is only built for newer ones.
            const sigSince = SIGNALS.get(v.value)?.since;
            if (sigSince && isNewer(sigSince)) need(sigSince, `The signal '${v.value}'`, v);
          }
        }
        if (item.kind === 'mount' || item.kind === 'remount' || item.kind === 'umount') {
          for (const c of item.conds) for (const v of c.values) {
            const optSince = MOUNT_OPTIONS.get(v.value)?.since;
            if (optSince && isNewer(optSince)) need(optSince, `The mount option '${v.value}'`, v);
          }
        }
        break;
      }
    }
  };
}
