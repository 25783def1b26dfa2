/** Large kernel logs made at test time: many records, a chosen number of distinct rules. */
import * as fs from 'node:fs';

/** Profiles the records are spread over. */
export const LOG_PROFILES = 10;

/**
 * One dmesg record (the shape of test/fixtures/logs/file-dmesg.log), about 215 bytes; record
 * `i` asks for rule `i % distinct`, so each rule is asked for many times.
 */
export function logLine(i: number, distinct: number): string {
  const k = i % distinct;
  const stamp = `${1718000000 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')}:${i + 1}`;
  return `[  ${(412 + i / 1000).toFixed(6)}] audit: type=1400 audit(${stamp}): apparmor="DENIED" operation="open" class="file" ` +
    `profile="/usr/bin/app${k % LOG_PROFILES}" name="/srv/data/d${k}/settings.conf" pid=${2000 + (i % 97)} comm="app" ` +
    'requested_mask="r" denied_mask="r" fsuid=1000 ouid=0';
}

/** Writes `records` lines to `file`, a few thousand at a time; returns its size in bytes. */
export function writeBigLog(file: string, records: number, distinct: number): number {
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < records;) {
      const lines: string[] = [];
      for (const end = Math.min(records, i + 5000); i < end; i++) lines.push(logLine(i, distinct));
      fs.writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}
