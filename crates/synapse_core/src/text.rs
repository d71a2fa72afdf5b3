//! Text files a person edits (scenarios, drugs, lectures, keymaps, command
//! logs, recordings, traces), read as UTF-8. A file that is not UTF-8 is
//! reported at the line and column of its first bad byte, so the message
//! says where to look, not only "stream did not contain valid UTF-8".

use std::fmt;
use std::path::Path;

/// Why a text file could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// The file could not be opened or read (the system's reason).
    Io(String),
    /// The bytes are not UTF-8: the first bad byte, at line and column (from 1; the column counts characters).
    NotUtf8 { line: usize, col: usize, byte: u8 },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => f.write_str(e),
            ReadError::NotUtf8 { byte, .. } => write!(f, "not UTF-8 text (byte 0x{byte:02X}); save the file as UTF-8"),
        }
    }
}

impl ReadError {
    /// The whole message: `FILE: cannot read the WHAT: reason`, or `FILE:LINE:COL: not UTF-8 text ...`.
    pub fn describe(&self, file: &str, what: &str) -> String {
        match self {
            ReadError::Io(e) => format!("{file}: cannot read the {what}: {e}"),
            ReadError::NotUtf8 { line, col, .. } => format!("{file}:{line}:{col}: {self}"),
        }
    }
}

/// Read a text file as UTF-8.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
    from_utf8(bytes)
}

/// Bytes as UTF-8 text, or where they stop being UTF-8.
pub fn from_utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let good = &bytes[..e.utf8_error().valid_up_to()];
        // The good prefix is UTF-8, so lines and characters can be counted in it.
        let text = std::str::from_utf8(good).unwrap_or_default();
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError::NotUtf8 { line, col, byte: bytes[good.len()] }
    })
}

/// The 1-based (line, column) of the `nth` (from 0) place where `key` is
/// written as a field name (`key:`, not `key::`), from line `from_line` (1-based)
/// on; comments skipped. Checks after parsing use it to place what they reject.
pub fn field_position(text: &str, key: &str, from_line: usize, nth: usize) -> Option<(usize, usize)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .flat_map(|(n, l)| {
            let code = l.split("//").next().unwrap_or("");
            code.match_indices(key)
                .filter(move |&(i, _)| {
                    let before_ok = code[..i].chars().next_back().is_none_or(|c| !is_ident(c));
                    let after = &code[i + key.len()..];
                    let after = after.trim_start();
                    before_ok && !code[i + key.len()..].starts_with(is_ident) && after.starts_with(':') && !after.starts_with("::")
                })
                .map(move |(i, _)| (n + 1, code[..i].chars().count() + 1))
        })
        .nth(nth)
}

/// The 1-based (line, column) of the last `]` outside comments: where a
/// missing entry of a file's top-level list belongs.
pub fn list_end_position(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().filter_map(|(n, l)| l.split("//").next().unwrap_or("").rfind(']').map(|i| (n + 1, l[..i].chars().count() + 1))).last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_byte_is_placed_by_line_and_column() {
        let e = from_utf8(b"Scenario(\n  na\xE9me: 1\n)".to_vec()).unwrap_err();
        assert_eq!(e, ReadError::NotUtf8 { line: 2, col: 5, byte: 0xE9 });
        assert_eq!(e.describe("s.ron", "scenario"), "s.ron:2:5: not UTF-8 text (byte 0xE9); save the file as UTF-8");
        // Characters, not bytes, before it on its line.
        let e = from_utf8("µ\u{b5}x".bytes().chain([0xFF]).collect()).unwrap_err();
        assert_eq!(e, ReadError::NotUtf8 { line: 1, col: 4, byte: 0xFF });
        assert_eq!(from_utf8(b"ok\n".to_vec()).unwrap(), "ok\n");
        let missing = read_text(Path::new("/no/such/file.ron")).unwrap_err();
        assert!(missing.describe("f.ron", "lecture").starts_with("f.ron: cannot read the lecture: "), "{missing:?}");
    }

    #[test]
    fn a_field_is_found_by_name_and_count_outside_comments() {
        let t = "A(\n  // version: 9\n  version: 1,\n  b: B(version: 2, x: Foo::version),\n  subversion: 3,\n)";
        assert_eq!(field_position(t, "version", 1, 0), Some((3, 3)));
        assert_eq!(field_position(t, "version", 1, 1), Some((4, 8)));
        assert_eq!(field_position(t, "version", 1, 2), None);
        assert_eq!(field_position(t, "version", 4, 0), Some((4, 8)));
        assert_eq!(list_end_position("[\n (a: 1),\n] // ]"), Some((3, 1)));
    }
}
