import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as facts from '../../server/src/service/data/facts';
import { loadGrammar, type Token, tokenize } from './engine';

/** The innermost scope of the token spelled `word` on the last line of `text`. */
async function scopeOf(text: string, word: string): Promise<string> {
  const lines = tokenize(await loadGrammar(), text);
  const token = lines.at(-1)!.find((t: Token) => t.text === word);
  assert.ok(token, `no token ${JSON.stringify(word)} in ${JSON.stringify(text)}`);
  return token.scopes.at(-1)!;
}

/** Asserts every name is scoped under `prefix` when put in the `template` slot. */
async function recognised(names: Iterable<string>, prefix: string, template: (n: string) => string): Promise<void> {
  for (const name of names) {
    const got = await scopeOf(template(name), name);
    assert.ok(got.startsWith(prefix), `${name}: ${got}, expected ${prefix}*`);
  }
}

const keys = (t: ReadonlyMap<string, unknown>): string[] => [...t.keys()];
const inRule = (rule: string) => (n: string) => `profile p {\n  ${rule.replace('$', n)},`;

test('every capability is recognised', async () => {
  await recognised(keys(facts.CAPABILITIES), 'constant.language.capability.', inRule('capability $'));
});

test('every profile flag is recognised, with its value where it takes one', async () => {
  const values: Record<string, string> = { signal: 'hup', errno: 'EPERM', path: '/run/x' };
  for (const flag of facts.PROFILE_FLAGS.values()) {
    const text = flag.value ? `${flag.name}=${values[flag.value]}` : flag.name;
    assert.match(await scopeOf(`profile p flags=(${text}) {`, flag.name), /^constant\.language\.flag\./, flag.name);
  }
  await recognised(['attach_disconnected.ipc'], 'constant.language.flag.', (n) => `profile p flags=(${n}) {`);
});

test('every errno name is recognised after error=, in either case', async () => {
  await recognised(keys(facts.ERRNO_NAMES), 'constant.language.errno.', (n) => `profile p flags=(error=${n}) {`);
  await recognised(['eperm'], 'constant.language.errno.', (n) => `profile p flags=(error=${n}) {`);
});

test('every network family, type, protocol and permission is recognised', async () => {
  await recognised(keys(facts.NETWORK_FAMILIES), 'constant.language.network.family.', inRule('network $'));
  await recognised(keys(facts.NETWORK_TYPES), 'constant.language.network.', inRule('network inet $'));
  await recognised(keys(facts.NETWORK_PROTOCOLS), 'constant.language.network.protocol.', inRule('network inet $'));
  await recognised(keys(facts.NETWORK_PERMS), 'constant.other.permission.network.', inRule('network ($) inet'));
});

test('every signal, realtime signal and signal permission is recognised', async () => {
  await recognised(keys(facts.SIGNALS), 'constant.language.signal.', inRule('signal set=($)'));
  const realtime = Array.from({ length: 33 }, (_, i) => `rtmin+${i}`);
  assert.ok(realtime.every(facts.isRealtimeSignal));
  await recognised(realtime, 'constant.language.signal.realtime.', inRule('signal set=$'));
  assert.ok(!facts.isRealtimeSignal('rtmin+33'));
  assert.equal(await scopeOf(inRule('signal set=$')('rtmin+33'), 'rtmin+33'), 'string.unquoted.value.apparmor');
  await recognised(keys(facts.SIGNAL_PERMS), 'constant.other.permission.signal.', inRule('signal ($)'));
});

test('every mount option and rlimit is recognised', async () => {
  await recognised(keys(facts.MOUNT_OPTIONS), 'constant.language.mount-option.', inRule('mount options=($) /a -> /b'));
  await recognised(keys(facts.RLIMITS), 'constant.language.rlimit.', inRule('set rlimit $ <= 1'));
  const units = [...keys(facts.RLIMIT_SIZE_UNITS), ...keys(facts.RLIMIT_TIME_UNITS)];
  await recognised(units, 'keyword.other.unit.', (u) => inRule('set rlimit cpu <= $')(`10${u}`));
});

test('every permission word of dbus, unix, ptrace, mqueue, io_uring and userns is recognised', async () => {
  const rules: [string, ReadonlyMap<string, unknown>][] = [
    ['dbus', facts.DBUS_PERMS], ['unix', facts.UNIX_PERMS], ['ptrace', facts.PTRACE_PERMS],
    ['mqueue', facts.MQUEUE_PERMS], ['io_uring', facts.IO_URING_PERMS], ['userns', facts.USERNS_PERMS],
  ];
  for (const [rule, perms] of rules) {
    const kind = rule.replace('_', '-');
    await recognised(keys(perms), `constant.other.permission.${kind}.`, inRule(`${rule} ($)`));
    await recognised(keys(perms), `constant.other.permission.${kind}.`, inRule(`${rule} $`));
  }
});

test('exec transitions: every one recognised, the unconfined ones marked dangerous', async () => {
  for (const mode of facts.EXEC_MODES.keys()) {
    const scope = await scopeOf(inRule('/usr/bin/x $')(mode), mode);
    const unconfined = /u/i.test(mode);
    assert.equal(scope, `constant.other.permission.exec${unconfined ? '.unconfined.dangerous' : ''}.apparmor`, mode);
  }
});

test('write+exec permission strings are marked dangerous as a whole, others not', async () => {
  const lines = tokenize(await loadGrammar(), 'profile p {\n  /a rwix,\n  /b wPx,\n  /c ax,\n  /d rix,\n  /e rw,');
  // The permission string's own scope: the outermost permission scope of its first token.
  const outer = (line: number): string | undefined =>
    lines[line]!.find((t) => /^[a-zA-Z]+$/.test(t.text))!.scopes.find((s) => s.startsWith('constant.other.permission.'));
  assert.deepEqual([1, 2, 3, 4, 5].map(outer), [
    ...Array<string>(3).fill('constant.other.permission.write-exec.dangerous.apparmor'),
    ...Array<string>(2).fill('constant.other.permission.file.apparmor'),
  ]);
});
