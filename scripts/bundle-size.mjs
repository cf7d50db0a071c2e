// Transfer size of the built bundle: every file of dist/, raw, gzip -9 and brotli (quality 11),
// as a Markdown table. Usage: node scripts/bundle-size.mjs [dist]
import { readdir, readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const files = (await readdir(dir)).filter((f) => ['.wasm', '.js', '.css', '.html', '.svg'].includes(extname(f))).sort();
const rows = [];
const total = { raw: 0, gzip: 0, brotli: 0 };
for (const file of files) {
  const body = await readFile(join(dir, file));
  const sizes = {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  for (const k of Object.keys(total)) total[k] += sizes[k];
  rows.push(`| ${file.replace(/-[0-9a-f]{16}/, '')} | ${sizes.raw.toLocaleString('en')} | ${sizes.gzip.toLocaleString('en')} | ${sizes.brotli.toLocaleString('en')} |`);
}
console.log('| file | raw B | gzip -9 B | brotli 11 B |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`| **everything** | ${total.raw.toLocaleString('en')} | ${total.gzip.toLocaleString('en')} | ${total.brotli.toLocaleString('en')} |`);
