//! Keeps a run within its memory and time, whatever a template asks for. Templates come from
//! the site (a pull request can change them) and Tera cannot be stopped from inside: a
//! template can double a string forty times (`{% set s = s ~ s %}`) or nest loops over the
//! pages until the end of time. The checks on a template's text (`render::bounds`)
//! and the bounded `range` (in `render`) refuse what can be seen before rendering;
//! this module is the backstop for the rest:
//!
//! - [`Counting`], the binary's allocator, counts the bytes in use, and a run that goes
//!   past [`memory_limit`] stops at once with a plain message naming what it was making
//!   (exit code 1).
//! - [`Activity`] marks what a thread is making (a page, with its template); a watchdog
//!   thread stops a run when one thing has taken longer than [`time_limit`] (exit code 1).
//!
//! Both limits can be raised for a very large site: `POLICYPRESS_MEMORY_LIMIT` (for example
//! `16G`) and `POLICYPRESS_TIME_LIMIT` (seconds). See docs/rules.md ("Limits").

use std::alloc::{GlobalAlloc, Layout};

// The allocator underneath: mimalloc, which compiles a site's PDFs in a fifth less time than
// glibc's malloc (Typst's layout allocates and frees small blocks by the million, from both
// threads): `benches/ab.sh`, figures in benches/README.md.
use mimalloc::MiMalloc as Inner;
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The memory a run may use when `POLICYPRESS_MEMORY_LIMIT` does not say: 8 GB.
pub const DEFAULT_MEMORY_LIMIT: usize = 8 << 30;
/// How long one page may take to make when `POLICYPRESS_TIME_LIMIT` does not say: 120 s.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(120);

static IN_USE: AtomicUsize = AtomicUsize::new(0);
/// The limit in bytes; 0 until [`init`] has read it (no limit before).
static LIMIT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// What this thread is making: a pointer and length of a live [`Activity`]'s text.
    static DOING: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// Bytes this thread allocated (less what it freed) not yet added to [`IN_USE`]: threads
    /// add to the shared count only a megabyte at a time, so allocating costs no contended
    /// atomic operation (the count is then at most a megabyte a thread behind).
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

/// How far a thread's own count may run ahead of [`IN_USE`].
const BATCH: isize = 1 << 20;

/// mimalloc, counting the bytes in use and stopping the run past the limit.
pub struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { Inner.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { Inner.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        unsafe { Inner.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grow(new_size - layout.size());
        } else {
            shrink(layout.size() - new_size);
        }
        unsafe { Inner.realloc(ptr, layout, new_size) }
    }
}

fn grow(bytes: usize) {
    let batched = PENDING.try_with(|p| {
        let now = p.get().saturating_add(bytes as isize);
        if now < BATCH {
            p.set(now);
            None
        } else {
            p.set(0);
            Some(now as usize)
        }
    });
    let add = match batched {
        Ok(None) => return,
        Ok(Some(add)) => add,
        // The thread is ending: count directly.
        Err(_) => bytes,
    };
    let now = IN_USE.fetch_add(add, Ordering::Relaxed).saturating_add(add);
    let limit = LIMIT.load(Ordering::Relaxed);
    if limit != 0 && now > limit {
        out_of_memory(limit);
    }
}

fn shrink(bytes: usize) {
    let batched = PENDING.try_with(|p| {
        let now = p.get().saturating_sub(bytes as isize);
        if now > -BATCH {
            p.set(now);
            None
        } else {
            p.set(0);
            Some(now.unsigned_abs())
        }
    });
    let take = match batched {
        Ok(None) => return,
        Ok(Some(take)) => take,
        Err(_) => bytes,
    };
    // Saturating: a thread may free what another counted.
    let _ = IN_USE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
        Some(n.saturating_sub(take))
    });
}

/// Stops the run: called from inside the allocator, so it allocates nothing (the message is
/// written with `write(2)` from fixed text and the thread's activity).
fn out_of_memory(limit: usize) -> ! {
    let mut gb = [0u8; 20];
    let gb = decimal(limit >> 30, &mut gb);
    write_stderr(b"error[out-of-memory]: this run needed more than ");
    write_stderr(gb);
    write_stderr(b" GB of memory and was stopped");
    let (ptr, len) = DOING.try_with(Cell::get).unwrap_or((0, 0));
    if ptr != 0 {
        write_stderr(b", while making ");
        // SAFETY: `DOING` holds the text of an `Activity` alive on this thread.
        write_stderr(unsafe { std::slice::from_raw_parts(ptr as *const u8, len) });
    }
    write_stderr(b"\n  = hint: a template that builds very long text (a string joined to itself, loops inside loops) is the usual cause: make it simpler; for a very large site, set POLICYPRESS_MEMORY_LIMIT (for example 16G)\n");
    // SAFETY: `_exit` ends the process without running anything that could allocate.
    unsafe { libc::_exit(1) }
}

fn write_stderr(bytes: &[u8]) {
    // SAFETY: writing a valid buffer to file descriptor 2.
    let _ = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
}

fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Reads the limits from the environment and starts the watchdog (once; the binary calls it
/// before any work). A limit that cannot be read is an error message and the default.
pub fn init() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        small_pages();
        LIMIT.store(memory_limit(), Ordering::Relaxed);
        let limit = time_limit();
        let _ = std::thread::Builder::new()
            .name("policypress-watchdog".into())
            .spawn(move || watchdog(limit));
    });
}

/// Asks Linux for no transparent huge pages in this process (what mimalloc's
/// `MIMALLOC_ALLOW_THP=0` does). With them, the first touch of any 2 MB of the heap zeroes
/// all of it: a rebuild with nothing changed spent a third of its time in the kernel's
/// `clear_page_erms`. Measured (benches/README.md, "Huge pages"): the 10,000-page rebuild
/// 3.1–3.4 s → 2.6–2.7 s, a first build with 1,400 PDFs unchanged within noise, less memory.
fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// `POLICYPRESS_MEMORY_LIMIT` (bytes, or with K, M or G), or [`DEFAULT_MEMORY_LIMIT`].
pub fn memory_limit() -> usize {
    match std::env::var("POLICYPRESS_MEMORY_LIMIT") {
        Ok(v) => parse_size(&v).unwrap_or_else(|| {
            eprintln!(
                "warning: POLICYPRESS_MEMORY_LIMIT={v:?} is not a size (write it like 16G or 800M); using {} GB",
                DEFAULT_MEMORY_LIMIT >> 30
            );
            DEFAULT_MEMORY_LIMIT
        }),
        Err(_) => DEFAULT_MEMORY_LIMIT,
    }
}

/// `POLICYPRESS_TIME_LIMIT` (whole seconds), or [`DEFAULT_TIME_LIMIT`].
pub fn time_limit() -> Duration {
    match std::env::var("POLICYPRESS_TIME_LIMIT") {
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(s) if s > 0 => Duration::from_secs(s),
            _ => {
                eprintln!(
                    "warning: POLICYPRESS_TIME_LIMIT={v:?} is not a number of seconds; using {}",
                    DEFAULT_TIME_LIMIT.as_secs()
                );
                DEFAULT_TIME_LIMIT
            }
        },
        Err(_) => DEFAULT_TIME_LIMIT,
    }
}

/// `16G`, `800M`, `64k` or a number of bytes.
fn parse_size(v: &str) -> Option<usize> {
    let v = v.trim();
    let (digits, shift) = match v.char_indices().last()? {
        (i, 'k' | 'K') => (&v[..i], 10),
        (i, 'm' | 'M') => (&v[..i], 20),
        (i, 'g' | 'G') => (&v[..i], 30),
        _ => (v, 0),
    };
    let n: usize = digits.trim().parse().ok()?;
    n.checked_mul(1 << shift).filter(|&n| n > 0)
}

/// What is being made now, by thread: its text and when it started.
fn table() -> &'static Mutex<Vec<(u64, Instant, String)>> {
    static TABLE: OnceLock<Mutex<Vec<(u64, Instant, String)>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(Vec::new()))
}

fn watchdog(limit: Duration) {
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let late = table().lock().ok().and_then(|t| {
            t.iter()
                .find(|(_, since, _)| since.elapsed() > limit)
                .map(|e| e.2.clone())
        });
        if let Some(what) = late {
            eprintln!(
                "error[too-slow]: making {what} took longer than {} seconds, and the run was stopped\n  = hint: a template with loops inside loops, or a very long `range`, is the usual cause: make it simpler; for a very large site, set POLICYPRESS_TIME_LIMIT (seconds)",
                limit.as_secs()
            );
            std::process::exit(1);
        }
    }
}

/// Marks what this thread is making until dropped (for [`Counting`]'s and the watchdog's
/// messages).
pub struct Activity {
    id: u64,
    text: String,
    outer: (usize, usize),
}

impl Activity {
    /// Starts `text` (for example "the page /a/ with the template page.html").
    pub fn begin(text: String) -> Activity {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed) as u64;
        if let Ok(mut t) = table().lock() {
            t.push((id, Instant::now(), text.clone()));
        }
        let outer = DOING
            .try_with(|d| d.replace((text.as_ptr() as usize, text.len())))
            .unwrap_or((0, 0));
        Activity { id, text, outer }
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        let _ = DOING.try_with(|d| d.set(self.outer));
        if let Ok(mut t) = table().lock() {
            t.retain(|(id, _, _)| *id != self.id);
        }
        let _ = &self.text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_with_their_units() {
        assert_eq!(parse_size("16G"), Some(16 << 30));
        assert_eq!(parse_size("800m"), Some(800 << 20));
        assert_eq!(parse_size(" 64k "), Some(64 << 10));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
    }

    #[test]
    fn decimal_writes_numbers() {
        let mut b = [0u8; 20];
        assert_eq!(decimal(0, &mut b), b"0");
        assert_eq!(decimal(1234, &mut b), b"1234");
    }
}
