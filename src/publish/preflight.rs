//! Preflight, as printers call it: the checks that catch what would spoil a printed page
//! before anyone sees it. Before typesetting, every character of every text must be in some
//! font (otherwise the PDF shows an empty box, silently); after layout, no text may run out of
//! its cell, box or page.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use typst::WorldExt;
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::syntax::Span;
use typst::text::TextItem;
use typst::utils::Numeric;
use typst_layout::PagedDocument;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Item;
use crate::model::project::{Project, Submission};
use crate::model::source::SourceFile;
use crate::publish::escape::{printed, unescape_literal};
use crate::publish::fonts::FontSet;
use crate::publish::world::ReportWorld;

/// At most this many distinct missing characters are named in one message.
const MAX_NAMED_CHARACTERS: usize = 5;

/// A spanned string as a text and its place.
fn place(s: &toml::Spanned<String>) -> (&str, Range<usize>) {
    (s.get_ref().as_str(), s.span())
}

/// Every text of a submission that the report prints, with its place in the file.
fn submission_texts(submission: &Submission) -> Vec<(&str, Range<usize>)> {
    let data = &submission.data;
    let c = data.consultation.get_ref();
    let mut texts = vec![place(&c.region), place(&c.location)];
    texts.extend(c.short.iter().map(place));
    texts.extend(c.title.iter().map(place));
    texts.extend(c.hosts.get_ref().iter().map(place));
    let mut items: Vec<&Item> = Vec::new();
    items.extend(data.outcomes.objectives.iter().map(toml::Spanned::get_ref));
    items.extend(data.outcomes.key_points.iter().map(toml::Spanned::get_ref));
    for plenary in &data.plenary {
        let plenary = plenary.get_ref();
        texts.extend(plenary.title.iter().map(place));
        texts.extend(plenary.speakers.iter().map(place));
        items.extend(plenary.points.iter().map(toml::Spanned::get_ref));
    }
    for workshop in &data.workshop {
        let workshop = workshop.get_ref();
        texts.extend(workshop.title.iter().map(place));
        items.extend(workshop.issues.iter().map(toml::Spanned::get_ref));
        items.extend(workshop.strategies.iter().map(toml::Spanned::get_ref));
    }
    for item in items {
        texts.push(place(&item.text));
        texts.extend(item.original.iter().map(place));
    }
    texts
}

/// The texts of `report.toml` that the report prints. They are plain strings in the model, so
/// their place is found by looking for them in the file (escaped strings fall back to no place).
fn settings_texts(project: &Project) -> Vec<(&str, Option<Range<usize>>)> {
    let settings = &project.settings;
    let data = &settings.data;
    let mut texts: Vec<&str> = vec![data.title.as_str()];
    texts.extend(data.subtitle.as_deref());
    texts.extend(data.event.as_deref());
    texts.extend(data.publisher.as_deref());
    for point in &data.agenda {
        texts.push(point.get_ref().cluster.as_str());
        texts.push(point.get_ref().title.as_str());
    }
    texts
        .into_iter()
        .map(|t| {
            let place = settings
                .source
                .text
                .find(t)
                .map(|start| start..start + t.len());
            (t, place)
        })
        .collect()
}

/// Characters that print nothing and need no glyph: white space and the default-ignorable
/// marks (joiners, direction marks, variation selectors, soft hyphens).
fn needs_no_glyph(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}')
}

/// A font family that covers a script, for the help text.
fn font_suggestion(c: char) -> Option<&'static str> {
    Some(match u32::from(c) {
        0x0590..=0x05FF => "Noto Sans Hebrew",
        0x0900..=0x097F => "Noto Sans Devanagari",
        0x0980..=0x09FF => "Noto Sans Bengali",
        0x0B80..=0x0BFF => "Noto Sans Tamil",
        0x0E00..=0x0E7F => "Noto Sans Thai",
        0x10A0..=0x10FF => "Noto Sans Georgian",
        0x1200..=0x139F => "Noto Sans Ethiopic",
        0x0530..=0x058F => "Noto Sans Armenian",
        0x1100..=0x11FF | 0xAC00..=0xD7AF => "Noto Sans CJK KR",
        0x3040..=0x30FF => "Noto Sans CJK JP",
        0x2E80..=0x2FFF
        | 0x3000..=0x303F
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F => "Noto Sans CJK SC",
        0x1F300..=0x1FAFF | 0x2600..=0x27BF => "Noto Emoji",
        _ => return None,
    })
}

