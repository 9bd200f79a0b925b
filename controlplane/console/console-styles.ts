/**
 * The console's style sheet (served at /console/console.css; no inline styles, so the Content
 * Security Policy can refuse them). Works from half a laptop screen (~640 px) up; colours keep
 * WCAG AA contrast; focus is always visible.
 */
export const CONSOLE_STYLES = `
:root {
  --bg: #f5f6f8; --panel: #ffffff; --text: #1d2129; --muted: #5c6370; --line: #d9dde3;
  --accent: #0b5fce; --accent-text: #ffffff; --danger: #b42318; --ok: #146c2e; --warn: #8a5300;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--panel); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.top-bar { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  padding: .6rem 1rem; background: #14213d; color: #fff; }
.top-bar .muted { color: #c9d1e0; }
.brand { font-weight: 700; font-size: 1.1rem; }
.brand-sub { font-weight: 400; color: #c9d1e0; margin-left: .4rem; }
.stream-state { font-size: .85rem; }
.stream-state[data-stream-state="open"] { color: #7ee2a0; }
.stream-state[data-stream-state="retrying"] { color: #ffd27a; }
main { display: block; max-width: 1280px; margin: 0 auto; padding: 0 1rem 2rem; }
main:focus, .view:focus { outline: none; }
.main-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; margin: 0; padding: .75rem 0; border-bottom: 1px solid var(--line); }
.main-nav a { display: inline-block; padding: .4rem .8rem; border-radius: 6px; text-decoration: none; color: var(--text); }
.main-nav a:hover { background: #e6ebf2; }
.main-nav a[aria-current="page"] { background: var(--accent); color: var(--accent-text); }
h1 { font-size: 1.4rem; margin: 1rem 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0 0 .5rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.muted { color: var(--muted); font-size: .85rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: .75rem 0; }
.toolbar, .actions, .row-actions, .radio-row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
button { font: inherit; cursor: pointer; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); padding: .4rem .9rem; }
button.secondary { background: var(--panel); color: var(--accent); }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button.small { padding: .2rem .6rem; font-size: .85rem; }
button.link-button { background: none; border: none; color: inherit; padding: 0 .25rem; font-size: 1.1rem; }
button:disabled { opacity: .6; cursor: progress; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem; min-width: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
.form-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .75rem 1rem; }
.span-all { grid-column: 1 / -1; }
.field { display: flex; flex-direction: column; gap: .25rem; min-width: 0; }
.field label { font-weight: 600; font-size: .9rem; }
label.inline { display: inline-flex; flex-wrap: wrap; align-items: center; gap: .35rem; font-weight: 400; }
input[type="text"], input[type="number"], input[type="password"], select, textarea {
  font: inherit; padding: .4rem .5rem; border: 1px solid #8a93a3; border-radius: 6px; background: #fff; color: var(--text); width: 100%; min-width: 0; }
textarea.code, .output, code { font-family: var(--mono); font-size: .85rem; }
input[readonly], textarea[readonly], select:disabled { background: #eef0f3; }
.hint { color: var(--muted); }
.form-error { color: var(--danger); min-height: 1.2em; margin: .25rem 0; }
.sign-in { max-width: 28rem; margin: 2rem auto; display: flex; flex-direction: column; gap: .75rem; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
th { background: #eef1f6; font-size: .85rem; white-space: nowrap; }
tr:last-child td { border-bottom: none; }
ul.tags, ul.plain, ul.choice-list { list-style: none; margin: 0; padding: 0; }
ul.tags li { display: inline-block; background: #eef1f6; border-radius: 4px; padding: 0 .35rem; margin: 0 .25rem .25rem 0; font-size: .8rem; }
ul.choice-list li { padding: .2rem 0; }
.counts { display: inline-flex; flex-wrap: wrap; gap: .25rem; }
.status { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; background: #e4e7ec; color: #344054; white-space: nowrap; }
.status-running, .status-pending, .status-scheduled, .status-stopping { background: #dbe8fc; color: #0b4aa2; }
.status-success, .status-finished, .status-online { background: #d9f2e1; color: var(--ok); }
.status-failed, .status-error, .status-timeout, .status-invalid, .status-aborted, .status-partialfailed { background: #fde2e0; color: var(--danger); }
.status-terminated, .status-cancelled, .status-stopped, .status-offline { background: #fff0d1; color: var(--warn); }
.run-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr)); gap: .75rem; }
.run-card { margin: 0; min-width: 0; }
.output { background: #0f1720; color: #e6edf3; border-radius: 6px; padding: .6rem .75rem; margin: .5rem 0; min-height: 3rem;
  max-height: 22rem; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.small-output { max-height: 10rem; min-height: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; margin: 0; }
dl.facts dt { color: var(--muted); font-size: .85rem; }
dl.facts dd { margin: 0; word-break: break-word; }
.json-list { margin: 0; padding-left: 1.2rem; }
.aggregate { margin-left: .25rem; }
.notices { position: fixed; right: 1rem; bottom: 1rem; z-index: 20; width: min(28rem, calc(100vw - 2rem)); display: flex; flex-direction: column; gap: .35rem; }
.notice { display: flex; justify-content: space-between; gap: 1rem; align-items: center; padding: .45rem .75rem; border-radius: 6px; border: 1px solid #b9d3f5; background: #eef6ff; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
.notice-error { background: #fdecea; border-color: #f3b7b0; }
[hidden] { display: none !important; }
@media (max-width: 720px) {
  :root { font-size: 14px; }
  main { padding: 0 .5rem 1.5rem; }
  .brand-sub { display: none; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .35rem; }
  .form-grid { grid-template-columns: 1fr; }
}
`;
