// Prints a console script that fills every user field of one incident, either with hostile text or with
// its benign twin (the marker alone). The two exports must render to the same structure: whatever the
// hostile text did beyond showing itself is a breach of SPEC §5 ("any user text is inert").
//
// Usage: node scenario.mjs hostile|benign
// Each hostile string carries its marker (QXnnQ) so the check can also tell that no text was swallowed.
// Console lines are one line each; a carriage return inside a line still reaches the store, and
// markdown-it treats it as a line break, so "\r" stands in for the newlines people paste.

const hostile = {
    title: '# <img src=x onerror=alert(1)> | cell %%{init: {"theme":"forest"}}%% "] --> click I call alert(1) ; `t` QX01Q',
    tl_fence: '``` QX02Q',
    tl_table: '| a | b |\r| --- | --- |\r| QX03Q | x |',
    tl_html: '<script>alert(1)</script> _x_ **y** ~~z~~ \\| QX04Q \\',
    pinned: '<!-- QX05Q',
    thread: '=== QX06Q\r===',
    edited: 'ok\r# INJECTED QX07Q\r---',
    note: '> quote [x](javascript:alert(1)) ![i](javascript:alert(2)) <javascript:alert(3)> QX08Q',
    mitigated: 'done_ **QX09Q\\',
    summary: '***\r    indented QX10Q\r1. one\r- item\r[r]: javascript:alert(1)',
    impact: '1. ordered QX11Q <details><summary>s</summary>d</details> &lt;b&gt; &#60;i&#62;',
    resolve: '+ plus QX12Q',
    factor1: '- [ ] task %%{init: {"securityLevel":"loose"}}%% "]; click F1 href "javascript:alert(1)" QX13Q',
    why1: '> quote "] --> X["injected"] --> Y QX14Q',
    why2: '#quot;]:::evil ; classDef evil fill:#f00; QX15Q',
    why3: '`` ` `` <b>bold</b> ` %% comment QX16Q',
    factor2: '```mermaid\rgraph TD; A-->B\r``` QX17Q',
    why4: 'end\r%%{init: {"theme":"dark"}}%%\rflowchart LR QX18Q',
    went_well: '<details><summary>x</summary>y</details> QX19Q',
    went_wrong: '***QX20Q**_ ` \\',
    lucky: '[ref]: javascript:alert(1) QX21Q [^1]',
    action: 'Fix | the \\| pipe <br> _u_ `c|d` QX22Q\\',
    chatter: '| not marked | <iframe src=x> ``` %%{init: {}}%% [x](javascript:alert(1)) QX23Q',
};

const mode = process.argv[2];
if (mode !== 'hostile' && mode !== 'benign') {
    console.error('usage: node scenario.mjs hostile|benign');
    process.exit(2);
}
const text = (key) => (mode === 'hostile' ? hostile[key] : hostile[key].match(/QX\d\dQ/)[0]);

// The order of a real incident: declared, captured, mitigated, resolved, reviewed.
const lines = [
    `/incident start ${text('title')} sev2`,
    `!tl ${text('tl_fence')}`,
    `!tl ${text('tl_table')}`,
    `!tl ${text('tl_html')}`,
    ':as bob',
    text('pinned'),
    ':react 4 pushpin',
    `:thread 4 tl: ${text('thread')}`,
    '!tl placeholder',
    text('chatter'),
    `:edit 6 !tl ${text('edited')}`,
    `/incident note ${text('note')}`,
    ':advance 25m',
    `/incident mitigated ${text('mitigated')}`,
    ':as alice',
    `/incident summary ${text('summary')}`,
    `/incident impact ${text('impact')}`,
    ':advance 20m',
    `/incident resolve ${text('resolve')}`,
    `/incident factor ${text('factor1')}`,
    `/incident why F1 ${text('why1')}`,
    `/incident why F1.1 ${text('why2')}`,
    `/incident why F1 ${text('why3')}`,
    '/incident why done',
    `/incident factor ${text('factor2')}`,
    `/incident why F2 ${text('why4')}`,
    '/incident why done',
    `/incident went-well ${text('went_well')}`,
    `/incident went-wrong ${text('went_wrong')}`,
    `/incident lucky ${text('lucky')}`,
    `/incident action ${text('action')} @bob due +2w`,
    '/incident postmortem',
];
process.stdout.write(lines.join('\n') + '\n');
