import { readFile } from 'node:fs/promises';

/** One account from `/etc/passwd`. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export const PASSWD_PATH = '/etc/passwd';

/** Parses `name:password:uid:gid:gecos:home:shell` lines; skips comments and malformed lines. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length < 7) continue;
    const [name, , uidText, gidText, , home, shell] = fields as [string, string, string, string, string, string, string];
    const uid = Number(uidText);
    const gid = Number(gidText);
    if (name === '' || !/^\d+$/.test(uidText) || !/^\d+$/.test(gidText)) continue;
    entries.push({ name, uid, gid, home, shell });
  }
  return entries;
}

/** The account called `name`, or null when `/etc/passwd` has none. */
export async function lookupUserByName(name: string, path = PASSWD_PATH): Promise<PasswdEntry | null> {
  return parsePasswd(await readFile(path, 'utf8')).find((entry) => entry.name === name) ?? null;
}

/** The first account with `uid`, or null. */
export async function lookupUserByUid(uid: number, path = PASSWD_PATH): Promise<PasswdEntry | null> {
  return parsePasswd(await readFile(path, 'utf8')).find((entry) => entry.uid === uid) ?? null;
}
