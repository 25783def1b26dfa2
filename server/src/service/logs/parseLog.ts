import { AUDIT_MODES, LEGACY_AUDIT_TYPES } from '../data/facts';
import type { AuditRecord, LogForm, ParsedLog, UnparsedLine } from './auditRecord';
import { Pairs, readPairs } from './keyValues';

/** Unreadable lines are reported with at most this much of their text. */
const MAX_REPORTED_TEXT = 1000;

const LEGACY_TYPE = /\btype=(APPARMOR_[A-Z]+|15\d\d)(?=\s|$)/;
const USER_AVC = /\btype=(?:USER_AVC|1107)(?=\s|$)/;
const STAMP = /audit\((\d+)(?:\.(\d+))?:(\d+)\)/;
const DMESG = /^\s*\[\s*\d+\.\d+\]/;
const ISO = /^\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s/;
const SYSLOG = /^\s*[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\s/;
const DBUS_TAG = /\bdbus(?:-daemon)?\[\d+\]:\s*$/;

/**
 * Reads every AppArmor record in a log, whatever produced it. Lines without one are
 * ignored; lines that look like one but cannot be read are counted. Never throws, and
 * runs in time linear in the text (no backtracking patterns on untrusted input).
 */
export function parseLog(text: string): ParsedLog {
  const records: AuditRecord[] = [];
  const reader = new LogReader((r) => records.push(r));
  reader.addText(text);
  return { records, unparsed: reader.unparsed, unparsedLines: reader.unparsedLines };
}

/**
 * parseLog a line at a time, for logs streamed from a file or held in one string: each
 * record goes to `onRecord` as it is read, and only counts and the first `maxReported`
 * unreadable lines are kept.
 */
export class LogReader {
  /** Lines read so far; the next line's 0-based number. */
  lines = 0;
  records = 0;
  unparsed = 0;
  readonly unparsedLines: UnparsedLine[] = [];

  constructor(private readonly onRecord: (record: AuditRecord) => void, private readonly maxReported = Infinity) {}

  /**
   * One line, without its newline. `cut`: the reader kept only the start of a longer line;
   * whatever record it held cannot be read whole, so it counts as unreadable.
   */
  addLine(text: string, cut = false): void {
    const line = this.lines++;
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    const read = readLine(raw, line);
    if (read === 'unreadable' || (read && cut)) this.unreadable(line, raw);
    else if (read) {
      this.records++;
      this.onRecord(read);
    }
  }

  /** Every line of a text already in memory (the last one may lack its newline). */
  addText(text: string): void {
    for (let start = 0; start <= text.length;) {
      const nl = text.indexOf('\n', start);
      this.addLine(text.slice(start, nl < 0 ? text.length : nl));
      if (nl < 0) break;
      start = nl + 1;
    }
  }

  private unreadable(line: number, raw: string): void {
    this.unparsed++;
    if (this.unparsedLines.length < this.maxReported) this.unparsedLines.push({ line, text: raw.slice(0, MAX_REPORTED_TEXT) });
  }
}

/** A record, null for a line that holds none, or 'unreadable'. */
function readLine(raw: string, line: number): AuditRecord | null | 'unreadable' {
  const modeAt = findModeKey(raw);
  const legacy = LEGACY_TYPE.exec(raw);
  if (modeAt < 0 && !legacy) return null;
  try {
    const userAvc = modeAt >= 0 && USER_AVC.test(raw);
    const fields = userAvc ? userAvcPairs(raw) : readPairs(raw, bodyStart(raw, modeAt));
    if (!fields) return 'unreadable';
    return toRecord(raw, line, fields, formOf(raw, modeAt, userAvc, legacy !== null), legacy?.[1]);
  } catch {
    // Defensive only: nothing above is expected to throw, and a log must never stop the reader.
    return 'unreadable';
  }
}

/**
 * Where `apparmor=` introduces a record: followed by a quote or a known mode word, so the
 * kernel command line's `apparmor=1` in dmesg is not mistaken for one.
 */
function findModeKey(raw: string): number {
  for (let at = raw.indexOf('apparmor='); at >= 0; at = raw.indexOf('apparmor=', at + 9)) {
    if (at > 0 && /[\w.]/.test(raw[at - 1]!)) continue;
    const next = raw[at + 9];
    if (next === '"') return at;
    const word = /^[A-Z]+/.exec(raw.slice(at + 9, at + 20));
    if (word && AUDIT_MODES.has(word[0])) return at;
  }
  return -1;
}

/** Legacy records may lack `apparmor=`: their pairs start after the `audit(…):` stamp. */
function bodyStart(raw: string, modeAt: number): number {
  if (modeAt >= 0) return modeAt;
  const stamp = STAMP.exec(raw);
  return stamp ? stamp.index + stamp[0].length + 1 : 0;
}

/** auditd's USER_AVC: its own pairs, then dbus-daemon's record inside `msg='…'`, which wins. */
function userAvcPairs(raw: string): Pairs | undefined {
  const stamp = STAMP.exec(raw);
  const outer = readPairs(raw, stamp ? stamp.index + stamp[0].length + 1 : 0);
  const inner = outer?.get('msg');
  if (!outer || inner === undefined) return undefined;
  const fields = readPairs(inner, 0);
  if (!fields) return undefined;
  outer.delete('msg');
  for (const [k, v] of outer) if (!fields.has(k)) fields.set(k, v);
  return fields;
}

function toRecord(raw: string, line: number, fields: Pairs, form: LogForm, legacyType?: string): AuditRecord | 'unreadable' {
  const mode = fields.get('apparmor')?.toUpperCase() ?? (legacyType ? LEGACY_AUDIT_TYPES.get(legacyType) : undefined);
  const operation = fields.get('operation');
  if (!mode || !operation) return 'unreadable';
  const stamp = STAMP.exec(raw);
  const time = stamp ? Number(stamp[1]) * 1000 + Number((stamp[2] ?? '0').padEnd(3, '0').slice(0, 3)) : isoTime(raw);
  const profile = fields.get('profile') ?? fields.get('label');
  const cls = fields.get('class');
  return {
    line,
    form,
    mode,
    operation,
    ...(cls !== undefined ? { class: cls } : {}),
    ...(profile !== undefined ? { profile } : {}),
    fields: Object.fromEntries(fields),
    ...(time !== undefined ? { time } : {}),
    ...(stamp ? { serial: Number(stamp[3]) } : {}),
  };
}

function isoTime(raw: string): number | undefined {
  const m = ISO.exec(raw);
  const t = m ? Date.parse(m[1]!) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function formOf(raw: string, modeAt: number, userAvc: boolean, legacy: boolean): LogForm {
  if (userAvc) return 'user-avc';
  if (legacy) return 'legacy-type';
  const prefix = raw.slice(0, modeAt);
  if (/\bmsg=audit\(/.test(prefix)) return 'auditd';
  if (DBUS_TAG.test(prefix)) return 'dbus-syslog';
  if (DMESG.test(prefix)) return 'dmesg';
  if (ISO.test(prefix)) return 'iso-syslog';
  if (SYSLOG.test(prefix) || /\bkern(?:el:|\.\w+:)/.test(prefix)) return 'syslog';
  return 'kernel';
}
