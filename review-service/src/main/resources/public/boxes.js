// The box editor of a detection task: the frame drawn large on a canvas with its boxes over it, edited with the
// keyboard and the mouse.
//
// Boxes live in frame pixels (x, y = top-left, w, h), the space the service speaks; the view maps them to the
// screen (scale and offset, changed by zoom and pan) only to draw them and to read the pointer. The editor knows
// nothing of tasks and the service: the page gives it a frame, its classes and the suggested boxes, and asks it for
// the boxes to submit.

/** Handles are this many CSS pixels either side of their point, for the eye and for the pointer alike. */
const HANDLE = 5;
/** A drag shorter than this (CSS pixels) is a click: it selects or deselects, it draws nothing. */
const CLICK_SLOP = 5;
/** The smallest side of a drawn or resized box, in frame pixels (the service refuses boxes under 2 px a side). */
const MIN_SIDE = 3;
/** Zoom is from "the whole frame fits" up to this many times that. */
const MAX_ZOOM = 16;
/** Room kept around the fitted frame, in CSS pixels, so boxes at its edge keep their handles and tags on screen. */
const MARGIN = 24;
/** Keyboard pan and zoom steps. */
const PAN_STEP = 60;
const ZOOM_STEP = 1.25;

/** One colour per class index (cycled past ten), chosen to stay apart from each other on photos. */
const PALETTE = ['#ff6b6b', '#4dabf7', '#51cf66', '#fcc419', '#cc5de8', '#ff922b', '#22b8cf', '#f06595', '#adb5bd',
  '#c0915e'];

/** Which edges a handle moves: l(eft), t(op), r(ight), b(ottom). */
const HANDLES = [
  ['nw', 'lt'], ['n', 't'], ['ne', 'rt'], ['e', 'r'], ['se', 'rb'], ['s', 'b'], ['sw', 'lb'], ['w', 'l'],
];
const CURSORS = { nw: 'nwse-resize', se: 'nwse-resize', ne: 'nesw-resize', sw: 'nesw-resize', n: 'ns-resize',
  s: 'ns-resize', e: 'ew-resize', w: 'ew-resize' };

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round1 = v => Math.round(v * 10) / 10;

