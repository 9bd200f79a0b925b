import type Database from 'better-sqlite3';

/**
 * The counted tables as the listings filter them: by region, by kind (instances), registered
 * only and connected (instances), with tags (all but the runs).
 */
const COUNTED = [
  { table: 'invocations', byKind: false, registeredOnly: false, connected: false, tags: true },
  { table: 'instances', byKind: true, registeredOnly: true, connected: true, tags: true },
  { table: 'activations', byKind: false, registeredOnly: false, connected: false, tags: true },
  { table: 'file_invocations', byKind: false, registeredOnly: false, connected: false, tags: true },
  { table: 'instance_runs', byKind: false, registeredOnly: false, connected: false, tags: false },
] as const;

const keyOf = (...parts: Array<string | number | null>): string => parts.join('|');

/** The `row_counts` table as stored, `tbl|facet|region|kind|key|value` → n (a counter at 0 is no counter). */
export function storedCounts(db: Database.Database): Record<string, number> {
  const rows = db.prepare('SELECT tbl, facet, region_id, kind, tag_key, tag_value, n FROM row_counts WHERE n <> 0').all() as Array<{
    tbl: string; facet: string; region_id: string; kind: string; tag_key: string; tag_value: string; n: number;
  }>;
  return Object.fromEntries(rows.map((r) => [keyOf(r.tbl, r.facet, r.region_id, r.kind, r.tag_key, r.tag_value), r.n]));
}

/**
 * The same counters recounted from the rows and the tags table here, in JS (not by the store's
 * SQL): what a COUNT(*) of each region / kind / tag listing gives. Zero counters are absent.
 */
export function recountedCounts(db: Database.Database): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const spec of COUNTED) {
    const columns = ['id', 'region_id', ...(spec.byKind ? ['kind'] : []), ...(spec.registeredOnly ? ['deregistered'] : []), ...(spec.connected ? ['connected'] : [])];
    const parents = db.prepare(`SELECT ${columns.join(', ')} FROM ${spec.table}`).all() as Array<{
      id: string; region_id: string | null; kind?: string | null; deregistered?: number | null; connected?: number;
    }>;
    const scopes = new Map<string, { region: string; kind: string }>();
    for (const p of parents) {
      if (p.region_id === null || (spec.byKind && (p.kind ?? null) === null) || (spec.registeredOnly && p.deregistered !== 0)) continue;
      const scope = { region: p.region_id, kind: spec.byKind ? (p.kind ?? '') : '' };
      scopes.set(p.id, scope);
      bump(keyOf(spec.table, 'rows', scope.region, scope.kind, '', ''));
      if (spec.connected && p.connected === 1) bump(keyOf(spec.table, 'connected', scope.region, scope.kind, '', ''));
    }
    if (!spec.tags) continue;
    const tags = db.prepare('SELECT id, tag_key, tag_value FROM tags WHERE kind = ?').all(spec.table) as Array<{ id: string; tag_key: string; tag_value: string }>;
    for (const t of tags) {
      const scope = scopes.get(t.id);
      if (!scope) continue;
      bump(keyOf(spec.table, 'tag', scope.region, scope.kind, t.tag_key, t.tag_value));
      bump(keyOf(spec.table, 'tag_key', scope.region, scope.kind, t.tag_key, ''));
    }
  }
  return counts;
}
