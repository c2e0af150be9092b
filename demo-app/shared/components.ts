// The components both apps are built from: the status bar and key hints (Router widgets), a
// poster tile, a list row, a profile avatar, and the rails that scroll them. Focus is
// Lightning's: each rail's _getFocused() hands it to the item at its index, and items change
// their own look in _focus()/_unfocus(), keeping text contrast on the light focus fill.
import { Lightning } from '@lightningjs/sdk';
import { COLOR, FONT, SAFE, SCREEN, text } from './theme';

/** The top bar: the app's name, the active profile, the connection line (a Router widget). */
export class StatusBar extends Lightning.Component {
  static override _template() {
    return {
      w: SCREEN.w,
      h: 110,
      rect: true,
      color: COLOR.background,
      App: text('', { x: SAFE.x, y: 36, size: FONT.heading, bold: true }),
      Profile: text('', { x: 560, y: 44, size: FONT.body, color: COLOR.textSecondary, width: 420 }),
      Line: { ...text('', { x: SCREEN.w - SAFE.x, y: 44, size: FONT.body }), mountX: 1 },
    };
  }

  set appName(v: string) {
    this.tag('App').text.text = v;
  }

  set profileName(v: string) {
    this.tag('Profile').text.text = v ? `Profile: ${v}` : '';
  }

  set line(v: { text: string; color: number }) {
    const line = this.tag('Line');
    line.text.text = v.text;
    line.color = v.color;
  }
}

/** The bottom bar: what each key does on this page (a Router widget). */
export class KeyHints extends Lightning.Component {
  static override _template() {
    return {
      y: SCREEN.h - 84,
      w: SCREEN.w,
      h: 84,
      rect: true,
      color: COLOR.panel,
      Hints: text('', { x: SAFE.x, y: 24, size: FONT.hint, color: COLOR.text, width: 1760 }),
    };
  }

  set hints(v: string[]) {
    this.tag('Hints').text.text = v.join('     ');
  }
}

/** Sets the key hints widget's text from a page (Router pages reach widgets by lowercase ref). */
export function setHints(page: Lightning.Component, hints: string[]): void {
  const w = (page as unknown as { widgets?: { keyhints?: KeyHints } }).widgets;
  if (w && w.keyhints) w.keyhints.hints = hints;
}

/** A message over the page for a moment (a Router widget). */
export class Toast extends Lightning.Component {
  private timer: ReturnType<typeof setTimeout> | undefined;

  static override _template() {
    return {
      x: SCREEN.w - SAFE.x - 760,
      y: 124,
      w: 760,
      h: 88,
      rect: true,
      color: COLOR.panelRaised,
      alpha: 0,
      Message: text('', { x: 28, y: 12, size: FONT.secondary, width: 704, maxLines: 2 }),
    };
  }

  show(message: string, color: number = COLOR.text): void {
    const m = this.tag('Message');
    m.text.text = message;
    m.color = color;
    this.alpha = 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.alpha = 0;
    }, 4000);
  }
}

export interface TileData {
  key: string;
  title: string;
  secondary: string;
  poster?: string;
  icon?: string;
  /** 0..1, or undefined for no bar. */
  progress?: number | undefined;
  badge?: string;
}

export const TILE = { w: 400, posterH: 225, h: 335, gap: 32 };

/** A poster tile: art, app icon, progress bar, title and one secondary line. */
export class Tile extends Lightning.Component {
  data: TileData = { key: '', title: '', secondary: '' };

  static override _template() {
    return {
      w: TILE.w,
      h: TILE.h,
      Ring: {
        x: -6,
        y: -6,
        w: TILE.w + 12,
        h: TILE.h + 12,
        rect: true,
        color: COLOR.focus,
        alpha: 0,
      },
      Art: { w: TILE.w, h: TILE.posterH, rect: true, color: COLOR.panelRaised },
      Poster: { w: TILE.w, h: TILE.posterH },
      Icon: { x: 14, y: 14, w: 56, h: 56 },
      Badge: {
        x: TILE.w - 14,
        y: 14,
        mountX: 1,
        h: 40,
        rect: true,
        color: COLOR.shade,
        Label: text('', { x: 12, y: 4, size: 24 }),
      },
      Track: {
        y: TILE.posterH - 10,
        w: TILE.w,
        h: 10,
        rect: true,
        color: COLOR.progressTrack,
        Bar: { h: 10, rect: true, color: COLOR.progress },
      },
      Panel: {
        y: TILE.posterH,
        w: TILE.w,
        h: TILE.h - TILE.posterH,
        rect: true,
        color: COLOR.panel,
        Title: text('', { x: 18, y: 12, size: FONT.body, width: TILE.w - 36, bold: true }),
        Secondary: text('', {
          x: 18,
          y: 58,
          size: FONT.secondary,
          color: COLOR.textSecondary,
          width: TILE.w - 36,
        }),
      },
    };
  }

