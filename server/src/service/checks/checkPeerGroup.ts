import type { CondNode, CondRuleNode } from '../ast';
import { ProblemSink } from './problems';

/**
 * The parser's rule for `peer=( … )` on unix, dbus and network rules (parser_yacc.y
 * `opt_conds opt_cond_list TOK_END_OF_RULE`, then each rule's constructor): one group, last in
 * the rule, holding `name=value` conditionals, each given once; a value in parentheses is one
 * value (3.0.8 and 4.1 refuse `addr=(@a @b)` there as a syntax error).
 */
export function checkPeerGroup(rule: CondRuleNode, sink: ProblemSink): void {
  const kind = rule.kind;
  let group: CondNode | undefined;
  for (const c of rule.conds) {
    const name = c.name.value;
    if (name === 'peer' && !c.nested && !c.list) {
      sink.add('peer-group-needed', c.name, { kind });
      continue;
    }
    if (group) {
      // A second group is conditional-repeated, which dbus reports with its other repeats.
      if (name !== 'peer') sink.add('peer-group-last', c.name, { kind, name });
      else if (kind !== 'dbus') sink.add('conditional-repeated', c.name, { name, kind });
      continue;
    }
    if (name === 'peer' && c.nested) group = c;
  }
  if (!group?.nested) return;
  // dbus keeps the group's conditionals with the rule's own: `name=` may be given once in all.
  const seen = new Set(kind === 'dbus' ? rule.conds.filter((c) => c.name.value !== 'peer').map((c) => c.name.value) : []);
  for (const c of group.nested) {
    const name = c.name.value;
    if (seen.has(name)) sink.add('conditional-repeated', c.name, { name, kind });
    else if (c.list && c.values.length > 1) sink.add('conditional-list', c.name, { name, kind: `${kind} peer` });
    seen.add(name);
  }
}

/** unix conditionals outside the group: `label=` belongs in it, `protocol=` is not supported, one value each. */
export function checkUnixConds(rule: CondRuleNode, sink: ProblemSink): void {
  for (const c of rule.conds) {
    const name = c.name.value;
    if (name === 'label') sink.add('unknown-conditional', c.name, { name, kind: 'unix', hint: ' It belongs inside peer=( … ): peer=(label=…).' });
    else if (name === 'protocol') sink.add('unknown-conditional', c.name, { name, kind: 'unix', hint: ' apparmor_parser (3.0 to 4.1) does not support it.' });
    else if (name !== 'peer' && c.list && c.values.length > 1) sink.add('conditional-list', c.name, { name, kind: 'unix' });
  }
}
