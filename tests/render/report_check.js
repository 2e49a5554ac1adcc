// Runs inside headless Chromium. window.REPORT = {markdown, shows, crowd}: the Markdown of `hindsight
// report`, the pieces of hostile user text it must show as text, and the crowd mentions it must defuse.
// The Markdown is rendered with markdown-it (html: true, so raw HTML from user text would become an
// element instead of being hidden by a sanitizer) and every mermaid block with mermaid.render(). The
// Markdown source is the yardstick: its tables, headings, list items and charts must all come out whole.
// The verdict, JSON in <pre id="verdict">, lists every problem and the figures report_verdict.mjs prints.
'use strict';

// Everything markdown-it may produce from the report's Markdown and ordinary user text.
const ALLOWED = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'P', 'UL', 'OL', 'LI', 'TABLE', 'THEAD', 'TBODY',
    'TR', 'TH', 'TD', 'PRE', 'CODE', 'STRONG', 'EM', 'A', 'BR', 'BLOCKQUOTE', 'HR']);
const ALLOWED_ATTRIBUTES = {A: ['href'], CODE: ['class'], OL: ['start']};
// Tags that must never appear inside a rendered diagram: links, scripts, frames, images, HTML islands.
const SVG_FORBIDDEN = ['a', 'script', 'iframe', 'img', 'image', 'object', 'embed', 'form', 'input', 'details',
    'foreignObject'];

const squash = (s) => s.replace(/\s+/g, ' ').trim();
const count = (text, part) => text.split(part).length - 1;
const errorText = (e) => String(e && e.message ? e.message : e).split('\n').slice(0, 3).join(' ');

// mermaid_label() writes '"', '#', '%', '<', '>', '`' as mermaid's entity codes; mermaid shows them decoded.
const NAMED = {quot: '"', lt: '<', gt: '>', amp: '&', apos: "'"};
const decodeLabel = (s) => s.replace(/#(\w+);/g, (all, name) =>
    /^\d+$/.test(name) ? String.fromCharCode(Number(name)) : (NAMED[name] || all));

// The report's Markdown, read the way its writer meant it: tables (rows of cells), headings, list items
// and mermaid blocks, outside fenced code.
function sourceShape(markdown) {
    const shape = {tables: [], headings: 0, listItems: 0, mermaid: 0, fences: 0};
    let fenced = false;
    let table = null;
    // markdown-it splits a row at every "|" not escaped by a backslash, then drops the outer pipes
    // (backticks do not protect a pipe: GFM splits cells before it parses code spans).
    const cells = (line) => line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/).length;
    for (const line of markdown.split('\n')) {
        if (/^```/.test(line)) {
            if (!fenced) {
                shape.fences++;
                if (/^```mermaid\s*$/.test(line)) shape.mermaid++;
            }
            fenced = !fenced;
            table = null;
            continue;
        }
        if (fenced) continue;
        if (line.startsWith('|')) {
            if (!table) shape.tables.push(table = {header: cells(line), rows: []});
            else if (!/^\|(\s*:?-+:?\s*\|)+\s*$/.test(line)) table.rows.push(cells(line));
            continue;
        }
        table = null;
        if (/^#{1,6} /.test(line)) shape.headings++;
        if (/^- /.test(line)) shape.listItems++;
    }
    return shape;
}

// Attributes and elements of a rendered SVG that could run code or lead away from the page.
function unsafeSvg(root) {
    const found = [];
    for (const tag of SVG_FORBIDDEN) {
        const n = root.getElementsByTagName(tag).length;
        if (n) found.push(`the diagram holds ${n} <${tag}>`);
    }
    for (const e of root.querySelectorAll('*'))
        for (const a of e.attributes)
            if (/^on/i.test(a.name) || /javascript:/i.test(a.value) || /(^|:)href$/i.test(a.name))
                found.push(`the diagram has ${e.tagName}[${a.name}=${a.value.slice(0, 40)}]`);
    return found;
}

