// The home screen: a routed Lightning app (Router.App) with its pages and three widgets, the
// status bar, the key hints and the toast, which every page shows.
import { Router } from '@lightningjs/sdk';
import { KeyHints, StatusBar, Toast } from '../shared/components';
import { COLOR } from '../shared/theme';
import { config } from '../shared/config';
import { onToast, profile, state, statusLine, subscribe } from './model';
import routes from './routes';

export default class App extends Router.App {
  static override _template() {
    return {
      ...super._template(),
      Widgets: {
        StatusBar: { type: StatusBar, appName: config.home.name },
        KeyHints: { type: KeyHints },
        Toast: { type: Toast },
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
    const toast = this.tag('Widgets.Toast') as Toast;
    const render = (): void => {
      bar.profileName = state.shown ? profile().name : '';
      bar.line = statusLine();
    };
    subscribe(render);
    render();
    onToast((message, tone) =>
      toast.show(
        message,
        tone === 'error' ? COLOR.danger : tone === 'warn' ? COLOR.warning : COLOR.healthy,
      ),
    );
  }
}
