//! Builds into one folder take turns: a lock file beside the output.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use super::manifest::out_name;

/// How long a build waits for another one writing to the same folder before giving up.
pub(super) const LOCK_WAIT: Duration = Duration::from_secs(600);

/// Takes the lock file beside the output (`.public.lock`), waiting while another build
/// holds it. The lock is released when the returned file is dropped, or the process ends.
pub(super) fn lock(out: &Path) -> io::Result<(std::fs::File, bool)> {
    let path = out.with_file_name(format!(".{}.lock", out_name(out)));
    // A symbolic link planted under the lock's name is removed, never followed.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(&path)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(&path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("could not open the lock file {} (a build needs to write in the folder that holds the output): {e}", path.display()),
        )
    })?;
    let started = Instant::now();
    let mut waited = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok((file, waited)),
            Err(std::fs::TryLockError::WouldBlock) => {
                waited = true;
                if started.elapsed() > LOCK_WAIT {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "another build has been writing to {} for over {} minutes (it holds {}); wait for it to finish, or stop it",
                            out.display(),
                            LOCK_WAIT.as_secs() / 60,
                            path.display()
                        ),
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}
