// The home screen's top page: the Up Next row (filtered by app on request), and the apps row
// (open the player, the connected apps, the profiles). States: Filters, UpNext, Launcher,
// Options (a tile's menu). Up and Down move between rows; Back at the top leaves the app.
import { Lightning, Router } from '@lightningjs/sdk';
import type { PaketListItem } from 'paket-tv-sdk';
import {
  Chip,
  Dialog,
  ListRow,
  Rail,
  Tile,
  TILE,
  setHints,
  type TileData,
} from '../../shared/components';
import { LONG_PRESS_MS } from '../../shared/keys';
import { markFirstFrame } from '../../shared/launch';
import { COLOR, FONT, SAFE, minutes, text } from '../../shared/theme';
import { config } from '../../shared/config';
import { hide, itemApp, launchPlayer, profile, setFilter, state, subscribe } from '../model';

const BADGE: Record<PaketListItem['action'], string> = {
  up_next_continue: 'Continue',
  up_next_next: 'Next episode',
  up_next_new: 'New',
  up_next_watchlist: 'Watchlist',
};

export function tileOf(item: PaketListItem): TileData {
  const app = itemApp(item);
  const episode =
    item.media_type === 'tv_episode' ? `S${item.season ?? '?'} E${item.episode ?? '?'}` : 'Movie';
  const continuing = item.action === 'up_next_continue' && (item.duration ?? 0) > 0;
  const left = continuing ? (item.duration ?? 0) - (item.position ?? 0) : (item.duration ?? 0);
  return {
    key: `${item.participant_id ?? item.context_id ?? ''}/${item.content_id}`,
    title: item.title,
    secondary: `${episode} · ${continuing ? `${minutes(left)} left` : minutes(left)}`,
    poster: item.poster_art_uri ?? '',
    icon: app.icon,
    progress: continuing ? (item.position ?? 0) / (item.duration ?? 1) : undefined,
    badge: BADGE[item.action],
  };
}

class LongTile extends Tile {
  // Lightning times a held key on the focused element: OK held opens the tile's menu.
  longpress = { enter: LONG_PRESS_MS };
}

export default class Home extends Lightning.Component {
  private unsubscribe: (() => void) | undefined;
  private pressed = false;
  private longFired = false;

