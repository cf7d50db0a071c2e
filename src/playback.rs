//! Playback of a trace: a tiny, pure state machine (a cursor over the steps, playing or not,
//! and a speed). The interface renders step `cursor` of the trace; a single timer in the page
//! sends [`PlaybackAction::Tick`] while playing.

/// The speeds the learner can choose, as milliseconds per step (slow to fast).
pub const SPEEDS_MS: [u32; 6] = [2_000, 1_200, 700, 350, 120, 40];
/// Each speed's name, as the speed menu says it.
pub const SPEED_NAMES: [&str; 6] = ["Slow", "Normal", "Fast", "Faster", "Very fast", "Skim"];
/// From this many steps a trace is long: the bar offers "Skip to the end" in words.
pub const LONG_TRACE: usize = 13;

/// Where playback stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Playback {
    /// The step shown (0-based); meaningless when `len` is 0.
    pub cursor: usize,
    /// How many steps the trace has.
    pub len: usize,
    /// Whether the timer advances the cursor.
    pub playing: bool,
    /// Index into [`SPEEDS_MS`].
    pub speed: usize,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            cursor: 0,
            len: 0,
            playing: false,
            speed: 1,
        }
    }
}

/// What the learner (or the timer) asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaybackAction {
    /// A new trace of `len` steps: show its first step and play it.
    Load {
        len: usize,
        autoplay: bool,
    },
    First,
    Previous,
    Next,
    Last,
    /// Jump to a step (the slider, or a link).
    Seek(usize),
    /// Play, or pause if playing.
    Toggle,
    /// The timer fired: advance, and stop at the end.
    Tick,
    /// Choose a speed (an index into [`SPEEDS_MS`]).
    Speed(usize),
}

impl Playback {
    /// The state after `action`.
    pub fn apply(self, action: PlaybackAction) -> Playback {
        let last = self.len.saturating_sub(1);
        let mut next = self;
        match action {
            PlaybackAction::Load { len, autoplay } => {
                next.len = len;
                next.cursor = 0;
                next.playing = autoplay && len > 1;
            }
            PlaybackAction::First => {
                next.cursor = 0;
                next.playing = false;
            }
            PlaybackAction::Previous => {
                next.cursor = self.cursor.saturating_sub(1);
                next.playing = false;
            }
            PlaybackAction::Next => {
                next.cursor = (self.cursor + 1).min(last);
                next.playing = false;
            }
            PlaybackAction::Last => {
                next.cursor = last;
                next.playing = false;
            }
            PlaybackAction::Seek(i) => {
                next.cursor = i.min(last);
                next.playing = false;
            }
            PlaybackAction::Toggle => {
                if self.playing {
                    next.playing = false;
                } else if self.len > 1 {
                    // Playing from the end starts again from the beginning.
                    if self.cursor >= last {
                        next.cursor = 0;
                    }
                    next.playing = true;
                }
            }
            PlaybackAction::Tick => {
                if self.playing {
                    next.cursor = (self.cursor + 1).min(last);
                    next.playing = next.cursor < last;
                }
            }
            PlaybackAction::Speed(s) => next.speed = s.min(SPEEDS_MS.len() - 1),
        }
        next
    }

    /// Milliseconds between two steps while playing.
    pub fn interval_ms(&self) -> u32 {
        SPEEDS_MS[self.speed.min(SPEEDS_MS.len() - 1)]
    }

    /// Whether the first step is shown.
    pub fn at_start(&self) -> bool {
        self.cursor == 0
    }

    /// Whether the last step is shown.
    pub fn at_end(&self) -> bool {
        self.cursor + 1 >= self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlaybackAction::*;

    fn loaded(len: usize) -> Playback {
        Playback::default().apply(Load {
            len,
            autoplay: false,
        })
    }

    #[test]
    fn stepping_stays_within_the_trace() {
        let p = loaded(3);
        assert_eq!(p.apply(Previous).cursor, 0);
        assert_eq!(p.apply(Next).apply(Next).apply(Next).cursor, 2);
        assert_eq!(p.apply(Last).cursor, 2);
        assert_eq!(p.apply(Last).apply(First).cursor, 0);
        assert_eq!(p.apply(Seek(99)).cursor, 2);
        assert!(p.apply(Last).at_end() && p.at_start());
    }

    #[test]
    fn playing_advances_on_ticks_and_stops_at_the_end() {
        let p = Playback::default().apply(Load {
            len: 3,
            autoplay: true,
        });
        assert!(p.playing);
        let p = p.apply(Tick);
        assert_eq!((p.cursor, p.playing), (1, true));
        let p = p.apply(Tick);
        assert_eq!((p.cursor, p.playing), (2, false));
        assert_eq!(
            p.apply(Tick).cursor,
            2,
            "ticks after the end change nothing"
        );
    }

    #[test]
    fn any_manual_move_pauses_and_play_from_the_end_restarts() {
        let p = Playback::default().apply(Load {
            len: 4,
            autoplay: true,
        });
        assert!(!p.apply(Next).playing);
        let at_end = p.apply(Last);
        let replay = at_end.apply(Toggle);
        assert_eq!((replay.cursor, replay.playing), (0, true));
        assert!(!replay.apply(Toggle).playing);
    }

    #[test]
    fn empty_and_single_step_traces_never_play() {
        let one = Playback::default().apply(Load {
            len: 1,
            autoplay: true,
        });
        assert!(!one.playing && !one.apply(Toggle).playing);
        let none = Playback::default().apply(Load {
            len: 0,
            autoplay: true,
        });
        assert_eq!(none.apply(Next).cursor, 0);
    }

    #[test]
    fn speeds_are_clamped() {
        let p = Playback::default().apply(Speed(99));
        assert_eq!(p.interval_ms(), SPEEDS_MS[SPEEDS_MS.len() - 1]);
    }
}
