// "Who's watching?": the profile picker both apps use, each with its own profiles. OK picks
// (the app's own action, given by its route), Back goes up a level.
import { Lightning } from '@lightningjs/sdk';
import { Avatar, Rail, setHints } from './components';
import { COLOR, FONT, SAFE, text } from './theme';
import { markFirstFrame } from './launch';

export interface PickerProfile {
  id: string;
  name: string;
  color: number;
}

export default class ProfilesPage extends Lightning.Component {
  /** Set by the route's data hook. */
  profiles: PickerProfile[] = [];
  current = '';
  onPick: (id: string) => void = () => undefined;
  backHint = 'Back: up';

  static override _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: COLOR.background,
      Heading: text("Who's watching?", { x: 960, y: 220, size: 56, bold: true }),
      Summary: text('', { x: 960, y: 300, size: FONT.body, color: COLOR.textSecondary }),
      Avatars: { type: Rail, y: 400, h: 360 },
    };
  }

  /** `{ profiles, current, onPick, summary, backHint }`, from the route. */
  set picker(v: {
    profiles: PickerProfile[];
    current: string;
    onPick: (id: string) => void;
    summary: string;
    backHint: string;
  }) {
    this.profiles = v.profiles;
    this.current = v.current;
    this.onPick = v.onPick;
    this.backHint = v.backHint;
    this.tag('Heading').patch({ mountX: 0.5 });
    this.tag('Summary').patch({ mountX: 0.5, text: { text: v.summary } });
    const rail = this.tag('Avatars') as Rail;
    const n = v.profiles.length;
    const width = n * 260 + (n - 1) * 80 + 24;
    rail.patch({ x: Math.max(SAFE.x, 960 - width / 2), w: Math.min(1760, width) });
    rail.layout = { size: 260, gap: 80, inset: 12 };
    rail.items = v.profiles.map((p) => ({
      type: Avatar,
      profile: { ...p, current: p.id === v.current },
    }));
    rail.select(
      Math.max(
        0,
        v.profiles.findIndex((p) => p.id === v.current),
      ),
    );
  }

  override _active() {
    setHints(this, ['◀▶ choose', 'OK select', this.backHint]);
    markFirstFrame(this);
  }

  override _getFocused() {
    return this.tag('Avatars');
  }

  override _handleEnter() {
    const p = this.profiles[(this.tag('Avatars') as Rail).index];
    if (p) this.onPick(p.id);
  }
}
