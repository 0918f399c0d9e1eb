/* app.js: the behaviour of the Codis dashboard page (index.html).
 *
 * It polls the dashboard's Codis 2 HTTP API (same origin): the overview
 * every second (ops/s chart), groups, slots, proxies and migration tasks
 * every few seconds and right after any action. The forms and buttons
 * call the mutating endpoints; an error answer ({"msg", "ret"} with a
 * 4xx/5xx status, or plain text) is shown at the top of the page.
 * Everything is built with DOM calls and textContent, never innerHTML,
 * so nothing from the API is ever parsed as markup.
 *
 * When the dashboard needs credentials (dashboard_auth), the page shows
 * its login form first and again whenever an answer is 401; POST
 * /api/login opens a session kept in an HttpOnly cookie the page never
 * sees. Every call carries X-Requested-With, which the dashboard demands
 * of state-changing requests that are not JSON (a page of another site
 * cannot add it without a CORS preflight, which is refused). */
'use strict';

const SLOT_COUNT = 1024;
const OPS_SAMPLES = 120;      /* points of the ops chart, one a second */
const SLOW_EVERY = 5;         /* ticks between refreshes of the tables */

const state = {
  groups: [],                 /* /api/server_groups */
  slots: [],                  /* /api/slots */
  proxies: [],                /* /api/proxy/list */
  ops: [],                    /* last OPS_SAMPLES values, null = unknown */
  stats: new Map(),           /* server addr -> INFO map or Error */
};

/* ---- helpers ---------------------------------------------------------- */

const $ = (id) => document.getElementById(id);

/* Make an element: props 'class', 'text', 'on<event>' or attributes. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value);
    }
  }
  for (const child of children.flat()) {
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const fmtInt = (n) => Number(n).toLocaleString('en-US');

function fmtBytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) {
    n /= 1024;
  }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

/* A time given as Unix seconds (as a number or a string of digits) in
 * local time; anything else as it is. */
function fmtTime(value) {
  if (!/^\d+$/.test(String(value))) {
    return value || '';
  }
  return new Date(Number(value) * 1000).toLocaleString();
}

/* Keys of a server from its INFO map: the sum of dbN:keys=K. */
function infoKeys(info) {
  let keys = 0;
  for (const [field, value] of Object.entries(info)) {
    const m = /^db\d+$/.test(field) && /keys=(\d+)/.exec(value);
    if (m) {
      keys += Number(m[1]);
    }
  }
  return keys;
}

/* Colour of group 'gid', spread around the hue circle. */
function groupColour(gid) {
  return gid > 0 ? `hsl(${(gid * 137.508 + 200) % 360}, 60%, 52%)` : '';
}

/* Call the API. Resolves to the parsed JSON (or null for an empty body),
 * rejects with an Error whose message says what failed and why. */
