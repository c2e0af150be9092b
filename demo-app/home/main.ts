// Entry of the home screen's bundles. The hand-off listener starts before the Router reads
// the address (a share can arrive in its fragment).
import { startApp } from '../shared/launch';
import App from './App';
import { start, state } from './model';

(window as unknown as { __paketDemo: unknown }).__paketDemo = { state, app: 'home' };
start();
startApp(App, 'Paket Home', 'home');
