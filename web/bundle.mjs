// The one-file page: dist/web/synapse-lab.html, for a classroom without a
// network. A page opened from file:// cannot fetch, so the JS glue and the
// .wasm (base64) go inside it. Usage: node web/bundle.mjs dist/web
import { readFileSync, writeFileSync, renameSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";

const dir = process.argv[2] ?? "dist/web";
const read = (f) => readFileSync(join(dir, f), "utf8");
const html = read("index.html");
let glue = read("synapse-lab.js");
const wasm = readFileSync(join(dir, "synapse-lab_bg.wasm"));

// Snippets the glue imports (a crate's inline JS): each becomes a module
// of its own, imported from a blob: URL, since an inline script cannot
// import from files.
const snippets = [];
glue = glue.replace(/^import\s*(\{[^}]*\}|\*\s+as\s+\w+)\s*from\s*['"](\.\/snippets\/[^'"]+)['"];?$/gm, (_, names, path) => {
  const file = join(dir, path);
  if (!existsSync(file)) throw new Error(`${file}: the glue imports it, and it is missing`);
  const i = snippets.length;
  snippets.push(`const __snippet${i} = await import(URL.createObjectURL(new Blob([${JSON.stringify(readFileSync(file, "utf8"))}], { type: "text/javascript" })));`);
  const bind = names.startsWith("*") ? `const ${names.split(/\s+as\s+/)[1]} = __snippet${i};` : `const ${names.replace(/\s+as\s+/g, ": ")} = __snippet${i};`;
  return bind;
});
if (/^import\s/m.test(glue)) throw new Error("the glue imports something this bundler does not inline");
// The glue's exports become the module's own names.
glue = glue
  .replace(/^export\s+(function|class|const|let|async function)\s/gm, "$1 ")
  .replace(/^export\s*\{[^}]*\};?$/gm, "")
  .replace(/^export\s+default\s+\w+;?$/gm, "");
if (/^export\s/m.test(glue)) throw new Error("an export of the glue was left: the bundler needs updating");

const exports = ["isReady", "stateHash", "cue", "send", "replay", "bench"];
for (const name of exports) {
  if (!new RegExp(`^function ${name}\\(`, "m").test(glue)) throw new Error(`the glue has no function ${name}`);
}
const load = [
  ...snippets,
  glue,
  `const lab = { ${exports.join(", ")} };`,
  "const init = __wbg_init;",
  `const wasmSource = { module_or_path: Uint8Array.from(atob("${wasm.toString("base64")}"), (c) => c.charCodeAt(0)) };`,
].join("\n");

const start = html.indexOf("// @@LOAD");
const end = html.indexOf("// @@END LOAD");
if (start < 0 || end < 0) throw new Error("index.html lost its @@LOAD markers");
const page = html.slice(0, start) + load + "\n" + html.slice(end + "// @@END LOAD".length);
const out = join(dir, "synapse-lab.html");
// Written whole or not at all.
writeFileSync(out + ".part", page);
renameSync(out + ".part", out);
console.log(`${out}: ${(page.length / 1e6).toFixed(1)} MB`);