async function api(method, path, body) {
  const options = { method, credentials: 'same-origin',
    headers: { 'X-Requested-With': 'codis-dashboard' } };
  if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new Error(`${method} ${path}: the dashboard does not answer`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch (e) {
    data = undefined;
  }
  if (!response.ok) {
    const why = data && typeof data.msg === 'string' ? data.msg
      : text.trim() || response.statusText;
    const error = new Error(`${method} ${path}: ${why} (HTTP ${response.status})`);
    error.status = response.status;
    if (response.status === 401 && path !== '/api/login') {
      showLogin();
    }
    throw error;
  }
  if (data === undefined) {
    throw new Error(`${method} ${path}: the answer is not JSON`);
  }
  return data;
}

/* Show a message at the top of the page; errors stay until closed. */
function showMessage(text, isError) {
  const box = $('messages');
  for (const old of box.children) {
    if (old.dataset.text === text) {
      old.remove();
    }
  }
  const item = el('div', { class: isError ? 'message error' : 'message ok' },
    el('span', { text }),
    el('button', { class: 'close', title: 'dismiss', text: '\u00d7',
      onclick: () => item.remove() }));
  item.dataset.text = text;
  box.prepend(item);
  if (!isError) {
    setTimeout(() => item.remove(), 4000);
  }
}

/* Run a mutating call from a form or button, report it, refresh. */
async function act(what, method, path, body) {
  try {
    await api(method, path, body);
    showMessage(`${what}: OK`, false);
  } catch (e) {
    showMessage(e.message, true);
  }
  await refreshTables();
}

/* Replace the rows of table body 'id'; 'empty' is shown when none. */
function setRows(id, rows, columns, empty) {
  const tbody = $(id);
  tbody.replaceChildren(...rows);
  if (rows.length === 0) {
    tbody.append(el('tr', {}, el('td', { colspan: columns, class: 'empty',
      text: empty })));
  }
}

function setStatus(id, text) {
  $(id).textContent = text || '';
}

/* ---- overview ---------------------------------------------------------- */

async function refreshOverview() {
  let overview;
  try {
    overview = await api('GET', '/api/overview');
  } catch (e) {
    setStatus('overview-status', e.message);
    pushOps(null);
    return;
  }
  setStatus('overview-status', '');
  overview = overview || {};
  $('ov-product').textContent = overview.product || '\u2014';
  $('topbar-product').textContent = overview.product || '';
  const infos = Array.isArray(overview.redis_infos) ? overview.redis_infos : [];
  $('ov-keys').textContent = fmtInt(infos.reduce((n, i) => n + infoKeys(i), 0));
  const memory = infos.reduce((n, i) => n + (Number(i.used_memory) || 0), 0);
  $('ov-memory').textContent = fmtBytes(memory);
  /* "ops" is the cluster's ops/s; older dashboards may leave it out. */
  const ops = typeof overview.ops === 'number' ? overview.ops : null;
  $('ov-ops').textContent = ops === null ? 'n/a' : fmtInt(ops);
  pushOps(ops);
}

function pushOps(value) {
  state.ops.push(value);
  if (state.ops.length > OPS_SAMPLES) {
    state.ops.shift();
  }
  drawOpsChart();
}

/* A line chart of state.ops, scaled to its maximum; gaps for unknowns. */
function drawOpsChart() {
  const canvas = $('ops-chart');
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = 4;
  ctx.clearRect(0, 0, w, h);
  const known = state.ops.filter((v) => v !== null);
  canvas.dataset.samples = String(known.length);
  const max = Math.max(1, ...known);
  ctx.strokeStyle = '#e3e7ee';
  ctx.beginPath();
  ctx.moveTo(0, h - pad + 0.5);
  ctx.lineTo(w, h - pad + 0.5);
  ctx.stroke();
  ctx.fillStyle = '#6b7280';
  ctx.font = '11px sans-serif';
  ctx.fillText(`max ${fmtInt(max)}`, 4, 12);
  const step = (w - 2 * pad) / (OPS_SAMPLES - 1);
  const offset = OPS_SAMPLES - state.ops.length;
  ctx.strokeStyle = '#2563eb';
  ctx.lineWidth = 2;
  ctx.beginPath();
  let drawing = false;
  state.ops.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    const x = pad + (offset + i) * step;
    const y = h - pad - (v / max) * (h - 2 * pad - 14);
    if (drawing) {
      ctx.lineTo(x, y);
    } else {
      ctx.moveTo(x, y);
      drawing = true;
    }
  });
  ctx.stroke();
}

/* ---- server groups ----------------------------------------------------- */

async function refreshGroups() {
  try {
    state.groups = await api('GET', '/api/server_groups') || [];
    setStatus('groups-status', '');
  } catch (e) {
    setStatus('groups-status', e.message);
    return;
  }
  renderGroups();
  $('ov-groups').textContent = fmtInt(state.groups.length);
  /* Keys and memory of each server, fetched in parallel; the old figures
   * stay on screen meanwhile. */
  const addrs = state.groups.flatMap((g) => (g.servers || [])
    .filter((s) => s.type !== 'offline').map((s) => s.addr));
  const stats = new Map();
  await Promise.all(addrs.map(async (addr) => {
    try {
      stats.set(addr, await api('GET',
        `/api/redis/${encodeURIComponent(addr)}/stat`));
    } catch (e) {
      stats.set(addr, e);
    }
  }));
  state.stats = stats;
  renderGroups();
}

