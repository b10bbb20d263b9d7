/**
 * A small web board for reps (R22), a funnel page for managers (R19) and the rep administration
 * page for admins (issue 14.1): the pages are rendered
 * here, their data comes from the same /v1 API with the same keys, entered once and kept in the
 * browser session (sessionStorage). No framework: one vanilla script per page, under web/.
 */
import * as path from 'node:path';
import express from 'express';
import { LEAD_STAGES } from '../db/board';
import { REP_OUTCOMES } from '../domain/lifecycle';

const WEB_DIR = path.resolve(__dirname, '..', 'web');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #172b4d; }
  header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #0b3d2e; color: #fff; }
  header a { color: #cfe; } header form { margin-left: auto; display: flex; gap: .4rem; }
  main { padding: 1rem; } .hidden { display: none !important; }
  #login { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem; border-radius: 6px; }
  #login input { width: 100%; box-sizing: border-box; margin: .5rem 0; padding: .4rem; }
  .columns { display: flex; gap: .8rem; align-items: flex-start; overflow-x: auto; }
  .column { background: #ebecf0; border-radius: 6px; min-width: 15rem; width: 15rem; padding: .5rem; }
  .column h2 { font-size: .9rem; margin: .2rem 0 .5rem; text-transform: uppercase; }
  .card { background: #fff; border-radius: 4px; padding: .5rem; margin-bottom: .5rem; box-shadow: 0 1px 1px #0002; }
  .card.sla_breached { border-left: 4px solid #c9372c; } .card.activity_due { border-left: 4px solid #e2b203; } .card.hot { border-left: 4px solid #f5734f; }
  .card h3 { font-size: .95rem; margin: 0 0 .3rem; cursor: pointer; text-decoration: underline; }
  .card dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .5rem; margin: 0 0 .4rem; font-size: .8rem; }
  .card dt { color: #5e6c84; } .card dd { margin: 0; }
  .card form { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .3rem; font-size: .8rem; }
  .badge { display: inline-block; padding: 0 .3rem; border-radius: 3px; background: #dfe1e6; font-size: .75rem; }
  .badge.stalled, .badge.breached { background: #ffd5d2; }
  #timeline { position: fixed; right: 0; top: 0; bottom: 0; width: 26rem; background: #fff; box-shadow: -2px 0 6px #0003; padding: 1rem; overflow-y: auto; }
  #timeline li { margin-bottom: .4rem; } .error { color: #c9372c; }
  table { border-collapse: collapse; background: #fff; margin: .5rem 0 1.5rem; } td, th { padding: .3rem .6rem; border: 1px solid #dfe1e6; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  #reps td, #reps th { text-align: left; } #reps tr.deactivated { color: #5e6c84; }
  .rep-form { display: grid; grid-template-columns: repeat(4, minmax(10rem, 1fr)); gap: .4rem .8rem; background: #fff; padding: 1rem; border-radius: 6px; margin-bottom: 1rem; }
  .rep-form h2 { grid-column: 1 / -1; font-size: 1rem; margin: 0; } .rep-form label { display: flex; flex-direction: column; font-size: .8rem; }
  .rep-form .wide { grid-column: span 2; } .rep-form .actions { grid-column: 1 / -1; display: flex; gap: .5rem; align-items: center; }
`;

function page(title: string, script: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Ripen</title><style>${STYLE}</style></head>
<body>
<header><strong>Ripen</strong><a href="/board">Board</a><a href="/funnel">Funnel</a><a href="/admin/reps">Reps</a>
  <form id="logout" class="hidden"><button type="submit">Forget key</button></form></header>
<main>
  <form id="login" class="hidden">
    <h1>${escape(title)}</h1>
    <label for="key">Your API key</label>
    <input id="key" name="key" type="password" autocomplete="off" required>
    <small>Kept in this browser tab's session only.</small>
    <p><button type="submit">Open</button></p><p id="login-error" class="error"></p>
  </form>
  <div id="app" class="hidden">${body}</div>
</main>
<script src="/web/common.js"></script><script src="/web/${script}"></script>
</body></html>`;
}

function boardPage(): string {
  const options = REP_OUTCOMES.map((o) => `<option value="${o}">${o.replace(/_/g, ' ')}</option>`).join('');
  const columns = LEAD_STAGES.map(
    (stage) =>
      `<section class="column" data-stage="${stage}"><h2>${stage.replace(/_/g, ' ')} <span class="count">0</span></h2><div class="cards"></div></section>`,
  ).join('');
  return page(
    'Your leads',
    'board.js',
    `<form id="filters">
       <label>Rep <input name="rep" placeholder="(managers: a rep id)"></label>
       <label>Grade <select name="grade"><option value="">any</option><option>hot</option><option>warm</option><option>cold</option></select></label>
       <label>Source <input name="source"></label>
       <button type="submit">Show</button> <span id="total"></span> <span id="board-error" class="error"></span>
     </form>
     <template id="outcome-options">${options}</template>
     <div class="columns">${columns}</div>
     <aside id="timeline" class="hidden"><button id="close-timeline" type="button">Close</button><h2></h2><ol></ol></aside>`,
  );
}

function funnelPage(): string {
  return page(
    'Funnel',
    'funnel.js',
    `<form id="range"><label>From <input type="date" name="from"></label> <label>To <input type="date" name="to"></label>
       <label>Rep <input name="rep"></label> <label>Source <input name="source"></label> <button type="submit">Show</button>
       <span id="funnel-error" class="error"></span></form>
     <section id="figures"></section>`,
  );
}

function repsPage(): string {
  const common = `
       <label>Name <input name="name" required maxlength="200"></label>
       <label>E-mail <input name="email" type="email" required></label>
       <label class="wide">Territories <input name="territories" placeholder="FI/Oulu, FI/Lapland/*, GR"></label>
       <label>Languages <input name="languages" placeholder="fi, en"></label>
       <label>Weight <input name="weight" type="number" min="1" max="1000" value="1"></label>
       <label class="wide">Manager's e-mail <input name="managerEmail" type="email"></label>`;
  return page(
    'Reps',
    'reps.js',
    `<form id="add-rep" class="rep-form"><h2>Add a rep</h2>
       <label>Id <input name="id" required placeholder="rep-oulu"></label>${common}
       <div class="actions"><button type="submit">Add</button><span id="add-error" class="error"></span></div></form>
     <form id="edit-rep" class="rep-form hidden"><h2 id="edit-title">Edit</h2>${common}
       <label><span>Available</span><input name="available" type="checkbox"></label>
       <label class="wide">Away <input name="away" placeholder="2026-07-01..2026-07-29; 2026-12-24..2027-01-02"></label>
       <div class="actions"><button type="submit">Save</button><button id="cancel-edit" type="button">Cancel</button><span id="edit-error" class="error"></span></div></form>
     <p><span id="count"></span> <label><input id="show-inactive" type="checkbox"> show deactivated</label>
       <span id="reps-message"></span> <span id="reps-error" class="error"></span></p>
     <table id="reps"><thead><tr><th>id</th><th>name</th><th>e-mail</th><th>territories</th><th>languages</th><th>weight</th><th>state</th><th>away</th><th>leads</th><th></th></tr></thead><tbody></tbody></table>`,
  );
}

/** GET /board, GET /funnel, GET /admin/reps and their scripts; no key needed to load a page, every figure needs one. */
export function webRoutes(): express.Router {
  const router = express.Router();
  const board = boardPage();
  const funnel = funnelPage();
  const reps = repsPage();
  router.get('/board', (_req, res) => void res.type('html').send(board));
  router.get('/funnel', (_req, res) => void res.type('html').send(funnel));
  router.get('/admin/reps', (_req, res) => void res.type('html').send(reps));
  router.use('/web', express.static(WEB_DIR, { index: false, fallthrough: true }));
  return router;
}
