/**
 * An access written the way the rule that allows it is written (`r /etc/shadow`,
 * `owner w /home/a/x`, `capability net_admin`, `signal send set=term peer=unconfined`),
 * read with the policy parser itself so that both sides speak one language.
 */
import type { CondNode, CondRuleNode, FileRuleNode, LinkRuleNode, RuleNode } from '../ast';
import { NETWORK_FAMILIES, NETWORK_TYPES } from '../data/facts';
import type * as A from '../logs/access';
import { permLetters } from '../logs/allows';
import { parse } from '../parser';

/** An access as asked, plus what only a question (not a log record) says. */
export interface Query {
  readonly access: A.Access;
  /** For `x`: the transition the asker cares about is whatever the profile gives. */
  readonly exec: boolean;
}

export class AccessSyntaxError extends Error {}

const WRAP_HEAD = 'profile __query__ {\n';

/** Reads one access; throws AccessSyntaxError, with what is wrong, when it is not one. */
export function parseAccess(text: string): Query {
  const trimmed = text.trim().replace(/,$/, '');
  if (trimmed === '') throw new AccessSyntaxError('an access is empty');
  if (/[\n{}#]/.test(trimmed)) throw new AccessSyntaxError(`'${text}' is not one access (no newline, brace or comment)`);
  const { ast, errors } = parse(`${WRAP_HEAD}${trimmed},\n}\n`);
  const block = ast.items[0];
  const items = block?.type === 'profile' ? block.body.items : [];
  const rule = items[0];
  if (items.length !== 1 || rule?.type !== 'rule' || errors.some(isFatal)) {
    throw new AccessSyntaxError(`'${text}' is not an access written like a rule, such as 'r /etc/shadow' or 'capability net_admin'`);
  }
  if (rule.qualifiers.mode || rule.qualifiers.audit) throw new AccessSyntaxError(`'${text}': an access takes no allow, deny or audit`);
  const access = toAccess(rule, text);
  return { access, exec: access.class === 'file' && access.perms.includes('x') };
}

/** Errors that leave the rule unreadable; a bare `x` (no transition) is what a question asks, not an error here. */
function isFatal(e: { code: string }): boolean {
  return !/exec|transition|x-mode|permission-x|missing-exec/i.test(e.code);
}

function toAccess(rule: RuleNode, text: string): A.Access {
  switch (rule.kind) {
    case 'file': return fileAccess(rule, text);
    case 'link': return linkAccess(rule, text);
    case 'rlimit': throw new AccessSyntaxError(`'${text}': an rlimit is a setting, not an access`);
    default: return condAccess(rule, text);
  }
}

function fileAccess(rule: FileRuleNode, text: string): A.FileAccess {
  if (!rule.path) throw new AccessSyntaxError(`'${text}': a file access needs a path`);
  const perms = permLetters(rule.perms?.value ?? '');
  if (perms.length === 0) throw new AccessSyntaxError(`'${text}': a file access needs permissions such as r, w or x`);
  checkConcrete(rule.path.text, text);
  const owner = rule.qualifiers.owner !== undefined;
  return {
    class: 'file', path: literal(rule.path.value), perms, ownerMatch: owner, owner,
    ...(rule.target ? { linkTarget: literal(rule.target.value) } : {}),
  };
}

function linkAccess(rule: LinkRuleNode, text: string): A.FileAccess {
  if (!rule.path || !rule.target) throw new AccessSyntaxError(`'${text}': a link access is 'link NEW -> EXISTING'`);
  const owner = rule.qualifiers.owner !== undefined;
  return { class: 'file', path: literal(rule.path.value), perms: ['l'], ownerMatch: owner, owner, linkTarget: literal(rule.target.value) };
}

/** The path a glob-free rule path names: its escapes resolved. */
function literal(path: string): string {
  return path.replace(/\\(.)/g, '$1');
}

/** A question is about one path: a glob or variable in it asks about many (`\*` is a star). */
function checkConcrete(path: string, text: string): void {
  if (/(^|[^\\])([*?[{]|@\{)/.test(path)) throw new AccessSyntaxError(`'${text}': an access names one path, without globs or variables`);
}

function one(conds: readonly CondNode[] | undefined, ...names: string[]): string | undefined {
  return conds?.find((c) => names.includes(c.name.value))?.values[0]?.value;
}

function peer(rule: CondRuleNode, name: string): string | undefined {
  const p = rule.conds.find((c) => c.name.value === 'peer');
  if (!p) return undefined;
  return p.nested ? one(p.nested, name) : name === 'label' ? p.values[0]?.value : undefined;
}

/** Permission words; when none is written, the one the plain operation asks for. */
function perms(rule: CondRuleNode, fallback: string[]): string[] {
  const words = (rule.perms ?? []).map((t) => t.value);
  return words.length > 0 ? words : fallback;
}

function condAccess(rule: CondRuleNode, text: string): A.Access {
  const words = rule.words.map((w) => w.value);
  switch (rule.kind) {
    case 'capability':
      if (words.length !== 1) throw new AccessSyntaxError(`'${text}': name one capability, such as 'capability net_admin'`);
      return { class: 'capability', name: words[0]!, perms: [] };
    case 'network': {
      const family = words.find((w) => NETWORK_FAMILIES.has(w));
      const type = words.find((w) => NETWORK_TYPES.has(w));
      if (!family) throw new AccessSyntaxError(`'${text}': a network access names a family, such as 'network inet stream'`);
      return {
        class: 'network', perms: perms(rule, ['create']), family, ...opt('type', type),
        ...opt('ip', one(rule.conds, 'ip')), ...opt('port', one(rule.conds, 'port')),
        ...opt('peerIp', peer(rule, 'ip')), ...opt('peerPort', peer(rule, 'port')),
      };
    }
    case 'unix':
      return {
        class: 'unix', perms: perms(rule, ['create']), ...opt('type', one(rule.conds, 'type')), ...opt('addr', one(rule.conds, 'addr')),
        ...opt('peerAddr', peer(rule, 'addr')), ...opt('peerLabel', peer(rule, 'label')),
      };
    case 'signal':
      return { class: 'signal', perms: perms(rule, ['send']), ...opt('signal', one(rule.conds, 'set')), ...opt('peer', one(rule.conds, 'peer')) };
    case 'ptrace':
      return { class: 'ptrace', perms: perms(rule, ['trace']), ...opt('peer', one(rule.conds, 'peer')) };
    case 'dbus':
      return {
        class: 'dbus', perms: perms(rule, ['send']),
        ...opt('bus', one(rule.conds, 'bus')), ...opt('path', one(rule.conds, 'path')), ...opt('interface', one(rule.conds, 'interface')),
        ...opt('member', one(rule.conds, 'member')), ...opt('name', one(rule.conds, 'name')),
        ...opt('peerName', peer(rule, 'name')), ...opt('peerLabel', peer(rule, 'label')),
      };
    case 'mount': {
      const options = rule.conds.find((c) => c.name.value === 'options' || c.name.value === 'option')?.values.map((v) => v.value);
      return {
        class: 'mount', perms: [], ...opt('fstype', one(rule.conds, 'fstype', 'vfstype')), ...(options ? { options } : {}),
        ...opt('source', words[0]), ...opt('point', rule.target?.value),
      };
    }
    case 'umount':
      if (!words[0]) throw new AccessSyntaxError(`'${text}': an umount access names the mount point`);
      return { class: 'umount', perms: [], point: words[0] };
    case 'pivot_root':
      return { class: 'pivot_root', perms: [], ...opt('newRoot', words[0]), ...opt('oldRoot', one(rule.conds, 'oldroot')) };
    case 'change_profile': {
      const target = rule.target?.value ?? words[0];
      if (!target) throw new AccessSyntaxError(`'${text}': a change_profile access names its target, 'change_profile -> NAME'`);
      return { class: 'change_profile', perms: [], target };
    }
    case 'userns': return { class: 'userns', perms: perms(rule, ['create']) };
    case 'io_uring': return { class: 'io_uring', perms: perms(rule, ['sqpoll']), ...opt('label', one(rule.conds, 'label')) };
    case 'mqueue': {
      const type = one(rule.conds, 'type') === 'sysv' ? 'sysv' : 'posix';
      return { class: 'mqueue', perms: perms(rule, ['open']), type, ...opt('name', words[0]) };
    }
    default:
      throw new AccessSyntaxError(`'${text}': '${rule.kind}' names no single access`);
  }
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