/// A text shortened for a message: its first few words, on one line.
fn excerpt(text: &str, max_chars: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max_chars {
        one_line
    } else {
        let cut: String = one_line.chars().take(max_chars).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Warns (W007) about every text that holds a character no font of the set can print.
///
/// Typst shows such a character as an empty box and says nothing, so a host's Chinese
/// original would silently become a row of boxes. This finds them before typesetting and names
/// the text, the characters, the fonts tried, and a font that would cover them.
pub fn missing_glyphs(project: &Project, fonts: &FontSet) -> Vec<Diagnostic> {
    let families = fonts.families().join(", ");
    let check = |text: &str| -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars() {
            if !needs_no_glyph(c) && !missing.contains(&c) && !fonts.covers(c) {
                missing.push(c);
            }
        }
        missing
    };
    let describe = |text: &str, missing: &[char]| -> (String, String) {
        let named: Vec<String> = missing
            .iter()
            .take(MAX_NAMED_CHARACTERS)
            .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
            .collect();
        let more = missing.len().saturating_sub(MAX_NAMED_CHARACTERS);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let message = format!(
            "no font can print {}{more} in \"{}\": it would show as an empty box",
            named.join(", "),
            excerpt(text, 60)
        );
        let suggestion = missing
            .iter()
            .find_map(|c| font_suggestion(*c))
            .map_or_else(String::new, |f| format!(" (for this text: {f})"));
        let help = format!(
            "the fonts tried are {families}; add a font that has these characters with `--font-path DIR`{suggestion}, or correct the text"
        );
        (message, help)
    };

    let mut found = Vec::new();
    for (text, place) in settings_texts(project) {
        let missing = check(text);
        if missing.is_empty() {
            continue;
        }
        let (message, help) = describe(text, &missing);
        let source = &project.settings.source;
        let diagnostic = match place {
            Some(span) => Diagnostic::new(Code::MissingGlyph, source, span, message),
            None => Diagnostic::without_span(Code::MissingGlyph, &source.name, message),
        };
        found.push(diagnostic.with_help(help));
    }
    for submission in &project.submissions {
        for (text, span) in submission_texts(submission) {
            let missing = check(text);
            if missing.is_empty() {
                continue;
            }
            let (message, help) = describe(text, &missing);
            found.push(
                Diagnostic::new(Code::MissingGlyph, &submission.source, span, message)
                    .with_help(help),
            );
        }
    }
    found
}

/// Text that does not fit where the layout put it: a word too long for its table cell, a box
/// wider than the page. Found in the laid-out pages, before the PDF is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Overflow {
    /// The page it is on, from 1.
    pub page: usize,
    /// The text of the line (or run of it) that sticks out.
    pub text: String,
    /// By how much, in points.
    pub by: f64,
    /// Whether it leaves the page itself, rather than its cell or box.
    pub off_page: bool,
    /// Where the text came from in the rendered source, when it is there.
    pub span: Option<Range<usize>>,
    /// The template file it came from otherwise, e.g. `templates/style.typ`.
    pub template: Option<String>,
}

/// How far text may pass an edge before it counts: rounding, and the optical overhang that
/// justified text allows for hyphens and punctuation at the end of a line.
const TOLERANCE_PT: f64 = 1.0;

/// A container that text must stay inside: a page, a block, a box, a table cell's block.
#[derive(Clone, Copy)]
struct Bounds {
    /// Left edge on the page, in points.
    left: f64,
    /// Right edge on the page, in points.
    right: f64,
    /// Top edge on the page, in points.
    top: f64,
    /// Bottom edge on the page, in points.
    bottom: f64,
    /// Whether this is the page (or sheet) itself.
    page: bool,
}

