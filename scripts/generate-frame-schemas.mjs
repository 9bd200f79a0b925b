// Writes shared/frame-json-schemas.ts: the JSON Schemas of the frames the agent checks, generated
// from the zod schemas in shared/protocol.ts (their one home). Run after `npm run build`:
//   node scripts/generate-frame-schemas.mjs
// test/unit/frame-json-schemas.test.ts fails while the file is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const { frameJsonSchemasSource } = await import(join(root, 'dist/shared/frame-json-schemas-source.js'));
const out = join(root, 'shared/frame-json-schemas.ts');
writeFileSync(out, frameJsonSchemasSource());
console.log(`wrote ${out}`);
