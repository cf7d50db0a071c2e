// Transfer size of the built bundle: every file of dist/, raw, gzip -9 and brotli (quality 11),
// as a Markdown table: the first load, then what loads on first use of the editor (the Python
// interpreter's worker; see LAZY in scripts/service-worker.mjs). Usage:
// node scripts/bundle-size.mjs [dist]
import { readdir, readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { LAZY } from './service-worker.mjs';

const dir = process.argv[2] ?? 'dist';
const kinds = ['.wasm', '.js', '.css', '.html', '.svg'];
// Every file of the bundle, the loader's snippets (snippets/…) included.
async function list(sub) {
  const out = [];
  for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
    const path = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await list(path)));
    else if (kinds.includes(extname(entry.name))) out.push(path);
  }
  return out;
}
const files = (await list('')).sort();
const lazy = (file) => LAZY.some((prefix) => file.startsWith(prefix));

function table(title, chosen) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  console.log(`| ${title} | raw B | gzip -9 B | brotli 11 B |`);
  console.log('|---|---:|---:|---:|');
  return Promise.all(chosen.map((file) => readFile(join(dir, file)))).then((bodies) => {
    bodies.forEach((body, i) => {
      const sizes = {
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
        brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
      for (const k of Object.keys(total)) total[k] += sizes[k];
      console.log(`| ${chosen[i].replace(/-[0-9a-f]{16}/g, '')} | ${sizes.raw.toLocaleString('en')} | ${sizes.gzip.toLocaleString('en')} | ${sizes.brotli.toLocaleString('en')} |`);
    });
    console.log(`| **all of it** | ${total.raw.toLocaleString('en')} | ${total.gzip.toLocaleString('en')} | ${total.brotli.toLocaleString('en')} |`);
  });
}

await table('first load: file', files.filter((f) => !lazy(f)));
console.log();
await table('on first use of the editor: file', files.filter(lazy));
