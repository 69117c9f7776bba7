//! The one escape format between host text and Typst: a string literal. The renderer writes
//! every value this way, so text is data and never markup; preflight reads it back to find
//! which host text a piece of layout came from. Both directions live here so they cannot drift.

use std::borrow::Cow;

/// White space that would not print as a space: a tab has neither a glyph nor a width in the
/// typeset text, so "a\tb" would print as "ab"; the Ogham space mark has a glyph only in Ogham
/// fonts, so the build would stop on it (E014). They print as the space they stand for.
#[must_use]
pub fn prints_as_space(c: char) -> bool {
    matches!(c, '\t' | '\u{1680}')
}

/// The text as it is printed: [`prints_as_space`] characters become spaces. Preflight compares
/// host text in this form with what it reads back from the Typst source.
#[must_use]
pub fn printed(text: &str) -> Cow<'_, str> {
    if text.contains(prints_as_space) {
        Cow::Owned(
            text.chars()
                .map(|c| if prints_as_space(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Writes `text` as a Typst string literal: the only characters with meaning inside one are
/// the backslash and the double quote; line breaks are written as escapes, and white space
/// Typst would drop as spaces ([`printed`]).
#[must_use]
pub fn typst_string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if prints_as_space(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads back a Typst string literal as the renderer wrote it (`"..."` with `\\`, `\"`, `\n`,
/// `\r`, `\t` escapes), to recognise the host text a piece of layout came from.
#[must_use]
pub fn unescape_literal(literal: &str) -> Option<String> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_back_to_the_text_they_were_written_from() {
        for text in [
            "plain",
            "a \"quote\" and \\ backslash",
            "line\nbreak\ttab\r",
            "#$*_<@{{ }}",
        ] {
            assert_eq!(
                unescape_literal(&typst_string_literal(text)).as_deref(),
                Some(&*printed(text))
            );
        }
        assert_eq!(unescape_literal("not a literal"), None);
    }

    #[test]
    fn tabs_are_written_as_spaces() {
        assert_eq!(typst_string_literal("a\tb\t\tc"), "\"a b  c\"");
        assert_eq!(printed("a\tb"), "a b");
        assert!(matches!(printed("a b"), Cow::Borrowed("a b")));
    }
}
