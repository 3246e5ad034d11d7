// The reviewer page: one frame at a time, answered with one key press, the next frame already loaded.
//
// The page claims a task, shows it, and while the reviewer looks at it asks the service which task would come next
// (GET /v1/tasks/peek) and loads that image, so the next frame appears the moment the answer is saved. It never
// reloads. The lease on the frame on screen is kept alive with heartbeats, but only while someone is at the keyboard,
// so an abandoned tab gives its frame back when the lease runs out.
//
// A detection task ("task": "detection") shows the frame in the box editor (boxes.js) instead: the reviewer edits the
// suggested boxes (or, on a blind audit, draws them all) and Enter submits them.
import {
  ApiError, call, callRetrying, hideWho, isAdmin, loadImage, session, showWho, signInForm, whenUnauthorized, whoAmI,
} from './api.js';
import { BoxEditor } from './boxes.js';

const $ = id => document.getElementById(id);

/** Heartbeats stop after this long without a key press or click. */
const IDLE_LIMIT_MS = 5 * 60 * 1000;
/** How often an empty queue is looked at again. */
const EMPTY_POLL_MS = 3000;
/** The reviewer's counts are read back from Kafka, a moment behind: read them shortly after the last answer. */
const COUNTS_DELAY_MS = 800;

const state = {
  signedIn: false,
  /** Bumped on sign-in and sign-out, so answers to calls of an earlier session are dropped. */
  generation: 0,
  /** The claimed task on screen, or null. */
  task: null,
  shownUrl: null,
  /** The prefetched next task: { taskId, image: Promise<blob URL | null> }. */
  next: null,
  /** The peek in flight; a claim that starts before it ends waits for it, since it may be for the same task. */
  nextLookup: null,
  /** A submit, skip, release or claim is in flight: keys wait for it. */
  busy: false,
  paused: false,
  done: 0,
  /** { deadline, length, skew } in this browser's clock, milliseconds. */
  lease: null,
  tickTimer: null,
  heartbeatTimer: null,
  pollTimer: null,
  countsTimer: null,
  lastActivity: Date.now(),
  /** On a detection frame without a suggestion, Enter with no box drawn was pressed once: the next one saves []. */
  confirmEmpty: false,
};

const editor = new BoxEditor({
  canvas: $('boxes'),
  image: $('frame'),
  onChange: () => boxesChanged(),
  enabled: () => !!state.task && !state.busy,
});

const taskPath = (task, action) => '/v1/tasks/' + encodeURIComponent(task.taskId) + '/' + action;
const away = () => Date.now() - state.lastActivity > IDLE_LIMIT_MS;

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

function waitingNote(error, seconds) {
  setStatus('The review service is busy (' + error.message + '). Trying again in ' + seconds + ' s…');
}

// ---- Signing in and out -------------------------------------------------------------------------------------

function enter(me) {
  state.signedIn = true;
  state.generation++;
  state.paused = false;
  showWho(me);
  $('admin-link').hidden = !isAdmin(me);
  $('signin-view').hidden = true;
  $('workspace').hidden = false;
  $('keys').hidden = false;
  showCounts(me);
  setStatus('');
  nextTask();
}

function leave(message) {
  state.signedIn = false;
  state.generation++;
  state.busy = false;
  clearTimeout(state.pollTimer);
  clearTimeout(state.countsTimer);
  dropNext();
  clearTask();
  hideWho();
  $('workspace').hidden = true;
  $('keys').hidden = true;
  $('signin-view').hidden = false;
  $('signin-error').textContent = message;
  setStatus('');
  $('token').focus();
}

async function signOut() {
  const task = state.task;
  if (task) {
    try {
      await call('POST', taskPath(task, 'release'));
    } catch (e) {
      console.warn('could not release task on sign-out; its lease will run out instead:', e.message);
    }
  }
  session.clear();
  leave('');
}

// ---- Claiming and showing a task ----------------------------------------------------------------------------

