/**
 * One AppArmor audit record as read from a log line, whatever wrapped it
 * (dmesg, syslog, journal, auditd, dbus-daemon).
 */

/** How the line around the record was written; kept so callers can say which forms a log held. */
export type LogForm =
  /** The record alone, or after `audit:` with no timestamp. */
  | 'kernel'
  /** `[  123.456] audit: …` as dmesg prints it. */
  | 'dmesg'
  /** `Jan 12 13:59:10 host kernel: …` (syslog, `journalctl -k`). */
  | 'syslog'
  /** `2024-01-12T13:59:10.123+01:00 host kernel: …` (rsyslog ISO, `journalctl -o short-iso`). */
  | 'iso-syslog'
  /** `type=AVC msg=audit(…): …` or `type=1400 msg=audit(…): …` from auditd. */
  | 'auditd'
  /** Legacy numeric (`type=1503`) or symbolic (`type=APPARMOR_DENIED`) AppArmor record types. */
  | 'legacy-type'
  /** `type=USER_AVC msg=audit(…): … msg='apparmor="DENIED" …'` from dbus-daemon through auditd. */
  | 'user-avc'
  /** `dbus-daemon[1692]: apparmor="DENIED" …` from dbus-daemon through syslog. */
  | 'dbus-syslog';

export interface AuditRecord {
  /** 0-based line of the log text, as LSP counts. */
  readonly line: number;
  readonly form: LogForm;
  /** `DENIED`, `ALLOWED`, `AUDIT`, `STATUS`, `HINT`, `ERROR`, `KILLED`, `AUTO` … as logged. */
  readonly mode: string;
  readonly operation: string;
  /** The logged `class=`, when there is one (newer kernels log it for every record). */
  readonly class?: string;
  /** The subject's profile or label (`profile=`, else `label=`), `//` separating hats and children. */
  readonly profile?: string;
  /** Every key=value of the record, hex-encoded values decoded. */
  readonly fields: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch, from `audit(SECONDS.MS:SERIAL)` or an ISO timestamp. */
  readonly time?: number;
  /** The audit serial; with `time` it identifies one event logged twice (kernel log and auditd). */
  readonly serial?: number;
}

export interface UnparsedLine {
  /** 0-based line. */
  readonly line: number;
  readonly text: string;
}

export interface ParsedLog {
  readonly records: AuditRecord[];
  /** Lines that look like AppArmor records but could not be read. */
  readonly unparsed: number;
  readonly unparsedLines: UnparsedLine[];
}
