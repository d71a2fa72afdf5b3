//! Files written whole or not at all: everything the program writes (traces,
//! figures, scenarios, command logs, recordings, exported videos) goes to a
//! temporary name beside its destination and is renamed into place only when
//! complete, so a crash, a full disk or a kill never leaves a half file under
//! the user's name. One naming for those temporary files: `.NAME.part-PID`.

use std::path::{Path, PathBuf};

/// The temporary name beside `out` that a write uses until it is done.
pub fn temp_path(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    out.with_file_name(format!(".{name}.part-{}", std::process::id()))
}

/// Write a file whole or not at all: into a temporary file beside it,
/// renamed into place only when everything was written.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>) -> Result<(), String> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write(&mut w)?;
        std::io::Write::flush(&mut w)?;
        // On disk before the rename, so a crash cannot leave an empty file under the name.
        w.get_ref().sync_all()?;
        drop(w);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write: {e} (nothing was written under that name)", path.display())
    })
}

/// Part files in `dir` left by processes that no longer run (killed by
/// SIGKILL, which nothing can catch): removed, and returned so the caller
/// can say so. A part file of a live process (another export) is left alone.
#[cfg(unix)]
pub fn remove_stale_parts(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) else { return Vec::new() };
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix('.').and_then(|n| n.rsplit_once(".part-")).and_then(|(_, pid)| pid.parse::<i32>().ok()) else { continue };
        if pid > 0 && pid != std::process::id() as i32 && !alive(pid) && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// Whether process `pid` exists (signal 0 checks without sending anything).
#[cfg(unix)]
fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks the process's existence.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("synapse-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("x.csv");
        let err = write_atomically(&out, |w| {
            std::io::Write::write_all(w, b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.contains("x.csv") && err.contains("disk full"), "{err}");
        assert!(!out.exists() && !temp_path(&out).exists());
        write_atomically(&out, |w| std::io::Write::write_all(w, b"whole")).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"whole");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A dead process's part file goes; a live one's (this process's parent) stays.
    #[cfg(unix)]
    #[test]
    fn stale_part_files_of_dead_processes_are_removed() {
        let dir = std::env::temp_dir().join(format!("synapse-stale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A pid above the kernel's maximum cannot be running.
        let dead = dir.join(".movie.mp4.part-4999999");
        let live = dir.join(format!(".movie.mp4.part-{}", std::os::unix::process::parent_id()));
        let other = dir.join("movie.mp4");
        for p in [&dead, &live, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(remove_stale_parts(&dir), vec![dead.clone()]);
        assert!(!dead.exists() && live.exists() && other.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