async function nextTask() {
  if (!state.signedIn || state.busy) {
    return;
  }
  clearTimeout(state.pollTimer);
  const generation = state.generation;
  state.busy = true;
  state.paused = false;
  $('next').hidden = true;
  let slowNoted = false;
  const slow = setTimeout(() => {
    slowNoted = true;
    setStatus('Loading the next frame…');
  }, 400);
  let claimed = null;
  try {
    const claim = await callRetrying('POST', '/v1/tasks/claim', {}, waitingNote);
    claimed = claim.data;
    if (generation !== state.generation) {
      return;
    }
    if (claim.status === 204) {
      clearTask();
      showEmpty('Nothing waiting', 'New frames appear here as soon as they arrive.');
      setStatus('Nothing waiting. New frames will appear here.');
      pollForWork();
      return;
    }
    const image = await imageFor(claimed);
    if (generation !== state.generation) {
      URL.revokeObjectURL(image.url);
      return;
    }
    show(claimed, image, claim.serverTime);
    claimed = null;
    if (slowNoted) {
      setStatus('');
    }
    prefetch();
  } catch (e) {
    if (e.status === 401 || generation !== state.generation) {
      return;
    }
    clearTask();
    showEmpty('No frame', e.message);
    setStatus('Could not load the next frame: ' + e.message + ' Press N to try again.', true);
  } finally {
    clearTimeout(slow);
    // A task claimed but not shown (signed out meanwhile, or its image failed) goes straight back to the queue.
    if (claimed) {
      call('POST', taskPath(claimed, 'release'))
        .catch(e => console.warn('could not give back a task that was not shown; its lease will run out:', e.message));
    }
    if (generation === state.generation) {
      state.busy = false;
    }
  }
}

/** The claimed task's image: the prefetched one when the claim gave the task the page expected. */
async function imageFor(task) {
  if (state.nextLookup) {
    await state.nextLookup;
  }
  const next = state.next;
  state.next = null;
  if (next && next.taskId === task.taskId) {
    const url = await next.image;
    if (url) {
      return { url, prefetched: true };
    }
  } else {
    discard(next);
  }
  return { url: await loadImage(task.imageUrl), prefetched: false };
}

function show(task, image, serverTime) {
  const img = $('frame');
  const previous = state.shownUrl;
  state.task = task;
  state.shownUrl = image.url;
  img.src = image.url;
  img.dataset.source = image.prefetched ? 'prefetch' : 'claim';
  img.alt = 'Frame to label';
  img.hidden = false;
  $('empty').hidden = true;
  if (previous) {
    URL.revokeObjectURL(previous);
  }
  fit();

  // A blind audit comes without a suggestion: nothing on the page may hint at the model's answer.
  const suggestion = task.suggestion;
  if (isDetection(task)) {
    showBoxes(task);
  } else {
    $('suggestion-card').hidden = !suggestion;
    $('no-suggestion').hidden = !!suggestion;
    $('suggestion').textContent = suggestion ? suggestion.label : '';
    $('confidence').textContent = suggestion ? Math.round(suggestion.confidence * 100) + '% confidence' : '';
    $('confidence-bar').style.width = suggestion ? Math.round(suggestion.confidence * 100) + '%' : '0';
    renderClasses(task.classes, suggestion ? suggestion.label : null);
    $('accept').hidden = !suggestion;
  }
  $('skip').disabled = false;
  $('release').disabled = false;
  $('next').hidden = true;

  $('frame-id').textContent = task.frameId;
  $('frame-caption').hidden = false;
  startLease(task.leaseExpiresAt, serverTime);
  // Shortcuts work the same for every frame: focus goes back to the frame, not to the button last used.
  (isDetection(task) ? $('boxes') : $('stage')).focus({ preventScroll: true });
}

const isDetection = task => !!task && task.task === 'detection';

/** A detection task: the frame in the box editor, with the model's boxes unless this is a blind audit. */
function showBoxes(task) {
  const suggested = task.suggestion ? task.suggestion.boxes : null;
  state.confirmEmpty = false;
  setMode(true);
  $('suggestion-card').hidden = true;
  $('no-suggestion').hidden = true;
  $('boxes-card').hidden = false;
  $('boxes-card').classList.toggle('blind', !suggested);
  $('boxes-title').textContent = suggested ? 'Model suggests' : 'No suggestion';
  renderClasses(task.classes, null);
  $('accept').hidden = false;
  editor.show({ width: task.width, height: task.height, classes: task.classes, boxes: suggested });
  for (const button of $('classes').children) {
    button.style.setProperty('--class-colour', editor.colour(button.dataset.label));
  }
}

/** Shows the editor, its card and its keys for a detection task, the class page's for a classification task. */
function setMode(detection) {
  $('stage').classList.toggle('detection', detection);
  $('classes').classList.toggle('detection', detection);
  $('boxes').hidden = !detection;
  $('boxes-card').hidden = !detection;
  $('keys').hidden = !state.signedIn || detection;
  $('box-keys').hidden = !state.signedIn || !detection;
}