function slotsOfGroup(gid) {
  return state.slots.filter((s) => s.group_id === gid).length;
}

function renderGroups() {
  const rows = [];
  const sorted = [...state.groups].sort((a, b) => a.id - b.id);
  for (const group of sorted) {
    const servers = group.servers || [];
    const head = el('td', { class: 'group-cell', rowspan: Math.max(1, servers.length) },
      el('span', { class: 'swatch', style: `background:${groupColour(group.id)}` }),
      el('strong', { text: `Group ${group.id}` }),
      el('div', { class: 'muted', text: `${slotsOfGroup(group.id)} slots` }),
      el('button', { class: 'small danger', text: 'Remove group',
        onclick: () => removeGroup(group.id) }));
    if (servers.length === 0) {
      rows.push(el('tr', { class: 'group-row', 'data-gid': group.id }, head,
        el('td', { colspan: 5, class: 'empty', text: 'no servers' })));
      continue;
    }
    servers.forEach((server, i) => {
      const row = el('tr', { class: 'group-row', 'data-gid': group.id });
      if (i === 0) {
        row.append(head);
      }
      const info = state.stats.get(server.addr);
      const failed = info instanceof Error;
      const keys = info && !failed ? fmtInt(infoKeys(info)) : '';
      const used = info && !failed ? Number(info.used_memory) : NaN;
      const memory = Number.isFinite(used) ? fmtBytes(used) : '';
      const actions = el('td', { class: 'actions' });
      if (server.type === 'slave') {
        actions.append(el('button', { class: 'small', text: 'Promote',
          onclick: () => act(`promote ${server.addr}`, 'POST',
            `/api/server_group/${group.id}/promote`,
            { addr: server.addr, group_id: group.id }) }));
      }
      actions.append(el('button', { class: 'small danger', text: 'Remove',
        onclick: () => removeServer(group.id, server.addr) }));
      row.append(
        el('td', { class: 'mono', text: server.addr }),
        el('td', {}, el('span', { class: `badge role-${server.type}`, text: server.type })),
        el('td', { class: 'num', text: keys }),
        el('td', { class: 'num', text: memory },
          failed ? el('span', { class: 'bad', title: info.message, text: 'unreachable' }) : ''),
        actions);
      rows.push(row);
    });
  }
  setRows('group-rows', rows, 6, 'No server groups yet: add one above.');
}

/* ---- failover ------------------------------------------------------------ */

/* The last failover decision of each group (GET /api/failover: state
 * "ok", "waiting" (no safe slave: the operator must act), "promoted",
 * "orphans" or "error", with a message), and each server's real role,
 * link and lag as the dashboard's keeper reads them (fields of
 * /api/server_groups). */
async function refreshFailover() {
  let status;
  try {
    status = await api('GET', '/api/failover') || {};
    setStatus('failover-status', '');
  } catch (e) {
    setStatus('failover-status', e.message);
    return;
  }
  const rows = Object.keys(status).sort((a, b) => Number(a) - Number(b))
    .map((gid) => {
      const s = status[gid];
      return el('tr', { class: 'failover-row', 'data-gid': gid },
        el('td', { text: `Group ${gid}` }),
        el('td', {}, el('span', { class: `badge fo-${s.state}`, text: s.state })),
        el('td', { class: 'fo-message', text: s.message }),
        el('td', { text: fmtTime(s.ts) }));
    });
  setRows('failover-rows', rows, 4, 'No failover yet: every group has its master.');
  renderReplication();
}

