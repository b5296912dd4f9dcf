//! The CLI's display of PDF progress: a bar (indicatif) on a terminal, a few plain lines
//! otherwise; nothing at all when the work takes less than a second.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

const QUIET_FOR: Duration = Duration::from_secs(1);

/// Shows how many PDFs of a build have been compiled.
pub struct PdfProgress {
    state: Mutex<State>,
}

struct State {
    total: usize,
    done: usize,
    started: Instant,
    bar: Option<ProgressBar>,
    /// Not a terminal: the last quarter reported as a plain line.
    plain_quarter: Option<usize>,
}

impl PdfProgress {
    pub fn new() -> PdfProgress {
        PdfProgress {
            state: Mutex::new(State {
                total: 0,
                done: 0,
                started: Instant::now(),
                bar: None,
                plain_quarter: None,
            }),
        }
    }
}

impl Default for PdfProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl crate::export::Progress for PdfProgress {
    fn start(&self, total: usize) {
        if let Ok(mut s) = self.state.lock() {
            s.total = total;
            s.done = 0;
            s.started = Instant::now();
        }
    }

    fn advance(&self) {
        let Ok(mut s) = self.state.lock() else { return };
        s.done += 1;
        if s.started.elapsed() < QUIET_FOR {
            return;
        }
        let (done, total) = (s.done, s.total);
        if let Some(bar) = &s.bar {
            bar.set_position(done as u64);
        } else if s.plain_quarter.is_some() || !std::io::stderr().is_terminal() {
            let quarter = done * 4 / total.max(1);
            if s.plain_quarter != Some(quarter) {
                s.plain_quarter = Some(quarter);
                eprintln!("Compiling PDFs: {done} of {total}");
            }
        } else {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("Compiling PDFs {bar:30} {pos}/{len} ({eta} left)")
            {
                bar.set_style(style);
            }
            bar.set_position(done as u64);
            s.bar = Some(bar);
        }
    }

    fn finish(&self) {
        if let Ok(mut s) = self.state.lock()
            && let Some(bar) = s.bar.take()
        {
            bar.finish_and_clear();
        }
    }
}