/** Frame pixels as submitted: to 0.1 px. */
const px = v => String(Math.round(v * 10) / 10);

/** After every change in the editor: the counts, the selected box in words, the current class, the Enter button. */
function boxesChanged() {
  const task = state.task;
  if (!isDetection(task)) {
    return;
  }
  const count = editor.boxes.length;
  const box = editor.boxes[editor.selected];
  const boxes = count === 1 ? '1 box' : count + ' boxes';
  const untouched = task.suggestion && !editor.edited;
  $('boxes-count').textContent = untouched && count === 0 ? 'No boxes found. Enter accepts that; drag to draw one.'
    : untouched ? boxes + ' — Enter accepts them as they are.'
      : count === 0 ? 'No boxes. Drag on the frame to draw one.' : boxes + '.';
  $('box-status').textContent = box
    ? 'Box ' + (editor.selected + 1) + ' of ' + count + ': ' + box.label + ' at ' + px(box.x) + ', ' + px(box.y)
      + ', ' + px(box.w) + ' × ' + px(box.h) + ' px.'
    : 'No box selected. New boxes: ' + editor.currentClass() + '.';
  $('accept-text').textContent = task.suggestion && !editor.edited ? 'Accept boxes' : 'Submit boxes';
  const current = editor.currentClass();
  for (const button of $('classes').children) {
    button.classList.toggle('current', button.dataset.label === current);
    button.setAttribute('aria-pressed', String(button.dataset.label === current));
  }
  if (editor.edited || count > 0) {
    state.confirmEmpty = false;
  }
}

/** Digit keys choose a class: 1–9 and 0 for the first ten in the model's order; further classes are clicked. */
const DIGIT_KEYS = 10;

/** The key that chooses the class at this position, or null past the first ten. */
function classKey(index) {
  return index < DIGIT_KEYS ? String((index + 1) % 10) : null;
}

function renderClasses(classes, suggested) {
  const box = $('classes');
  const current = [...box.children].map(b => b.dataset.label);
  if (current.join('\n') !== classes.join('\n')) {
    box.replaceChildren(...classes.map((name, i) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.label = name;
      const key = classKey(i);
      const kbd = document.createElement('kbd');
      if (key) {
        button.setAttribute('aria-keyshortcuts', key);
        kbd.textContent = key;
      } else {
        // An invisible placeholder key keeps every button the same size and its name in line.
        kbd.className = 'no-key';
        kbd.textContent = '0';
        kbd.setAttribute('aria-hidden', 'true');
      }
      const label = document.createElement('span');
      label.className = 'name';
      label.textContent = name;
      button.append(kbd, label);
      button.addEventListener('click', () => chooseClass(name));
      return button;
    }));
    showClassKeys(classes.length);
  }
  for (const button of box.children) {
    const isSuggested = button.dataset.label === suggested;
    button.classList.toggle('suggested', isSuggested);
    button.classList.remove('chosen', 'current');
    button.removeAttribute('aria-pressed');
    button.disabled = false;
    if (isSuggested) {
      button.setAttribute('aria-description', 'suggested by the model');
    } else {
      button.removeAttribute('aria-description');
    }
  }
}

/** The key hints say which digits choose a class: 1–3 for three classes, 1–0 for ten or more. */
function showClassKeys(count) {
  const last = classKey(Math.min(count, DIGIT_KEYS) - 1);
  for (const hint of document.querySelectorAll('.class-keys')) {
    const first = document.createElement('kbd');
    first.textContent = '1';
    if (count <= 1) {
      hint.replaceChildren(first);
      continue;
    }
    const end = document.createElement('kbd');
    end.textContent = last;
    hint.replaceChildren(first, count === 2 ? ' or ' : '–', end);
    hint.title = count > DIGIT_KEYS ? 'the first ' + DIGIT_KEYS + ' classes; click the others' : '';
  }
}

function clearTask() {
  stopLease();
  state.task = null;
  const img = $('frame');
  img.hidden = true;
  img.removeAttribute('src');
  if (state.shownUrl) {
    URL.revokeObjectURL(state.shownUrl);
    state.shownUrl = null;
  }
  $('suggestion-card').hidden = true;
  $('no-suggestion').hidden = true;
  editor.close();
  setMode(false);
  $('accept-text').textContent = 'Accept suggestion';
  $('accept').hidden = true;
  $('skip').disabled = true;
  $('release').disabled = true;
  $('frame-caption').hidden = true;
  for (const button of $('classes').children) {
    button.disabled = true;
    button.classList.remove('suggested', 'chosen');
  }
  $('lease').textContent = '--:--';
  $('lease-bar').style.width = '0';
}