  static override _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: COLOR.background,
      Heading: text('Up Next', { x: SAFE.x, y: 126, size: FONT.heading, bold: true }),
      Summary: text('', {
        x: SAFE.x,
        y: 182,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 1760,
      }),
      Filters: { type: Rail, x: SAFE.x - 6, y: 226, w: 1772, h: 76 },
      UpNext: { type: Rail, x: SAFE.x - 6, y: 316, w: 1772, h: TILE.h + 12 },
      Empty: {
        x: SAFE.x,
        y: 322,
        w: 1760,
        h: TILE.h,
        rect: true,
        color: 0xff121b2a,
        Text: text('', {
          x: 40,
          y: 130,
          size: FONT.body,
          color: COLOR.textSecondary,
          width: 1680,
          maxLines: 2,
        }),
      },
      AppsHeading: text('Apps', { x: SAFE.x, y: 690, size: FONT.heading, bold: true }),
      Launcher: { type: Rail, x: SAFE.x - 6, y: 750, w: 1772, h: 116 },
      Options: { type: Dialog, visible: false, zIndex: 10 },
    };
  }

  override _setup() {
    (this.tag('Filters') as Rail).layout = { size: 300, gap: 24, inset: 6 };
    (this.tag('UpNext') as Rail).layout = { size: TILE.w, gap: TILE.gap, inset: 6 };
    (this.tag('Launcher') as Rail).layout = { size: 540, gap: 32, inset: 6 };
    (this.tag('Launcher') as Rail).items = [
      {
        type: ListRow,
        w: 540,
        h: 104,
        row: {
          key: 'player',
          label: `Open ${config.player.name}`,
          secondary: 'Movies and series',
          icon: '',
        },
      },
      {
        type: ListRow,
        w: 540,
        h: 104,
        row: { key: 'apps', label: 'Connected apps', secondary: '' },
      },
      {
        type: ListRow,
        w: 540,
        h: 104,
        row: { key: 'profiles', label: 'Switch profile', secondary: '' },
      },
    ];
    this._setState(state.upNext.length ? 'UpNext' : 'Launcher');
  }

  override _active() {
    this.unsubscribe = subscribe(() => this.render());
    this.render();
  }

  override _inactive() {
    if (this.unsubscribe) this.unsubscribe();
  }

  render(): void {
    const p = profile();
    const apps = state.apps;
    this.tag('Heading').text.text = `Up Next for ${p.name}`;
    const n = state.upNext.length;
    const fromApps = new Set(state.upNext.map((i) => i.participant_id ?? i.context_id)).size;
    const filtered = apps.find((a) => a.participantId === state.filter);
    this.tag('Summary').text.text = !state.shown
      ? 'Loading…'
      : n
        ? `${n} item${n === 1 ? '' : 's'} from ${filtered ? filtered.name : `${fromApps} app${fromApps === 1 ? '' : 's'}`}`
        : '';
    const filters = this.tag('Filters') as Rail;
    const chips = [
      { key: '', label: 'All apps', active: state.filter === '' },
      ...apps
        .filter((a) => a.state !== 'unlinking')
        .map((a) => ({
          key: a.participantId,
          label: `${a.name} ·${a.participantId.slice(0, 4)}`,
          active: state.filter === a.participantId,
        })),
    ];
    if (filters.length !== chips.length || chips.some((c, i) => !same(filters.items[i], c))) {
      filters.items = chips.map((c) => ({ type: Chip, w: 300, h: 64, chip: c }));
    }
    filters.visible = apps.length > 1;

    const rail = this.tag('UpNext') as Rail;
    const tiles = state.upNext.map(tileOf);
    const current = rail.items.map((t) => (t as Tile).data.key).join('|');
    const focusedKey = rail.focusedItem ? (rail.focusedItem as Tile).data.key : '';
    if (current !== tiles.map((t) => t.key).join('|') || tilesChanged(rail, tiles)) {
      rail.items = tiles.map((t) => ({ type: LongTile, item: t }));
      // Keep the focus on the same title when the row changes around it.
      const at = tiles.findIndex((t) => t.key === focusedKey);
      if (at >= 0) rail.select(at);
    }
    const empty = this.tag('Empty');
    empty.visible = n === 0;
    empty.tag('Text').text.text = !state.shown
      ? 'Loading your row…'
      : apps.length
        ? `Nothing to continue yet. Open ${config.player.name} and start a title.`
        : `No apps connected to ${p.name} yet. Open ${config.player.name}: it connects itself.`;
    if (n === 0 && this._getState() === 'UpNext') this._setState('Launcher');
    if (!filters.visible && this._getState() === 'Filters') this._setState('UpNext');
    this.hints();
    if (state.shown) markFirstFrame(this);
  }

  private hints(): void {
    const s = this._getState();
    const common = ['▲▼ rows', '◀▶ move'];
    const hints: Record<string, string[]> = {
      UpNext: [...common, 'OK open', 'Hold OK or Red/M: options', 'Back: exit'],
      Filters: [...common, 'OK show this app only', 'Back: exit'],
      Launcher: [...common, 'OK open', 'Back: exit'],
      Options: ['▲▼ choose', 'OK confirm', 'Back: close'],
    };
    setHints(this, hints[s] ?? common);
  }

  focusedItem(): PaketListItem | undefined {
    const rail = this.tag('UpNext') as Rail;
    return state.upNext[rail.index];
  }

  openOptions(): void {
    const item = this.focusedItem();
    if (!item) return;
    const app = itemApp(item);
    const participantId = item.participant_id ?? item.context_id ?? '';
    const filtering = state.filter === participantId;
    (this.tag('Options') as Dialog).open({
      title: item.title,
      body: `From ${app.name}.`,
      buttons: [
        { key: 'open', label: `Open in ${app.name}` },
        { key: 'hide', label: 'Hide from Up Next' },
        filtering
          ? { key: 'all', label: 'Show all apps' }
          : { key: 'only', label: `Show only ${app.name}` },
        { key: 'cancel', label: 'Cancel' },
      ],
    });
    this._setState('Options');
  }

  static override _states() {
    return [
      class Filters extends this {
        override _getFocused() {
          return this.tag('Filters');
        }
        override _handleDown() {
          this._setState(state.upNext.length ? 'UpNext' : 'Launcher');
        }
        override _handleEnter() {
          const chip = (this.tag('Filters') as Rail).focusedItem as Chip | undefined;
          if (chip) void setFilter(chip.data.key);
        }
      },
      class UpNext extends this {
        override _getFocused() {
          return this.tag('UpNext');
        }
        override _handleUp() {
          if ((this.tag('Filters') as Rail).visible) this._setState('Filters');
        }
        override _handleDown() {
          this._setState('Launcher');
        }
        override _handleEnter() {
          this.pressed = true;
          this.longFired = false;
        }
        override _handleEnterRelease() {
          if (this.pressed && !this.longFired) {
            const item = this.focusedItem();
            if (item) launchPlayer(item);
          }
          this.pressed = false;
        }
        _handleEnterLong() {
          if (!this.pressed) return;
          this.longFired = true;
          this.openOptions();
        }
        _handleMenu() {
          this.openOptions();
        }
      },
      class Launcher extends this {
        override _getFocused() {
          return this.tag('Launcher');
        }
        override _handleUp() {
          if (state.upNext.length) this._setState('UpNext');
          else if ((this.tag('Filters') as Rail).visible) this._setState('Filters');
        }
        override _handleEnter() {
          const row = (this.tag('Launcher') as Rail).focusedItem as ListRow | undefined;
          const key = row ? row.data.key : '';
          if (key === 'player') launchPlayer();
          if (key === 'apps') Router.navigate('apps');
          if (key === 'profiles') Router.navigate('profiles');
        }
      },
      class Options extends this {
        override $exit() {
          (this.tag('Options') as Dialog).close();
        }
        override _getFocused() {
          return this.tag('Options');
        }
        override _handleEnter() {
          this.pressed = false;
        }
        override _handleEnterRelease() {
          // Acts on release, so the release of the long press that opened it does nothing.
          if (this.longFired) {
            this.longFired = false;
            return;
          }
          const item = this.focusedItem();
          const key = (this.tag('Options') as Dialog).focusedKey;
          this._setState(state.upNext.length > 1 || key !== 'hide' ? 'UpNext' : 'Launcher');
          if (!item) return;
          const participantId = item.participant_id ?? item.context_id ?? '';
          if (key === 'open') launchPlayer(item);
          if (key === 'hide') void hide(item);
          if (key === 'only') void setFilter(participantId);
          if (key === 'all') void setFilter('');
        }
        override _handleBack() {
          this._setState('UpNext');
        }
        _handleMenu() {
          this._setState('UpNext');
        }
      },
    ];
  }

  override $enter() {
    this.hints();
  }
}

function same(chip: Lightning.Component | undefined, c: { key: string; active: boolean }): boolean {
  const d = chip ? ((chip as Chip).data as { key: string; active?: boolean }) : undefined;
  return !!d && d.key === c.key && Boolean(d.active) === c.active;
}

function tilesChanged(rail: Rail, tiles: TileData[]): boolean {
  return rail.items.some((t, i) => {
    const d = (t as Tile).data;
    const n = tiles[i];
    return !n || d.secondary !== n.secondary || d.progress !== n.progress || d.badge !== n.badge;
  });
}