// A pie: one slice path per '"label" : value' line, and a legend that reads "label [value]".
function checkPie(source, root, d) {
    const title = d.title;
    d.paths = root.querySelectorAll('path.pieCircle').length;
    if (d.values === 0) d.errors.push('the pie has no "label" : value line');
    if (d.paths !== d.values) d.errors.push(`the pie draws ${d.paths} slices for ${d.values} "label" : value lines`);
    const shown = squash((root.querySelector('.pieTitleText') || {textContent: ''}).textContent);
    if (shown !== title) d.errors.push(`the pie is titled "${shown}" instead of "${title}"`);
    const legend = [...root.querySelectorAll('g.legend text')].map((t) => squash(t.textContent)).sort();
    const expected = Object.entries(d.slices).map(([l, v]) => squash(`${l} [${v}]`)).sort();
    if (legend.join('\n') !== expected.join('\n'))
        d.errors.push(`the pie's legend reads ${JSON.stringify(legend)}, not ${JSON.stringify(expected)}`);
}

// The xychart: one bar plot per "bar [...]" line, one rect per value, drawn to scale from a zero axis.
function checkBars(source, root, d) {
    const series = d.series;
    const xs = [...((/^\s*x-axis\s*\[([^\]]*)\]/m.exec(source) || [])[1] || '').matchAll(/"([^"]*)"/g)]
        .map((m) => m[1]);
    d.bars = 0;
    if (series.length === 0) d.errors.push('the xychart has no "bar [...]" line');
    const drawn = [];
    series.forEach((values, i) => {
        const rects = [...root.querySelectorAll(`g.bar-plot-${i} > rect`)];
        d.bars += rects.length;
        if (values.some((v) => !Number.isFinite(v))) d.errors.push(`bar line ${i + 1} holds a non-number`);
        if (values.length !== xs.length) d.errors.push(`bar line ${i + 1} has ${values.length} values, ${xs.length} labels`);
        if (rects.length !== values.length)
            d.errors.push(`bar line ${i + 1} draws ${rects.length} bars for ${values.length} values`);
        rects.forEach((r, j) => drawn.push({v: values[j], y: Number(r.getAttribute('y')),
            h: Number(r.getAttribute('height'))}));
    });
    if (root.querySelector(`g.bar-plot-${series.length}`)) d.errors.push('the xychart draws more bar plots than bar lines');
    if (drawn.some((b) => !Number.isFinite(b.y) || !Number.isFinite(b.h) || b.h < 0))
        d.errors.push('a bar has no numeric position or height');
    const labels = [...root.querySelectorAll('g.bottom-axis g.label text')].map((t) => squash(t.textContent));
    if (labels.join('|') !== xs.join('|')) d.errors.push(`the x axis reads ${labels.join(', ')}, not ${xs.join(', ')}`);
    // To scale: a bar's top is linear in its value, the y axis starts at 0 and a 0 is (nearly) no bar.
    const valued = drawn.filter((b) => Number.isFinite(b.v));
    const lo = valued.reduce((a, b) => (b.v < a.v ? b : a), valued[0]);
    const hi = valued.reduce((a, b) => (b.v > a.v ? b : a), valued[0]);
    if (lo && hi && hi.v > lo.v) {
        const perUnit = (lo.y - hi.y) / (hi.v - lo.v);
        for (const b of valued)
            if (Math.abs(lo.y - (b.v - lo.v) * perUnit - b.y) > 1)
                d.errors.push(`the bar of ${b.v} is drawn out of scale (top at ${b.y.toFixed(1)})`);
    }
    const ticks = [...root.querySelectorAll('g.left-axis g.label text')].map((t) => Number(t.textContent));
    if (ticks.length && Math.min(...ticks) > 0)
        d.errors.push(`the y axis starts at ${Math.min(...ticks)}, not 0: the bars are not to scale`);
    const tallest = Math.max(0, ...drawn.map((b) => b.h));
    const zeros = valued.filter((b) => b.v === 0 && (hi.v === 0 || b.h > 0.05 * tallest));
    if (zeros.length)
        d.errors.push(`${zeros.length} bar(s) of 0 drawn up to ${Math.max(...zeros.map((b) => b.h)).toFixed(0)}px ` +
            `tall${hi.v === 0 ? ' (every value is 0)' : ''}`);
}

