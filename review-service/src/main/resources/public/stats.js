'use strict';
// The statistics page: signs in with an admin token, reads /v1/stats/... and draws plain inline SVG.
// The page's CSP allows no inline script or style attribute: colours and line styles come from stats.css classes,
// geometry from SVG attributes set here.
(() => {
  const TOKEN_KEY = 'labelstream.token'; // the review page's key: one sign-in per browser tab
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const W = 760; // user units of every chart's viewBox; the SVG scales to the page width
  const REFRESH_MS = 30000;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // Time-axis label spacing in buckets, smallest first; labels fall on multiples, so they read 10:00, 10:15, ...
  const TIME_STEPS = { minute: [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720], hour: [1, 2, 3, 6, 12, 24, 48, 168, 336] };

  const $ = id => document.getElementById(id);
  let token = sessionStorage.getItem(TOKEN_KEY);
  let timer = null;

  class HttpError extends Error {
    constructor(status, body) {
      super(body && body.message ? body.message : 'HTTP ' + status);
      this.status = status;
    }
  }

  async function api(path) {
    const res = await fetch(path, { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
    if (!res.ok) {
      let body = null;
      try {
        body = await res.json();
      } catch (notJson) {
        body = null; // the status says enough
      }
      throw new HttpError(res.status, body);
    }
    return res.json();
  }

  /** Sets the attributes and text of a new element and hangs it under its parent. */
  function fill(node, attrs, parent, text) {
    for (const [key, value] of Object.entries(attrs || {})) {
      node.setAttribute(key, value);
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function svg(name, attrs, parent, text) {
    return fill(document.createElementNS(SVG_NS, name), attrs, parent, text);
  }

  function html(name, attrs, parent, text) {
    return fill(document.createElement(name), attrs, parent, text);
  }

  function newChart(containerId, height, label) {
    const box = $(containerId);
    box.replaceChildren();
    return svg('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': label }, box);
  }

  /** A short chart with one line of text instead of axes. */
  function emptyState(chart, message) {
    chart.setAttribute('viewBox', `0 0 ${W} 70`);
    svg('text', { x: W / 2, y: 40, 'text-anchor': 'middle', class: 'empty' }, chart, message);
  }

  const pct = (v, digits = 0) => (v * 100).toFixed(digits) + '%';
  const count = v => v.toLocaleString('en-US');

  function niceStep(raw) {
    if (!(raw > 0)) {
      return 1;
    }
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / power;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  }

  /** Whole-number ticks from 0 to at least max. */
  function countTicks(max, wanted = 5) {
    const step = Math.max(1, niceStep(max / wanted));
    const top = Math.max(step, Math.ceil(max / step) * step);
    const ticks = [];
    for (let v = 0; v <= top + 1e-9; v += step) {
      ticks.push(v);
    }
    return { top, ticks };
  }

  function grid(chart, m, ticks, y, format, height) {
    const g = svg('g', { class: 'tick' }, chart);
    for (const v of ticks) {
      svg('line', { x1: m.left, x2: W - m.right, y1: y(v), y2: y(v), class: 'grid' }, g);
      svg('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, g, format(v));
    }
    svg('line', { x1: m.left, x2: W - m.right, y1: height - m.bottom, y2: height - m.bottom, class: 'axis' }, chart);
  }

  function axisTitle(chart, m, height, text, right) {
    const x = right ? W - 12 : 12;
    const y = (m.top + height - m.bottom) / 2;
    svg('text', { x, y, class: 'axis-title', 'text-anchor': 'middle', transform: `rotate(${right ? 90 : -90} ${x} ${y})` },
      chart, text);
  }

  function timeLabel(date, resolution, withDate) {
    const hhmm = date.toISOString().slice(11, 16);
    const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
    if (resolution === 'hour') {
      return hhmm === '00:00' || withDate ? `${day} ${hhmm}` : hhmm;
    }
    return withDate ? `${day} ${hhmm}` : hhmm;
  }

  /** Labels on bucket boundaries at a round spacing, the date where the day changes, "UTC" as the axis title. */
  function timeAxis(chart, m, height, series, x) {
    const n = series.buckets.length;
    const steps = TIME_STEPS[series.resolution] || [1];
    const step = steps.find(s => n / s <= 7) || steps[steps.length - 1];
    const bucketMs = series.bucketMinutes * 60000;
    const g = svg('g', { class: 'tick' }, chart);
    let lastDay = null;
    for (let i = 0; i < n; i++) {
      const start = new Date(series.buckets[i].start);
      if (Math.round(start.getTime() / bucketMs) % step !== 0) {
        continue;
      }
      const day = start.toISOString().slice(0, 10);
      svg('line', { x1: x(i), x2: x(i), y1: height - m.bottom, y2: height - m.bottom + 4, class: 'axis' }, g);
      svg('text', { x: x(i), y: height - m.bottom + 16, 'text-anchor': 'middle' }, g,
        timeLabel(start, series.resolution, day !== lastDay));
      lastDay = day;
    }
    svg('text', { x: W - m.right, y: height - 4, 'text-anchor': 'end', class: 'axis-title' }, chart,
      `time (UTC), ${series.bucketMinutes === 1 ? 'per minute' : series.bucketMinutes === 60 ? 'per hour'
        : 'per ' + series.bucketMinutes + ' minutes'}`);
  }

  /** Splits a class name over two lines when it is too wide for its slot. */
  function wrap(name, maxChars) {
    if (name.length <= maxChars) {
      return [name];
    }
    const cuts = [...name].map((c, i) => (c === ' ' || c === '/' ? i : -1)).filter(i => i > 0);
    if (!cuts.length) {
      return [name.slice(0, maxChars - 1) + '…'];
    }
    const cut = cuts.reduce((a, b) => (Math.abs(b - name.length / 2) < Math.abs(a - name.length / 2) ? b : a));
    return [name.slice(0, cut + (name[cut] === '/' ? 1 : 0)), name.slice(cut + 1)];
  }

  function classLabels(chart, lines, cx, y, maxChars) {
    const text = svg('text', { x: cx, y, 'text-anchor': 'middle' }, chart);
    lines.forEach((line, i) => {
      wrap(line.text, maxChars).forEach((part, j) => {
        svg('tspan', { x: cx, dy: i + j === 0 ? 0 : 13, class: line.cls || '' }, text, part);
      });
    });
  }

  // 1. Final labels per class, stacked by source.
  // For a detection model: the boxes of the final labels per class, stacked by source.
  function drawClasses(data) {
    const H = 320;
    const m = { top: 22, right: 16, bottom: 46, left: 56 };
    const boxes = data.task === 'detection';
    const unit = boxes ? 'boxes' : 'frames';
    $('classes-title').textContent = boxes ? 'Boxes per class' : 'Final labels per class';
    if (boxes) {
      $('classes-note').textContent = `Boxes of each frame's latest label; a person's boxes replace the model's. `
        + `${count(data.total)} frames: ${count(data.model)} labelled by the model, ${count(data.human)} by people; `
        + `${count(data.boxes.total)} boxes.`;
    }
    const chart = newChart('classes-chart', H, boxes ? 'Boxes per class, by source' : 'Final labels per class, by source');
    if (data.total === 0) {
      emptyState(chart, 'No final labels yet.');
      return;
    }
    const rows = data.classes;
    const { top, ticks } = countTicks(Math.max(...rows.map(r => r.total)));
    const y = v => H - m.bottom - (v / top) * (H - m.top - m.bottom);
    grid(chart, m, ticks, y, count, H);
    axisTitle(chart, m, H, unit);
    const band = (W - m.left - m.right) / rows.length;
    const barWidth = Math.min(46, band * 0.68);
    rows.forEach((r, i) => {
      const cx = m.left + band * (i + 0.5);
      classLabels(chart, [{ text: r.class }], cx, H - m.bottom + 16, Math.floor(band / 6.5));
      if (r.total === 0) {
        return;
      }
      const g = svg('g', { class: 'bar', 'data-class': r.class }, chart);
      svg('title', {}, g, `${r.class}: ${count(r.total)} ${unit} — ${count(r.model)} by the model, ${count(r.human)} by people`);
      if (r.model > 0) {
        svg('rect', { x: cx - barWidth / 2, y: y(r.model), width: barWidth, height: y(0) - y(r.model), class: 'model' }, g);
      }
      if (r.human > 0) {
        svg('rect', { x: cx - barWidth / 2, y: y(r.total), width: barWidth, height: y(r.model) - y(r.total), class: 'human' }, g);
      }
      svg('text', { x: cx, y: y(r.total) - 5, 'text-anchor': 'middle', class: 'value' }, g, count(r.total));
    });
  }

  // 2. Share of final labels given by people and by the model, per time bucket (100% stacked step area).
  function drawShare(series, events) {
    const H = 250;
    const m = { top: 14, right: 16, bottom: 42, left: 56 };
    const chart = newChart('share-chart', H, 'Share of labels by the model and by people over time');
    const buckets = series.buckets;
    if (!buckets.some(b => b.humanShare !== null)) {
      emptyState(chart, 'No labels yet.');
      return;
    }
    const bw = (W - m.left - m.right) / buckets.length;
    const x = i => m.left + i * bw;
    const y = s => H - m.bottom - s * (H - m.top - m.bottom);
    grid(chart, m, [0, 0.25, 0.5, 0.75, 1], y, v => pct(v), H);
    axisTitle(chart, m, H, 'share of labels');
    const areas = svg('g', { class: 'areas' }, chart);
    for (let i = 0; i < buckets.length; i++) {
      if (buckets[i].humanShare === null) {
        continue;
      }
      let end = i;
      while (end + 1 < buckets.length && buckets[end + 1].humanShare !== null) {
        end++;
      }
      svg('rect', { x: x(i), y: y(1), width: x(end + 1) - x(i), height: y(0) - y(1), class: 'model' }, areas);
      let edge = '';
      for (let j = i; j <= end; j++) {
        edge += ` L${x(j)},${y(buckets[j].humanShare)} L${x(j + 1)},${y(buckets[j].humanShare)}`;
      }
      svg('path', { d: `M${x(i)},${y(0)}${edge} L${x(end + 1)},${y(0)} Z`, class: 'human' }, areas);
      svg('path', { d: 'M' + edge.slice(2), class: 'share-line' }, areas);
      i = end;
    }
    const hovers = svg('g', {}, chart);
    buckets.forEach((b, i) => {
      const r = svg('rect', { x: x(i), y: m.top, width: bw, height: H - m.top - m.bottom, class: 'hover' }, hovers);
      const when = timeLabel(new Date(b.start), series.resolution, true);
      svg('title', {}, r, b.humanShare === null ? `${when}: no labels`
        : `${when}: ${count(b.model)} by the model, ${count(b.human)} by people (${pct(b.humanShare)} people); `
          + `${count(b.predictions)} predictions`);
    });
    driftMarkers(chart, m, H, series, x, events);
    timeAxis(chart, m, H, series, x);
  }

  function driftText(e) {
    return `${e.scope === 'all' ? 'every camera' : 'camera ' + e.scope}: ${e.signal} ${e.direction}, frame `
      + `${count(e.detectedAtFrame)} (began about frame ${count(e.changePointFrame)})`;
  }

  // A vertical marker where each drift event falls on the timeline (by when the review service received it).
  function driftMarkers(chart, m, height, series, x, events) {
    if (!series.from || !events.length) {
      return;
    }
    const from = new Date(series.from).getTime();
    const bucketMs = series.bucketMinutes * 60000;
    const g = svg('g', { class: 'drift-markers' }, chart);
    for (const e of events) {
      const at = (new Date(e.detectedAt).getTime() - from) / bucketMs;
      if (at < 0 || at > series.buckets.length) {
        continue;
      }
      const marker = svg('g', { class: 'drift-marker', 'data-regime': e.regime }, g);
      svg('title', {}, marker, `Drift, regime ${e.regime} — ${driftText(e)}`);
      svg('line', { x1: x(at), x2: x(at), y1: m.top, y2: height - m.bottom, class: 'drift-line' }, marker);
      svg('text', { x: x(at) + 3, y: m.top + 10, class: 'drift-label' }, marker,
        `${e.scope === 'all' ? 'all' : e.scope} ${e.signal}`);
    }
  }

  // The regimes and every drift event: what the current bound and the cumulative one describe, and since when.
  function drawDrift(data) {
    const note = $('drift-note');
    note.textContent = data.regime === undefined ? '' : `Regime ${data.regime.regime} since stream frame `
      + `${count(data.regime.startFrame)}: lower bound ${pct(data.regime.writtenLowerBound, 2)} for the labels it `
      + `wrote (${pct(data.regime.lowerBound, 2)} for the model on such frames); `
      + `${pct(data.cumulativeLowerBound, 2)} for every model label so far. `
      + `${data.cameras.length} camera(s) on a regime of their own.`;
    const list = $('drift-events');
    list.textContent = '';
    const events = data.driftEvents || [];
    if (!events.length) {
      html('p', { class: 'empty' }, list, 'No change detected.');
      return;
    }
    const t = html('table', {}, list);
    const head = html('tr', {}, html('thead', {}, t));
    ['Received (UTC)', 'Where', 'Signal', 'Frame', 'Regime', 'Recalled'].forEach(h => html('th', {}, head, h));
    const body = html('tbody', {}, t);
    for (const e of events) {
      const tr = html('tr', { class: 'drift-event' }, body);
      html('td', {}, tr, new Date(e.detectedAt).toISOString().slice(0, 19).replace('T', ' '));
      html('td', {}, tr, e.scope === 'all' ? 'every camera' : e.scope);
      html('td', {}, tr, `${e.signal} ${e.direction}`);
      html('td', {}, tr, `${count(e.detectedAtFrame)} (began about ${count(e.changePointFrame)})`);
      html('td', {}, tr, String(e.regime));
      // the model labels written between the change and its detection, sent back to people as flagged tasks
      html('td', {}, tr, `${count(e.recalledLabels || 0)} model label(s) back to people`);
    }
  }

  // 3. Estimated model-label accuracy per class with its lower bound, against the targets. A detection model has one
  // row, frame exactness (a model-labelled frame a reviewer would not change), and one target.
  function drawAccuracy(data) {
    const H = 340;
    const m = { top: 16, right: 120, bottom: 66, left: 56 };
    const frames = data.task === 'detection';
    $('accuracy-title').textContent = frames ? 'Frame exactness of model labels' : 'Model-label accuracy per class';
    $('class-target-legend').hidden = frames;
    const chart = newChart('accuracy-chart', H, frames ? 'Frame exactness of model labels' : 'Model-label accuracy per class');
    const rows = frames ? data.classes
      : [{ class: 'all classes', overall: true, closed: false, ...data.overall }, ...data.classes];
    const targets = frames ? [[data.target, 'target', 'target']]
      : [[data.target, 'target', 'target'], [data.classTarget, 'class-target', 'class target']];
    const values = rows.flatMap(r => [r.estimatedAccuracy, r.lowerBound]).concat(targets.map(t => t[0]));
    // Accuracy lives near 100%: the axis starts at a round value below everything shown (never below 0).
    const lo = Math.max(0, Math.min(0.98, Math.floor((Math.min(...values) - 0.004) * 50) / 50));
    const step = niceStep((1 - lo) / 5);
    const ticks = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= 1 + 1e-9; v += step) {
      ticks.push(v);
    }
    const digits = step < 0.01 ? 1 : 0;
    const y = v => H - m.bottom - ((Math.max(lo, v) - lo) / (1 - lo)) * (H - m.top - m.bottom);
    grid(chart, m, ticks, y, v => pct(v, digits), H);
    axisTitle(chart, m, H, frames ? 'exact frames' : 'model-label accuracy');
    $('accuracy-note').textContent = (frames ? 'The share of model-labelled frames a reviewer would not change (every '
      + 'box matched at IoU ≥ 0.5 with its class, none missing, none extra), estimated from blind audits where the '
      + 'reviewer draws every box' : 'Estimated from blind audits')
      + ' (and the model\'s validation set while the stream agrees '
      + `with it); the bar is the estimate, the black mark its ${pct(data.confidence)} lower bound.`
      + (lo > 0 ? ` The axis starts at ${pct(lo)}.` : '');
    const band = (W - m.left - m.right) / rows.length;
    const barWidth = Math.min(40, band * 0.6);
    rows.forEach((r, i) => {
      const cx = m.left + band * (i + 0.5);
      const g = svg('g', { class: 'bar', 'data-class': r.class }, chart);
      const threshold = r.overall ? '' : r.closed ? ', closed: every frame goes to people' : `, threshold ${r.threshold.toFixed(3)}`;
      svg('title', {}, g, `${r.class}: estimate ${pct(r.estimatedAccuracy, 2)}, lower bound ${pct(r.lowerBound, 2)}, `
        + `${count(r.audits)} audits${threshold}`);
      svg('rect', { x: cx - barWidth / 2, y: y(r.estimatedAccuracy), width: barWidth,
        height: y(lo) - y(r.estimatedAccuracy), class: r.closed ? 'estimate closed' : 'estimate' }, g);
      svg('line', { x1: cx - barWidth / 2 - 4, x2: cx + barWidth / 2 + 4, y1: y(r.lowerBound), y2: y(r.lowerBound),
        class: 'bound' }, g);
      classLabels(chart, [
        { text: r.class },
        { text: r.closed ? 'closed' : r.overall ? `${count(r.audits)} audits` : `≥ ${r.threshold.toFixed(2)}`, cls: 'value' },
      ], cx, H - m.bottom + 16, Math.floor(band / 6.5));
      if (i === 0 && !frames) {
        const sep = m.left + band;
        svg('line', { x1: sep, x2: sep, y1: m.top, y2: H - m.bottom, class: 'grid' }, chart);
      }
    });
    for (const [value, cls, label] of targets) {
      svg('line', { x1: m.left, x2: W - m.right, y1: y(value), y2: y(value), class: cls }, chart);
      svg('text', { x: W - m.right + 6, y: y(value) + 4, class: cls + '-label' }, chart, `${label} ${pct(value, 1)}`);
    }
  }

  // 4. Answers per time bucket (bars) and queue length at each bucket's end (line, right axis).
  function drawThroughput(series) {
    const H = 270;
    const m = { top: 14, right: 56, bottom: 42, left: 56 };
    const chart = newChart('throughput-chart', H, 'Review answers and queue length over time');
    const buckets = series.buckets;
    if (!buckets.length) {
      emptyState(chart, 'No review requests or answers yet.');
      return;
    }
    const answers = countTicks(Math.max(...buckets.map(b => b.answers)));
    const queue = countTicks(Math.max(0, ...buckets.map(b => b.queueLength)));
    const bw = (W - m.left - m.right) / buckets.length;
    const x = i => m.left + i * bw;
    const plot = H - m.top - m.bottom;
    const ya = v => H - m.bottom - (v / answers.top) * plot;
    const yq = v => H - m.bottom - (Math.max(0, v) / queue.top) * plot;
    grid(chart, m, answers.ticks, ya, count, H);
    axisTitle(chart, m, H, 'answers');
    const right = svg('g', { class: 'tick' }, chart);
    for (const v of queue.ticks) {
      svg('text', { x: W - m.right + 6, y: yq(v) + 4 }, right, count(v));
    }
    axisTitle(chart, m, H, 'tasks waiting', true);
    const bars = svg('g', { class: 'bars' }, chart);
    buckets.forEach((b, i) => {
      if (b.answers > 0) {
        const width = Math.max(1, Math.min(48, bw * 0.8));
        svg('rect', { x: x(i) + (bw - width) / 2, y: ya(b.answers), width, height: ya(0) - ya(b.answers), class: 'answers' }, bars);
      }
    });
    // The queue length is known at each bucket's end; a step line shows it held until the next one.
    let d = '';
    buckets.forEach((b, i) => {
      d += `${i === 0 ? 'M' : ' L'}${x(i)},${yq(b.queueLength)} L${x(i + 1)},${yq(b.queueLength)}`;
    });
    svg('path', { d, class: 'queue' }, chart);
    const hovers = svg('g', {}, chart);
    buckets.forEach((b, i) => {
      const r = svg('rect', { x: x(i), y: m.top, width: bw, height: plot, class: 'hover' }, hovers);
      svg('title', {}, r, `${timeLabel(new Date(b.start), series.resolution, true)}: ${count(b.answers)} answers, `
        + `${count(b.requested)} requested, ${count(b.queueLength)} waiting at the end`);
    });
    timeAxis(chart, m, H, series, x);
  }

  // 5. Agreement tables, each rate with a small bar.
  function rateCell(row, rate) {
    const td = html('td', { class: 'num' }, row, rate === null ? '—' : pct(rate, 1));
    if (rate !== null) {
      const bar = svg('svg', { viewBox: '0 0 100 10', class: 'rate', preserveAspectRatio: 'none', 'aria-hidden': 'true' }, td);
      svg('rect', { x: 0, y: 0, width: 100, height: 10, class: 'track' }, bar);
      svg('rect', { x: 0, y: 0, width: 100 * rate, height: 10, class: 'fill' }, bar);
    }
  }

  function table(container, headers, rows, total) {
    const t = html('table', {}, container);
    const head = html('tr', {}, html('thead', {}, t));
    headers.forEach((h, i) => html('th', i === 0 ? {} : { class: 'num' }, head, h));
    const body = html('tbody', {}, t);
    for (const r of total ? rows.concat([total]) : rows) {
      const tr = html('tr', r === total ? { class: 'total' } : {}, body);
      html('td', {}, tr, r.name);
      html('td', { class: 'num' }, tr, count(r.total));
      html('td', { class: 'num' }, tr, count(r.agreed));
      rateCell(tr, r.rate);
    }
  }

  function drawAgreement(data) {
    const model = $('agreement-model');
    model.replaceChildren();
    const wm = data.withModel;
    if (wm.audits === 0) {
      html('p', { class: 'empty' }, model, 'No answers to blind audits yet.');
    } else {
      table(model, ['Reviewer', 'Audits', 'Agreed', 'Rate'],
        wm.reviewers.map(r => ({ name: r.reviewer, total: r.audits, agreed: r.agreed, rate: r.rate })),
        { name: 'All reviewers', total: wm.audits, agreed: wm.agreed, rate: wm.rate });
    }
    const between = $('agreement-reviewers');
    between.replaceChildren();
    const br = data.betweenReviewers;
    if (br.tasks === 0) {
      html('p', { class: 'empty' }, between, 'No task has been answered by two reviewers yet.');
    } else {
      html('p', { class: 'note' }, between, `${count(br.tasks)} tasks answered by two or more reviewers; `
        + 'every pair of answers to one task is compared.');
      table(between, ['Reviewers', 'Pairs', 'Agreed', 'Rate'],
        br.reviewerPairs.map(p => ({ name: p.reviewers.join(' – '), total: p.pairs, agreed: p.agreed, rate: p.rate })),
        { name: 'All pairs', total: br.pairs, agreed: br.agreed, rate: br.rate });
      table(between, ['Reviewer', 'Pairs', 'Agreed', 'Rate'],
        br.reviewers.map(r => ({ name: r.reviewer, total: r.pairs, agreed: r.agreed, rate: r.rate })));
    }
    const gold = $('gold');
    gold.replaceChildren();
    if (data.gold === null) {
      gold.textContent = 'Accuracy on gold tasks (frames with a known answer) will show here once gold tasks exist.';
    } else {
      html('p', { class: 'note' }, gold, 'Gold tasks: frames with a known answer, shown like blind audits.');
      table(gold, ['Reviewer', 'Gold tasks', 'Correct', 'Rate'],
        data.gold.reviewers.map(r => ({ name: r.reviewer, total: r.gold, agreed: r.correct, rate: r.rate })),
        { name: 'All reviewers', total: data.gold.gold, agreed: data.gold.correct, rate: data.gold.rate });
    }
  }

  function setStatus(text, error) {
    $('status').textContent = text;
    $('status').className = error ? 'error' : '';
  }

  function show(signedIn) {
    $('signin').hidden = signedIn;
    $('session').hidden = !signedIn;
    $('charts').hidden = !signedIn;
    if (!signedIn) {
      $('token').focus();
    }
  }

  async function load() {
    const q = '?resolution=' + encodeURIComponent($('resolution').value);
    $('charts').setAttribute('aria-busy', 'true');
    try {
      const [classes, labels, accuracy, throughput, agreement] = await Promise.all([
        api('/v1/stats/classes'), api('/v1/stats/labels-over-time' + q), api('/v1/stats/accuracy'),
        api('/v1/stats/review-throughput' + q), api('/v1/stats/agreement')]);
      drawClasses(classes);
      drawShare(labels, accuracy.driftEvents || []);
      drawAccuracy(accuracy);
      drawDrift(accuracy);
      drawThroughput(throughput);
      drawAgreement(agreement);
      $('charts').dataset.state = 'ready';
      setStatus(`Updated ${new Date().toISOString().slice(11, 19)} UTC; refreshes every ${REFRESH_MS / 1000} s.`);
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
        stop();
        show(false);
        if (e.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          setStatus('That token was not accepted. Sign in with an admin token.', true);
        } else {
          setStatus('That token is a reviewer\'s; the statistics need an admin token.', true);
        }
        return;
      }
      setStatus('Could not load the statistics: ' + e.message, true);
    } finally {
      $('charts').removeAttribute('aria-busy');
    }
  }

  function start() {
    show(true);
    stop();
    timer = setInterval(load, REFRESH_MS);
    load();
  }

  function stop() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  $('signin').addEventListener('submit', e => {
    e.preventDefault();
    const entered = $('token').value.trim();
    if (!entered) {
      return;
    }
    token = entered;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    setStatus('');
    start();
  });
  $('signout').addEventListener('click', () => {
    stop();
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    setStatus('Signed out.');
    show(false);
  });
  $('refresh').addEventListener('click', load);
  $('resolution').addEventListener('change', load);

  if (token) {
    start();
  } else {
    show(false);
  }
})();
