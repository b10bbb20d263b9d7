// Shared by the board and the funnel page: the API key, entered once and kept in this tab's
// session (sessionStorage), and calls to the /v1 API with it.
'use strict';

const ripen = (() => {
  const KEY = 'ripen.apiKey';
  const $ = (selector) => document.querySelector(selector);

  /** Calls the API; an error answer throws with the API's message. */
  async function api(method, path, body) {
    const headers = { authorization: `Bearer ${sessionStorage.getItem(KEY)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await res.json().catch(() => ({}));
    if (res.status === 401) {
      sessionStorage.removeItem(KEY);
      showLogin('That key was not accepted.');
    }
    if (!res.ok) throw new Error((data.error && data.error.message) || `${res.status} ${res.statusText}`);
    return data;
  }

  function showLogin(message) {
    $('#app').classList.add('hidden');
    $('#logout').classList.add('hidden');
    $('#login').classList.remove('hidden');
    $('#login-error').textContent = message || '';
  }

  /** Shows the page once a key is known; `load` fetches and renders its data. */
  function start(load) {
    const open = () => {
      $('#login').classList.add('hidden');
      $('#app').classList.remove('hidden');
      $('#logout').classList.remove('hidden');
      load();
    };
    $('#login').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, $('#key').value.trim());
      $('#key').value = '';
      open();
    });
    $('#logout').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.removeItem(KEY);
      showLogin();
    });
    if (sessionStorage.getItem(KEY)) open();
    else showLogin();
  }

  /** An element with text content (never HTML: names and notes come from outside). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, value);
    }
    for (const child of children)
      node.append(
        child instanceof Node
          ? child
          : document.createTextNode(child === null || child === undefined ? '' : String(child)),
      );
    return node;
  }

  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

  return { $, api, start, el, when };
})();