function renderReplication() {
  const rows = [];
  const sorted = [...state.groups].sort((a, b) => a.id - b.id);
  for (const group of sorted) {
    for (const server of group.servers || []) {
      const role = server.role || '';
      rows.push(el('tr', { class: 'replication-row', 'data-addr': server.addr },
        el('td', { text: `Group ${group.id}` }),
        el('td', { class: 'mono', text: server.addr }),
        el('td', { text: server.type }),
        el('td', {}, role ? el('span', { class: `badge role-${role}`,
          title: server.error || '', text: role }) : ''),
        el('td', { class: 'mono', text: server.master || '' }),
        el('td', {}, server.link ? el('span', { class: `badge link-${server.link}`,
          text: server.link }) : ''),
        el('td', { class: 'num', text: server.lag === undefined ? '' : fmtInt(server.lag) })));
    }
  }
  setRows('replication-rows', rows, 7, 'No servers yet.');
}

function removeGroup(gid) {
  if (window.confirm(`Remove group ${gid}?`)) {
    act(`remove group ${gid}`, 'DELETE', `/api/server_group/${gid}`);
  }
}

function removeServer(gid, addr) {
  if (window.confirm(`Remove ${addr} from group ${gid}?`)) {
    act(`remove ${addr}`, 'PUT', `/api/server_group/${gid}/removeServer`,
      { addr, group_id: gid });
  }
}

/* ---- slots ------------------------------------------------------------- */

async function refreshSlots() {
  try {
    state.slots = await api('GET', '/api/slots') || [];
    setStatus('slots-status', state.slots.length === 0
      ? 'Slots are not initialised: use "Init slots".' : '');
  } catch (e) {
    setStatus('slots-status', e.message);
    return;
  }
  renderSlots();
  renderMigrating();
  const online = state.slots.filter((s) => s.state && s.state.status === 'online').length;
  $('ov-slots').textContent = `${fmtInt(online)} / ${fmtInt(state.slots.length)}`;
}

/* Build the 1024 cells once; later refreshes only restyle them. */
function buildSlotMap() {
  const map = $('slot-map');
  for (let id = 0; id < SLOT_COUNT; id++) {
    map.append(el('div', { class: 'slot s-unknown', 'data-slot': id,
      onclick: () => pickSlot(id) }));
  }
}

function renderSlots() {
  const cells = $('slot-map').children;
  const byId = new Map(state.slots.map((s) => [s.id, s]));
  const perGroup = new Map();
  const perStatus = new Map();
  for (let id = 0; id < SLOT_COUNT; id++) {
    const slot = byId.get(id);
    const status = slot && slot.state ? slot.state.status : 'unknown';
    const gid = slot ? slot.group_id : -1;
    const cell = cells[id];
    cell.className = `slot s-${status}`;
    cell.style.setProperty('--group', groupColour(gid) || 'transparent');
    let title = `slot ${id}: ${status}`;
    if (gid > 0) {
      title += `, group ${gid}`;
      perGroup.set(gid, (perGroup.get(gid) || 0) + 1);
    }
    const ms = slot && slot.state && slot.state.migrate_status;
    if (ms && ms.from >= 0) {
      title += ` (from group ${ms.from})`;
    }
    cell.title = title;
    perStatus.set(status, (perStatus.get(status) || 0) + 1);
  }
  const legend = [];
  for (const gid of [...perGroup.keys()].sort((a, b) => a - b)) {
    legend.push(el('div', {},
      el('span', { class: 'swatch', style: `background:${groupColour(gid)}` }),
      `group ${gid}: ${fmtInt(perGroup.get(gid))}`));
  }
  for (const status of ['online', 'pre_migrate', 'migrate', 'offline']) {
    legend.push(el('div', {},
      el('span', { class: `swatch slot s-${status}`,
        style: '--group: #94a3b8' }),
      `${status}: ${fmtInt(perStatus.get(status) || 0)}`));
  }
  $('slot-legend').replaceChildren(...legend);
}

/* A click on a slot fills the "from" and "to" of both slot forms and
 * shows its key count, asked from its group's master. */
