// Runs inside headless Chromium. window.DOCS = {hostile, benign}: two exports of the same incident, one
// with hostile text in every user field and one with only the markers. Both are rendered with markdown-it
// (html: true, so raw HTML from user text would become an element instead of being hidden by a
// sanitizer) and every mermaid block with mermaid.render(). The verdict, JSON in <pre id="verdict">,
// lists every way the hostile document's structure differs from the benign one's.
'use strict';

// Block-level tags: their sequence is the document's structure, and user text must not change it.
const BLOCK = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'P', 'UL', 'OL', 'LI', 'TABLE', 'THEAD', 'TBODY',
    'TR', 'TH', 'TD', 'PRE', 'BLOCKQUOTE', 'HR']);
// Everything markdown-it may produce from the exporter's Markdown and ordinary user text.
const ALLOWED = new Set([...BLOCK, 'STRONG', 'EM', 'CODE', 'A', 'BR']);
const ALLOWED_ATTRIBUTES = {A: ['href'], CODE: ['class'], OL: ['start']};
// Tags that must never appear inside a rendered diagram: links, scripts, frames, images.
const SVG_FORBIDDEN = ['a', 'script', 'iframe', 'img', 'image', 'object', 'embed', 'form', 'input', 'details'];
const MARKER = /QX\d\dQ/g;

const squash = (s) => s.replace(/\s+/g, ' ').trim();
const count = (text, part) => text.split(part).length - 1;
const markerCounts = (text) => {
    const counts = {};
    for (const m of text.match(MARKER) || []) counts[m] = (counts[m] || 0) + 1;
    return counts;
};

// An element's own text, without the blocks nested in it (a list item's sub-list).
function ownText(e) {
    const clone = e.cloneNode(true);
    for (const inner of [...clone.querySelectorAll('*')].filter((x) => BLOCK.has(x.tagName))) inner.remove();
    return squash(clone.textContent);
}

function blocks(root) {
    return [...root.querySelectorAll('*')].filter((e) => BLOCK.has(e.tagName));
}

// What one document renders to: its block sequence, inline emphasis counts, text and mermaid sources.
function analyse(markdown) {
    const md = window.markdownit({html: true, linkify: true});
    const html = md.render(markdown);
    // DOMParser builds an inert document: no script runs and no image loads, whatever the HTML holds.
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
    const body = doc.body;
    const mermaid = [...body.querySelectorAll('pre > code')]
        .filter((c) => c.classList.contains('language-mermaid'))
        .map((c) => c.textContent);
    const codeBlocks = body.querySelectorAll('pre').length;
    // Marker counts come from the text outside code blocks (the diagram is checked on its own).
    const clone = body.cloneNode(true);
    for (const pre of clone.querySelectorAll('pre')) pre.remove();
    return {
        body,
        html,
        mermaid,
        codeBlocks,
        text: squash(clone.textContent),
        signature: blocks(body).map((e) => e.tagName),
    };
}