/** Done with the task on screen; its frame stays until the next one replaces it, so the stage never flashes empty. */
function letGo() {
  stopLease();
  state.task = null;
}

function showEmpty(title, text) {
  $('empty-title').textContent = title;
  $('empty-text').textContent = text;
  $('empty').hidden = false;
  $('next').hidden = false;
}

/**
 * Scales the frame to fill the stage. Small frames grow by whole multiples with hard pixel edges, so every source
 * pixel stays one same-sized square; large ones shrink smoothly to fit.
 */
function fit() {
  const img = $('frame');
  if (img.hidden || !img.naturalWidth) {
    return;
  }
  const stage = $('stage');
  const margin = 64;
  let scale = Math.min((stage.clientWidth - margin) / img.naturalWidth, (stage.clientHeight - margin) / img.naturalHeight);
  if (scale >= 2) {
    scale = Math.floor(scale);
  }
  img.classList.toggle('upscaled', scale >= 2);
  img.style.width = Math.round(img.naturalWidth * scale) + 'px';
  img.style.height = Math.round(img.naturalHeight * scale) + 'px';
}

// ---- Prefetching the next task ------------------------------------------------------------------------------

function prefetch() {
  const generation = state.generation;
  const lookup = (async () => {
    try {
      const peek = await call('GET', '/v1/tasks/peek');
      if (generation !== state.generation) {
        return;
      }
      if (peek.status === 204) {
        dropNext();
        return;
      }
      if (state.next && state.next.taskId === peek.data.taskId) {
        return;
      }
      dropNext();
      const image = loadImage(peek.data.imageUrl).catch(e => {
        console.warn('could not prefetch the next frame; it will load when claimed:', e.message);
        return null;
      });
      state.next = { taskId: peek.data.taskId, image };
    } catch (e) {
      console.warn('could not look up the next frame; it will load when claimed:', e.message);
    } finally {
      if (state.nextLookup === lookup) {
        state.nextLookup = null;
      }
    }
  })();
  state.nextLookup = lookup;
}

function discard(next) {
  if (next) {
    next.image.then(url => url && URL.revokeObjectURL(url));
  }
}

function dropNext() {
  discard(state.next);
  state.next = null;
}

function pollForWork() {
  clearTimeout(state.pollTimer);
  const generation = state.generation;
  state.pollTimer = setTimeout(async () => {
    if (generation !== state.generation || state.task || state.paused || state.busy) {
      return;
    }
    refreshCounts();
    try {
      const peek = await call('GET', '/v1/tasks/peek');
      if (peek.status === 200 && generation === state.generation) {
        nextTask();
        return;
      }
    } catch (e) {
      if (e.status === 401) {
        return;
      }
      console.warn('could not look at the queue:', e.message);
    }
    pollForWork();
  }, EMPTY_POLL_MS);
}

// ---- Answering ----------------------------------------------------------------------------------------------

/** A class button: the answer on a classification task, the class of the selected (or next) box on a detection one. */
function chooseClass(label) {
  if (isDetection(state.task)) {
    editor.setClass(state.task.classes.indexOf(label));
    $('boxes').focus({ preventScroll: true });
  } else {
    answer(label);
  }
}

async function answer(label) {
  if (!state.task || state.busy) {
    return;
  }
  for (const button of $('classes').children) {
    button.classList.toggle('chosen', button.dataset.label === label);
  }
  // Only the class chosen: whether it matched the model is not said, so a blind audit stays blind.
  await submit({ label }, 'Saved: ' + label + '.');
}

/**
 * Enter on a detection task: the boxes as they are now. With no box on a frame that came without any, Enter asks
 * once more first, so a stray key does not save "nothing to label" for a frame not looked at.
 */
async function submitBoxes() {
  if (!state.task || state.busy) {
    return;
  }
  const boxes = editor.answer();
  if (boxes.length === 0 && !state.task.suggestion && !state.confirmEmpty) {
    state.confirmEmpty = true;
    setStatus('No boxes drawn. Press Enter again to save this frame as having nothing to label.');
    return;
  }
  await submit({ boxes }, 'Saved: ' + (boxes.length === 1 ? '1 box' : boxes.length + ' boxes') + '.');
}

