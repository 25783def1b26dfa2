/**
 * Generated inputs for the fuzz test (test/unit/fuzz.test.ts) and the long fuzz run
 * (bench/fuzz.ts): random characters, token soup, truncations and splices of real-shaped
 * profiles, the same profiles with invisible characters where blanks were, and hostile shapes.
 */
import { pick, rng } from './random';
import { VALID } from './snippets';

export const TOKENS = [
  'profile', 'hat', '^', '{', '}', '(', ')', ',', '->', '=', '+=', '?=', ':=', '<=', '"', '#', '#include', 'include',
  'if', 'else', 'not', 'and', 'or', 'defined', 'exists', 'abi', 'alias', 'owner', 'audit', 'deny', 'allow', 'priority=',
  'capability', 'network', 'unix', 'dbus', 'signal', 'ptrace', 'mount', 'umount', 'pivot_root', 'change_profile',
  'set', 'rlimit', 'userns', 'mqueue', 'io_uring', 'all', 'file', 'link', 'subset', 'safe', 'unsafe', 'flags=',
  'xattrs=', '+', 'identities=', 'peer=', 'set=', 'options=', 'r', 'rw', 'ix', 'Px', 'Cx', 'ux', 'x', 'wa', 'mrwlk',
  '/usr/bin/**', '@{HOME}', '${B}', '@{', '{a,b}', '[', ']', '\\', '\n', ' ', '\t', '<abstractions/base>', '<', '>',
  'chown', 'inet', 'stream', 'hup', 'rtmin+99', 'bus=session', 'addr=@x', 'label:=', '!', '\r\n', '\0',
];

/** Code units that are surrogates without their other half (a lone high one, a lone low one). */
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];

/**
 * Every character JavaScript's \s matches, every C0 and C1 control (NUL included), the line
 * and paragraph separators, the zero-width and direction marks, the BOM, and lone surrogates:
 * the characters a scanner that disagrees with itself about blanks can loop on.
 */
export const ODD_CHARS: readonly string[] = (() => {
  const out = new Set<string>();
  for (let c = 0; c <= 0xffff; c++) if (c < 0xd800 || c > 0xdfff) if (/\s/.test(String.fromCharCode(c))) out.add(String.fromCharCode(c));
  for (let c = 0; c < 0x20; c++) out.add(String.fromCharCode(c));
  for (let c = 0x7f; c <= 0x9f; c++) out.add(String.fromCharCode(c));
  for (const c of [0xad, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202e, 0x2060, 0x2066, 0x2069, 0xfeff]) out.add(String.fromCharCode(c));
  for (const s of LONE_SURROGATES) out.add(s);
  return [...out];
})();

/** Shapes that once hung, crashed or blew up a tool (issue 11), to be repeated and mixed. */
export const SHAPES: readonly string[] = [
  '@{x}=a\u00a0\n', '@{x}=a\ufeff b\u2028\n', '\ufeffprofile p {\n}\n', '{\nc, r, include if exists <>hat\n}',
  '{', '}', '(', ')', 'profile p {\r  /a r,\r}\r', '@{A}=@{B}\n@{B}=@{A}\nprofile p { @{A} r, }\n', 'include <>\n',
  'include <profiles', 'include if exists <abstractions/base>\n', '#include "self"\n', 'profile p { /a\u00a0r, }\n',
  'profile p { capability\u000bchown, }\n', '${B}=true\nif ${B} { } else if ${B} { } else { }\n', '\\\n', '"', 'if ',
  'profile p { owner\u3000/a r, }\n', 'profile p flags=(\u00a0complain) { }\n', '^', 'hat ', '@{x}=', ' \\\n',
];

/** Blanks that a paste can turn into invisible characters. */
const BLANK = /[ \t\n]/g;

/** `count` inputs from `seed`, in a fixed sequence of kinds. */
export function* fuzzInputs(seed: number, count: number): Generator<string> {
  const random = rng(seed);
  const sources = VALID.map(([, t]) => t);
  const big = sources.join('\n');
  const odd = (): string => pick(random, ODD_CHARS);
  for (let i = 0; i < count; i++) {
    const kind = i % 6;
    if (kind === 0) {
      const n = Math.floor(random() * 2000);
      let s = '';
      for (let j = 0; j < n; j++) {
        const r = random();
        s += r < 0.05 ? odd() : String.fromCharCode(Math.floor(random() * (r < 0.9 ? 128 : 0x3000)));
      }
      yield s;
    } else if (kind === 1) {
      const n = Math.floor(random() * 400);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) {
        const r = random();
        parts.push(r < 0.05 ? odd() : pick(random, TOKENS), r < 0.6 ? ' ' : r < 0.7 ? odd() : '');
      }
      yield parts.join('');
    } else if (kind === 2) {
      const src = random() < 0.2 ? big : pick(random, sources);
      yield src.slice(0, Math.floor(random() * (src.length + 1)));
    } else if (kind === 3) {
      const a = pick(random, sources);
      const b = pick(random, sources);
      const x = Math.floor(random() * a.length);
      const y = Math.floor(random() * b.length);
      yield a.slice(0, x) + b.slice(y) + (random() < 0.5 ? a.slice(x) : '');
    } else if (kind === 4) {
      // A real-shaped profile with some of its blanks, or some other characters, made odd.
      const share = random() * 0.3;
      const src = pick(random, sources);
      yield random() < 0.5
        ? src.replace(BLANK, (b) => (random() < share ? odd() : b))
        : Array.from(src, (c) => (random() < share / 4 ? odd() + (random() < 0.5 ? c : '') : c)).join('');
    } else {
      const n = 1 + Math.floor(random() * 12);
      let s = '';
      for (let j = 0; j < n; j++) {
        const shape = pick(random, SHAPES);
        s += random() < 0.1 ? shape.repeat(1 + Math.floor(random() * 2000)) : shape;
        if (random() < 0.3) s += random() < 0.5 ? odd() : pick(random, sources);
      }
      yield s;
    }
  }
}