async function pickSlot(id) {
  for (const form of [$('form-slot-range'), $('form-migrate')]) {
    form.elements.from.value = id;
    form.elements.to.value = id;
  }
  const detail = $('slot-detail');
  const title = $('slot-map').children[id].title;
  const slot = state.slots.find((s) => s.id === id);
  detail.textContent = title;
  if (!slot || slot.group_id <= 0) {
    return;
  }
  try {
    const info = await api('GET', `/api/redis/group/${slot.group_id}/${id}/slotinfo`);
    detail.textContent = `${title}: ${fmtInt(info.keys)} keys on ${info.addr}`;
  } catch (e) {
    detail.textContent = `${title}: ${e.message}`;
  }
}

function renderMigrating() {
  const rows = state.slots
    .filter((s) => s.state && /migrate/.test(s.state.status))
    .map((s) => el('tr', {},
      el('td', { text: s.id }),
      el('td', {}, el('span', { class: `badge st-${s.state.status}`, text: s.state.status })),
      el('td', { text: s.state.migrate_status ? s.state.migrate_status.from : '' }),
      el('td', { text: s.state.migrate_status ? s.state.migrate_status.to : s.group_id })));
  setRows('migrating-rows', rows, 4, 'No slot is being migrated.');
}

/* ---- migration tasks --------------------------------------------------- */

async function refreshTasks() {
  let tasks;
  try {
    tasks = await api('GET', '/api/migrate/tasks') || [];
    setStatus('tasks-status', '');
  } catch (e) {
    setStatus('tasks-status', e.status === 404
      ? `Migration tasks are not available on this dashboard: ${e.message}` : e.message);
    setRows('task-rows', [], 8, 'No task list.');
    $('migrate-running').textContent = '';
    return;
  }
  const rows = tasks.map((t) => {
    /* a slot in flight counts its keys; its node's percent lags */
    let percent = Number(t.percent) || 0;
    if (t.remain >= 0 && t.moved + t.remain > 0) {
      percent = Math.floor(100 * t.moved / (t.moved + t.remain));
    }
    return el('tr', { class: `task-row task-${t.status}` },
      el('td', { text: t.slot_id }),
      el('td', { text: t.new_group }),
      el('td', { class: 'num', text: t.delay }),
      el('td', { text: fmtTime(t.create_at) }),
      el('td', {}, el('div', { class: 'progress' },
        el('div', { style: `width:${Math.max(0, Math.min(100, percent))}%` })),
      ` ${percent}%`),
      el('td', {}, el('span', { class: `badge task-${t.status}`,
        text: t.stage && t.status !== 'error' ? t.stage : t.status })),
      el('td', { class: 'error-text', text: t.error || '' }),
      el('td', { class: 'actions' }, t.id !== undefined && !t.stage
        && t.status !== 'migrating'
        ? el('button', { class: 'small danger', text: 'Cancel',
          onclick: () => act(`cancel the task of slot ${t.slot_id}`, 'DELETE',
            `/api/migrate/task/${encodeURIComponent(t.id)}`) })
        : ''));
  });
  setRows('task-rows', rows, 8, 'No migration task.');
  await refreshRunning();
}

