// Entry of the player's bundles.
import { startApp } from '../shared/launch';
import App from './App';
import { start, state } from './model';

(window as unknown as { __paketDemo: unknown }).__paketDemo = { state, app: 'player' };
start();
startApp(App, 'Paket Player');