  set item(d: TileData) {
    this.data = d;
    this.tag('Poster').src = d.poster || undefined;
    this.tag('Icon').src = d.icon || undefined;
    this.tag('Icon').visible = Boolean(d.icon);
    this.tag('Panel.Title').text.text = d.title;
    this.tag('Panel.Secondary').text.text = d.secondary;
    const hasProgress = d.progress !== undefined;
    this.tag('Track').visible = hasProgress;
    this.tag('Track.Bar').w = Math.round(TILE.w * Math.min(1, Math.max(0, d.progress ?? 0)));
    this.tag('Badge').visible = Boolean(d.badge);
    this.tag('Badge.Label').text.text = d.badge ?? '';
    const label = this.tag('Badge.Label');
    label.on('txLoaded', () => {
      this.tag('Badge').w = label.renderWidth + 24;
    });
  }

  override _focus() {
    this.tag('Ring').alpha = 1;
    this.tag('Panel').color = COLOR.focus;
    this.tag('Panel.Title').color = COLOR.textOnFocus;
    this.tag('Panel.Secondary').color = COLOR.textSecondaryOnFocus;
  }

  override _unfocus() {
    this.tag('Ring').alpha = 0;
    this.tag('Panel').color = COLOR.panel;
    this.tag('Panel.Title').color = COLOR.text;
    this.tag('Panel.Secondary').color = COLOR.textSecondary;
  }
}

export interface RowData {
  key: string;
  label: string;
  secondary?: string;
  icon?: string;
  dim?: boolean;
}

/** One line of a list or a button: a label, an optional icon and secondary line. */
export class ListRow extends Lightning.Component {
  data: RowData = { key: '', label: '' };

  static override _template() {
    return {
      w: 1100,
      h: 104,
      rect: true,
      color: COLOR.panel,
      Icon: { x: 20, y: 20, w: 64, h: 64 },
      Label: text('', { x: 108, y: 12, size: FONT.body, width: 960, bold: true }),
      Secondary: text('', {
        x: 108,
        y: 56,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 960,
      }),
    };
  }

  set row(d: RowData) {
    this.data = d;
    const icon = this.tag('Icon');
    icon.src = d.icon || undefined;
    icon.visible = Boolean(d.icon);
    const x = d.icon ? 108 : 28;
    const width = this.w - x - 28;
    this.tag('Label').patch({ x, y: d.secondary ? 12 : 32, text: { wordWrapWidth: width } });
    this.tag('Secondary').patch({ x, text: { wordWrapWidth: width } });
    this.tag('Label').text.text = d.label;
    this.tag('Secondary').text.text = d.secondary ?? '';
    this.alpha = d.dim ? 0.75 : 1;
  }

  override _focus() {
    this.color = COLOR.focus;
    this.tag('Label').color = COLOR.textOnFocus;
    this.tag('Secondary').color = COLOR.textSecondaryOnFocus;
  }

  override _unfocus() {
    this.color = COLOR.panel;
    this.tag('Label').color = COLOR.text;
    this.tag('Secondary').color = COLOR.textSecondary;
  }
}

/** A profile in the picker: a coloured disc with the initial, the name below. */
export class Avatar extends Lightning.Component {
  static override _template() {
    return {
      w: 260,
      h: 330,
      Ring: { x: -8, y: -8, w: 276, h: 276, rect: true, color: COLOR.focus, alpha: 0 },
      Disc: {
        w: 260,
        h: 260,
        rect: true,
        color: COLOR.accent,
        Initial: text('', { x: 130, y: 130, size: 110, bold: true }),
      },
      Name: text('', { x: 130, y: 282, size: FONT.body, bold: true }),
      Current: text('', { x: 130, y: 324, size: FONT.secondary, color: COLOR.textSecondary }),
    };
  }

  set profile(p: { name: string; color: number; current?: boolean }) {
    this.tag('Disc').color = p.color;
    this.tag('Disc.Initial').patch({ mount: 0.5, text: { text: p.name.slice(0, 1) } });
    this.tag('Name').patch({ mountX: 0.5, text: { text: p.name } });
    this.tag('Current').patch({ mountX: 0.5, text: { text: p.current ? 'current' : '' } });
    this.tag('Disc.Initial').color = COLOR.textOnFocus;
  }

  override _focus() {
    this.tag('Ring').alpha = 1;
  }

  override _unfocus() {
    this.tag('Ring').alpha = 0;
  }
}

/**
 * A rail of items that scrolls to keep the focused one in view: horizontal (tiles, chips,
 * avatars) or vertical (lists). Clipped to its own box, so many items never leave the screen.
 */
export class Rail extends Lightning.Component {
  index = 0;
  private size = TILE.w;
  private gap = TILE.gap;
  private vertical = false;
  /** Room kept around the items for the focus ring, which draws outside an item's box. */
  private inset = 0;

  static override _template() {
    return { clipping: true, Items: {} };
  }

  /** `{ size, gap, vertical, inset }`: an item's width (height when vertical), the gap, the room for the ring. */
  set layout(v: { size: number; gap: number; vertical?: boolean; inset?: number }) {
    this.size = v.size;
    this.gap = v.gap;
    this.vertical = Boolean(v.vertical);
    this.inset = v.inset ?? 0;
    this.tag('Items').patch({ x: this.inset, y: this.inset });
  }

