import { readFile } from 'node:fs/promises';

/** One group from `/etc/group`. */
export interface GroupEntry {
  name: string;
  gid: number;
}

export const GROUP_PATH = '/etc/group';

/** Parses `name:password:gid:members` lines; skips comments and malformed lines. */
export function parseGroup(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length < 3) continue;
    const [name, , gidText] = fields as [string, string, string];
    if (name === '' || !/^\d+$/.test(gidText)) continue;
    entries.push({ name, gid: Number(gidText) });
  }
  return entries;
}

/** The group called `name`, or null when `/etc/group` has none. */
export async function lookupGroupByName(name: string, path = GROUP_PATH): Promise<GroupEntry | null> {
  return parseGroup(await readFile(path, 'utf8')).find((entry) => entry.name === name) ?? null;
}
