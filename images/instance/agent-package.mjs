// Writes a trimmed package.json for the instance image: only the agent's runtime dependencies
// (the root package.json's `agentDependencies`, with their versions from `dependencies`), so the
// image does not install the control plane's heavy ones (better-sqlite3, ...). dockerode is an
// agent dependency too: ContainerId / ContainerName tasks run through the Docker Engine API.
// Usage: node agent-package.mjs <root package.json> <output package.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [src = 'package.json', out = 'package.json'] = process.argv.slice(2);
const root = JSON.parse(readFileSync(src, 'utf8'));
const names = root.agentDependencies;
if (!Array.isArray(names) || names.length === 0) {
  throw new Error(`${src}: "agentDependencies" must be a non-empty array of dependency names`);
}
const dependencies = {};
for (const name of names) {
  const version = root.dependencies?.[name];
  if (!version) throw new Error(`${src}: agent dependency "${name}" is not listed in "dependencies"`);
  dependencies[name] = version;
}
const trimmed = { name: root.name, version: root.version, private: true, type: root.type, dependencies };
writeFileSync(out, JSON.stringify(trimmed, null, 2) + '\n');
console.log(`agent dependencies: ${Object.entries(dependencies).map(([n, v]) => `${n}@${v}`).join(', ')}`);
