// Rep administration (issue 14.1, R16): the reps with their territories, languages, weight and
// away windows; add one, edit one (lists are replaced as a whole), deactivate one. Everything goes
// through /v1/admin/reps with an admin key, so the API's rules and audit apply.
'use strict';

(() => {
  const { $, api, start, el, when } = ripen;

  /** `FI`, `FI/Oulu`, `FI/Lapland/*`, `FI/Lapland/Rovaniemi`, comma-separated (as `npm run reps` takes them). */
  function territories(text) {
    return list(text).map((item) => {
      const [country, a, b] = item.split('/').map((p) => p.trim());
      if (a === undefined) return { country };
      if (b === undefined) return { country, city: a };
      return b === '*' ? { country, region: a } : { country, region: a, city: b };
    });
  }
  const territoryText = (t) => [t.country, t.region, t.city || (t.region ? '*' : undefined)].filter(Boolean).join('/');
  const list = (text) =>
    String(text || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  /** `2026-07-01..2026-07-29` windows, `;`-separated; a date alone is midnight UTC. */
  function awayWindows(text) {
    const instant = (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    return String(text || '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((w) => {
        const [from, to] = w.split('..').map((s) => instant((s || '').trim()));
        return { from, to };
      });
  }
  const day = (iso) => (iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso);
  const awayText = (away) => away.map((w) => `${day(w.from)}..${day(w.to)}`).join('; ');
  /** The API's 400 names each field: say them all. */
  const problem = (err) => err.message;

  function fields(form, { includeId }) {
    const data = new FormData(form);
    const body = {
      name: String(data.get('name') || '').trim(),
      email: String(data.get('email') || '').trim(),
      territories: territories(data.get('territories')),
      languages: list(data.get('languages')),
      weight: Number(data.get('weight') || 1),
    };
    const manager = String(data.get('managerEmail') || '').trim();
    if (includeId) {
      body.id = String(data.get('id') || '').trim();
      if (manager) body.managerEmail = manager;
    } else {
      body.managerEmail = manager || null;
      body.available = data.get('available') === 'on';
      body.away = awayWindows(data.get('away'));
    }
    return body;
  }

  async function load() {
    $('#reps-error').textContent = '';
    try {
      const { reps } = await api('GET', `/v1/admin/reps${$('#show-inactive').checked ? '?includeInactive=true' : ''}`);
      $('#reps tbody').replaceChildren(...reps.map(row));
      $('#count').textContent = `${reps.length} rep${reps.length === 1 ? '' : 's'}`;
    } catch (err) {
      $('#reps-error').textContent = problem(err);
    }
  }

  function row(rep) {
    const state = !rep.active ? 'deactivated' : rep.available ? 'available' : 'unavailable';
    const edit = el('button', { type: 'button', class: 'edit' }, 'Edit');
    const deactivate = el('button', { type: 'button', class: 'deactivate' }, 'Deactivate');
    edit.addEventListener('click', () => openEditor(rep));
    deactivate.addEventListener('click', async () => {
      if (!confirm(`Deactivate ${rep.name}? Their open leads go to other reps.`)) return;
      try {
        const answer = await api('DELETE', `/v1/admin/reps/${encodeURIComponent(rep.id)}`);
        $('#reps-message').textContent =
          `${rep.id} deactivated; ${answer.leads.reassigning.length} open lead(s) being reassigned.` +
          (answer.message ? ` ${answer.message}` : '');
        await load();
      } catch (err) {
        $('#reps-error').textContent = problem(err);
      }
    });
    return el(
      'tr',
      { 'data-rep-id': rep.id, class: state },
      el('td', {}, rep.id),
      el('td', {}, rep.name),
      el('td', {}, rep.email),
      el('td', { class: 'territories' }, rep.territories.map(territoryText).join(', ') || '(round robin)'),
      el('td', { class: 'languages' }, rep.languages.join(', ')),
      el('td', { class: 'weight' }, rep.weight),
      el('td', { class: 'state' }, state),
      el('td', { class: 'away' }, rep.away.map((w) => `${when(w.from)} → ${when(w.to)}`).join('; ')),
      el('td', { class: 'leads' }, rep.assignedCount),
      el('td', {}, rep.active ? edit : '', ' ', rep.active ? deactivate : ''),
    );
  }

  function openEditor(rep) {
    const form = $('#edit-rep');
    form.dataset.repId = rep.id;
    $('#edit-title').textContent = `Edit ${rep.id}`;
    form.elements.name.value = rep.name;
    form.elements.email.value = rep.email;
    form.elements.territories.value = rep.territories.map(territoryText).join(', ');
    form.elements.languages.value = rep.languages.join(', ');
    form.elements.weight.value = String(rep.weight);
    form.elements.managerEmail.value = rep.managerEmail || '';
    form.elements.available.checked = rep.available;
    form.elements.away.value = awayText(rep.away);
    $('#edit-error').textContent = '';
    form.classList.remove('hidden');
  }

  $('#add-rep').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#add-error').textContent = '';
    try {
      const rep = await api('POST', '/v1/admin/reps', fields(event.target, { includeId: true }));
      event.target.reset();
      $('#reps-message').textContent = `${rep.id} added.`;
      await load();
    } catch (err) {
      $('#add-error').textContent = problem(err);
    }
  });
  $('#edit-rep').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const rep = await api(
        'PATCH',
        `/v1/admin/reps/${encodeURIComponent(form.dataset.repId)}`,
        fields(form, { includeId: false }),
      );
      form.classList.add('hidden');
      $('#reps-message').textContent =
        `${rep.id}: ${rep.changed.length ? `changed ${rep.changed.join(', ')}` : 'no change'}.`;
      await load();
    } catch (err) {
      $('#edit-error').textContent = problem(err);
    }
  });
  $('#cancel-edit').addEventListener('click', () => $('#edit-rep').classList.add('hidden'));
  $('#show-inactive').addEventListener('change', load);

  start(load);
})();
