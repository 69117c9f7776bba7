//! The one escape format between host text and Typst: a string literal. The renderer writes
//! every value this way, so text is data and never markup; preflight reads it back to find
//! which host text a piece of layout came from. Both directions live here so they cannot drift.

/// Writes `text` as a Typst string literal: the only characters with meaning inside one are
/// the backslash and the double quote; line breaks are written as escapes.
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
            '\t' => out.push_str("\\t"),
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
                Some(text)
            );
        }
        assert_eq!(unescape_literal("not a literal"), None);
    }
}