/// Walks every page and reports text runs that extend beyond any of their enclosing
/// containers (block and box frames, which Typst keeps as "hard" frames, and the page).
pub fn find_overflows(document: &PagedDocument, world: &ReportWorld) -> Vec<Overflow> {
    let mut found: Vec<Overflow> = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        let bounds = Bounds {
            left: -page.bleed.left.to_pt(),
            right: page.frame.width().to_pt() + page.bleed.right.to_pt(),
            top: -page.bleed.top.to_pt(),
            bottom: page.frame.height().to_pt() + page.bleed.bottom.to_pt(),
            page: true,
        };
        let mut walker = Walker {
            page: index + 1,
            world,
            found: &mut found,
        };
        walker.frame(&page.frame, Transform::identity(), &mut vec![bounds]);
    }
    // One report per piece of source text and page: a long line is often several runs.
    let mut seen = HashSet::new();
    found.retain(|o| seen.insert((o.page, o.span.clone().unwrap_or(0..0), o.text.clone())));
    found
}

/// The state of one page's walk.
struct Walker<'a> {
    /// The page being walked, from 1.
    page: usize,
    /// The world, to map glyph spans back to the rendered source.
    world: &'a ReportWorld,
    /// Where overflows go.
    found: &'a mut Vec<Overflow>,
}

impl Walker<'_> {
    /// Visits a frame's items; `ts` takes its coordinates to the page's, and `containers` are
    /// the hard frames around it (innermost last), whose edges text must stay within.
    fn frame(&mut self, frame: &Frame, ts: Transform, containers: &mut Vec<Bounds>) {
        for (pos, item) in frame.items() {
            let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => {
                    let inner = here.pre_concat(group.transform);
                    let hard = group.frame.kind().is_hard();
                    if hard && !group.frame.size().is_zero() {
                        let (l, t, r, b) = rect_bounds(inner, group.frame.size());
                        containers.push(Bounds {
                            left: l,
                            right: r,
                            top: t,
                            bottom: b,
                            page: false,
                        });
                        self.frame(&group.frame, inner, containers);
                        containers.pop();
                    } else {
                        self.frame(&group.frame, inner, containers);
                    }
                }
                FrameItem::Text(text) => self.text(text, here, containers),
                _ => {}
            }
        }
    }

    /// Checks one run of text against every container around it, and records the worst overflow.
    fn text(&mut self, text: &TextItem, ts: Transform, containers: &[Bounds]) {
        // The ink that counts: up to the last glyph that is not a space or punctuation, which
        // justified text may let hang into the margin.
        let size = text.size;
        let mut x = Abs::zero();
        let mut start: Option<Abs> = None;
        let mut end = Abs::zero();
        for glyph in &text.glyphs {
            let advance = glyph.x_advance.at(size);
            let chars = text.text.get(glyph.range()).unwrap_or("");
            let hangs = chars.chars().all(|c| {
                c.is_whitespace() || c.is_ascii_punctuation() || "\u{AD}‐–—’”»…،".contains(c)
            });
            if !hangs {
                start.get_or_insert(x);
                end = x + advance;
            }
            x += advance;
        }
        let Some(start) = start else { return };
        let left = apply(ts, Point::new(start, Abs::zero()));
        let right = apply(ts, Point::new(end, Abs::zero()));
        let (x0, x1) = (left.0.min(right.0), left.0.max(right.0));
        let baseline = left.1.max(right.1);
        let ascent = size.to_pt() * 0.7;
        let mut worst: Option<(f64, bool)> = None;
        for bounds in containers {
            let by = [
                x1 - bounds.right,
                bounds.left - x0,
                baseline - bounds.bottom,
                bounds.top - (baseline - ascent),
            ]
            .into_iter()
            .fold(f64::MIN, f64::max);
            if by > TOLERANCE_PT && worst.is_none_or(|(w, _)| by > w) {
                worst = Some((by, bounds.page));
            }
        }
        let Some((by, off_page)) = worst else { return };
        let origin = text.glyphs.first().map(|g| g.span.0);
        let file = origin.and_then(Span::id);
        let in_main = file == Some(self.world.main_id());
        let span = origin.filter(|_| in_main).and_then(|s| self.world.range(s));
        let template = file
            .filter(|_| !in_main)
            .map(|id| format!("templates{}", id.vpath().get_with_slash()));
        self.found.push(Overflow {
            page: self.page,
            text: text.text.to_string(),
            by,
            off_page,
            span,
            template,
        });
    }
}

