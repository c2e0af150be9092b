// Connected apps: each publisher linked to the profile's Session, with what is still queued
// on the TV said as such. OK asks before it unlinks (a second OK on the next row must not
// unlink another app); the focus stays on the same place in the list afterwards.
import { Lightning } from '@lightningjs/sdk';
import { Dialog, ListRow, Rail, setHints, type RowData } from '../../shared/components';
import { COLOR, FONT, SAFE, text } from '../../shared/theme';
import { profile, state, subscribe, unlink, type ConnectedApp } from '../model';

const STATE_WORDS: Record<ConnectedApp['state'], string> = {
  linked: 'Connected',
  linking: 'Connecting: queued on this TV until the network returns',
  unlinking: 'Disconnecting: queued on this TV until the network returns',
};

export function rowOf(app: ConnectedApp): RowData {
  return {
    key: app.participantId,
    label: app.name,
    secondary: `${STATE_WORDS[app.state]} · account ${app.participantId.slice(0, 8)}`,
    icon: app.icon,
    dim: app.state !== 'linked',
  };
}

export default class Apps extends Lightning.Component {
  private unsubscribe: (() => void) | undefined;

  static override _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: COLOR.background,
      Heading: text('Connected apps', { x: SAFE.x, y: 126, size: FONT.heading, bold: true }),
      Summary: text('', {
        x: SAFE.x,
        y: 182,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 1760,
      }),
      List: { type: Rail, x: SAFE.x - 6, y: 236, w: 1212, h: 744 },
      Count: text('', {
        x: 1360,
        y: 240,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 480,
        maxLines: 6,
      }),
      Confirm: { type: Dialog, visible: false, zIndex: 10 },
    };
  }

  override _setup() {
    (this.tag('List') as Rail).layout = { size: 104, gap: 16, vertical: true, inset: 6 };
  }

  override _active() {
    this.unsubscribe = subscribe(() => this.render());
    this.render();
    this._setState('List');
  }

  override _inactive() {
    if (this.unsubscribe) this.unsubscribe();
  }

  render(): void {
    const p = profile();
    const apps = state.apps;
    this.tag('Heading').text.text = `Apps connected to ${p.name}`;
    this.tag('Summary').text.text = apps.length
      ? 'Their Up Next items show on the home screen. OK disconnects one.'
      : 'None yet. An app connects itself when you open it on this TV.';
    const list = this.tag('List') as Rail;
    const rows = apps.map(rowOf);
    const now = list.items.map((r) => JSON.stringify((r as ListRow).data)).join('|');
    if (now !== rows.map((r) => JSON.stringify(r)).join('|')) {
      list.items = rows.map((r) => ({ type: ListRow, w: 1200, h: 104, row: r }));
    }
    const queued = apps.filter((a) => a.state !== 'linked').length;
    this.tag('Count').text.text = apps.length
      ? `${apps.length} connected${queued ? `\n${queued} waiting to be sent` : ''}\n${
          list.length ? `${list.index + 1} of ${list.length}` : ''
        }`
      : '';
    this.hints();
  }

  private hints(): void {
    setHints(
      this,
      this._getState() === 'Confirm'
        ? ['▲▼ choose', 'OK confirm', 'Back: cancel']
        : ['▲▼ move', 'OK disconnect', 'Back: home'],
    );
  }

  static override _states() {
    return [
      class List extends this {
        override _getFocused() {
          return this.tag('List');
        }
        override _handleEnter() {
          const app = state.apps[(this.tag('List') as Rail).index];
          if (!app || app.state === 'unlinking') return;
          (this.tag('Confirm') as Dialog).open({
            title: `Disconnect ${app.name}?`,
            body: `Its items leave ${profile().name}'s Up Next. Opening ${app.name} again connects it again.`,
            buttons: [
              { key: 'unlink', label: 'Disconnect' },
              { key: 'cancel', label: 'Cancel' },
            ],
          });
          this._setState('Confirm');
        }
        override _handleUp() {
          this.render();
          return false;
        }
        override _handleDown() {
          this.render();
          return false;
        }
      },
      class Confirm extends this {
        override $enter() {
          this.hints();
        }
        override $exit() {
          (this.tag('Confirm') as Dialog).close();
          this.hints();
        }
        override _getFocused() {
          return this.tag('Confirm');
        }
        override _handleEnter() {
          const key = (this.tag('Confirm') as Dialog).focusedKey;
          const app = state.apps[(this.tag('List') as Rail).index];
          this._setState('List');
          if (key === 'unlink' && app) void unlink(app);
        }
        override _handleBack() {
          this._setState('List');
        }
      },
    ];
  }
}
