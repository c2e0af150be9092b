// The look both apps share: a 1920×1080 stage, colours with their contrast kept on focus
// (focused items turn light with dark text, never light text on a light fill), and text sizes
// a viewer reads from a sofa: 30 px body, 26 px secondary lines, nothing below 24 px.

export const SCREEN = { w: 1920, h: 1080 };
/** Title-safe margins: nothing important closer to the edge. */
export const SAFE = { x: 80, y: 40 };

export const COLOR = {
  background: 0xff0b1220,
  panel: 0xff1a2434,
  panelRaised: 0xff243044,
  /** Body text on the background and on panels (contrast about 15:1). */
  text: 0xfff4f6fa,
  /** Secondary lines on panels (about 9:1). */
  textSecondary: 0xffc3cbd8,
  /** A focused item's fill, and its text (about 14:1). */
  focus: 0xfff4f6fa,
  textOnFocus: 0xff0b1220,
  textSecondaryOnFocus: 0xff2d3a50,
  accent: 0xff4c9aff,
  progress: 0xffff5a5f,
  progressTrack: 0x66ffffff,
  healthy: 0xff5ee08a,
  warning: 0xffffc857,
  danger: 0xffff7b7b,
  checking: 0xffc3cbd8,
  shade: 0xcc0b1220,
};

export const FONT = {
  title: 48,
  heading: 38,
  body: 30,
  secondary: 26,
  hint: 26,
};

/** A text element's template. */
export function text(
  value: string,
  options: {
    x?: number;
    y?: number;
    size?: number;
    color?: number;
    width?: number;
    maxLines?: number;
    align?: 'left' | 'center' | 'right';
    bold?: boolean;
  } = {},
): Record<string, unknown> {
  const size = options.size ?? FONT.body;
  // Drawn white and tinted by the element's colour: a focus or status change of colour
  // repaints nothing (a change of textColor draws the text texture again).
  return {
    x: options.x ?? 0,
    y: options.y ?? 0,
    color: options.color ?? COLOR.text,
    text: {
      text: value,
      fontSize: size,
      lineHeight: Math.round(size * 1.3),
      textColor: 0xffffffff,
      fontStyle: options.bold ? 'bold' : 'normal',
      ...(options.width
        ? {
            wordWrapWidth: options.width,
            maxLines: options.maxLines ?? 1,
            textOverflow: 'ellipsis',
          }
        : {}),
      ...(options.align ? { textAlign: options.align } : {}),
    },
  };
}

/** "1:05:09" or "22:04" for a number of seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** "1 h 40 min" / "22 min" for a duration in seconds. */
export function minutes(seconds: number): string {
  const m = Math.max(1, Math.round((seconds || 0) / 60));
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60 ? `${m % 60} min` : ''}`.trim() : `${m} min`;
}