/// A point transformed into page coordinates, in points.
fn apply(ts: Transform, p: Point) -> (f64, f64) {
    let p = p.transform(ts);
    (p.x.to_pt(), p.y.to_pt())
}

/// The axis-aligned bounds (left, top, right, bottom) of a frame of `size` under `ts`.
fn rect_bounds(ts: Transform, size: typst::layout::Size) -> (f64, f64, f64, f64) {
    let corners = [
        Point::zero(),
        Point::new(size.x, Abs::zero()),
        Point::new(Abs::zero(), size.y),
        Point::new(size.x, size.y),
    ]
    .map(|p| apply(ts, p));
    let xs = corners.map(|c| c.0);
    let ys = corners.map(|c| c.1);
    (
        xs.into_iter().fold(f64::MAX, f64::min),
        ys.into_iter().fold(f64::MAX, f64::min),
        xs.into_iter().fold(f64::MIN, f64::max),
        ys.into_iter().fold(f64::MIN, f64::max),
    )
}

/// Overflows as warnings (W008) that point at the submission a text came from, when it came
/// from one, or else at the rendered source (`out/report.typ`).
#[must_use]
pub fn overflow_diagnostics(
    overflows: &[Overflow],
    project: &Project,
    rendered: &SourceFile,
) -> Vec<Diagnostic> {
    // Keyed by the text as printed, which is what reading the Typst source back gives.
    let mut places: HashMap<Cow<'_, str>, (&SourceFile, Range<usize>)> = HashMap::new();
    for submission in &project.submissions {
        for (text, span) in submission_texts(submission) {
            places
                .entry(printed(text))
                .or_insert((&submission.source, span));
        }
    }
    overflows
        .iter()
        .map(|o| {
            let edge = if o.off_page {
                "off the page"
            } else {
                "out of its cell or box"
            };
            let message = format!(
                "text runs {:.1} pt {edge} on page {}: \"{}\"",
                o.by,
                o.page,
                excerpt(&o.text, 50)
            );
            let help = "a word this long cannot be broken across lines: add a space or a hyphen where it may break, or shorten it";
            let host_text = o
                .span
                .as_ref()
                .and_then(|span| rendered.text.get(span.clone()))
                .and_then(unescape_literal);
            let diagnostic = match (&host_text, &o.span) {
                (Some(text), _) if places.contains_key(text.as_str()) => {
                    let (file, span) = &places[text.as_str()];
                    Diagnostic::new(Code::LayoutOverflow, file, span.clone(), message)
                }
                (_, Some(span)) => {
                    Diagnostic::new(Code::LayoutOverflow, rendered, span.clone(), message)
                }
                _ => Diagnostic::without_span(
                    Code::LayoutOverflow,
                    o.template.as_deref().unwrap_or(&rendered.name),
                    message,
                ),
            };
            diagnostic.with_help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_marks_need_no_glyph() {
        assert!(needs_no_glyph(' '));
        assert!(needs_no_glyph('\u{200D}'));
        assert!(!needs_no_glyph('a'));
        assert!(!needs_no_glyph('中'));
    }

    #[test]
    fn the_bundled_fonts_cover_the_shipped_languages() {
        let fonts = FontSet::embedded();
        for c in "é ñ ç « » ’ – — ع ب ر ي ة ١ Ж я Ω λ".chars() {
            assert!(needs_no_glyph(c) || fonts.covers(c), "{c:?} is not covered");
        }
        assert!(!fonts.covers('中'));
        assert_eq!(font_suggestion('中'), Some("Noto Sans CJK SC"));
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("a\n  b", 10), "a b");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcde…");
    }
}