async function submit(body, saved) {
  const task = state.task;
  if (!task || state.busy) {
    return;
  }
  state.busy = true;
  try {
    await callRetrying('POST', taskPath(task, 'submit'), { body }, waitingNote);
    state.done++;
    $('done').textContent = String(state.done);
    setStatus(saved);
    refreshCountsSoon();
  } catch (e) {
    if (e.status === 401) {
      return;
    }
    if (e.status !== 409) {
      // The task is still ours (a wrong class, the service away): stay on it.
      state.busy = false;
      setStatus('Not saved: ' + e.message, true);
      return;
    }
    setStatus(e.code === 'already_answered' ? 'That frame had already been answered; here is the next one.'
      : 'Your lease on that frame had run out, so the answer was not saved; here is the next one.', true);
  }
  state.busy = false;
  letGo();
  await nextTask();
}

function acceptSuggestion() {
  if (isDetection(state.task)) {
    submitBoxes();
  } else if (state.task && state.task.suggestion) {
    answer(state.task.suggestion.label);
  }
}

async function skip() {
  const task = state.task;
  if (!task || state.busy) {
    return;
  }
  state.busy = true;
  try {
    await callRetrying('POST', taskPath(task, 'skip'), {}, waitingNote);
    setStatus('Skipped. That frame comes back to you after every other one.');
  } catch (e) {
    if (e.status === 401) {
      return;
    }
    if (e.status !== 409) {
      state.busy = false;
      setStatus('Not skipped: ' + e.message, true);
      return;
    }
    setStatus('Your lease on that frame had already run out.', true);
  }
  state.busy = false;
  letGo();
  await nextTask();
}

async function release() {
  const task = state.task;
  if (!task || state.busy) {
    return;
  }
  state.busy = true;
  try {
    await callRetrying('POST', taskPath(task, 'release'), {}, waitingNote);
  } catch (e) {
    if (e.status === 401) {
      return;
    }
    if (e.status !== 409) {
      state.busy = false;
      setStatus('Not released: ' + e.message, true);
      return;
    }
  }
  state.busy = false;
  pause('Released: the frame went back to the queue.');
}

function pause(message) {
  state.paused = true;
  clearTimeout(state.pollTimer);
  clearTask();
  showEmpty('Paused', message + ' Press N when you want the next frame.');
  setStatus(message + ' Press N for the next frame.');
  $('stage').focus({ preventScroll: true });
  // What N would bring is likely the frame just given back (it keeps its place): have it ready.
  prefetch();
}

// ---- The lease ----------------------------------------------------------------------------------------------

function startLease(expiresAt, serverTime) {
  stopLease();
  const now = Date.now();
  // The expiry is on the service's clock; correct for this machine's only when they differ by more than the
  // Date header's one-second grain.
  const skew = serverTime !== null && Math.abs(serverTime - now) > 2000 ? serverTime - now : 0;
  const deadline = Date.parse(expiresAt) - skew;
  state.lease = { deadline, length: Math.max(1000, deadline - now), skew };
  $('lease-box').classList.remove('lost', 'low');
  tick();
  state.tickTimer = setInterval(tick, 250);
  scheduleHeartbeat();
}

function stopLease() {
  clearInterval(state.tickTimer);
  clearTimeout(state.heartbeatTimer);
  state.lease = null;
  $('lease-box').classList.remove('low');
}

function tick() {
  const lease = state.lease;
  if (!lease) {
    return;
  }
  const left = Math.max(0, lease.deadline - Date.now());
  const seconds = Math.ceil(left / 1000);
  const text = String(Math.floor(seconds / 60)).padStart(2, '0') + ':' + String(seconds % 60).padStart(2, '0');
  if ($('lease').textContent !== text) {
    $('lease').textContent = text;
  }
  $('lease-bar').style.width = (100 * left / lease.length).toFixed(1) + '%';
  $('lease-box').classList.toggle('low', left < lease.length / 4);
  if (left === 0 && !state.busy) {
    leaseLost();
  }
}

/** Heartbeats every third of the lease, so one lost on the way does not cost the frame. */
function scheduleHeartbeat() {
  clearTimeout(state.heartbeatTimer);
  if (state.lease) {
    state.heartbeatTimer = setTimeout(heartbeat, state.lease.length / 3);
  }
}