// The node definitions the exporter wrote: an id followed by a shape bracket at the start of a line.
function definedNodes(source) {
    const ids = new Set();
    for (const line of source.split('\n')) {
        const m = /^\s*([A-Za-z][\w-]*)\s*(\[|\(|\{|>)/.exec(line);
        if (m) ids.add(m[1]);
    }
    return ids.size;
}

async function renderMermaid(source, id) {
    const result = {source, nodes: 0, edges: 0, defined: definedNodes(source), text: '', errors: []};
    // A directive from user text would change the renderer's configuration (theme, securityLevel, …).
    if (/%%\s*\{/.test(source)) result.errors.push('the mermaid source holds a %%{…}%% directive');
    if (/^\s*%%/m.test(source)) result.errors.push('the mermaid source holds a %% comment line');
    try {
        await window.mermaid.parse(source);
        const {svg} = await window.mermaid.render(id, source);
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        if (doc.querySelector('parsererror')) result.errors.push('the SVG does not parse');
        const root = doc.documentElement;
        if (/error/i.test(root.getAttribute('aria-roledescription') || ''))
            result.errors.push('mermaid drew its error diagram');
        result.nodes = root.querySelectorAll('g.node').length;
        result.edges = root.querySelectorAll('path.flowchart-link, g.edgePaths > path').length;
        for (const style of [...root.getElementsByTagName('style')]) style.remove();  // CSS has "#333;"
        result.text = squash(root.textContent);
        for (const tag of SVG_FORBIDDEN) {
            const found = root.getElementsByTagName(tag).length;
            if (found) result.errors.push(`the diagram holds ${found} <${tag}>`);
        }
        for (const e of root.querySelectorAll('*'))
            for (const a of e.attributes)
                if (/^on/i.test(a.name) || /javascript:/i.test(a.value))
                    result.errors.push(`the diagram has ${e.tagName}[${a.name}=${a.value.slice(0, 40)}]`);
        if (root.querySelector('.clickable')) result.errors.push('a node of the diagram is clickable');
        // The escapes (#quot; …) are decoded by mermaid; one left visible was escaped twice.
        result.escapes = result.text.match(/#(quot|lt|gt|amp|\d+);/g) || [];
    } catch (e) {
        result.errors.push(`mermaid: ${String(e && e.message ? e.message : e).split('\n').slice(0, 3).join(' ')}`);
    }
    return result;
}

async function main() {
    const verdict = {pass: false, reasons: [], stats: {}};
    const fail = (r) => {
        if (verdict.reasons.length < 60) verdict.reasons.push(r);
    };
    window.mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
    const hostile = analyse(window.DOCS.hostile);
    const benign = analyse(window.DOCS.benign);

    // 1. No element, attribute or link beyond what the exporter's own Markdown produces.
    for (const e of hostile.body.querySelectorAll('*')) {
        if (!ALLOWED.has(e.tagName)) fail(`<${e.tagName.toLowerCase()}> element from user text`);
        for (const a of e.attributes)
            if (!(ALLOWED_ATTRIBUTES[e.tagName] || []).includes(a.name))
                fail(`<${e.tagName.toLowerCase()} ${a.name}> attribute from user text`);
        if (e.tagName === 'A' && !/^(https?:|mailto:)/i.test(e.getAttribute('href') || ''))
            fail(`a link to ${(e.getAttribute('href') || '').slice(0, 40)}`);
        if (e.tagName === 'CODE' && e.className && e.className !== 'language-mermaid')
            fail(`a code block of class ${e.className}`);
    }

    // 2. The same blocks in the same order: headings, paragraphs, lists, tables, rows and cells.
    const hs = hostile.signature.join(' ');
    const bs = benign.signature.join(' ');
    if (hs !== bs) {
        let i = 0;
        while (i < hostile.signature.length && hostile.signature[i] === benign.signature[i]) i++;
        const hb = blocks(hostile.body)[i];
        fail(`the block structure differs at block ${i}: ${hostile.signature[i] || 'end'} instead of ` +
            `${benign.signature[i] || 'end'} (${squash(hb ? hb.textContent : '').slice(0, 80)})`);
    }
    for (const tag of ['STRONG', 'EM', 'BLOCKQUOTE', 'HR']) {
        const h = hostile.body.getElementsByTagName(tag).length;
        const b = benign.body.getElementsByTagName(tag).length;
        if (h !== b) fail(`${h} <${tag.toLowerCase()}> instead of ${b}`);
    }
    // Every heading and cell keeps the exporter's words around the user text ("Factor 1: ", "📝 ", …).
    const hb = blocks(hostile.body);
    const bb = blocks(benign.body);
    if (hs === bs) {
        for (let i = 0; i < bb.length; i++) {
            if (!/^(H\d|TD|TH|LI|P)$/.test(bb[i].tagName)) continue;
            const b = ownText(bb[i]);
            const h = ownText(hb[i]);
            const marker = b.match(/QX\d\dQ/);
            if (!marker) {
                if (h !== b) fail(`${bb[i].tagName} "${b.slice(0, 40)}" became "${h.slice(0, 60)}"`);
                continue;
            }
            const prefix = b.slice(0, marker.index);
            const suffix = b.slice(b.lastIndexOf(marker[0]) + marker[0].length);
            if (!h.startsWith(prefix) || !h.endsWith(suffix))
                fail(`${bb[i].tagName} "${b.slice(0, 50)}" lost its frame: "${h.slice(0, 80)}"`);
        }
    }
    // No user text swallowed (into an attribute, a comment, a link definition): every marker still shows.
    const hm = markerCounts(hostile.text);
    const bm = markerCounts(benign.text);
    for (const m of Object.keys(bm))
        if (hm[m] !== bm[m]) fail(`marker ${m} shows ${hm[m] || 0} time(s) instead of ${bm[m]}`);

    // 3. Exactly the exporter's mermaid blocks, each drawn without error, with the nodes it defined.
    if (hostile.codeBlocks !== benign.codeBlocks)
        fail(`${hostile.codeBlocks} code block(s) instead of ${benign.codeBlocks}`);
    if (hostile.mermaid.length !== benign.mermaid.length)
        fail(`${hostile.mermaid.length} mermaid block(s) instead of ${benign.mermaid.length}`);
    const diagrams = [];
    for (let i = 0; i < Math.min(hostile.mermaid.length, benign.mermaid.length, 10); i++) {
        const h = await renderMermaid(hostile.mermaid[i], `hostile${i}`);
        const b = await renderMermaid(benign.mermaid[i], `benign${i}`);
        for (const e of b.errors) fail(`benign diagram ${i + 1}: ${e}`);
        for (const e of h.errors) fail(`diagram ${i + 1}: ${e}`);
        // An escape (#quot; …) mermaid left visible was escaped twice, unless the user typed it: then the
        // Markdown shows it too.
        for (const e of new Set([...(h.escapes || []), ...(b.escapes || [])]))
            if (count(h.text, e) > count(hostile.text, e) || count(b.text, e) > count(benign.text, e))
                fail(`diagram ${i + 1}: the escape ${e} shows in a label`);
        if (h.nodes !== h.defined) fail(`diagram ${i + 1} draws ${h.nodes} nodes, the exporter defined ${h.defined}`);
        if (h.nodes !== b.nodes) fail(`diagram ${i + 1} draws ${h.nodes} nodes instead of ${b.nodes}`);
        if (h.edges !== b.edges) fail(`diagram ${i + 1} draws ${h.edges} edges instead of ${b.edges}`);
        const hmm = markerCounts(h.text);
        for (const [m, n] of Object.entries(markerCounts(b.text)))
            if (hmm[m] !== n && h.source.includes(m)) fail(`diagram ${i + 1}: marker ${m} lost`);
        diagrams.push({nodes: h.nodes, edges: h.edges});
    }

    const tags = (root, t) => root.getElementsByTagName(t).length;
    verdict.stats = {
        headings: hostile.body.querySelectorAll('h1,h2,h3,h4,h5,h6').length,
        tables: tags(hostile.body, 'TABLE'),
        cells: hostile.body.querySelectorAll('td,th').length,
        list_items: tags(hostile.body, 'LI'),
        code_blocks: hostile.codeBlocks,
        diagrams,
    };
    if (verdict.stats.headings === 0 || verdict.stats.tables === 0 || benign.mermaid.length === 0)
        fail('the benign document lacks headings, tables or a diagram: the check would prove nothing');
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