export class BoxEditor {
  /**
   * @param canvas the focusable canvas the frame and boxes are drawn on
   * @param image the loaded frame (an <img>; it need not be shown)
   * @param onChange called after every change of the boxes or the selection
   * @param enabled whether edits are taken now (false while an answer is on its way)
   */
  constructor({ canvas, image, onChange, enabled }) {
    this.canvas = canvas;
    this.image = image;
    this.onChange = onChange;
    this.enabled = enabled;
    this.ctx = canvas.getContext('2d');
    this.open = false;
    this.boxes = [];
    this.selected = -1;
    this.drawClass = 0;
    this.edited = false;
    this.drag = null;
    this.spaceHeld = false;
    this.view = { scale: 1, ox: 0, oy: 0, fit: 1 };
    this.frame = { width: 1, height: 1 };
    this.classes = [];
    this.pending = false;

    canvas.addEventListener('pointerdown', e => this.pointerDown(e));
    canvas.addEventListener('pointermove', e => this.pointerMove(e));
    canvas.addEventListener('pointerup', e => this.pointerUp(e));
    canvas.addEventListener('pointercancel', () => this.cancelDrag());
    canvas.addEventListener('wheel', e => this.wheel(e), { passive: false });
    canvas.addEventListener('contextmenu', e => e.preventDefault());
    window.addEventListener('keyup', e => {
      if (e.key === ' ') {
        this.spaceHeld = false;
      }
    });
    // The space bar let go in another window never sends its keyup here.
    window.addEventListener('blur', () => {
      this.spaceHeld = false;
    });
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  /**
   * Shows a frame of {@code width} x {@code height} pixels with these boxes (null: none to start from, the reviewer
   * draws them all). The view starts fitted; the class for new boxes starts at the first.
   */
  show({ width, height, classes, boxes }) {
    this.open = true;
    this.frame = { width: width || this.image.naturalWidth || 1, height: height || this.image.naturalHeight || 1 };
    this.classes = classes;
    this.boxes = (boxes || []).map(b => ({
      label: b.label, x: Number(b.x), y: Number(b.y), w: Number(b.w), h: Number(b.h),
      confidence: b.confidence === undefined ? null : b.confidence,
    }));
    this.selected = -1;
    this.drawClass = 0;
    this.edited = false;
    this.drag = null;
    this.resize();
    this.changed(false);
  }

  close() {
    this.open = false;
    this.boxes = [];
    this.selected = -1;
    this.drag = null;
    this.paint();
  }

  /** The boxes to submit: inside the frame, in frame pixels rounded to 0.1. */
  answer() {
    const { width, height } = this.frame;
    return this.boxes.map(b => {
      const x = round1(clamp(b.x, 0, width));
      const y = round1(clamp(b.y, 0, height));
      return {
        label: b.label, x, y,
        w: round1(clamp(b.x + b.w, 0, width) - x), h: round1(clamp(b.y + b.h, 0, height) - y),
      };
    });
  }

  /** The class new boxes get, or the selected box's: what the class buttons show as current. */
  currentClass() {
    return this.selected >= 0 ? this.boxes[this.selected].label : this.classes[this.drawClass];
  }

  // ---- Edits --------------------------------------------------------------------------------------------------

  /** Digits and class buttons: relabel the selected box, or choose the class of the next box drawn. */
  setClass(index) {
    if (!this.editable() || index < 0 || index >= this.classes.length) {
      return false;
    }
    this.drawClass = index;
    const box = this.boxes[this.selected];
    if (box && box.label !== this.classes[index]) {
      box.label = this.classes[index];
      box.confidence = null;
    }
    this.changed(!!box);
    return true;
  }

  select(index) {
    this.selected = index;
    const box = this.boxes[index];
    if (box && this.classes.includes(box.label)) {
      this.drawClass = this.classes.indexOf(box.label);
    }
    if (box) {
      this.reveal(box);
    }
    this.changed(false);
  }

  /** Tab: the next (+1) or previous (-1) box; false once past the last (or first), where the focus moves on. */
  step(direction) {
    const next = this.selected < 0 ? (direction > 0 ? 0 : this.boxes.length - 1) : this.selected + direction;
    if (next < 0 || next >= this.boxes.length) {
      this.select(-1);
      return false;
    }
    this.select(next);
    return true;
  }

  removeSelected() {
    if (this.selected < 0) {
      return;
    }
    this.boxes.splice(this.selected, 1);
    this.selected = -1;
    this.changed(true);
  }

  /** Arrow keys: move the selected box by (dx, dy) frame pixels, kept inside the frame. */
  nudge(dx, dy) {
    const box = this.boxes[this.selected];
    box.x = clamp(box.x + dx, 0, this.frame.width - box.w);
    box.y = clamp(box.y + dy, 0, this.frame.height - box.h);
    box.confidence = null;
    this.changed(true);
  }

  /** Alt+arrow keys: move the right and bottom edges, the top-left corner staying put. */
  grow(dw, dh) {
    const box = this.boxes[this.selected];
    box.w = clamp(box.w + dw, MIN_SIDE, this.frame.width - box.x);
    box.h = clamp(box.h + dh, MIN_SIDE, this.frame.height - box.y);
    box.confidence = null;
    this.changed(true);
  }

  changed(edit) {
    this.edited = this.edited || edit;
    this.paint();
    this.onChange();
  }

  editable() {
    return this.open && this.enabled();
  }

  // ---- Keys ---------------------------------------------------------------------------------------------------

  /**
   * One key press on the page while this editor is open; true when the editor used it. Tab is the editor's only
   * while the canvas has the focus, so the buttons stay reachable: Tab walks the boxes, then on to the buttons.
   */
  key(event, onCanvas) {
    if (!this.editable() || event.ctrlKey || event.metaKey) {
      return false;
    }
    const key = event.key;
    const box = this.boxes[this.selected];
    const step = event.shiftKey ? 10 : 1;
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (key in arrows) {
      const [dx, dy] = arrows[key];
      if (box && event.altKey) {
        this.grow(dx * step, dy * step);
      } else if (box) {
        this.nudge(dx * step, dy * step);
      } else {
        this.pan(-dx * PAN_STEP, -dy * PAN_STEP);
      }
      return true;
    }
    if (event.altKey) {
      return false;
    }
    if (key === '+' || key === '=') {
      this.zoomAt(this.canvas.clientWidth / 2, this.canvas.clientHeight / 2, ZOOM_STEP);
      return true;
    }
    if (key === '-' || key === '_') {
      this.zoomAt(this.canvas.clientWidth / 2, this.canvas.clientHeight / 2, 1 / ZOOM_STEP);
      return true;
    }
    if (key === ' ') {
      // Held, the space bar turns a drag into a pan, as in drawing programs.
      if (onCanvas) {
        this.spaceHeld = true;
        this.setCursor('grab');
      }
      return onCanvas;
    }
    if (event.repeat) {
      return false;
    }
    if (/^[0-9]$/.test(key)) {
      // 1 is the first class, 0 the tenth, as on the classification page.
      return this.setClass((Number(key) + 9) % 10);
    }
    switch (key) {
      case 'Tab':
        return onCanvas && this.step(event.shiftKey ? -1 : 1);
      case 'Delete':
      case 'Backspace':
        this.removeSelected();
        return true;
      case 'Escape':
        if (this.drag) {
          this.cancelDrag();
        } else {
          this.select(-1);
        }
        return true;
      case 'f':
      case 'F':
        this.fit();
        return true;
      default:
        return false;
    }
  }

  // ---- The pointer --------------------------------------------------------------------------------------------

  pointerDown(event) {
    this.canvas.focus({ preventScroll: true });
    if (!this.editable() || this.drag || (event.button !== 0 && event.button !== 1)) {
      return;
    }
    event.preventDefault();
    const p = this.point(event);
    const start = { pointerId: event.pointerId, sx: p.sx, sy: p.sy, fx: p.fx, fy: p.fy, moved: false };
    if (event.button === 1 || this.spaceHeld) {
      this.drag = { ...start, kind: 'pan', ox: this.view.ox, oy: this.view.oy };
    } else {
      const hit = this.hit(p);
      if (hit.handle) {
        this.drag = { ...start, kind: 'resize', edges: hit.edges, original: { ...this.boxes[this.selected] } };
      } else if (hit.box >= 0) {
        this.select(hit.box);
        this.drag = { ...start, kind: 'move', original: { ...this.boxes[hit.box] } };
      } else {
        this.drag = { ...start, kind: 'draw', fx: clamp(p.fx, 0, this.frame.width), fy: clamp(p.fy, 0, this.frame.height) };
      }
    }
    this.canvas.setPointerCapture(event.pointerId);
  }

  pointerMove(event) {
    const p = this.point(event);
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) {
      this.hover(p);
      return;
    }
    drag.moved = drag.moved || Math.hypot(p.sx - drag.sx, p.sy - drag.sy) >= CLICK_SLOP;
    if (!drag.moved) {
      return;
    }
    const dx = p.fx - drag.fx;
    const dy = p.fy - drag.fy;
    if (drag.kind === 'pan') {
      this.view.ox = drag.ox + p.sx - drag.sx;
      this.view.oy = drag.oy + p.sy - drag.sy;
      this.keepInView();
      this.paint();
    } else if (drag.kind === 'move') {
      const box = this.boxes[this.selected];
      box.x = clamp(drag.original.x + dx, 0, this.frame.width - box.w);
      box.y = clamp(drag.original.y + dy, 0, this.frame.height - box.h);
      box.confidence = null;
      this.changed(true);
    } else if (drag.kind === 'resize') {
      Object.assign(this.boxes[this.selected], this.resized(drag.original, drag.edges, dx, dy), { confidence: null });
      this.changed(true);
    } else {
      drag.to = { fx: clamp(p.fx, 0, this.frame.width), fy: clamp(p.fy, 0, this.frame.height) };
      this.paint();
    }
  }

