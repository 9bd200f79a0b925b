import { readFileSync } from 'node:fs';

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

/*
 * The lookups read the file synchronously: it is a few KB on a local disk, read in microseconds,
 * where an asynchronous read costs four thread-pool round trips (open, stat, read, close) before
 * every script starts. They throw when the file cannot be read.
 */

/** The account called `name`, or null when `/etc/passwd` has none. */
export function lookupUserByName(name: string, path = PASSWD_PATH): PasswdEntry | null {
  return parsePasswd(readFileSync(path, 'utf8')).find((entry) => entry.name === name) ?? null;
}

/** The first account with `uid`, or null. */
export function lookupUserByUid(uid: number, path = PASSWD_PATH): PasswdEntry | null {
  return parsePasswd(readFileSync(path, 'utf8')).find((entry) => entry.uid === uid) ?? null;
}
