/**
 * A set of instances named by what an instance fault matches on (fault-rules.ts'
 * `matchesInstance`): any of `instanceIds`, and carrying `tag` (its key, and its value when
 * given); neither: every instance. `exceptIds` are left out whatever the rest says.
 */
export interface InstanceSelector {
  instanceIds?: readonly string[];
  tag?: { key: string; value?: string };
  exceptIds?: readonly string[];
}