/* Seconds as "1h02m", "3m05s" or "12s". */
function fmtSecs(secs) {
  const s = Math.max(0, Math.round(secs));
  const pad = (n) => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${s}s`;
}

/* The overall progress, the slots in flight and the recent history, when
 * the dashboard says (Codis 2 answered migrate_task null and no more). */
async function refreshRunning() {
  let status = null;
  try {
    status = await api('GET', '/api/migrate/status');
  } catch (e) {
    status = null;
  }
  const running = (status && status.running) || (status && status.migrate_task
    ? [status.migrate_task] : []);
  let text = '';
  if (running.length === 1) {
    const r = running[0];
    text = `Running: slot ${r.slot_id} from group ${r.from} to group ${r.new_group}, `;
    /* A negative 'remain' means the first batch has not been counted yet. */
    text += r.remain >= 0
      ? `${fmtInt(r.moved || 0)} keys moved, ${fmtInt(r.remain)} left.`
      : 'starting.';
  } else if (running.length > 1) {
    const moved = running.reduce((n, r) => n + (r.moved || 0), 0);
    text = `Running: ${running.length} slots at once `
      + `(${running.map((r) => r.slot_id).slice(0, 8).join(', ')}`
      + `${running.length > 8 ? ', ...' : ''}), ${fmtInt(moved)} keys moved so far.`;
  }
  $('migrate-running').textContent = text;
  const p = status && status.progress;
  let summary = '';
  let percent = 0;
  if (p && p.slots_total > 0) {
    percent = Math.floor(100 * p.slots_done / p.slots_total);
    summary = `${fmtInt(p.slots_done)} / ${fmtInt(p.slots_total)} slots, `
      + `${fmtInt(p.keys_moved)} keys moved, ${fmtInt(p.keys_per_sec)} keys/s`;
    if (p.slots_queued > 0) {
      summary += p.eta_sec >= 0 ? `, ETA ${fmtSecs(p.eta_sec)}` : ', ETA unknown';
    } else {
      summary += ', done';
    }
    if (p.slots_failing > 0) summary += `, ${fmtInt(p.slots_failing)} failing`;
  } else {
    summary = 'No migration since the dashboard started.';
  }
  if (status && status.paused) summary += ' (paused)';
  $('migrate-summary').textContent = summary;
  $('migrate-bar').firstChild.style.width = `${percent}%`;
  $('migrate-pause').disabled = !status || status.paused;
  $('migrate-resume').disabled = !status || !status.paused;
  const history = (status && status.history) || [];
  const rows = history.map((h) => el('tr', { class: `history-row history-${h.status}` },
    el('td', { text: h.slot_id }),
    el('td', { text: h.from >= 0 ? h.from : '' }),
    el('td', { text: h.new_group >= 0 ? h.new_group : '' }),
    el('td', { class: 'num', text: fmtInt(h.moved || 0) }),
    el('td', { class: 'num', text: `${((h.ms || 0) / 1000).toFixed(1)} s` }),
    el('td', { text: fmtTime(String(h.at)) }),
    el('td', {}, el('span', { class: `badge task-${h.status === 'failed' ? 'error' : 'done'}`,
      text: h.status })),
    el('td', { class: 'error-text', text: h.error || '' })));
  setRows('history-rows', rows, 8, 'Nothing finished yet.');
}

/* ---- proxies ----------------------------------------------------------- */

async function refreshProxies() {
  try {
    state.proxies = await api('GET', '/api/proxy/list') || [];
    setStatus('proxies-status', '');
  } catch (e) {
    setStatus('proxies-status', e.message);
    return;
  }
  const online = state.proxies.filter((p) => p.state === 'online').length;
  $('ov-proxies').textContent = `${fmtInt(online)} / ${fmtInt(state.proxies.length)}`;
  const rows = state.proxies.map((p) => el('tr', { class: 'proxy-row' },
    el('td', { class: 'mono', text: p.id }),
    el('td', { class: 'mono', text: p.addr }),
    el('td', { class: 'mono' }, p.debug_var_addr
      ? el('a', { href: `http://${p.debug_var_addr}/debug/vars`, text: p.debug_var_addr })
      : ''),
    el('td', {}, el('span', { class: `badge px-${p.state}`, text: p.state })),
    el('td', { text: p.pid || '' }),
    el('td', { text: p.start_at || '' }),
    el('td', { class: 'actions' },
      el('button', { class: 'small', text: 'Online',
        onclick: () => setProxy(p.id, 'online') }),
      el('button', { class: 'small danger', text: 'Mark offline',
        onclick: () => setProxy(p.id, 'mark_offline') }))));
  setRows('proxy-rows', rows, 7, 'No proxy has registered.');
}

function setProxy(id, newState) {
  act(`proxy ${id} ${newState}`, 'POST', '/api/proxy', { id, state: newState });
}

/* ---- forms and the refresh loop ---------------------------------------- */

/* Call 'handler' with the values of form 'id' on submit. */
function onForm(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(event.target));
    handler(values);
  });
}

const int = (v) => Number.parseInt(v, 10);

