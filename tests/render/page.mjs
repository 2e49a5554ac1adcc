// Writes the page Chromium opens: the two exports as data, markdown-it and mermaid from node_modules
// and check.js, all as file:// URLs, so the browser needs no server and no network.
// Usage: node page.mjs <hostile.md> <benign.md> <out.html>
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const [hostilePath, benignPath, outPath] = process.argv.slice(2);
if (!outPath) {
    console.error('usage: node page.mjs <hostile.md> <benign.md> <out.html>');
    process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const url = (...parts) => pathToFileURL(join(here, ...parts)).href;
const docs = {hostile: readFileSync(hostilePath, 'utf8'), benign: readFileSync(benignPath, 'utf8')};
// Inside <script>, "</script>" in the data would end the element: escape every "<" in the JSON.
const data = JSON.stringify(docs).replace(/</g, '\\u003c');
writeFileSync(outPath, `<!doctype html>
<html><head><meta charset="utf-8"><title>hindsight render check</title></head>
<body>
<script>window.DOCS = ${data};</script>
<script src="${url('node_modules', 'markdown-it', 'dist', 'browser', 'markdown-it.umd.min.js')}"></script>
<script src="${url('node_modules', 'mermaid', 'dist', 'mermaid.min.js')}"></script>
<script src="${url('check.js')}"></script>
</body></html>
`);
