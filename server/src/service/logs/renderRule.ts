import {
  DBUS_PERMS, IO_URING_PERMS, MQUEUE_PERMS, PTRACE_PERMS, SIGNAL_PERMS, UNIX_PERMS, USERNS_PERMS,
} from '../data/facts';
import { orderPerms } from '../permOrder';
import type * as A from './access';
import { generalisePath, literalPath, PathGlob } from './generalise';
import { cond, literalWord, orderWords, permList, quoteWord } from './ruleText';

export interface RenderOptions {
  /** Paths with the usual tunables (true) or exactly as logged (false). */
  readonly generalise: boolean;
  /** The exec transition written for an exec; see ProposeOptions.execMode. */
  readonly execMode: string;
  /** Network rules with permissions, addresses and ports (AppArmor 4.0 and later). */
  readonly fineNetwork: boolean;
}

export interface Rendered {
  readonly text: string;
  /** The same access refused: `deny …`, with a bare `x` for exec as deny rules require. */
  readonly deny: string;
  readonly variables: readonly string[];
}

/** The rule that grants an access, and the deny rule that refuses it. */
export function renderRule(access: A.Access, options: RenderOptions): Rendered {
  if (access.class === 'file') return renderFile(access, options);
  const text = renderOther(access, options);
  return { text, deny: `deny ${text}`, variables: [] };
}

function pathOf(path: string, options: RenderOptions): PathGlob {
  return options.generalise ? generalisePath(path) : literalPath(path);
}

function renderFile(a: A.FileAccess, options: RenderOptions): Rendered {
  const owner = a.owner ? 'owner ' : '';
  const path = pathOf(a.path, options);
  if (a.linkTarget !== undefined) {
    const target = pathOf(a.linkTarget, options);
    const body = `${owner}link ${quoteWord(path.glob)} -> ${quoteWord(target.glob)},`;
    return { text: body, deny: `deny ${body}`, variables: [...path.variables, ...target.variables] };
  }
  // Accesses merged from several records may hold both: `w` grants append, and a rule may not hold both.
  const write = a.perms.includes('w');
  const letters = a.perms.filter((p) => p !== 'x' && !(write && p === 'a')).join('');
  const exec = a.perms.includes('x');
  const word = quoteWord(path.glob);
  const text = `${owner}${word} ${orderPerms(letters + (exec ? options.execMode : ''))}${exec ? execArrow(a, options.execMode) : ''},`;
  const deny = `deny ${owner}${word} ${orderPerms(letters + (exec ? 'x' : ''))},`;
  return { text, deny, variables: path.variables };
}

/**
 * `-> target` for a transition to a named profile, when the log names one that is
 * neither the learning-mode null profile nor the binary's own path.
 */
function execArrow(a: A.FileAccess, mode: string): string {
  const target = a.execTarget;
  if (!target || target.includes('//null-') || target === a.path || target === 'unconfined') return '';
  if (/^[pP]/.test(mode)) return ` -> ${literalWord(target)}`;
  if (/^[cC]/.test(mode) && target.includes('//')) return ` -> ${literalWord(target.slice(target.lastIndexOf('//') + 2))}`;
  return '';
}

type Renderer<T> = (a: T, options: RenderOptions) => string;

const RENDERERS: { [K in A.AccessClass]?: Renderer<Extract<A.Access, { class: K }>> } = {
  capability: (a) => `capability ${a.name},`,
  network: renderNetwork,
  unix: (a) =>
    `unix${permList(orderWords(a.perms, UNIX_PERMS.keys()))}${cond('type', a.type)}${cond('addr', word(a.addr))}` +
    `${peerGroup([['addr', word(a.peerAddr)], ['label', word(a.peerLabel)]], ' ')},`,
  signal: (a) =>
    `signal${permList(orderWords(a.perms, SIGNAL_PERMS.keys()))}${a.signal ? ` set=(${a.signal})` : ''}${cond('peer', word(a.peer))},`,
  ptrace: (a) => `ptrace${permList(orderWords(a.perms, PTRACE_PERMS.keys()))}${cond('peer', word(a.peer))},`,
  dbus: (a) =>
    `dbus${permList(orderWords(a.perms, DBUS_PERMS.keys()))}${cond('bus', word(a.bus))}${cond('path', word(a.path))}` +
    `${cond('interface', word(a.interface))}${cond('member', word(a.member))}${cond('name', word(a.name))}` +
    `${peerGroup([['name', word(a.peerName)], ['label', word(a.peerLabel)]], ', ')},`,
  mount: (a) =>
    `mount${cond('fstype', word(a.fstype))}${a.options ? ` options=(${a.options.join(', ')})` : ''}` +
    `${a.source !== undefined ? ` ${literalWord(a.source)}` : ''}${a.point !== undefined ? ` -> ${literalWord(a.point)}` : ''},`,
  umount: (a) => `umount ${literalWord(a.point)},`,
  pivot_root: (a) => `pivot_root${cond('oldroot', word(a.oldRoot))}${a.newRoot !== undefined ? ` ${literalWord(a.newRoot)}` : ''},`,
  change_profile: (a) => `change_profile -> ${literalWord(a.target)},`,
  userns: (a) => `userns${permList(orderWords(a.perms, USERNS_PERMS.keys()))},`,
  io_uring: (a) => `io_uring${permList(orderWords(a.perms, IO_URING_PERMS.keys()))}${cond('label', word(a.label))},`,
  mqueue: (a) => `mqueue${permList(orderWords(a.perms, MQUEUE_PERMS.keys()))} type=${a.type}${a.name !== undefined ? ` ${literalWord(a.name)}` : ''},`,
};

function renderOther(access: A.Access, options: RenderOptions): string {
  const render = RENDERERS[access.class] as Renderer<A.Access> | undefined;
  if (!render) throw new Error(`no rule for ${access.class}`);
  return render(access, options);
}

function word(value: string | undefined): string | undefined {
  return value === undefined ? undefined : literalWord(value);
}

/** `peer=(k=v …)` with the conditionals that have values, or nothing. */
function peerGroup(entries: readonly [string, string | undefined][], separator: string): string {
  const present = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  return present.length > 0 ? ` peer=(${present.join(separator)})` : '';
}

/** `network inet stream,` by default; with fineNetwork, permissions and addresses too (4.0+). */
function renderNetwork(a: A.NetworkAccess, options: RenderOptions): string {
  const head = `${a.family ? ` ${a.family}` : ''}${a.family && a.type ? ` ${a.type}` : ''}`;
  if (!options.fineNetwork) return `network${head},`;
  const peer = peerGroup([['ip', a.peerIp], ['port', a.peerPort]], ' ');
  return `network${permList(orderWords(a.perms, UNIX_PERMS.keys()))}${head}${cond('ip', a.ip)}${cond('port', a.port)}${peer},`;
}