function wireForms() {
  onForm('form-add-group', (v) => act(`add group ${v.id}`, 'PUT',
    '/api/server_groups', { id: int(v.id) }));
  onForm('form-add-server', (v) => act(`add ${v.addr} to group ${v.group}`, 'PUT',
    `/api/server_group/${int(v.group)}/addServer`,
    { addr: v.addr.trim(), type: v.type, group_id: int(v.group) }));
  onForm('form-slot-range', (v) => act(`set slots ${v.from}-${v.to}`, 'POST',
    '/api/slot', { from: int(v.from), to: int(v.to), new_group: int(v.new_group),
      status: v.status }));
  onForm('form-slot-init', (v) => {
    if (!v.force) {
      act('init slots', 'POST', '/api/slots/init');
    } else if (window.confirm('Reset every slot to offline?')) {
      act('init slots (forced)', 'POST', '/api/slots/init?is_force=1');
    }
  });
  onForm('form-migrate', (v) => act(`migrate slots ${v.from}-${v.to}`, 'POST',
    '/api/migrate', { from: int(v.from), to: int(v.to), new_group: int(v.new_group),
      delay: int(v.delay) }));
  onForm('form-rebalance', () => act('rebalance', 'POST', '/api/rebalance'));
  $('migrate-pause').addEventListener('click',
    () => act('pause the migration', 'POST', '/api/migrate/pause'));
  $('migrate-resume').addEventListener('click',
    () => act('resume the migration', 'POST', '/api/migrate/resume'));
}

/* Refresh everything but the overview; slots first, the group table
 * shows slot counts. A call while a refresh runs makes it run once more
 * (an action's result must show) and resolves when that is done. */
let tablesRunning = null;
let tablesAgain = false;

function refreshTables() {
  if (tablesRunning) {
    tablesAgain = true;
    return tablesRunning;
  }
  tablesRunning = (async () => {
    do {
      tablesAgain = false;
      await refreshSlots();
      await Promise.all([refreshGroups(), refreshProxies(), refreshTasks()]);
      await refreshFailover();
    } while (tablesAgain);
    $('refresh-state').textContent = `updated ${new Date().toLocaleTimeString()}`;
  })().finally(() => {
    tablesRunning = null;
  });
  return tablesRunning;
}

/* ---- login ------------------------------------------------------------- */

let loggedIn = false;

/* Show the login form and stop polling until it succeeds. */
function showLogin() {
  loggedIn = false;
  $('login').hidden = false;
  $('form-login').elements.user.focus();
}

function hideLogin(authRequired) {
  loggedIn = true;
  $('login').hidden = true;
  $('logout').hidden = !authRequired;
}

function wireLogin() {
  onForm('form-login', async (v) => {
    try {
      const state = await api('POST', '/api/login',
        { user: v.user, password: v.password });
      $('form-login').elements.password.value = '';
      setStatus('login-status', '');
      hideLogin(state.auth);
      ticks = 0;
      tick();
    } catch (e) {
      setStatus('login-status', e.status === 401
        ? 'Wrong user name or password.' : e.message);
    }
  });
  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/logout');
    } catch (e) {
      showMessage(e.message, true);
    }
    showLogin();
  });
}

/* Ask whether credentials are needed and whether our session still
 * holds; show the login form or start. */
async function start() {
  let state = null;
  try {
    state = await api('GET', '/api/login');
  } catch (e) {
    /* an older dashboard without /api/login: no authentication */
  }
  if (state && state.auth && !state.session) {
    showLogin();
  } else {
    hideLogin(Boolean(state && state.auth));
    tick();
  }
  setInterval(tick, 1000);
}

/* Once a second: the overview (so the ops chart keeps its pace), and
 * every SLOW_EVERY ticks the tables, in the background. */
let ticks = 0;
let overviewBusy = false;

async function tick() {
  if (document.hidden || !loggedIn) {
    return;
  }
  if (ticks++ % SLOW_EVERY === 0) {
    refreshTables();
  }
  if (overviewBusy) {
    return;
  }
  overviewBusy = true;
  try {
    await refreshOverview();
  } finally {
    overviewBusy = false;
  }
}

buildSlotMap();
wireForms();
wireLogin();
start();
