/**
 * Reads the `key=value` pairs of an audit record. The kernel writes untrusted strings
 * quoted when they are safe and as bare upper-case hex when they hold a space, a quote
 * or a control byte; everything else (numbers, `none`, `?`, signal names) is bare.
 * One left-to-right pass with indexOf: linear in the line, whatever it holds.
 */

/** Keys whose values are untrusted strings, so a bare value may be hex. */
const STRING_KEYS: ReadonlySet<string> = new Set([
  'name', 'name2', 'profile', 'label', 'peer', 'peer_label', 'peer_profile', 'target', 'comm',
  'exe', 'srcname', 'path', 'interface', 'member', 'namespace', 'peer_addr', 'addr', 'execpath',
  'tcontext', 'info', 'fstype', 'flags', 'bus', 'family', 'sock_type', 'parent_label',
]);

const HEX = /^(?:[0-9A-F]{2})+$/;

export type Pairs = Map<string, string>;

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/**
 * The pairs of `text[from, to)`, the first occurrence of a key winning. Words without
 * `=` are skipped; an unterminated quote makes the record unreadable (undefined).
 * `msg='…'` (dbus-daemon's record inside auditd's) runs to the last `'` before `to`.
 */
export function readPairs(text: string, from: number, to: number = text.length): Pairs | undefined {
  const pairs: Pairs = new Map();
  let i = from;
  while (i < to) {
    while (i < to && isBlank(text[i])) i++;
    if (i >= to) break;
    const wordEnd = nextBlank(text, i, to);
    const eq = indexWithin(text, '=', i, wordEnd);
    if (eq <= i) { i = wordEnd; continue; }
    const key = text.slice(i, eq);
    const read = readValue(text, key, eq + 1, to);
    if (!read) return undefined;
    if (!pairs.has(key)) pairs.set(key, read.value);
    i = read.end;
  }
  return pairs;
}

function nextBlank(text: string, from: number, to: number): number {
  let j = from;
  while (j < to && !isBlank(text[j])) j++;
  return j;
}

/** indexOf bounded to `[from, to)`, so skipping a word never scans past it. */
function indexWithin(text: string, c: string, from: number, to: number): number {
  for (let j = from; j < to; j++) if (text[j] === c) return j;
  return -1;
}

function readValue(text: string, key: string, at: number, to: number): { value: string; end: number } | undefined {
  const open = text[at];
  if (open === '"') {
    const close = text.indexOf('"', at + 1);
    if (close < 0 || close >= to) return undefined;
    return { value: text.slice(at + 1, close), end: close + 1 };
  }
  if (open === "'" && key === 'msg') {
    const close = text.lastIndexOf("'", to - 1);
    if (close <= at) return undefined;
    return { value: text.slice(at + 1, close), end: close + 1 };
  }
  const end = nextBlank(text, at, to);
  const raw = text.slice(at, end);
  return { value: STRING_KEYS.has(key) ? decodeHex(raw) : raw, end };
}

/**
 * A bare string value decoded from hex, or kept as it is. Digits-only values decode only
 * when the result holds a space: a hex name made of digit pairs alone is far rarer than
 * a number (a System V queue key, say) that happens to have an even length.
 */
function decodeHex(raw: string): string {
  if (!HEX.test(raw)) return raw;
  const bytes = new Uint8Array(raw.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(raw.slice(2 * i, 2 * i + 2), 16);
  if (bytes.includes(0)) return raw;
  const decoded = new TextDecoder('utf-8').decode(bytes);
  if (/^[0-9]+$/.test(raw) && !decoded.includes(' ')) return raw;
  return decoded;
}
