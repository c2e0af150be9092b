// The publisher app: a routed Lightning app (Router.App) with its pages and the shared
// widgets (status bar, key hints).
import { Router } from '@lightningjs/sdk';
import { KeyHints, StatusBar } from '../shared/components';
import { config } from '../shared/config';
import { profile, state, statusLine, subscribe } from './model';
import routes from './routes';

export default class App extends Router.App {
  static override _template() {
    return {
      ...super._template(),
      Widgets: {
        StatusBar: { type: StatusBar, appName: config.player.name },
        KeyHints: { type: KeyHints },
      },
    };
  }

  static getFonts() {
    return [];
  }

  override _setup() {
    Router.startRouter(routes as unknown as Parameters<typeof Router.startRouter>[0], this);
  }

  override _init() {
    const bar = this.tag('Widgets.StatusBar') as StatusBar;
    const render = (): void => {
      bar.profileName = state.profileId ? profile().name : '';
      bar.line = statusLine();
    };
    subscribe(render);
    render();
  }
}
