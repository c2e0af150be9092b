// The player's routes: the catalog is the top level (Back there leaves the app), the profile
// picker at first start and on the red key, a title at play/:contentId (also the deep link
// the home screen opens). Data in route hooks: the list after the catalog shows.
import { Router } from '@lightningjs/sdk';
import ProfilesPage from '../shared/ProfilesPage';
import { config } from '../shared/config';
import { loadList, ready, selectProfile, state } from './model';
import Catalog from './pages/Catalog';
import Player from './pages/Player';

const widgets = ['StatusBar', 'KeyHints'];

export default {
  // A viewer picks a profile on the first start; afterwards the app opens on the catalog.
  root: () => Promise.resolve(state.profileId ? 'catalog' : 'profiles'),
  routes: [
    {
      path: 'catalog',
      component: Catalog,
      widgets,
      options: { clearHistory: true },
      after: () => ready().then(loadList),
    },
    {
      path: 'profiles',
      component: ProfilesPage,
      widgets,
      on: (page: ProfilesPage) => {
        page.picker = {
          profiles: config.playerProfiles,
          current: state.profileId,
          summary: `Profiles of ${config.player.name} on this TV.`,
          backHint: state.profileId ? 'Back: catalog' : 'Back: exit',
          onPick: (id) => {
            Router.navigate('catalog');
            void selectProfile(id);
          },
        };
        return Promise.resolve();
      },
    },
    {
      path: 'play/:contentId',
      component: Player,
      widgets: ['KeyHints'],
      // Another title is another playback: a new page, a new media element, a new tracker.
      options: { reuseInstance: false },
    },
    { path: '*', component: Catalog, widgets },
  ],
};