async function heartbeat() {
  const task = state.task;
  if (!task || !state.lease) {
    return;
  }
  if (!away()) {
    try {
      const res = await call('POST', taskPath(task, 'heartbeat'));
      if (state.task !== task || !state.lease) {
        return;
      }
      state.lease.deadline = Date.parse(res.data.leaseExpiresAt) - state.lease.skew;
      refreshCounts();
    } catch (e) {
      if (state.task !== task || e.status === 401) {
        return;
      }
      if (e.status === 409) {
        leaseLost();
        return;
      }
      console.warn('heartbeat failed; trying again at the next one:', e.message);
    }
  }
  scheduleHeartbeat();
}

function leaseLost() {
  if (!state.task || state.busy) {
    return;
  }
  const wasAway = away();
  $('lease-box').classList.add('lost');
  clearTask();
  if (wasAway) {
    pause('The lease ran out while you were away, and the frame went back to the queue.');
  } else {
    setStatus('Your lease on that frame ran out and it went back to the queue; here is the next one.', true);
    nextTask();
  }
}

// ---- Counts -------------------------------------------------------------------------------------------------

function showCounts(me) {
  $('answered').textContent = String(me.answered);
  $('accepted').textContent = String(me.accepted);
  $('corrected').textContent = String(me.corrected);
}

async function refreshCounts() {
  const generation = state.generation;
  try {
    const me = await whoAmI();
    if (generation === state.generation) {
      showCounts(me);
    }
  } catch (e) {
    if (e.status !== 401) {
      console.warn('could not read your counts:', e.message);
    }
  }
}

function refreshCountsSoon() {
  clearTimeout(state.countsTimer);
  state.countsTimer = setTimeout(refreshCounts, COUNTS_DELAY_MS);
}

// ---- Keys ---------------------------------------------------------------------------------------------------

function onKey(event) {
  state.lastActivity = Date.now();
  if (!state.signedIn || event.defaultPrevented) {
    return;
  }
  const target = event.target instanceof Element ? event.target : document.body;
  if (target.closest('input, textarea, select')) {
    return;
  }
  // The box editor's keys first (arrows repeat, Alt+arrows resize); Enter, S, R and N stay the page's.
  if (isDetection(state.task) && !state.busy && event.key !== 'Enter'
      && !(event.key === ' ' && target.closest('button, a')) && editor.key(event, target === $('boxes'))) {
    event.preventDefault();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) {
    return;
  }
  const key = event.key;
  if (/^[0-9]$/.test(key)) {
    // 1 is the first class, 0 the tenth: the keys in the order they sit on the keyboard.
    const label = state.task && state.task.classes[(Number(key) + 9) % DIGIT_KEYS];
    if (label) {
      event.preventDefault();
      answer(label);
    }
    return;
  }
  if (key === 'Enter') {
    // On a focused button or link, Enter is that control's own action.
    if (!target.closest('button, a')) {
      event.preventDefault();
      acceptSuggestion();
    }
    return;
  }
  switch (key.toLowerCase()) {
    case 's':
      event.preventDefault();
      skip();
      break;
    case 'r':
      event.preventDefault();
      release();
      break;
    case 'n':
      if (!state.task) {
        event.preventDefault();
        nextTask();
      }
      break;
    default:
  }
}

// ---- Wiring -------------------------------------------------------------------------------------------------

whenUnauthorized(() => {
  session.clear();
  leave('Your token is not accepted any more. Sign in again.');
});
signInForm({ form: $('signin'), input: $('token'), error: $('signin-error'), onSignedIn: enter });
$('signout').addEventListener('click', signOut);
$('accept').addEventListener('click', acceptSuggestion);
$('skip').addEventListener('click', skip);
$('release').addEventListener('click', release);
$('next').addEventListener('click', nextTask);
$('frame').addEventListener('load', () => {
  fit();
  editor.paint();
});
window.addEventListener('resize', fit);
document.addEventListener('keydown', onKey);
document.addEventListener('pointerdown', () => {
  state.lastActivity = Date.now();
});
// Leaving the page gives the frame back at once instead of when its lease runs out.
window.addEventListener('pagehide', () => {
  if (state.task) {
    call('POST', taskPath(state.task, 'release'), { keepalive: true })
      .catch(e => console.warn('could not release the frame on leaving; its lease will run out:', e.message));
    clearTask();
  }
});
window.addEventListener('pageshow', event => {
  if (event.persisted && state.signedIn) {
    nextTask();
  }
});

clearTask();
if (session.token()) {
  whoAmI().then(enter, e => {
    if (e.status !== 401) {
      leave(e instanceof ApiError ? e.message : String(e));
    }
  });
} else {
  leave('');
}
