// The admin page: the queue, the reviewers and the flags, each read from its own admin endpoint and refreshed every
// few seconds. Each section stands alone: one the service refuses (403) or does not offer (404) says so, and the
// others still show. Every value goes into the page as text, never as HTML, since flag reasons are typed by people.
import { call, hideWho, isAdmin, session, showWho, signInForm, whenUnauthorized, whoAmI } from './api.js';

const $ = id => document.getElementById(id);
const REFRESH_MS = 5000;

let refreshTimer = null;
let generation = 0;

// ---- Formatting ---------------------------------------------------------------------------------------------

const show = value => (value === null || value === undefined || value === '' ? '—' : String(value));
const num = value => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const when = iso => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? show(iso) : new Date(t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
};
/** "4 min ago" for a past instant, "in 0:40" for a coming one; the exact time is in the tooltip. */
function relative(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) {
    return show(iso);
  }
  const seconds = Math.round((t - Date.now()) / 1000);
  const ago = -seconds;
  let text;
  if (seconds > 0) {
    text = seconds < 3600 ? 'in ' + Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0') : when(iso);
  } else if (ago < 60) {
    text = 'just now';
  } else if (ago < 3600) {
    text = Math.floor(ago / 60) + ' min ago';
  } else if (ago < 86400) {
    text = Math.floor(ago / 3600) + ' h ago';
  } else {
    text = when(iso);
  }
  const span = document.createElement('span');
  span.textContent = text;
  span.title = when(iso);
  return span;
}
const percent = (part, whole) => (num(whole) > 0 ? (100 * num(part) / num(whole)).toFixed(1) + '%' : '—');
const ratio = (part, whole) => (num(whole) > 0 ? num(part) + ' / ' + num(whole) + ' · ' + percent(part, whole) : '—');
const shortId = id => (typeof id === 'string' && id.length > 13 ? id.slice(0, 8) + '…' + id.slice(-4) : show(id));

function pill(text, kind) {
  const span = document.createElement('span');
  span.className = 'pill' + (kind ? ' ' + kind : '');
  span.textContent = text;
  return span;
}

function abbreviated(id) {
  const span = document.createElement('span');
  span.textContent = shortId(id);
  if (typeof id === 'string') {
    span.title = id;
  }
  return span;
}

/** A table from columns { title, value(row) → string | Node, cls } and rows. */
function table(columns, rows) {
  const head = document.createElement('tr');
  for (const column of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = column.title;
    if (column.cls) {
      th.className = column.cls;
    }
    head.append(th);
  }
  const body = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    for (const column of columns) {
      const td = document.createElement('td');
      const value = column.value(row);
      td.append(value instanceof Node ? value : document.createTextNode(show(value)));
      if (column.cls) {
        td.className = column.cls;
      }
      tr.append(td);
    }
    body.append(tr);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const element = document.createElement('table');
  element.append(thead, body);
  return element;
}

// ---- Sections -----------------------------------------------------------------------------------------------

function renderQueue(queue) {
  const tasks = (Array.isArray(queue.tasks) ? queue.tasks : []).map((task, i) => ({ ...task, rank: i + 1 }));
  $('queue-open').textContent = show(queue.open);
  $('queue-leased').textContent = show(queue.leased);
  $('queue-waiting').textContent = typeof queue.open === 'number' && typeof queue.leased === 'number'
    ? String(queue.open - queue.leased) : '—';
  $('queue-summary').hidden = false;
  const shown = tasks.length < num(queue.open) ? ' (the first ' + tasks.length + ' in hand-out order)' : '';
  return {
    state: tasks.length === 0 ? 'No open tasks.' : tasks.length + ' tasks' + shown + ', next to be handed out first.',
    table: tasks.length === 0 ? null : table([
      { title: '#', value: task => String(task.rank), cls: 'num' },
      { title: 'Frame', value: task => abbreviated(task.frameId), cls: 'mono' },
      { title: 'Reason', value: task => show(task.reason).toLowerCase().replace(/_/g, ' ') },
      { title: 'Priority', value: task => (typeof task.priority === 'number' ? task.priority.toFixed(3) : show(task.priority)), cls: 'num' },
      { title: 'Suggestion', value: task => task.suggestion },
      { title: 'Confidence', value: task => (typeof task.confidence === 'number' ? percent(task.confidence, 1) : '—'), cls: 'num' },
      { title: 'Waiting since', value: task => relative(task.requestedAt) },
      { title: 'Leased to', value: task => (task.leasedTo ? pill(task.leasedTo, 'on') : '—') },
      { title: 'Lease ends', value: task => (task.leaseExpiresAt ? relative(task.leaseExpiresAt) : '—'), cls: 'num' },
    ], tasks),
  };
}

