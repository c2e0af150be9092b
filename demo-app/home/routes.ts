// The home screen's routes. Data is loaded in the route hooks: the row after the page shows
// (`after`, so the first frame does not wait for the network), the connected apps before
// their page replaces the current one (`before`).
import { Router } from '@lightningjs/sdk';
import ProfilesPage from '../shared/ProfilesPage';
import { config } from '../shared/config';
import { loadApps, ready, refreshAll, selectProfile, state } from './model';
import Apps from './pages/Apps';
import Home from './pages/Home';

const widgets = ['StatusBar', 'KeyHints', 'Toast'];

export default {
  root: 'home',
  routes: [
    {
      path: 'home',
      component: Home,
      widgets,
      // Home is the top level: Back there leaves the app.
      options: { clearHistory: true },
      after: () => ready().then(refreshAll),
    },
    {
      path: 'apps',
      component: Apps,
      widgets,
      before: () => ready().then(loadApps),
    },
    {
      path: 'profiles',
      component: ProfilesPage,
      widgets,
      on: (page: ProfilesPage) => {
        page.picker = {
          profiles: config.homeProfiles,
          current: state.profileId,
          summary: 'Each profile has its own Up Next and its own connected apps.',
          backHint: 'Back: home',
          onPick: (id) => {
            Router.navigate('home');
            void selectProfile(id);
          },
        };
        return Promise.resolve();
      },
    },
    { path: '*', component: Home, widgets },
  ],
};
