//! Source files as the user wrote them, kept so that every later stage can point at a line.

use std::ops::Range;
use std::path::PathBuf;

/// One input file: its display name (relative to the project root, with `/` separators, as a
/// host would type it), its full path on disk, and its text after decoding.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in messages, e.g. `regions/us-canada.toml`.
    pub name: String,
    /// Where the file lives on disk.
    pub path: PathBuf,
    /// The decoded text, without a byte-order mark.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A position in a file as people count it: 1-based line and column, the column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values, not bytes.
    pub column: usize,
}

impl SourceFile {
    /// Keeps the text and indexes its line starts once, so that positions are cheap later.
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The line and column of a byte offset; offsets past the end clamp to the end.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let prefix = self.text.get(start..offset).unwrap_or("");
        LineCol {
            line: line + 1,
            column: prefix.chars().count() + 1,
        }
    }

    /// The line (1-based) a byte offset falls on.
    #[must_use]
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_col(offset).line
    }

    /// The byte range of a whole line (1-based), without its line break.
    #[must_use]
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[(line - 1).min(self.line_starts.len() - 1)];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let file = SourceFile::new("x.toml", "x.toml", "a = 1\r\né = \"ü\"\n".to_owned());
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        let u = file.text.find('ü').unwrap();
        assert_eq!(file.line_col(u), LineCol { line: 2, column: 6 });
        assert_eq!(file.line_range(1), 0..5);
        assert_eq!(file.line_of(file.text.len()), 3);
    }
}