  pointerUp(event) {
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) {
      return;
    }
    this.drag = null;
    if (drag.kind === 'draw') {
      const box = drag.moved && drag.to ? this.rect(drag.fx, drag.fy, drag.to.fx, drag.to.fy) : null;
      if (box && box.w >= MIN_SIDE && box.h >= MIN_SIDE) {
        this.boxes.push({ label: this.classes[this.drawClass], ...box, confidence: null });
        this.selected = this.boxes.length - 1;
        this.changed(true);
      } else {
        // A click on the frame outside every box: nothing selected.
        this.select(-1);
      }
    }
    this.hover(this.point(event));
  }

  cancelDrag() {
    const drag = this.drag;
    this.drag = null;
    if (drag && (drag.kind === 'move' || drag.kind === 'resize')) {
      Object.assign(this.boxes[this.selected], drag.original);
    }
    this.paint();
  }

  wheel(event) {
    if (!this.open) {
      return;
    }
    event.preventDefault();
    const lines = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
    const p = this.point(event);
    this.zoomAt(p.sx, p.sy, Math.exp(-event.deltaY * lines * 0.002));
  }

  /** Where the pointer is, on the canvas (CSS pixels) and on the frame (frame pixels). */
  point(event) {
    const rect = this.canvas.getBoundingClientRect();
    const sx = event.clientX - rect.left;
    const sy = event.clientY - rect.top;
    return { sx, sy, fx: (sx - this.view.ox) / this.view.scale, fy: (sy - this.view.oy) / this.view.scale };
  }

  /** A handle of the selected box under the point, else the smallest box under it (so nested boxes can be picked). */
  hit(p) {
    const box = this.boxes[this.selected];
    if (box) {
      for (const [name, edges] of HANDLES) {
        const [hx, hy] = this.handlePoint(box, name);
        if (Math.abs(p.sx - hx) <= HANDLE + 1 && Math.abs(p.sy - hy) <= HANDLE + 1) {
          return { handle: name, edges, box: this.selected };
        }
      }
    }
    const slack = 2 / this.view.scale;
    let best = -1;
    this.boxes.forEach((b, i) => {
      const inside = p.fx >= b.x - slack && p.fx <= b.x + b.w + slack && p.fy >= b.y - slack && p.fy <= b.y + b.h + slack;
      if (inside && (best < 0 || b.w * b.h < this.boxes[best].w * this.boxes[best].h)) {
        best = i;
      }
    });
    return { handle: null, box: best };
  }

  hover(p) {
    if (!this.open) {
      return;
    }
    if (this.spaceHeld) {
      this.setCursor('grab');
      return;
    }
    const hit = this.hit(p);
    this.setCursor(hit.handle ? CURSORS[hit.handle] : hit.box >= 0 ? 'move' : 'crosshair');
  }

  setCursor(cursor) {
    if (this.canvas.style.cursor !== cursor) {
      this.canvas.style.cursor = cursor;
    }
  }

  /** The box {@code original} with the named edges moved by (dx, dy), inside the frame and at least MIN_SIDE. */
  resized(original, edges, dx, dy) {
    const { width, height } = this.frame;
    let l = original.x;
    let t = original.y;
    let r = original.x + original.w;
    let b = original.y + original.h;
    if (edges.includes('l')) {
      l = clamp(l + dx, 0, r - MIN_SIDE);
    }
    if (edges.includes('r')) {
      r = clamp(r + dx, l + MIN_SIDE, width);
    }
    if (edges.includes('t')) {
      t = clamp(t + dy, 0, b - MIN_SIDE);
    }
    if (edges.includes('b')) {
      b = clamp(b + dy, t + MIN_SIDE, height);
    }
    return { x: l, y: t, w: r - l, h: b - t };
  }

  rect(x1, y1, x2, y2) {
    return { x: Math.min(x1, x2), y: Math.min(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) };
  }

  // ---- The view -----------------------------------------------------------------------------------------------

  /** The canvas follows its box on the page (and the screen's pixel density), and the frame is fitted again. */
  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.fit();
  }

  /** The whole frame in view, as large as fits with its aspect kept: zoom reset. */
  fit() {
    const cw = this.canvas.clientWidth;
    const ch = this.canvas.clientHeight;
    const { width, height } = this.frame;
    const scale = Math.max(0.01, Math.min((cw - 2 * MARGIN) / width, (ch - 2 * MARGIN) / height));
    this.view = { scale, fit: scale, ox: (cw - width * scale) / 2, oy: (ch - height * scale) / 2 };
    this.paint();
  }

  /** Zooms by {@code factor} keeping the frame point under (sx, sy) where it is. */
  zoomAt(sx, sy, factor) {
    const v = this.view;
    const scale = clamp(v.scale * factor, v.fit, v.fit * MAX_ZOOM);
    const fx = (sx - v.ox) / v.scale;
    const fy = (sy - v.oy) / v.scale;
    v.ox = sx - fx * scale;
    v.oy = sy - fy * scale;
    v.scale = scale;
    this.keepInView();
    this.paint();
  }

  pan(dx, dy) {
    this.view.ox += dx;
    this.view.oy += dy;
    this.keepInView();
    this.paint();
  }

  /** A frame smaller than the canvas stays centred; a larger one cannot be pulled further than its edge. */
  keepInView() {
    const v = this.view;
    const keep = (offset, size, room) => size + 2 * MARGIN <= room ? (room - size) / 2
      : clamp(offset, room - size - MARGIN, MARGIN);
    v.ox = keep(v.ox, this.frame.width * v.scale, this.canvas.clientWidth);
    v.oy = keep(v.oy, this.frame.height * v.scale, this.canvas.clientHeight);
  }

  /** Brings a box picked with the keyboard into view when zoomed in. */
  reveal(box) {
    const v = this.view;
    const left = v.ox + box.x * v.scale;
    const top = v.oy + box.y * v.scale;
    const right = left + box.w * v.scale;
    const bottom = top + box.h * v.scale;
    const cw = this.canvas.clientWidth;
    const ch = this.canvas.clientHeight;
    if (left < 0 || top < 0 || right > cw || bottom > ch) {
      v.ox += cw / 2 - (left + right) / 2;
      v.oy += ch / 2 - (top + bottom) / 2;
      this.keepInView();
    }
  }

  // ---- Drawing ------------------------------------------------------------------------------------------------

  paint() {
    if (this.pending) {
      return;
    }
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const ctx = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    const v = this.view;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.canvas.clientWidth, this.canvas.clientHeight);
    // For tests and tools: how frame pixels map to the canvas (CSS pixels) right now.
    this.canvas.dataset.view = [v.scale, v.ox, v.oy].map(n => n.toFixed(4)).join(' ');
    if (!this.open) {
      return;
    }
    const { width, height } = this.frame;
    ctx.fillStyle = '#000';
    ctx.fillRect(v.ox, v.oy, width * v.scale, height * v.scale);
    if (this.image.complete && this.image.naturalWidth) {
      // Zoomed far in, pixels stay hard-edged squares: nothing is smeared or invented.
      ctx.imageSmoothingEnabled = v.scale < 2;
      ctx.drawImage(this.image, v.ox, v.oy, width * v.scale, height * v.scale);
    }
    this.boxes.forEach((box, i) => i !== this.selected && this.drawBox(box, false));
    if (this.boxes[this.selected]) {
      this.drawBox(this.boxes[this.selected], true);
    }
    const drag = this.drag;
    if (drag && drag.kind === 'draw' && drag.to) {
      const r = this.rect(drag.fx, drag.fy, drag.to.fx, drag.to.fy);
      ctx.setLineDash([6, 4]);
      this.strokeBox(r, this.colour(this.classes[this.drawClass]), 2);
      ctx.setLineDash([]);
    }
  }

  /** The colour of a class's boxes (the class buttons wear it too). */
  colour(label) {
    const index = this.classes.indexOf(label);
    return PALETTE[(index < 0 ? 0 : index) % PALETTE.length];
  }

  screenRect(box) {
    const v = this.view;
    return { x: v.ox + box.x * v.scale, y: v.oy + box.y * v.scale, w: box.w * v.scale, h: box.h * v.scale };
  }

  strokeBox(box, colour, width) {
    const ctx = this.ctx;
    const r = this.screenRect(box);
    // A dark line under the coloured one keeps every box visible on light and dark images alike.
    ctx.lineWidth = width + 2;
    ctx.strokeStyle = 'rgba(0, 0, 0, .6)';
    ctx.strokeRect(r.x, r.y, r.w, r.h);
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.strokeRect(r.x, r.y, r.w, r.h);
    return r;
  }

  drawBox(box, selected) {
    const ctx = this.ctx;
    const colour = this.colour(box.label);
    if (selected) {
      const r = this.screenRect(box);
      ctx.fillStyle = 'rgba(255, 255, 255, .14)';
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
    const r = this.strokeBox(box, colour, selected ? 3 : 2);
    this.drawTag(box, r, colour, selected);
    if (selected) {
      for (const [name] of HANDLES) {
        const [hx, hy] = this.handlePoint(box, name);
        ctx.fillStyle = '#fff';
        ctx.strokeStyle = '#111';
        ctx.lineWidth = 1.5;
        ctx.fillRect(hx - HANDLE, hy - HANDLE, 2 * HANDLE, 2 * HANDLE);
        ctx.strokeRect(hx - HANDLE, hy - HANDLE, 2 * HANDLE, 2 * HANDLE);
      }
    }
  }

  /** The class name (and the model's confidence, while the box is the model's as proposed) over the box. */
  drawTag(box, r, colour, selected) {
    const ctx = this.ctx;
    const text = box.label + (box.confidence === null ? '' : ' ' + Math.round(box.confidence * 100) + '%');
    ctx.font = (selected ? '700 ' : '600 ') + '12px system-ui, sans-serif';
    const w = ctx.measureText(text).width + 8;
    const h = 16;
    const x = clamp(r.x - 1, 0, Math.max(0, this.canvas.clientWidth - w));
    const y = r.y - h - 1 >= 0 ? r.y - h - 1 : r.y + 1;
    ctx.fillStyle = colour;
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = '#111';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x + 4, y + h / 2 + 0.5);
  }

  handlePoint(box, name) {
    const r = this.screenRect(box);
    const x = name.includes('w') ? r.x : name.includes('e') ? r.x + r.w : r.x + r.w / 2;
    const y = name.includes('n') ? r.y : name.includes('s') ? r.y + r.h : r.y + r.h / 2;
    return [x, y];
  }
}
