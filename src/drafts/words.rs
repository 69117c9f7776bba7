//! A word-level diff of two wordings, so that a region sees at a glance which words of an
//! entry changed between drafts, not just that it changed.

use serde::Serialize;

/// Whether a run of words is in both wordings, only the old one, or only the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    /// In both.
    Same,
    /// Only in the old wording.
    Removed,
    /// Only in the new wording.
    Added,
}

/// A run of words with one [`WordOp`], joined by single spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordEdit {
    /// What happened to these words.
    pub op: WordOp,
    /// The words.
    pub text: String,
}

/// The edits that turn `old` into `new`, word by word: the longest common subsequence of
/// their words is kept, the rest removed or added. Removals come before additions where both
/// replace the same place, as a reader reads "was ... now ...".
#[must_use]
pub fn word_diff(old: &str, new: &str) -> Vec<WordEdit> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(WordOp, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((WordOp::Same, a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push((WordOp::Removed, a[i]));
            i += 1;
        } else {
            ops.push((WordOp::Added, b[j]));
            j += 1;
        }
    }
    let mut edits: Vec<WordEdit> = Vec::new();
    for (op, word) in ops {
        match edits.last_mut() {
            Some(last) if last.op == op => {
                last.text.push(' ');
                last.text.push_str(word);
            }
            _ => edits.push(WordEdit {
                op,
                text: word.to_owned(),
            }),
        }
    }
    edits
}

/// The edits as plain text, the way `git diff --word-diff=plain` writes them: `[-old-]` and
/// `{+new+}`.
#[must_use]
pub fn plain(edits: &[WordEdit]) -> String {
    edits
        .iter()
        .map(|e| match e.op {
            WordOp::Same => e.text.clone(),
            WordOp::Removed => format!("[-{}-]", e.text),
            WordOp::Added => format!("{{+{}+}}", e.text),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_word_is_removed_then_added() {
        let edits = word_diff(
            "Ratify ILO Convention 189 now",
            "Ratify and implement ILO Convention 189",
        );
        assert_eq!(
            plain(&edits),
            "Ratify {+and implement+} ILO Convention 189 [-now-]"
        );
    }

    #[test]
    fn equal_wordings_are_one_run() {
        let edits = word_diff("a  b c", "a b\nc");
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].op, WordOp::Same);
        assert_eq!(edits[0].text, "a b c");
    }

    #[test]
    fn everything_new() {
        assert_eq!(plain(&word_diff("", "x y")), "{+x y+}");
        assert_eq!(plain(&word_diff("x y", "")), "[-x y-]");
    }
}
