//! Guards on what labsim takes from outside: reading an input file (scenario, sweep, targets)
//! with a size limit, and the rule for a name that becomes an output directory.
//!
//! It does not parse anything: each reader turns the text into its own error type, naming its
//! own file and key.

use std::io::Read;
use std::path::Path;

/// Largest input file read, in bytes (16 MiB): the largest shipped scenario is a few
/// kilobytes, so this only stops a runaway or hostile file.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Not a regular file: a FIFO would block for ever, a device could be read for ever.
    #[error("is not a regular file (a directory, FIFO or device); give a TOML file")]
    NotRegular,
    #[error("is {size} bytes; input files may hold at most {MAX_INPUT_BYTES} bytes (16 MiB)")]
    TooLarge { size: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The text of the regular file at `path`, refused if it is not a regular file or is larger
/// than [`MAX_INPUT_BYTES`]. The file type is checked before the file is opened, because
/// opening a FIFO blocks until someone writes to it.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular);
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { size: meta.len() });
    }
    let file = std::fs::File::open(path)?;
    // The file may have grown since it was measured: read one byte past the limit to know.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    String::from_utf8(bytes).map_err(|_| {
        InputError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// The rule a scenario or sweep name meets, because it names a directory under `output/`.
pub const NAME_RULE: &str = "must be a non-empty name of letters, digits, `-`, `_` and `.`, \
                             not starting with `.` (it names the output directory)";

/// Does `name` meet [`NAME_RULE`]? A name with a path separator, an absolute path, `..` or an
/// empty name would put the output outside `output/`.
pub fn is_output_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A TOML syntax or type error on one line: `line 3, column 9: extra `=`, expected nothing`
/// (the `toml` crate's own message repeats the source line with a caret, on four lines).
pub fn toml_error(e: &toml::de::Error, text: &str) -> String {
    let message = crate::error::abbreviate_to(&e.message().trim_end().replace('\n', "; "), 240);
    match e.span() {
        Some(span) => {
            let mut at = span.start.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..at].matches('\n').count() + 1;
            let column = text[line_start..at].chars().count() + 1;
            let source = text[line_start..].lines().next().unwrap_or("").trim();
            format!(
                "line {line}, column {column} (`{}`): {message}",
                crate::error::abbreviate(source)
            )
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_under_the_output_directory() {
        for good in ["baseline", "sector_plan-2.v1", "Münsterland"] {
            assert!(is_output_name(good), "{good}");
        }
        for bad in [
            "", "..", ".", ".hidden", "../x", "/abs", "a/b", "a\\b", "a b", "a:b",
        ] {
            assert!(!is_output_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_directory_is_not_read() {
        let dir = std::env::temp_dir();
        assert!(matches!(read_text(&dir), Err(InputError::NotRegular)));
    }

    #[test]
    fn a_toml_error_is_one_line_with_its_source() {
        let text = "name = \"x\"\n[simulation]\nsteps = = 3\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let m = super::toml_error(&e, text);
        assert!(m.starts_with("line 3, column 9 (`steps = = 3`): "), "{m}");
        assert!(!m.contains('\n'), "{m}");
    }
}
