#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, then in an empty project `npm install` of that
# tarball with the examples' dev dependencies (vitest, jest, testcontainers, the official SDK),
# a typecheck of the vitest example against the shipped types, and the examples' tests
# (examples/vitest: in process and in Docker; examples/jest: in process).
# Needs `npm run build` and, for the Docker example, the images (scripts/build-images.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
say() { echo "casim: package: $*"; }
die() { echo "casim: package: error: $*" >&2; exit 1; }

[ -f dist/testkit/index.js ] && [ -f dist/testkit/index.d.ts ] || die "dist/ is not built (npm run build)"
work=$(mktemp -d /tmp/casim-package.XXXXXX)
[ -n "${CASIM_KEEP_PACKAGE_TEST:-}" ] || trap 'rm -rf "$work"' EXIT

# --- 1. the tarball and what is in it ------------------------------------------------------------
tarball=$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$tarball" ] || die "npm pack made no tarball"
tar -tzf "$tarball" | sed 's#^package/##' | LC_ALL=C sort >"$work/contents.txt"
for wanted in package.json README.md dist/cli/casim.js dist/testkit/index.js dist/testkit/index.d.ts \
    dist/testkit/testcontainers/index.js dist/testkit/testcontainers/index.d.ts dist/agent/agent.js \
    dist/controlplane/server.d.ts images/server/Dockerfile images/instance/Dockerfile compose.yaml; do
  grep -qxF "$wanted" "$work/contents.txt" || die "the tarball lacks $wanted"
done
if grep -E '^(test|bench|dist/test|dist/bench|node_modules)/|\.map$|^[^d].*\.ts$|ca-bundle\.crt$' "$work/contents.txt"; then
  die "the tarball carries files a user does not need (listed above)"
fi
say "$(basename "$tarball"): $(wc -l <"$work/contents.txt") files, $(du -k "$tarball" | cut -f1) KiB"

# --- 2. an empty project: the tarball plus the examples' dev dependencies -------------------------
project=$work/project
mkdir -p "$project/vitest" "$project/jest"
cp examples/vitest/*.ts examples/vitest/tsconfig.json "$project/vitest/"
cp examples/jest/*.mjs "$project/jest/"
# The README's example test, exactly as printed (the first ts block of "Use it in your tests").
node -e '
  const text = require("node:fs").readFileSync("README.md", "utf8");
  const section = text.slice(text.indexOf("## Use it in your tests"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) process.exit(1);
  process.stdout.write("// From README.md, \"Use it in your tests\".\n" + block[1]);
' >"$project/vitest/readme-example.test.ts" || die "README.md has no ts example under \"Use it in your tests\""
node - "$project/package.json" examples/vitest/package.json examples/jest/package.json <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const [out, ...examples] = process.argv.slice(2);
const devDependencies = {};
let jest;
for (const file of examples) {
  const example = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(devDependencies, example.devDependencies);
  jest ??= example.jest;
}
delete devDependencies['cloud-assistant-sim']; // the tarball instead
writeFileSync(out, JSON.stringify({ name: 'casim-package-test', private: true, type: 'module', jest, devDependencies }, null, 2));
JS
say "npm install $(basename "$tarball") and $(node -p "Object.keys(require('$project/package.json').devDependencies).join(', ')")"
start=$SECONDS
(cd "$project" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" >"$work/npm-install.log" 2>&1) \
  || { tail -n 40 "$work/npm-install.log" >&2; die "npm install failed"; }
say "installed in $((SECONDS - start)) s"
node -e "const p=require('$project/node_modules/cloud-assistant-sim/package.json'); if (p.version !== require('$ROOT/package.json').version) process.exit(1)" \
  || die "the installed cloud-assistant-sim is not the packed one"

# --- 3. the examples -----------------------------------------------------------------------------
cd "$project"
say "typecheck of examples/vitest against the shipped types"
npx --no-install tsc -p vitest/tsconfig.json
say "examples/vitest"
npx --no-install vitest run vitest/
say "examples/jest"
node --experimental-vm-modules node_modules/jest/bin/jest.js jest/
say "ok"