async function renderMermaid(source, id) {
    const d = {kind: (/^\s*([\w-]+)/.exec(source) || [])[1] || '', errors: []};
    // What the source says the chart shows, read before rendering so that a failed chart still reports it.
    if (d.kind === 'pie') {
        d.title = (/^pie(?: showData)? title (.*)$/m.exec(source) || [])[1] || '';
        d.slices = {};
        d.values = 0;
        for (const [, label, value] of source.matchAll(/^\s*"([^"]*)"\s*:\s*(\d+(?:\.\d+)?)\s*$/gm)) {
            // mermaid keeps the first of two slices with one label: the second one's count would be lost
            if (decodeLabel(label) in d.slices) d.errors.push(`two slices are labelled "${decodeLabel(label)}"`);
            d.slices[decodeLabel(label)] = Number(value);
            d.values++;
        }
        d.paths = 0;
    }
    if (d.kind === 'xychart-beta') {
        d.series = [...source.matchAll(/^\s*bar\s*\[([^\]]*)\]\s*$/gm)].map((m) => m[1].split(',').map(Number));
        d.bars = 0;
    }
    // A directive from user text would change the renderer's configuration (theme, securityLevel, …).
    if (/%%\s*\{/.test(source)) d.errors.push('the mermaid source holds a %%{…}%% directive');
    if (/^\s*%%/m.test(source)) d.errors.push('the mermaid source holds a %% comment line');
    try {
        await window.mermaid.parse(source);
        const {svg} = await window.mermaid.render(id, source);
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        if (doc.querySelector('parsererror')) d.errors.push('the SVG does not parse');
        const root = doc.documentElement;
        const role = root.getAttribute('aria-roledescription') || '';
        if (/error/i.test(role) || root.querySelector('.error-icon, .error-text'))
            d.errors.push('mermaid drew its error diagram');
        d.errors.push(...unsafeSvg(root));
        if (d.kind === 'pie') checkPie(source, root, d);
        else if (d.kind === 'xychart-beta') checkBars(source, root, d);
        else d.errors.push(`a diagram of a kind this check does not know: ${d.kind} (${role})`);
    } catch (e) {
        d.errors.push(`mermaid: ${errorText(e)}`);
    }
    return d;
}

