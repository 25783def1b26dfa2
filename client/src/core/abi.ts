/** Which AppArmor ABI a file is held against: its own `abi` line, else the setting. */

// `abi <abi/4.0>,` or `abi "/etc/apparmor.d/abi/4.0",` at the start of a line (not in a comment).
const ABI_LINE = /^[ \t]*abi[ \t]+(?:<([^>\n]*)>|"([^"\n]*)")[ \t]*,/m;

export function findAbiInText(text: string): string | undefined {
  const m = ABI_LINE.exec(text);
  if (!m) return undefined;
  const target = (m[1] ?? m[2] ?? '').trim();
  return target.replace(/^.*\babi\//, '') || target;
}

export interface AbiInfo {
  readonly version?: string;
  readonly source: 'file' | 'setting' | 'none';
}

export function describeAbi(text: string, setting: string | undefined): AbiInfo {
  const inFile = findAbiInText(text);
  if (inFile) return { version: inFile, source: 'file' };
  if (setting) return { version: setting.replace(/^abi\//, ''), source: 'setting' };
  return { source: 'none' };
}
