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
}
