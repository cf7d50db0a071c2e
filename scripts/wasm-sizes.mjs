// Where the bytes of the WebAssembly bundle go: code size per crate (from the name section of
// a build that keeps function names) and the largest functions. Reads the page's .wasm (write-through-lab…) in the
// directory given. Usage: node scripts/wasm-sizes.mjs <dist-dir> [top=15]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const top = Number(process.argv[3] ?? 15);
const file = readdirSync(dir).find((x) => x.startsWith('write-through-lab') && x.endsWith('.wasm'));
const b = readFileSync(join(dir, file));
let p = 8; // past the magic number and version
const leb = () => {
  let r = 0;
  let s = 0;
  let x;
  do {
    x = b[p++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return r;
};
const skipLimits = () => {
  const flags = leb();
  leb();
  if (flags & 1) leb();
};
let imports = 0;
const bodies = [];
const names = new Map();
let data = 0;
while (p < b.length) {
  const id = b[p++];
  const size = leb();
  const end = p + size;
  if (id === 2) {
    // Imported functions come first in the function index space.
    for (let n = leb(); n > 0; n -= 1) {
      const skip = (n) => {
        p += n;
      };
      skip(leb()); // module name
      skip(leb()); // field name
      const kind = b[p++];
      if (kind === 0) {
        leb();
        imports += 1;
      } else if (kind === 1) {
        p += 1;
        skipLimits();
      } else if (kind === 2) skipLimits();
      else if (kind === 3) p += 2;
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n -= 1) {
      const s = leb();
      bodies.push(s);
      p += s;
    }
  } else if (id === 11) data += size;
  else if (id === 0) {
    const len = leb();
    const name = b.subarray(p, p + len).toString();
    p += len;
    if (name === 'name') {
      while (p < end) {
        const sub = b[p++];
        const subSize = leb();
        const subEnd = p + subSize;
        if (sub === 1) {
          for (let n = leb(); n > 0; n -= 1) {
            const index = leb();
            const l = leb();
            names.set(index, b.subarray(p, p + l).toString());
            p += l;
          }
        }
        p = subEnd;
      }
    }
  }
  p = end;
}
if (names.size === 0) {
  console.error(`${file} has no function names: build it with data-keep-debug and without wasm-opt`);
  process.exit(1);
}
const code = bodies.reduce((a, x) => a + x, 0);
const crateOf = (name) => name.match(/^<*([a-z_][a-z_0-9]*)(?:\[[0-9a-f]+\])?::/)?.[1] ?? '(other)';
const byCrate = new Map();
bodies.forEach((s, i) => {
  const c = crateOf(names.get(i + imports) ?? '');
  byCrate.set(c, (byCrate.get(c) ?? 0) + s);
});
console.log('| part of the wasm (before wasm-opt) | bytes | share |');
console.log('|---|---:|---:|');
const row = (label, bytes) => console.log(`| ${label} | ${bytes.toLocaleString('en')} | ${((100 * bytes) / (code + data)).toFixed(1)} % |`);
row('data (strings, tables)', data);
for (const [c, s] of [...byCrate].sort((x, y) => y[1] - x[1]).slice(0, top)) row(`code: ${c}`, s);
console.log();
console.log('| largest functions | bytes |');
console.log('|---|---:|');
bodies
  .map((s, i) => [s, names.get(i + imports) ?? '?'])
  .sort((x, y) => y[0] - x[0])
  .slice(0, top)
  .forEach(([s, n]) => console.log(`| \`${n.replace(/::h[0-9a-f]{16}$/, '').replaceAll('|', '\\|').slice(0, 100)}\` | ${s.toLocaleString('en')} |`));