function renderReviewers(reviewers) {
  const rows = Array.isArray(reviewers) ? reviewers : [];
  const part = (row, group, key) => (row[group] ? row[group][key] : undefined);
  return {
    state: rows.length === 0 ? 'No reviewer has answered yet.' : rows.length + ' reviewers.',
    table: rows.length === 0 ? null : table([
      { title: 'Reviewer', value: row => row.reviewer },
      { title: 'Now', value: row => (row.active ? pill('active', 'on') : pill('idle')) },
      { title: 'Answered', value: row => num(row.answered), cls: 'num' },
      { title: 'Accepted', value: row => num(row.accepted), cls: 'num' },
      { title: 'Corrected', value: row => num(row.corrected), cls: 'num' },
      { title: 'Gold correct', value: row => ratio(part(row, 'gold', 'correct'), part(row, 'gold', 'answered')), cls: 'num' },
      { title: 'Audits agreeing with model', value: row => ratio(part(row, 'audits', 'agreedWithModel'), part(row, 'audits', 'answered')), cls: 'num' },
      { title: 'Agreement with others', value: row => ratio(part(row, 'agreement', 'agreed'), part(row, 'agreement', 'compared')), cls: 'num' },
    ], rows),
  };
}

function renderFlags(flags) {
  const rows = Array.isArray(flags) ? [...flags] : [];
  // Open flags first; otherwise in the order the service gave.
  rows.sort((a, b) => Number(b.open === true) - Number(a.open === true));
  const open = rows.filter(flag => flag.open === true).length;
  return {
    state: rows.length === 0 ? 'No flags.' : open + ' open, ' + (rows.length - open) + ' closed.',
    table: rows.length === 0 ? null : table([
      { title: 'Status', value: flag => (flag.open ? pill('open', 'warn') : pill('closed')) },
      { title: 'Frame', value: flag => abbreviated(flag.frameId), cls: 'mono' },
      { title: 'Task', value: flag => abbreviated(flag.taskId), cls: 'mono' },
      { title: 'Reason', value: flag => flag.reason },
      { title: 'Flagged by', value: flag => flag.flaggedBy },
      { title: 'Flagged', value: flag => relative(flag.flaggedAt) },
    ], rows),
  };
}

const SECTIONS = [
  { id: 'queue', path: '/v1/admin/queue', render: renderQueue },
  { id: 'reviewers', path: '/v1/admin/reviewers', render: renderReviewers },
  { id: 'flags', path: '/v1/admin/flags', render: renderFlags },
];

async function load(section, forGeneration) {
  const element = $(section.id);
  let state;
  let message;
  let content = null;
  try {
    const { data } = await call('GET', section.path);
    const rendered = section.render(data || {});
    state = 'ok';
    message = rendered.state;
    content = rendered.table;
  } catch (e) {
    if (e.status === 401 || forGeneration !== generation) {
      return;
    }
    if (e.status === 404) {
      state = 'unavailable';
      message = 'Not available: this review service does not offer ' + section.path + '.';
    } else if (e.status === 403) {
      state = 'forbidden';
      message = 'Refused (403): ' + e.message;
    } else if (e.status === undefined) {
      console.error('could not show ' + section.path, e);
      state = 'error';
      message = 'The answer of ' + section.path + ' could not be shown: ' + e.message;
    } else {
      state = 'error';
      message = 'Could not load ' + section.path + ': ' + e.message;
    }
    if (section.id === 'queue') {
      $('queue-summary').hidden = true;
    }
  }
  if (forGeneration !== generation) {
    return;
  }
  $(section.id + '-state').textContent = message;
  $(section.id + '-table').replaceChildren(...(content ? [content] : []));
  element.dataset.state = state;
}

async function refresh() {
  const forGeneration = generation;
  await Promise.all(SECTIONS.map(section => load(section, forGeneration)));
  if (forGeneration === generation) {
    $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + ' · every ' + REFRESH_MS / 1000 + ' s';
  }
}

// ---- Signing in and out -------------------------------------------------------------------------------------

function enter(me) {
  generation++;
  showWho(me);
  const notice = $('not-admin');
  notice.hidden = isAdmin(me);
  notice.textContent = isAdmin(me) ? '' : 'You are signed in as ' + me.name + ', a ' + String(me.role).toLowerCase()
    + '. This page is for admins: the service refuses the sections below to other tokens.';
  $('signin-view').hidden = true;
  $('dashboard').hidden = false;
  refresh();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => {
    if (document.visibilityState === 'visible') {
      refresh();
    }
  }, REFRESH_MS);
  // The sign-in form is gone: keyboard users start from the page's heading.
  $('dashboard-title').focus();
}

function leave(message) {
  generation++;
  clearInterval(refreshTimer);
  hideWho();
  $('dashboard').hidden = true;
  $('signin-view').hidden = false;
  $('signin-error').textContent = message;
  $('token').focus();
}

whenUnauthorized(() => {
  session.clear();
  leave('Your token is not accepted any more. Sign in again.');
});
signInForm({ form: $('signin'), input: $('token'), error: $('signin-error'), onSignedIn: enter });
$('refresh').addEventListener('click', refresh);
$('signout').addEventListener('click', () => {
  session.clear();
  leave('');
});

if (session.token()) {
  whoAmI().then(enter, e => {
    if (e.status !== 401) {
      leave(e.message);
    }
  });
} else {
  leave('');
}
