// The manager's funnel (R19): the cohort's figures, a bar chart of the stages reached (inline
// SVG), the same per rep and per source, and conversion by grade ("is the scoring reliable?").
'use strict';

(() => {
  const { $, api, start, el } = ripen;
  const SVG = 'http://www.w3.org/2000/svg';
  const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
  const minutes = (s) => (s === null || s === undefined ? '—' : `${(s / 60).toFixed(1)} min`);
  const days = (d) => (d === null || d === undefined ? '—' : `${d.toFixed(1)} d`);
  const ORDER = ['contacting', 'nurturing', 'qualified', 'handed_off', 'converted', 'not_interested', 'disqualified'];

  function params() {
    const form = new FormData($('#range'));
    const out = new URLSearchParams();
    const from = String(form.get('from') || '');
    const to = String(form.get('to') || '');
    if (from) out.set('from', new Date(`${from}T00:00:00`).toISOString());
    if (to) out.set('to', new Date(`${to}T00:00:00`).toISOString());
    for (const name of ['rep', 'source']) {
      const value = String(form.get(name) || '').trim();
      if (value) out.set(name, value);
    }
    return out.toString();
  }

  function chart(reached) {
    const max = Math.max(1, ...ORDER.map((s) => reached[s]));
    const barHeight = 22;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', '520');
    svg.setAttribute('height', String(ORDER.length * (barHeight + 6)));
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Leads that reached each stage');
    ORDER.forEach((stage, i) => {
      const y = i * (barHeight + 6);
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', '0');
      label.setAttribute('y', String(y + 16));
      label.textContent = stage.replace(/_/g, ' ');
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('x', '120');
      bar.setAttribute('y', String(y));
      bar.setAttribute('height', String(barHeight));
      bar.setAttribute('width', String(Math.max(1, (reached[stage] / max) * 340)));
      bar.setAttribute('fill', stage === 'converted' ? '#1f845a' : '#579dff');
      bar.dataset.stage = stage;
      const value = document.createElementNS(SVG, 'text');
      value.setAttribute('x', String(126 + (reached[stage] / max) * 340));
      value.setAttribute('y', String(y + 16));
      value.textContent = String(reached[stage]);
      svg.append(label, bar, value);
    });
    return svg;
  }

  const COLUMNS = [
    ['Leads', (f) => f.leads],
    ['MQL→SQL', (f) => pct(f.mqlToSql)],
    ['SQL→won', (f) => pct(f.sqlToWon)],
    ['Speed to lead (median)', (f) => minutes(f.speedToLead.medianSeconds)],
    ['Speed to lead (p90)', (f) => minutes(f.speedToLead.p90Seconds)],
    ['SLA breached', (f) => pct(f.slaBreachRate)],
    ['Cycle (median)', (f) => days(f.medianCycleDays)],
    ['Recycled', (f) => pct(f.recycleRate)],
  ];

  function table(caption, rows, label) {
    return el(
      'table',
      {},
      el('caption', {}, caption),
      el('tr', {}, el('th', {}, label), ...COLUMNS.map(([name]) => el('th', {}, name))),
      ...rows.map(([name, f]) =>
        el('tr', {}, el('td', {}, name), ...COLUMNS.map(([, value]) => el('td', {}, value(f)))),
      ),
    );
  }

  async function load() {
    $('#funnel-error').textContent = '';
    try {
      const query = params();
      const [funnel, scoring] = await Promise.all([
        api('GET', `/v1/funnel?${query}`),
        api('GET', `/v1/funnel/scoring?${query}`),
      ]);
      const grades = el(
        'table',
        {},
        el('caption', {}, 'Is the scoring reliable? Conversion by grade (R19)'),
        el('tr', {}, el('th', {}, 'Grade'), el('th', {}, 'Leads'), el('th', {}, 'SQL rate'), el('th', {}, 'Won rate')),
        ...scoring.byGrade.map((g) =>
          el(
            'tr',
            {},
            el('td', {}, g.grade || 'ungraded'),
            el('td', {}, g.leads),
            el('td', {}, pct(g.sqlRate)),
            el('td', {}, pct(g.conversionRate)),
          ),
        ),
      );
      $('#figures').replaceChildren(
        el(
          'h2',
          {},
          `Leads first touched ${new Date(funnel.from).toLocaleDateString()} – ${new Date(funnel.to).toLocaleDateString()}`,
        ),
        chart(funnel.total.reached),
        table('The whole cohort', [['all', funnel.total]], ''),
        table(
          'Per rep',
          funnel.byRep.map((r) => [r.rep || 'unassigned', r]),
          'Rep',
        ),
        table(
          'Per source',
          funnel.bySource.map((s) => [s.source || '—', s]),
          'Source',
        ),
        grades,
      );
    } catch (err) {
      $('#funnel-error').textContent = err.message;
    }
  }

  $('#range').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  start(load);
})();