  /** The items' templates (each with its `type`); keeps the index where it can. */
  set items(templates: Record<string, unknown>[]) {
    const step = this.size + this.gap;
    this.tag('Items').children = templates.map((t, i) =>
      this.vertical ? { ...t, y: i * step } : { ...t, x: i * step },
    );
    this.index = Math.max(0, Math.min(this.index, templates.length - 1));
    this.scroll(false);
    // New items: the focus (and its look) moves to the one now at the index.
    if (this.attached) this._refocus();
  }

  get items(): Lightning.Component[] {
    return this.tag('Items').children as Lightning.Component[];
  }

  get length(): number {
    return this.items.length;
  }

  get focusedItem(): Lightning.Component | undefined {
    return this.items[this.index];
  }

  select(index: number): void {
    this.index = Math.max(0, Math.min(index, this.length - 1));
    this.scroll(true);
    this._refocus();
  }

  /** The first item wholly in view. */
  private first = 0;

  private scroll(animate: boolean): void {
    const step = this.size + this.gap;
    const view = (this.vertical ? this.h : this.w) - 2 * this.inset;
    // Scroll by whole items, only as far as needed to show the focused one: the first item
    // in view starts at the edge, and a cut one can only be the last (more that way).
    const shown = Math.max(1, Math.floor((view + this.gap) / step));
    if (this.index < this.first) this.first = this.index;
    if (this.index > this.first + shown - 1) this.first = this.index - shown + 1;
    this.first = Math.max(0, Math.min(this.first, this.length - shown));
    const items = this.tag('Items');
    const axis = this.vertical ? 'y' : 'x';
    const to = this.inset - this.first * step;
    if (animate) items.setSmooth(axis, to, { duration: 0.2 });
    else items[axis] = to;
  }

  override _getFocused() {
    return this.focusedItem;
  }

  private move(delta: number): boolean {
    const next = this.index + delta;
    if (next < 0 || next >= this.length) return false;
    this.select(next);
    return true;
  }

  override _handleLeft() {
    return this.vertical ? false : this.move(-1);
  }

  override _handleRight() {
    return this.vertical ? false : this.move(1);
  }

  override _handleUp() {
    return this.vertical ? this.move(-1) : false;
  }

  override _handleDown() {
    return this.vertical ? this.move(1) : false;
  }
}

/** A small labelled button used in chips and dialogs. */
export class Chip extends Lightning.Component {
  data: { key: string; label: string } = { key: '', label: '' };

  static override _template() {
    return {
      w: 300,
      h: 64,
      rect: true,
      color: COLOR.panel,
      Label: text('', { x: 150, y: 32, size: FONT.secondary, width: 270 }),
    };
  }

  set chip(d: { key: string; label: string; active?: boolean }) {
    this.data = d;
    this.tag('Label').patch({
      mount: 0.5,
      text: { text: d.active ? `● ${d.label}` : d.label, textAlign: 'center' },
    });
  }

  override _focus() {
    this.color = COLOR.focus;
    this.tag('Label').color = COLOR.textOnFocus;
  }

  override _unfocus() {
    this.color = COLOR.panel;
    this.tag('Label').color = COLOR.text;
  }
}

export interface DialogButton {
  key: string;
  label: string;
}

/** A modal question over the page: a title, a line of text, a column of buttons. */
export class Dialog extends Lightning.Component {
  static override _template() {
    return {
      w: SCREEN.w,
      h: SCREEN.h,
      rect: true,
      color: COLOR.shade,
      Panel: {
        x: 460,
        y: 220,
        w: 1000,
        h: 640,
        rect: true,
        color: COLOR.panelRaised,
        Title: text('', { x: 48, y: 40, size: FONT.heading, bold: true, width: 904 }),
        Body: text('', {
          x: 48,
          y: 110,
          size: FONT.body,
          color: COLOR.textSecondary,
          width: 904,
          maxLines: 3,
        }),
        Buttons: { type: Rail, x: 42, y: 250, w: 916, h: 360 },
      },
    };
  }

  open(v: { title: string; body: string; buttons: DialogButton[] }): void {
    this.tag('Panel.Title').text.text = v.title;
    this.tag('Panel.Body').text.text = v.body;
    const rail = this.tag('Panel.Buttons') as Rail;
    rail.layout = { size: 96, gap: 16, vertical: true, inset: 6 };
    rail.index = 0;
    rail.items = v.buttons.map((b) => ({
      type: ListRow,
      w: 904,
      h: 96,
      row: { key: b.key, label: b.label },
    }));
    this.visible = true;
  }

  close(): void {
    this.visible = false;
  }

  get focusedKey(): string {
    const row = (this.tag('Panel.Buttons') as Rail).focusedItem as ListRow | undefined;
    return row ? row.data.key : '';
  }

  override _getFocused() {
    return this.tag('Panel.Buttons');
  }
}
