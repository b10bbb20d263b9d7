// The rep's board (R22): columns by stage, the most urgent card first; record an outcome or
// schedule the next call or meeting on a card (R7, R8); a lead's timeline on click (R21).
'use strict';

(() => {
  const { $, api, start, el, when } = ripen;

  function query() {
    const form = new FormData($('#filters'));
    const params = new URLSearchParams({ limit: '200' });
    for (const name of ['rep', 'grade', 'source']) {
      const value = String(form.get(name) || '').trim();
      if (value) params.set(name, value);
    }
    return params.toString();
  }

  async function load() {
    $('#board-error').textContent = '';
    try {
      const board = await api('GET', `/v1/board?${query()}`);
      $('#total').textContent =
        `${board.total} lead${board.total === 1 ? '' : 's'}${board.rep ? ` of ${board.rep}` : ''}`;
      for (const column of board.columns) {
        const section = document.querySelector(`.column[data-stage="${column.stage}"]`);
        section.querySelector('.count').textContent = String(column.count);
        section.querySelector('.cards').replaceChildren(...column.cards.map(card));
      }
    } catch (err) {
      $('#board-error').textContent = err.message;
    }
  }

  function card(lead) {
    const outcome = el('select', { name: 'outcome', 'aria-label': 'outcome' });
    outcome.append($('#outcome-options').content.cloneNode(true));
    const record = el('form', { class: 'record' }, outcome, el('button', { type: 'submit' }, 'Record'));
    const kind = el(
      'select',
      { name: 'kind', 'aria-label': 'activity' },
      el('option', { value: 'call' }, 'call'),
      el('option', { value: 'meeting' }, 'meeting'),
    );
    const at = el('input', { name: 'at', type: 'datetime-local', required: 'required', 'aria-label': 'when' });
    const schedule = el('form', { class: 'schedule' }, kind, at, el('button', { type: 'submit' }, 'Schedule'));
    const message = el('p', { class: 'error' });
    const title = el('h3', { title: 'Show the timeline' }, lead.name || lead.company || lead.id);
    const attempts = el('dd', { class: 'attempts' }, lead.attempts);
    const node = el(
      'article',
      { class: `card ${lead.urgency}`, 'data-lead-id': lead.id },
      title,
      el(
        'div',
        {},
        el('span', { class: 'badge grade' }, `${lead.grade || 'ungraded'} ${lead.score ?? ''}`),
        ' ',
        lead.slaBreached ? el('span', { class: 'badge breached' }, 'SLA breached') : '',
        ' ',
        lead.stalled ? el('span', { class: 'badge stalled' }, 'stalled') : '',
      ),
      el(
        'dl',
        {},
        el('dt', {}, 'Company'),
        el('dd', {}, lead.company || '—'),
        el('dt', {}, 'Attempts'),
        attempts,
        el('dt', {}, 'Last touch'),
        el('dd', {}, when(lead.lastTouchAt)),
        el('dt', {}, 'Next'),
        el(
          'dd',
          { class: 'next' },
          lead.nextActivity ? `${lead.nextActivity.what} · ${when(lead.nextActivity.at)}` : '—',
        ),
        el('dt', {}, 'SLA'),
        el('dd', {}, when(lead.slaDeadline)),
        el('dt', {}, 'Source'),
        el('dd', {}, lead.source || '—'),
      ),
      record,
      schedule,
      message,
    );
    title.addEventListener('click', () => timeline(lead));
    record.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      try {
        const { state } = await api('POST', `/v1/leads/${lead.id}/outcomes`, { outcome: outcome.value });
        attempts.textContent = String(state.attempts); // the workflow's answer; the board row follows
        node.dataset.stage = state.stage;
        setTimeout(load, 1000);
      } catch (err) {
        message.textContent = err.message;
      }
    });
    schedule.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      try {
        await api('POST', `/v1/leads/${lead.id}/activities`, {
          kind: kind.value,
          at: new Date(at.value).toISOString(),
        });
        setTimeout(load, 500);
      } catch (err) {
        message.textContent = err.message;
      }
    });
    return node;
  }

  function describe(entry) {
    switch (entry.type) {
      case 'stage':
        return `stage ${entry.from || '—'} → ${entry.to} by ${entry.actor}: ${entry.reason}`;
      case 'touch':
        return `${entry.kind} (${entry.channel || '—'})${entry.details && entry.details.outcome ? `: ${entry.details.outcome} by ${entry.details.by}` : ''}${entry.details && entry.details.event ? `: ${entry.details.event}` : ''}`;
      case 'score':
        return `score ${entry.previousScore ?? '—'} → ${entry.score} (${entry.grade}): ${entry.reason}`;
      case 'email':
        return `e-mail “${entry.subject}” ${entry.status}`;
      case 'note':
        return `note by ${entry.author}: ${entry.body}`;
      case 'task':
        return `${entry.kind} due ${when(entry.dueAt)}: ${entry.title}${entry.doneAt ? ' (done)' : ''}`;
      case 'assignment':
        return `assigned to ${entry.repId}: ${entry.reason}`;
      default:
        return entry.type;
    }
  }

  async function timeline(lead) {
    const panel = $('#timeline');
    panel.classList.remove('hidden');
    panel.querySelector('h2').textContent = lead.name || lead.id;
    const list = panel.querySelector('ol');
    list.replaceChildren(el('li', {}, 'Loading…'));
    try {
      const detail = await api('GET', `/v1/leads/${lead.id}`);
      list.replaceChildren(
        ...detail.timeline.map((entry) =>
          el('li', { 'data-type': entry.type }, el('small', {}, when(entry.at)), ' ', describe(entry)),
        ),
      );
    } catch (err) {
      list.replaceChildren(el('li', { class: 'error' }, err.message));
    }
  }

  $('#close-timeline').addEventListener('click', () => $('#timeline').classList.add('hidden'));
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  start(load);
})();
