/**
 * An empty record for keys that come from outside (parameter names, query keys, header names):
 * without a prototype, so that a key such as `__proto__` is an entry like any other instead of
 * a prototype assignment that drops its value. JSON.stringify writes it as any object.
 */
export function openRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
