// The demo's one screen, 1920×1080, driven by a remote control (arrows, OK, Back).
import { Lightning } from '@lightningjs/sdk';
import { config } from './config';
import {
  profile,
  publisherId,
  share,
  start,
  state,
  subscribe,
  switchProfile,
  toggleOffline,
  unlink,
} from './model';

type Row =
  | { kind: 'profile' }
  | { kind: 'share' }
  | { kind: 'unlink'; participantId: string }
  | { kind: 'offline' }
  | { kind: 'upnext' };

const WHITE = 0xffffffff;
const GREY = 0xff9aa4b2;
const ACCENT = 0xff2f80ed;
const PANEL = 0xff1b2636;
const RED = 0xffff6b6b;
const GREEN = 0xff4cd97b;

const text = (x: number, y: number, size: number, color = WHITE, wordWrapWidth = 0) => ({
  x,
  y,
  text: { text: '', fontSize: size, textColor: color, ...(wordWrapWidth ? { wordWrapWidth } : {}) },
});

export default class App extends Lightning.Component {
  private focus = 0;
  private card = 0;

  static override _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: 0xff0d1420,
      Title: {
        ...text(80, 40, 56),
        text: { text: 'Paket TV SDK', fontSize: 56, textColor: WHITE },
      },
      Status: text(80, 118, 30, GREY, 1760),
      Menu: { x: 80, y: 190 },
      Info: {
        x: 900,
        y: 190,
        w: 940,
        h: 420,
        rect: true,
        color: PANEL,
        Body: text(30, 24, 28, WHITE, 880),
      },
      UpNextTitle: {
        ...text(80, 640, 36),
        text: { text: 'Up Next', fontSize: 36, textColor: WHITE },
      },
      UpNext: { x: 80, y: 700 },
      Message: text(80, 1000, 30, GREEN, 1760),
    };
  }

  static getFonts() {
    return [];
  }

  override _init() {
    subscribe(() => this.render());
    (window as unknown as { __paketDemo: unknown }).__paketDemo = {
      state,
      focusName: () => this.rows()[this.focus]?.kind,
      card: () => this.card,
    };
    this.render();
    void start();
  }

  private rows(): Row[] {
    return [
      { kind: 'profile' },
      { kind: 'share' },
      ...state.linked.map((l): Row => ({ kind: 'unlink', participantId: publisherId(l) })),
      { kind: 'offline' },
      ...(state.upNext.length > 0 ? [{ kind: 'upnext' } as Row] : []),
    ];
  }

  private label(row: Row): string {
    switch (row.kind) {
      case 'profile':
        return `◀  Profile: ${profile().name}  ▶`;
      case 'share':
        return 'Share from an app';
      case 'unlink':
        return `Unlink ${row.participantId.slice(0, 18)}…`;
      case 'offline':
        return state.offline ? 'Go back online' : 'Go offline';
      default:
        return '';
    }
  }

  render(): void {
    const rows = this.rows();
    this.focus = Math.min(this.focus, rows.length - 1);
    const s = state.status;
    this.tag('Status').text.text = s.healthy
      ? `API: healthy · client ${s.clientId} · ${s.test ? 'TEST' : 'LIVE'} credentials · storage: ${state.storageKind || '…'}`
      : `API: NOT healthy · ${s.message}`;
    this.tag('Status').text.textColor = s.healthy ? GREY : RED;

    const menu = rows.filter((r) => r.kind !== 'upnext');
    this.tag('Menu').children = menu.map((row, i) => ({
      y: i * 78,
      w: 780,
      h: 64,
      rect: true,
      color: i === this.focus ? ACCENT : PANEL,
      Label: text(24, 14, 30),
    }));
    menu.forEach((row, i) => {
      this.tag('Menu').children[i]!.tag('Label').text.text = this.label(row);
    });

    const p = profile();
    const session = state.sessions[p.id];
    const lines = [
      `Profile ${p.name} (${p.id})`,
      session ? `Session ${session.id}` : 'Session: …',
      session
        ? `  ${session.origin === 'restored' ? 'restored from storage' : 'just created'}`
        : '',
      `Linked participants: ${state.linked.length}`,
      ...state.linked.map((l) => `  ${publisherId(l)}`),
      `Outbox: ${state.pending} waiting${state.offline ? ' (offline)' : ''}`,
    ];
    this.tag('Info.Body').text.text = lines.join('\n');

    // Keep the focused card on screen: the row slides left past the fourth card.
    this.tag('UpNext').x = 80 - Math.max(0, this.card - 3) * 370;
    this.tag('UpNext').children = state.upNext.map((item, i) => {
      const focused = rows[this.focus]?.kind === 'upnext' && i === this.card;
      const progress =
        item.position && item.duration ? Math.min(1, item.position / item.duration) : 0;
      return {
        x: i * 370,
        w: 350,
        h: 280,
        rect: true,
        color: focused ? ACCENT : PANEL,
        Poster: { x: 6, y: 6, w: 338, h: 190, src: item.poster_art_uri ?? '' },
        Progress: { x: 6, y: 198, w: Math.round(338 * progress), h: 6, rect: true, color: RED },
        Title: {
          ...text(12, 210, 24),
          text: {
            text: item.title,
            fontSize: 24,
            textColor: WHITE,
            maxLines: 1,
            wordWrapWidth: 326,
          },
        },
        Kind: {
          ...text(12, 242, 20, GREY),
          text: {
            text:
              item.media_type === 'tv_episode'
                ? `S${item.season ?? '?'} E${item.episode ?? '?'}`
                : 'Movie',
            fontSize: 20,
            textColor: GREY,
          },
        },
      };
    });
    this.tag('UpNextTitle').text.text = state.upNext.length
      ? `Up Next · ${state.upNext.length} items`
      : 'Up Next · share from an app to fill this row';

    const message = state.error || state.notice || (state.busy ? `${state.busy}…` : '');
    this.tag('Message').text.text = message;
    this.tag('Message').text.textColor = state.error ? RED : GREEN;
  }

  override _handleUp() {
    this.focus = Math.max(0, this.focus - 1);
    this.render();
  }

  override _handleDown() {
    this.focus = Math.min(this.rows().length - 1, this.focus + 1);
    this.render();
  }

  override _handleLeft() {
    this.step(-1);
  }

  override _handleRight() {
    this.step(1);
  }

  private step(direction: number): void {
    const row = this.rows()[this.focus];
    if (row?.kind === 'profile' && !state.busy) void switchProfile(direction);
    if (row?.kind === 'upnext') {
      this.card = Math.max(0, Math.min(state.upNext.length - 1, this.card + direction));
      this.render();
    }
  }

  override _handleEnter() {
    const row = this.rows()[this.focus];
    if (!row || state.busy) return;
    if (row.kind === 'profile') void switchProfile(1);
    if (row.kind === 'share') void share();
    if (row.kind === 'unlink') void unlink(row.participantId);
    if (row.kind === 'offline') void toggleOffline();
  }

  override _handleBack() {
    this.focus = 0;
    this.card = 0;
    this.render();
  }
}

export const settings = {
  stage: { w: 1920, h: 1080, clearColor: 0xff0d1420, canvas2d: false },
  // Remote keys: arrows, OK (Enter) and Back (Escape, Backspace, Tizen 10009, webOS 461).
  keys: {
    8: 'Back',
    27: 'Back',
    461: 'Back',
    10009: 'Back',
    13: 'Enter',
    37: 'Left',
    38: 'Up',
    39: 'Right',
    40: 'Down',
  },
  debug: false,
  config,
};