async function main() {
    const verdict = {pass: false, reasons: [], stats: {}};
    const fail = (r) => {
        if (verdict.reasons.length < 60) verdict.reasons.push(r);
    };
    window.mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
    const {markdown, shows, crowd} = window.REPORT;
    const source = sourceShape(markdown);
    const html = window.markdownit({html: true, linkify: true}).render(markdown);
    // DOMParser builds an inert document: no script runs and no image loads, whatever the HTML holds.
    const body = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;

    // 1. No element, attribute or link beyond what the report's own Markdown produces.
    for (const e of body.querySelectorAll('*')) {
        if (!ALLOWED.has(e.tagName)) fail(`<${e.tagName.toLowerCase()}> element from user text`);
        for (const a of e.attributes)
            if (!(ALLOWED_ATTRIBUTES[e.tagName] || []).includes(a.name))
                fail(`<${e.tagName.toLowerCase()} ${a.name}> attribute from user text`);
        if (e.tagName === 'A' && !/^https?:/i.test(e.getAttribute('href') || ''))
            fail(`a link to ${(e.getAttribute('href') || '').slice(0, 40)}`);
        if (e.tagName === 'CODE' && e.className && e.className !== 'language-mermaid')
            fail(`a code block of class ${e.className}`);
    }

    // 2. Every table whole: as many tables, rows and cells as the Markdown wrote, every row as wide as its
    // header (markdown-it pads a short row and drops a long row's extra cells, so both are checked).
    const tables = [...body.getElementsByTagName('TABLE')];
    let rows = 0;
    let cells = 0;
    if (tables.length !== source.tables.length)
        fail(`${tables.length} table(s) rendered, the Markdown has ${source.tables.length}`);
    source.tables.forEach((t, i) => {
        t.rows.forEach((n, j) => {
            if (n !== t.header) fail(`table ${i + 1}, row ${j + 1} is written with ${n} cells under ${t.header} headers`);
        });
        const rendered = tables[i];
        if (!rendered) return;
        const head = rendered.querySelectorAll('thead > tr');
        const body_rows = [...rendered.querySelectorAll('tbody > tr')];
        const headers = head.length === 1 ? head[0].querySelectorAll('th').length : -1;
        if (headers !== t.header) fail(`table ${i + 1} renders ${headers} header cells, the Markdown has ${t.header}`);
        if (body_rows.length !== t.rows.length)
            fail(`table ${i + 1} renders ${body_rows.length} rows, the Markdown has ${t.rows.length}`);
        body_rows.forEach((tr, j) => {
            const n = tr.querySelectorAll('td').length;
            if (n !== headers) fail(`table ${i + 1}, row ${j + 1} renders ${n} cells under ${headers} headers`);
            if (tr.querySelector('th')) fail(`table ${i + 1}, row ${j + 1} holds a header cell`);
        });
        rows += body_rows.length + head.length;
        cells += rendered.querySelectorAll('td, th').length;
    });
    if (tables.length < 5) fail(`only ${tables.length} table(s): the report has several, the check would prove little`);

    // 3. The rest of the structure as written: no heading, list item or code block made or lost by user text.
    const headings = body.querySelectorAll('h1, h2, h3, h4, h5, h6').length;
    if (headings !== source.headings) fail(`${headings} headings rendered, the Markdown has ${source.headings}`);
    const items = body.getElementsByTagName('LI').length;
    if (items !== source.listItems) fail(`${items} list items rendered, the Markdown has ${source.listItems}`);
    const blocks = [...body.getElementsByTagName('PRE')];
    if (blocks.length !== source.fences) fail(`${blocks.length} code blocks rendered, the Markdown has ${source.fences}`);
    const mermaid = blocks.map((p) => p.querySelector('code.language-mermaid')).filter(Boolean).map((c) => c.textContent);
    if (mermaid.length !== source.mermaid || mermaid.length !== blocks.length)
        fail(`${mermaid.length} mermaid block(s) among ${blocks.length} code blocks, the Markdown has ${source.mermaid}`);

    // 4. The hostile text shows as typed, once it was defused of crowd mentions; none of it went missing.
    const clone = body.cloneNode(true);
    for (const pre of clone.querySelectorAll('pre')) pre.remove();
    const text = squash(clone.textContent);
    for (const s of shows) if (count(text, s) === 0) fail(`the text ${JSON.stringify(s)} does not show`);
    for (const c of crowd) if (text.includes(c)) fail(`the report notifies ${c}`);

    // 5. Every diagram drawn without error, safe, and the kinds the report writes there.
    const diagrams = [];
    for (let i = 0; i < mermaid.length; i++) {
        const d = await renderMermaid(mermaid[i], `report${i}`);
        for (const e of d.errors) fail(`diagram ${i + 1} (${d.kind}${d.title ? ` "${d.title}"` : ''}): ${e}`);
        delete d.errors;
        diagrams.push(d);
    }
    const pies = diagrams.filter((d) => d.kind === 'pie');
    const charts = diagrams.filter((d) => d.kind === 'xychart-beta');
    if (pies.length === 0) fail('no pie chart: the check would prove little');
    if (charts.length !== 1) fail(`${charts.length} xychart(s) instead of 1`);
    if (charts.some((c) => (c.series || []).length !== 2)) fail('the xychart does not have two bar lines');

    verdict.stats = {
        tables: tables.length,
        rows,
        cells,
        headings,
        list_items: items,
        diagrams: diagrams.length,
        pies: pies.map((p) => ({title: p.title, slices: p.slices, paths: p.paths})),
        xycharts: charts.map((c) => ({series: c.series, bars: c.bars})),
    };
    verdict.pass = verdict.reasons.length === 0;
    return verdict;
}

function publish(verdict) {
    const pre = document.createElement('pre');
    pre.id = 'verdict';
    // Only ASCII without markup characters, so the dumped DOM carries the JSON unchanged.
    pre.textContent = JSON.stringify(verdict).replace(/[^\x20-\x7e]|[<>&]/g,
        (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    document.body.appendChild(pre);
}

main().then(publish, (e) => publish({pass: false, reasons: [`the check itself failed: ${e && e.stack || e}`]}));
