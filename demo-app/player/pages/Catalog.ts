// The player's catalog: "Continue watching" from this app's own Up Next list (items()), then
// the series' episodes and the movies. Up and Down move between shelves, Left and Right
// along one; OK plays; the red key (M) switches profile; Back at this top level leaves.
import { Lightning, Router } from '@lightningjs/sdk';
import type { PaketListItem } from 'paket-tv-sdk';
import { Rail, setHints, Tile, TILE, type TileData } from '../../shared/components';
import { markFirstFrame } from '../../shared/launch';
import { COLOR, FONT, SAFE, minutes, text } from '../../shared/theme';
import { CATALOG, posterOf, titleById, type Title } from '../catalog';
import { profile, state, subscribe } from '../model';

const SHELF_H = 60 + TILE.h + 12;

function tileOf(t: Title, item?: PaketListItem): TileData {
  const where = t.kind === 'tv_episode' ? `S${t.season} E${t.episode} · ${t.name}` : 'Movie';
  const continuing = item && item.action === 'up_next_continue' && item.position;
  return {
    key: t.id,
    title: t.title,
    secondary: continuing
      ? `${where} · ${minutes(t.duration - (item.position ?? 0))} left`
      : item && item.action === 'up_next_next'
        ? `Up next: ${where}`
        : `${where} · ${minutes(t.duration)}`,
    poster: posterOf(t),
    progress: continuing ? (item.position ?? 0) / t.duration : undefined,
    ...(item ? { badge: item.action === 'up_next_next' ? 'Next' : 'Continue' } : {}),
  };
}

/** A titled row of tiles. */
class Shelf extends Lightning.Component {
  static override _template() {
    return {
      w: 1772,
      h: SHELF_H,
      Heading: text('', { x: 6, y: 4, size: FONT.heading, bold: true }),
      Tiles: { type: Rail, y: 60, w: 1772, h: TILE.h + 12 },
    };
  }

  set shelf(v: { title: string; tiles: TileData[] }) {
    this.tag('Heading').text.text = v.title;
    const rail = this.tag('Tiles') as Rail;
    rail.layout = { size: TILE.w, gap: TILE.gap, inset: 6 };
    rail.items = v.tiles.map((t) => ({ type: Tile, item: t }));
  }

  get focusedKey(): string {
    const t = (this.tag('Tiles') as Rail).focusedItem as Tile | undefined;
    return t ? t.data.key : '';
  }

  override _getFocused() {
    return this.tag('Tiles');
  }
}

export default class Catalog extends Lightning.Component {
  private unsubscribe: (() => void) | undefined;
  private shown = '';

  static override _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: COLOR.background,
      Share: text('', {
        x: SAFE.x,
        y: 118,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 1760,
      }),
      Shelves: { type: Rail, x: SAFE.x - 6, y: 160, w: 1772, h: 836 },
    };
  }

  override _setup() {
    (this.tag('Shelves') as Rail).layout = { size: SHELF_H, gap: 12, vertical: true };
  }

  override _active() {
    this.unsubscribe = subscribe(() => this.render());
    this.render();
    setHints(this, ['▲▼ shelves', '◀▶ titles', 'OK play', 'Red/M: switch profile', 'Back: exit']);
  }

  override _inactive() {
    if (this.unsubscribe) this.unsubscribe();
  }

  render(): void {
    const share = state.share.words;
    const line = this.tag('Share');
    line.text.text = share ? `${profile().name} · ${share}` : profile().name;
    const continuing = state.list
      .map((i) => ({ item: i, t: titleById(i.content_id) }))
      .filter((x): x is { item: PaketListItem; t: Title } => Boolean(x.t));
    const shelves = [
      ...(continuing.length
        ? [{ title: 'Continue watching', tiles: continuing.map((x) => tileOf(x.t, x.item)) }]
        : []),
      {
        title: 'Series',
        tiles: CATALOG.filter((t) => t.kind === 'tv_episode').map((t) => tileOf(t)),
      },
      { title: 'Movies', tiles: CATALOG.filter((t) => t.kind === 'movie').map((t) => tileOf(t)) },
    ];
    const key = JSON.stringify(shelves);
    if (key !== this.shown) {
      this.shown = key;
      const rail = this.tag('Shelves') as Rail;
      const before = rail.length;
      rail.items = shelves.map((s) => ({ type: Shelf, shelf: s }));
      // A "Continue watching" shelf appearing above keeps the focus where it was.
      if (before && rail.length > before) rail.select(rail.index + 1);
    }
    if (state.shown) markFirstFrame(this);
  }

  override _getFocused() {
    return this.tag('Shelves');
  }

  override _handleEnter() {
    const shelf = (this.tag('Shelves') as Rail).focusedItem as Shelf | undefined;
    const id = shelf ? shelf.focusedKey : '';
    if (id) Router.navigate(`play/${encodeURIComponent(id)}`);
  }

  _handleMenu() {
    Router.navigate('profiles');
  }
}
