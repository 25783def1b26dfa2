/**
 * Reads `aa-status --json`: {"version": "2", "profiles": {NAME: MODE}, "processes":
 * {EXE: [{"profile": NAME, "pid": "123", "status": MODE}]}}. Processes are grouped by
 * executable there; the quick pick wants them by profile.
 *
 * aa-status 3.0.8 (Debian bookworm) writes a comma before the first profile whenever no
 * profile is in enforce mode: `{"profiles": {, "p": "complain"}, …}`. That output is
 * read as meant; see `repairJson`.
 */

export interface ConfinedProcess {
  readonly pid: number;
  readonly exe: string;
  readonly mode: string;
}

export interface LoadedProfile {
  readonly name: string;
  readonly mode: string;
  readonly processes: ConfinedProcess[];
}

interface RawProcess {
  readonly profile?: unknown;
  readonly pid?: unknown;
  readonly status?: unknown;
}

export function parseAaStatus(json: string): LoadedProfile[] {
  // Run in a terminal, the output may carry other lines around the JSON object.
  const start = json.indexOf('{');
  const end = json.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('aa-status printed no JSON (is AppArmor enabled in this kernel?)');
  const data = JSON.parse(repairJson(json.slice(start, end + 1))) as { profiles?: unknown; processes?: unknown };
  if (!isRecord(data.profiles)) throw new Error('aa-status --json gave no "profiles" object');
  const byName = new Map<string, { name: string; mode: string; processes: ConfinedProcess[] }>();
  for (const [name, mode] of Object.entries(data.profiles)) byName.set(name, { name, mode: String(mode), processes: [] });
  for (const [exe, list] of Object.entries(isRecord(data.processes) ? data.processes : {})) {
    for (const p of Array.isArray(list) ? (list as RawProcess[]) : []) addProcess(byName, exe, p);
  }
  for (const p of byName.values()) p.processes.sort((a, b) => a.pid - b.pid);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Drops the commas a list cannot hold: right after `{` or `[`, or right before `}` or `]`
 * (blanks between), outside strings. Valid JSON passes unchanged.
 */
export function repairJson(text: string): string {
  let out = '';
  let inString = false;
  /** The last character written that is not a blank. */
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',' && (last === '{' || last === '[' || closesNext(text, i + 1))) continue;
    out += c;
    if (!/\s/.test(c)) last = c;
  }
  return out;
}

/** Whether the first character at or after `from` that is not a blank closes a list. */
function closesNext(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return text[i] === '}' || text[i] === ']';
}

/**
 * Reads the kernel's own list, `/sys/kernel/security/apparmor/profiles` (`NAME (MODE)` a
 * line; names may hold spaces and parentheses), for where aa-status is missing or fails.
 * It names no processes.
 */
export function parseProfilesFile(text: string): LoadedProfile[] {
  const out: LoadedProfile[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.+) \(([^()]*)\)$/.exec(line.trimEnd());
    if (m) out.push({ name: m[1]!, mode: m[2]!, processes: [] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A process whose profile was not listed (unconfined but with a profile defined) still shows, under that name. */
function addProcess(byName: Map<string, LoadedProfile>, exe: string, raw: RawProcess): void {
  const name = typeof raw.profile === 'string' ? raw.profile : exe;
  const mode = typeof raw.status === 'string' ? raw.status : 'unknown';
  let profile = byName.get(name);
  if (!profile) {
    profile = { name, mode, processes: [] };
    byName.set(name, profile);
  }
  profile.processes.push({ pid: Number(raw.pid), exe, mode });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The name under which a loaded profile's source is found: a child or hat (`parent//child`) lives in its parent's file. */
export function topLevelName(loaded: string): string {
  const i = loaded.indexOf('//');
  return i > 0 ? loaded.slice(0, i) : loaded;
}

/** One line for the quick pick: how many processes, the first few of them. */
export function describeProcesses(processes: readonly ConfinedProcess[]): string {
  if (processes.length === 0) return 'no confined processes';
  const shown = processes.slice(0, 3).map((p) => `${p.exe} (${p.pid})`).join(', ');
  const more = processes.length > 3 ? `, and ${processes.length - 3} more` : '';
  return `${processes.length} process${processes.length === 1 ? '' : 'es'}: ${shown}${more}`;
}
