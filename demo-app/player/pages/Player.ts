// The player: a real media element playing the title's generated file, with the remote's
// keys (OK or Play/Pause, Left/Right to seek 30 s, FastForward/Rewind to change the speed),
// and trackPlayback() writing this app's Up Next as the Publisher Guidelines say. Back stops
// (the tracker writes the position) and goes up to the catalog.
import { Lightning, Router } from '@lightningjs/sdk';
import { setHints } from '../../shared/components';
import { COLOR, FONT, SAFE, clock, text } from '../../shared/theme';
import { markFirstFrame } from '../../shared/launch';
import { nextOf, posterOf, titleById, type Title } from '../catalog';
import { ready, resumeAt, state, track, changed } from '../model';

const RATES = [1, 2, 4, 8, 16];
const BAR_W = 1760;

export default class Player extends Lightning.Component {
  private media: HTMLAudioElement | undefined;
  private tracker: { stop(): void } | undefined;
  private title: Title | undefined;
  private message = '';

  static override _template() {
    return {
      w: 1920,
      h: 1080,
      rect: true,
      color: COLOR.background,
      Art: { w: 1920, h: 1080, alpha: 0.35 },
      Shade: { y: 560, w: 1920, h: 520, rect: true, color: COLOR.shade },
      Title: text('', { x: SAFE.x, y: 620, size: 56, bold: true, width: 1760 }),
      Episode: text('', { x: SAFE.x, y: 700, size: FONT.body, width: 1760 }),
      Description: text('', {
        x: SAFE.x,
        y: 748,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 1760,
        maxLines: 2,
      }),
      State: text('', { x: SAFE.x, y: 840, size: FONT.body, bold: true }),
      Time: { ...text('', { x: SAFE.x + BAR_W, y: 840, size: FONT.body }), mountX: 1 },
      Track: {
        x: SAFE.x,
        y: 892,
        w: BAR_W,
        h: 12,
        rect: true,
        color: COLOR.progressTrack,
        Bar: { h: 12, rect: true, color: COLOR.progress },
      },
      Writes: text('', {
        x: SAFE.x,
        y: 924,
        size: FONT.secondary,
        color: COLOR.textSecondary,
        width: 1760,
      }),
    };
  }

  /** The route's `:contentId`. */
  override set params(p: { contentId?: string }) {
    this.title = titleById(decodeURIComponent(p.contentId ?? ''));
  }

  override _active() {
    setHints(this, ['OK play/pause', '◀▶ −/+ 30 s', 'FF/RW (F/R) speed', 'Back: stop']);
    void ready().then(() => this.begin());
  }

  override _inactive() {
    this.end();
  }

  private begin(): void {
    this.end();
    const t = this.title;
    this.message = '';
    if (!t) {
      this.message = 'This title is not in the catalog any more. Back: catalog';
      this.render();
      return;
    }
    this.tag('Art').src = posterOf(t);
    this.tag('Title').text.text = t.title;
    this.tag('Episode').text.text =
      t.kind === 'tv_episode' ? `Season ${t.season} · Episode ${t.episode}: ${t.name}` : 'Movie';
    this.tag('Description').text.text = t.description;
    const media = document.createElement('audio');
    media.preload = 'auto';
    media.src = `media/${t.media}`;
    const from = resumeAt(t);
    media.addEventListener('loadedmetadata', () => {
      if (from > 0) media.currentTime = from;
    });
    for (const type of ['timeupdate', 'play', 'pause', 'ratechange', 'seeked']) {
      media.addEventListener(type, () => this.render());
    }
    media.addEventListener('ended', () => {
      const next = nextOf(t);
      this.message = next
        ? `Finished. OK: play ${next.title} S${next.season} E${next.episode}. Back: catalog`
        : 'Finished. Back: catalog';
      this.render();
    });
    document.body.appendChild(media);
    this.media = media;
    this.tracker = track(t, media);
    (window as unknown as { __paketMedia?: HTMLAudioElement }).__paketMedia = media;
    media.play().catch(() => {
      this.message = 'Press OK to play';
      this.render();
    });
    this.render();
    markFirstFrame(this);
  }

  private end(): void {
    if (this.tracker) this.tracker.stop();
    this.tracker = undefined;
    const media = this.media;
    this.media = undefined;
    if (media) {
      media.pause();
      media.removeAttribute('src');
      media.load();
      media.remove();
    }
    state.playing = null;
    changed();
  }

  render(): void {
    const m = this.media;
    const t = this.title;
    const duration = t ? t.duration : 0;
    const position = m ? m.currentTime : 0;
    if (m && t) {
      state.playing = {
        contentId: t.id,
        position,
        duration,
        paused: m.paused,
        rate: m.playbackRate,
      };
    }
    this.tag('State').text.text =
      this.message ||
      (m
        ? m.paused
          ? 'Paused'
          : `Playing${m.playbackRate !== 1 ? ` ×${m.playbackRate}` : ''}`
        : '');
    this.tag('Time').text.text = t ? `${clock(position)} / ${clock(duration)}` : '';
    this.tag('Track.Bar').w = duration
      ? Math.round((BAR_W * Math.min(position, duration)) / duration)
      : 0;
    this.tag('Writes').text.text = state.lastWrite ? `Up Next: ${state.lastWrite}` : '';
  }

  override _handleEnter() {
    const m = this.media;
    const t = this.title;
    if (m && m.ended && t) {
      const next = nextOf(t);
      if (next) Router.navigate(`play/${encodeURIComponent(next.id)}`);
      return;
    }
    this.toggle();
  }

  private toggle(): void {
    const m = this.media;
    if (!m) return;
    this.message = '';
    if (m.paused) void m.play().catch(() => undefined);
    else m.pause();
  }

  _handlePlayPause() {
    this.toggle();
  }

  _handlePlay() {
    if (this.media && this.media.paused) this.toggle();
  }

  _handlePause() {
    if (this.media && !this.media.paused) this.toggle();
  }

  private seek(by: number): void {
    const m = this.media;
    if (!m || !this.title) return;
    m.currentTime = Math.max(0, Math.min(this.title.duration, m.currentTime + by));
  }

  override _handleLeft() {
    this.seek(-30);
  }

  override _handleRight() {
    this.seek(30);
  }

  private speed(step: number): void {
    const m = this.media;
    if (!m) return;
    const i = RATES.indexOf(m.playbackRate);
    m.playbackRate = RATES[Math.max(0, Math.min(RATES.length - 1, (i < 0 ? 0 : i) + step))]!;
  }

  _handleFastForward() {
    this.speed(1);
  }

  _handleRewind() {
    this.speed(-1);
  }

  _handleStop() {
    Router.back();
  }
}
