//! The report as a publication: page size, metadata, tagging, PDF/A and PDF/UA, the printer's
//! copy, proofs per region, and the preflight warnings, all read back from the PDFs with Rust
//! crates (lopdf, through pdf-extract) only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test reports a failure"
)]

mod common;

use std::path::Path;

use common::*;
use consolidate::publish::pdf::PdfProfile;
use consolidate::{BuildOptions, BuildOutcome, Code, Error};
use pdf_extract::{Dictionary, Document, Object};

/// Builds a project into `out` with options adjusted by `adjust`.
fn build_with(
    root: &Path,
    out: &Path,
    adjust: impl FnOnce(&mut BuildOptions),
) -> Result<BuildOutcome, Error> {
    let mut options = BuildOptions::new(root);
    out.clone_into(&mut options.out);
    adjust(&mut options);
    consolidate::build(&options)
}

/// A PDF file, parsed.
fn open(path: &Path) -> Document {
    Document::load_mem(&std::fs::read(path).expect("the PDF was written")).expect("the PDF parses")
}

/// Follows a reference, if the object is one.
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map_or(object, |(_, o)| o)
}

/// A PDF text string: UTF-16BE with a byte-order mark, or `PDFDocEncoding` (Latin-1 for
/// ASCII).
fn text(object: &Object) -> String {
    let bytes = object.as_str().expect("a string");
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16(
            &utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
                .collect::<Vec<_>>(),
        )
        .expect("UTF-16"),
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The document information dictionary (title, author, subject, keywords, dates).
fn info(doc: &Document) -> &Dictionary {
    let reference = doc.trailer.get(b"Info").expect("an Info dictionary");
    resolve(doc, reference).as_dict().expect("a dictionary")
}

/// The XMP metadata packet of the catalog.
fn xmp(doc: &Document) -> String {
    let catalog = doc.catalog().expect("a catalog");
    let stream = resolve(doc, catalog.get(b"Metadata").expect("XMP metadata"))
        .as_stream()
        .expect("a stream");
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).expect("XMP is UTF-8")
}

/// A rectangle of a page dictionary (`MediaBox`, `TrimBox`), as [x0, y0, x1, y1] in points.
fn page_box(doc: &Document, page: u32, name: &[u8]) -> Option<[f32; 4]> {
    let id = doc.get_pages()[&page];
    let dict = doc.get_dictionary(id).expect("a page");
    let array = resolve(doc, dict.get(name).ok()?).as_array().ok()?;
    let numbers: Vec<f32> = array
        .iter()
        .map(|n| n.as_float().expect("a number"))
        .collect();
    Some([numbers[0], numbers[1], numbers[2], numbers[3]])
}

/// Width and height of a rectangle, in millimetres.
fn size_mm(rect: [f32; 4]) -> (f32, f32) {
    let mm = |pt: f32| pt * 25.4 / 72.0;
    (mm(rect[2] - rect[0]), mm(rect[3] - rect[1]))
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.2
}

#[test]
fn shipped_report_is_a4_tagged_described_and_archival() {
    let out = scratch("publication-shipped");
    build(&repo_root(), &out).expect("the shipped project builds");
    let doc = open(&out.join("report.pdf"));

    // report.toml says a4: 210 × 297 mm on every page.
    let pages = doc.get_pages();
    assert!(pages.len() > 10);
    for page in pages.keys() {
        let (w, h) = size_mm(page_box(&doc, *page, b"MediaBox").expect("a MediaBox"));
        assert!(
            close(w, 210.0) && close(h, 297.0),
            "page {page} is {w} × {h} mm"
        );
        assert!(
            page_box(&doc, *page, b"TrimBox").is_none(),
            "no bleed on the screen copy"
        );
    }

    // Metadata, in the Info dictionary and the catalog.
    let info = info(&doc);
    assert_eq!(
        text(info.get(b"Title").unwrap()),
        "Consolidated Civil Society Report"
    );
    assert_eq!(
        text(info.get(b"Author").unwrap()),
        "Global Coalition on Migration"
    );
    assert!(text(info.get(b"Subject").unwrap()).starts_with("Regional consultations"));
    assert!(text(info.get(b"Keywords").unwrap()).contains("migration"));
    assert!(text(info.get(b"CreationDate").unwrap()).starts_with("D:20130715"));
    let catalog = doc.catalog().unwrap();
    assert_eq!(text(catalog.get(b"Lang").unwrap()), "en");

    // Tagged: marked content and a structure tree, so screen readers can follow it.
    let mark_info = resolve(&doc, catalog.get(b"MarkInfo").expect("MarkInfo"));
    let marked = mark_info.as_dict().unwrap().get(b"Marked").unwrap();
    assert!(marked.as_bool().unwrap(), "/MarkInfo /Marked is true");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "a structure tree");
    // Bookmarks from the headings.
    let outlines = resolve(&doc, catalog.get(b"Outlines").expect("bookmarks"));
    assert!(outlines.as_dict().unwrap().get(b"First").is_ok());

    // The archival, accessible default: PDF/A-2a and PDF/UA-1, identified in the XMP.
    let xmp = xmp(&doc);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
    assert!(xmp.contains("Consolidated Civil Society Report"));

    // The Arabic originals are there as text, not as pictures of text.
    let extracted = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
    // pdf-extract returns right-to-left runs in visual order (poppler gives logical order),
    // so either order counts; what matters is real Arabic letters, not presentation forms.
    let phrase = "نظام الكفالة";
    let visual: String = phrase.chars().rev().collect();
    assert!(
        extracted.contains(&squash(phrase)) || extracted.contains(&squash(&visual)),
        "Arabic is extractable"
    );
    assert!(
        !extracted
            .chars()
            .any(|c| ('\u{FB50}'..='\u{FEFF}').contains(&c)),
        "Arabic maps to letters, not to presentation forms"
    );
    assert!(
        extracted.contains(&squash("société civile")),
        "French accents survive"
    );
}

#[test]
fn every_font_is_embedded() {
    let out = scratch("publication-fonts");
    build(&fixture("markup"), &out).unwrap();
    let doc = open(&out.join("report.pdf"));
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        let embedded = [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
            .iter()
            .any(|key| dict.get(key).is_ok());
        assert!(embedded, "a font is not embedded: {dict:?}");
    }
    assert!(fonts >= 2, "fonts were found: {fonts}");
}

#[test]
fn us_letter_comes_from_report_toml() {
    let out = scratch("publication-letter");
    build(&fixture("letter"), &out).unwrap();
    let doc = open(&out.join("report.pdf"));
    for page in doc.get_pages().keys() {
        let media = page_box(&doc, *page, b"MediaBox").unwrap();
        assert!(
            close(media[2] - media[0], 612.0) && close(media[3] - media[1], 792.0),
            "page {page} is {media:?}, not 8.5 × 11 in"
        );
    }
}

#[test]
fn pdf_standards_can_be_chosen() {
    let out = scratch("publication-a2b");
    let standards = PdfProfile::parse("a-2b, ua-1").unwrap();
    build_with(&fixture("minimal"), &out, |o| o.standards = standards).unwrap();
    let xmp = xmp(&open(&out.join("report.pdf")));
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");

    let plain = scratch("publication-plain");
    build_with(&fixture("minimal"), &plain, |o| {
        o.standards = PdfProfile::parse("none").unwrap();
    })
    .unwrap();
    let doc = open(&plain.join("report.pdf"));
    assert!(!xmp_of(&doc).contains("pdfaid"), "no PDF/A claimed");
    let catalog = doc.catalog().unwrap();
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "still tagged");

    let Err(Error::Usage { message, hint }) = PdfProfile::parse("a-2b,a-3b") else {
        panic!("two PDF/A standards cannot be combined");
    };
    assert!(message.contains("cannot be combined"), "{message}");
    assert!(hint.unwrap().contains("a-2b,ua-1"));
    let Err(Error::Usage { message, hint }) = PdfProfile::parse("pdfa") else {
        panic!("an unknown name is refused");
    };
    assert!(message.contains("`pdfa`"), "{message}");
    assert!(hint.unwrap().contains("a-2a"));
    // An empty list is not a silent `none`, and `none` with a standard says why it fails.
    for empty in ["", " , "] {
        let Err(Error::Usage { message, hint }) = PdfProfile::parse(empty) else {
            panic!("an empty list {empty:?} is refused");
        };
        assert!(message.contains("no standard"), "{message}");
        assert!(hint.unwrap().contains("`none`"));
    }
    let Err(Error::Usage { message, hint }) = PdfProfile::parse("none,a-2b") else {
        panic!("`none` with a standard is refused");
    };
    assert!(message.contains("`none` cannot be combined"), "{message}");
    assert!(hint.unwrap().contains("`none` alone"));
}

/// The XMP packet, or nothing when the document has none.
fn xmp_of(doc: &Document) -> String {
    let has = doc.catalog().is_ok_and(|c| c.get(b"Metadata").is_ok());
    if has { xmp(doc) } else { String::new() }
}

#[test]
fn printers_copy_has_bleed_trim_box_and_crop_marks() {
    let out = scratch("publication-print");
    let outcome = build_with(&fixture("minimal"), &out, |o| o.print = true).unwrap();
    assert_eq!(
        outcome.print.as_deref(),
        Some(out.join("report-print.pdf").as_path())
    );
    let screen = open(&out.join("report.pdf"));
    let print = open(&out.join("report-print.pdf"));
    assert_eq!(print.get_pages().len(), screen.get_pages().len());
    for page in print.get_pages().keys() {
        // The trimmed page is A4; the sheet adds the bleed and the slug for the marks.
        let trim = page_box(&print, *page, b"TrimBox").expect("a TrimBox");
        let media = page_box(&print, *page, b"MediaBox").unwrap();
        let (w, h) = size_mm(trim);
        assert!(close(w, 210.0) && close(h, 297.0), "trim {w} × {h} mm");
        let (mw, mh) = size_mm(media);
        assert!(
            mw > w + 6.0 && mh > h + 6.0,
            "at least 3 mm of bleed each side"
        );
        let margin_mm = (trim[0] - media[0]) * 25.4 / 72.0;
        assert!(margin_mm >= 3.0, "the trim box sits inside the bleed");
    }
    // Crop marks are stroked in registration colour (all four inks): `1 1 1 1 K`.
    let first = print.get_pages()[&1];
    let content = String::from_utf8_lossy(&print.get_page_content(first).unwrap()).into_owned();
    assert!(
        content.contains("1 1 1 1 K"),
        "crop marks in registration colour"
    );
    // CMYK is not allowed in PDF/A: the printer's copy claims no PDF/A.
    assert!(!xmp_of(&print).contains("pdfaid"));
}

#[test]
fn region_proof_is_that_submission_alone() {
    let root = copy_project(&fixture("minimal"), "publication-proof");
    let out = root.join("out");
    let outcome = build_with(&root, &out, |o| o.region = Some("north".to_owned())).unwrap();
    assert_eq!(outcome.pdf, out.join("proofs/north.pdf"));
    assert_eq!(outcome.proof.as_deref(), Some("north"));
    assert_eq!(outcome.account(), "proof of north: 3 entries");
    assert!(
        !out.join("report.pdf").exists(),
        "a proof builds only the proof"
    );

    let bytes = std::fs::read(out.join("proofs/north.pdf")).unwrap();
    let text = pdf_text(&bytes);
    for entry in [
        "Recruitment fees charged to workers",
        "Wage theft",
        "Ban recruitment fees",
        "To meet",
    ] {
        assert!(text.contains(&squash(entry)), "{entry} is in the proof");
    }
    assert!(
        !text.contains(&squash("Access to justice")),
        "south's entries are not"
    );
    assert!(
        text.contains(&squash("regions/north.toml")),
        "the proof names its file"
    );
    // The line each entry is on, so that the host knows where to edit.
    assert!(
        text.contains(&squash("line 15 • Recruitment fees")),
        "{text}"
    );
    // Each entry gives the number it went into; merged entries say with whom, others do not.
    assert!(text.contains(&squash("Recruitment fees charged to workers Entry 1.1 · Filed under agenda point 1 · merged with the same entry from SOU")), "{text}");
    assert!(
        text.contains(&squash(
            "Wage theft Entry 1.2 · Filed under agenda point 1 STRATEGIES"
        )),
        "{text}"
    );
    let doc = open(&out.join("proofs/north.pdf"));
    assert_eq!(text_of_title(&doc), "Proof: North");
    assert!(xmp(&doc).contains("<pdfaid:part>2</pdfaid:part>"));

    let Err(Error::Usage { message, hint }) =
        build_with(&root, &out, |o| o.region = Some("nort".to_owned()))
    else {
        panic!("an unknown region is a usage error");
    };
    assert!(message.contains("`nort`"), "{message}");
    let hint = hint.unwrap();
    assert!(hint.contains("north, south"), "{hint}");
    assert!(hint.contains("did you mean `north`?"), "{hint}");
}

#[test]
fn crlf_files_put_no_carriage_return_in_the_typst_source_json_or_metadata() {
    let root = copy_project(&fixture("minimal"), "publication-crlf");
    let crlf = |path: &Path, edit: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, edit(text).replace('\n', "\r\n")).unwrap();
    };
    crlf(&root.join("report.toml"), &|t| {
        t.replace(
            "title = \"Minimal Test Report\"",
            "title = \"\"\"Minimal\nTest Report\"\"\"",
        )
    });
    crlf(&root.join("regions/north.toml"), &|t| {
        t.replace("\"Wage theft\"", "\"\"\"Wage\ntheft\"\"\"")
            .replace("\"To meet\"", "'''To\nmeet'''")
    });
    let out = root.join("out");
    build_with(&root, &out, |_| {}).unwrap();
    for file in ["report.typ", "consolidated.json"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            !text.contains('\r') && !text.contains("\\r"),
            "a carriage return in {file}"
        );
    }
    let json = std::fs::read_to_string(out.join("consolidated.json")).unwrap();
    assert!(json.contains("Wage\\ntheft"), "{json}");
    let doc = open(&out.join("report.pdf"));
    let title = text_of_title(&doc);
    assert!(!title.contains('\r'), "{title:?}");
    assert!(!xmp(&doc).contains('\r'));
    let text = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
    assert!(text.contains(&squash("Wage theft")), "{text}");
}

#[test]
fn tabs_and_other_white_space_print_as_spaces() {
    let root = copy_project(&fixture("minimal"), "publication-tabs");
    let north = root.join("regions/north.toml");
    let spaces = [
        "\\t", "\u{a0}", "\u{1680}", "\u{2000}", "\u{2001}", "\u{2002}", "\u{2003}", "\u{2004}",
        "\u{2005}", "\u{2006}", "\u{2007}", "\u{2008}", "\u{2009}", "\u{200a}", "\u{202f}",
        "\u{205f}", "\u{3000}",
    ];
    let objectives: Vec<String> = spaces
        .iter()
        .enumerate()
        .map(|(i, space)| format!("\"Goal{i}{space}reached{i}\""))
        .collect();
    let text = std::fs::read_to_string(&north)
        .unwrap()
        .replace("\"Wage theft\"", "\"Wage\ttheft\"")
        .replace("\"To meet\"", &objectives.join(", "));
    std::fs::write(&north, text).unwrap();
    let out = root.join("out");
    build_with(&root, &out, |_| {}).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(
        &std::fs::read(out.join("report.pdf")).unwrap(),
    )
    .unwrap();
    let text = pages.join("\n");
    let mut missing = Vec::new();
    for (i, space) in spaces.iter().enumerate() {
        assert!(text.contains(&format!("Goal{i}")), "{text}");
        if text.contains(&format!("Goal{i}reached{i}")) {
            missing.push(*space);
        }
    }
    assert!(text.contains("Wage theft"), "{text}");
    assert_eq!(missing, [] as [&str; 0], "dropped; the text: {text}");
}

fn text_of_title(doc: &Document) -> String {
    text(info(doc).get(b"Title").unwrap())
}

#[test]
fn a_character_no_font_has_is_a_warning_naming_text_and_font() {
    let out = scratch("publication-glyphs");
    let outcome = build(&fixture("glyphs"), &out).expect("a missing glyph is only a warning");
    let warnings: Vec<_> = outcome
        .diagnostics
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MissingGlyph)
        .collect();
    let named = warnings
        .iter()
        .find(|d| d.file == "regions/east.toml")
        .expect("a warning at the submission");
    assert!(
        named.message.contains("向工人收取的招聘费"),
        "{}",
        named.message
    );
    assert!(named.message.contains("U+5411"), "{}", named.message);
    let help = named.help.as_deref().unwrap();
    assert!(
        help.contains("Noto Serif") && help.contains("--font-path"),
        "{help}"
    );
    let json = outcome.diagnostics.to_json();
    let line = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "regions/east.toml")
        .map(|d| d["line"].as_u64());
    assert_eq!(line, Some(Some(13)), "the line of the original");
    assert!(
        warnings.iter().all(|d| !d.file.is_empty()),
        "every W007 names its file: {warnings:#?}"
    );
    // PDF/A and PDF/UA refuse such characters, so the PDF is written without them, and says so.
    assert!(
        warnings
            .iter()
            .any(|d| d.message.contains("instead of PDF/A-2a"))
    );
    assert!(!xmp_of(&open(&out.join("report.pdf"))).contains("pdfaid"));

    let strict = scratch("publication-glyphs-strict");
    let Err(Error::Input(diagnostics)) =
        build_with(&fixture("glyphs"), &strict, |o| o.strict = true)
    else {
        panic!("--strict makes a missing glyph an error");
    };
    assert!(
        diagnostics
            .diagnostics
            .iter()
            .any(|d| d.code == Code::MissingGlyph && d.is_error())
    );
    assert!(!strict.join("report.pdf").exists());
}

#[test]
fn text_running_out_of_its_cell_is_reported_at_its_line() {
    let out = scratch("publication-overflow");
    let outcome = build(&fixture("overflow"), &out).expect("an overflow is only a warning");
    let overflows: Vec<_> = outcome
        .diagnostics
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::LayoutOverflow)
        .collect();
    assert_eq!(overflows.len(), 1, "{overflows:#?}");
    let overflow = overflows[0];
    assert_eq!(overflow.file, "regions/west.toml");
    assert!(
        overflow.message.contains("out of its cell"),
        "{}",
        overflow.message
    );
    assert!(
        overflow.message.contains("1234567890"),
        "{}",
        overflow.message
    );
    let json = outcome.diagnostics.to_json();
    assert_eq!(json["diagnostics"][0]["line"], 9);

    // The shipped report has no such problem (nor warnings from the typesetter).
    let shipped = scratch("publication-overflow-shipped");
    let outcome = build(&repo_root(), &shipped).unwrap();
    let layout: Vec<_> = outcome
        .diagnostics
        .diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                Code::LayoutOverflow | Code::TypesetterWarning | Code::MissingGlyph
            )
        })
        .collect();
    assert!(layout.is_empty(), "{layout:#?}");
}

#[test]
fn command_line_editions_and_their_usage_errors() {
    let root = copy_project(&fixture("minimal"), "publication-cli");
    let root_arg = root.to_str().unwrap();

    let output = consolidate(&["build", "--root", root_arg, "--region", "nowhere"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no submission has the id `nowhere`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: the known ids are: north, south"),
        "{stderr}"
    );

    let output = consolidate(&["build", "--root", root_arg, "--pdf-standard", "a-2b,a-3b"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot be combined"), "{stderr}");

    let output = consolidate(&["build", "--root", root_arg, "--region", "south"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("proof of south: 3 entries"), "{stderr}");
    assert!(root.join("out/proofs/south.pdf").is_file());

    let output = consolidate(&["build", "--root", root_arg, "--print"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("report-print.pdf (printer's copy)"),
        "{stderr}"
    );
    assert!(root.join("out/report-print.pdf").is_file());
}

#[test]
fn short_labels_are_the_hosts_choice_and_must_be_unique() {
    let root = copy_project(&fixture("minimal"), "publication-short");
    let add_short = |file: &str, short: &str| {
        let path = root.join("regions").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replacen(
            "[consultation]\n",
            &format!("[consultation]\nshort = \"{short}\"\n"),
            1,
        );
        std::fs::write(&path, text).unwrap();
    };
    add_short("north.toml", "N-1");
    let out = root.join("out");
    build(&root, &out).unwrap();
    let text = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
    assert!(text.contains("N1North"), "the host's label keys the region");
    assert!(
        text.contains("SOUSouth"),
        "a label is derived from the name"
    );

    add_short("south.toml", "n-1");
    let Err(Error::Input(diagnostics)) = build(&root, &out) else {
        panic!("two regions cannot share a label");
    };
    let json = diagnostics.to_json();
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "E020");
    assert_eq!(first["file"], "regions/south.toml");
    assert_eq!(first["line"], 4);
}

#[test]
fn language_tags_with_a_region_are_set_in_the_pdf() {
    let root = copy_project(&fixture("minimal"), "publication-es-mx");
    let path = root.join("regions/north.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "\"Wage theft\"",
        "{ text = \"Wage theft\", original = \"Robo de salarios\", original_lang = \"es-MX\" }",
    );
    std::fs::write(&path, text).unwrap();
    let out = root.join("out");
    build(&root, &out).expect("a BCP 47 tag with a region builds");
    let bytes = std::fs::read(out.join("report.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Lang(es-MX)"), "the original is tagged es-MX");
    assert!(pdf_text(&bytes).contains(&squash("Robo de salarios")));
}

#[test]
fn an_error_in_the_style_points_at_its_line_and_the_call() {
    let root = copy_project(&fixture("minimal"), "publication-style-error");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let style = std::fs::read_to_string(repo_root().join("templates/style.typ")).unwrap();
    let broken = style.replace(
        "text(size: size.lead, fill: muted, body))",
        "text(size: size.lead, fill: muted, body + 1))",
    );
    assert_ne!(
        broken, style,
        "the style still defines `standfirst` this way"
    );
    std::fs::write(root.join("templates/style.typ"), broken).unwrap();
    let Err(Error::Input(diagnostics)) = build(&root, &root.join("out")) else {
        panic!("a broken style fails the build");
    };
    let error = diagnostics
        .diagnostics
        .iter()
        .find(|d| d.file == "templates/style.typ")
        .expect("an error in the style");
    assert_eq!(error.code, Code::Typesetting);
    assert!(
        error.message.contains("cannot add content and integer"),
        "{}",
        error.message
    );
    // The call is in the source that failed, written where the message says.
    assert_eq!(error.related[0].file, "out/report.failed.typ");
    assert_eq!(error.related[0].message, "called from here");
    let json = diagnostics.to_json();
    let in_style = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "templates/style.typ")
        .unwrap();
    assert!(in_style["line"].as_u64().unwrap() > 1, "{json}");
}

#[test]
#[cfg(unix)]
fn a_link_in_templates_cannot_reach_outside_and_font_folders_are_read_safely() {
    use std::os::unix::fs::symlink;
    // A template that reads a file through a link pointing out of templates/.
    let root = copy_project(&fixture("minimal"), "publication-sandbox");
    let secret = scratch("publication-secret").join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-TEXT").unwrap();
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    symlink(&secret, templates.join("leak.txt")).unwrap();
    // The built-in style, and a read through the link when it is imported.
    let style = std::fs::read_to_string(repo_root().join("templates/style.typ")).unwrap();
    std::fs::write(
        templates.join("style.typ"),
        format!("{style}\n#let leaked = read(\"leak.txt\")\n"),
    )
    .unwrap();
    let out = root.join("out");
    match build(&root, &out) {
        Err(Error::Input(diagnostics)) => {
            let human = diagnostics.render_human(false);
            assert!(!human.contains("TOP-SECRET-TEXT"), "{human}");
            assert!(
                diagnostics
                    .diagnostics
                    .iter()
                    .any(|d| d.code == Code::Typesetting),
                "{human}"
            );
        }
        Err(other) => panic!("{other}"),
        Ok(_) => {
            let text = pdf_text(&std::fs::read(out.join("report.pdf")).unwrap());
            panic!("the link was followed out of templates/: {text}");
        }
    }
    // A file inside templates/ is still readable through a link that stays inside.
    std::fs::write(templates.join("inside.txt"), "INSIDE-TEXT").unwrap();
    std::fs::remove_file(templates.join("leak.txt")).unwrap();
    symlink(templates.join("inside.txt"), templates.join("leak.txt")).unwrap();
    build(&root, &out).expect("a link within templates/ is fine");

    // A font folder that links back to itself, and a damaged font in it.
    let fonts = scratch("publication-font-loop");
    symlink(&fonts, fonts.join("loop")).unwrap();
    std::fs::write(fonts.join("broken.ttf"), b"not a font at all").unwrap();
    let set = consolidate::publish::fonts::FontSet::with_paths(std::slice::from_ref(&fonts))
        .expect("a loop ends");
    assert_eq!(set.unreadable, [fonts.join("broken.ttf")]);
    let outcome = build_with(
        &fixture("minimal"),
        &scratch("publication-font-warn"),
        |o| {
            o.font_paths = vec![fonts.clone()];
        },
    )
    .unwrap();
    assert!(
        outcome
            .diagnostics
            .diagnostics
            .iter()
            .any(|d| { d.code == Code::TypesetterWarning && d.file.ends_with("broken.ttf") }),
        "{}",
        outcome.diagnostics.render_human(false)
    );
}

#[test]
fn editions_never_overwrite_each_other_and_stale_ones_are_named() {
    let root = copy_project(&fixture("minimal"), "publication-editions");
    let root_arg = root.to_str().unwrap();
    let out = root.join("out");
    // A region whose id is the report's own name.
    let north = root.join("regions/north.toml");
    let text = std::fs::read_to_string(&north).unwrap();
    std::fs::write(
        &north,
        text.replace("region = \"North\"", "id = \"report\"\nregion = \"North\""),
    )
    .unwrap();

    let output = consolidate(&["build", "--root", root_arg, "--print"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("read 2 regions: north, south"), "{stderr}");
    let report = std::fs::read(out.join("report.pdf")).unwrap();
    for id in ["report", "report-print"] {
        let output = consolidate(&["build", "--root", root_arg, "--region", id]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if id == "report" {
            assert_eq!(output.status.code(), Some(0), "{stderr}");
            assert!(out.join("proofs/report.pdf").is_file(), "{stderr}");
        }
        assert_eq!(
            std::fs::read(out.join("report.pdf")).unwrap(),
            report,
            "--region {id} left the report alone"
        );
        assert!(out.join("report-print.pdf").is_file());
    }

    // A plain build after --print removes the printer's copy of the older report, and says so.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&north).unwrap();
    std::fs::write(&north, text.replace("To meet", "To meet again")).unwrap();
    let output = consolidate(&["build", "--root", root_arg]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!out.join("report-print.pdf").exists(), "{stderr}");
    assert!(stderr.contains("removed"), "{stderr}");
    assert!(stderr.contains("report-print.pdf"), "{stderr}");
    // The proof made before north.toml changed is named as stale.
    assert!(stderr.contains("proofs/report.pdf is stale"), "{stderr}");
}

#[test]
fn a_failed_typesetting_keeps_the_outputs_and_writes_its_source_where_it_says() {
    let root = copy_project(&fixture("minimal"), "publication-failed");
    let out = root.join("out");
    build(&root, &out).unwrap();
    let before: Vec<Vec<u8>> = ["report.pdf", "report.typ", "consolidated.json"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/style.typ"),
        "#let broken = undefined-thing\n",
    )
    .unwrap();
    let Err(Error::Input(diagnostics)) = build(&root, &out) else {
        panic!("a broken style fails the build");
    };
    let after: Vec<Vec<u8>> = ["report.pdf", "report.typ", "consolidated.json"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    assert!(before == after, "the last good outputs are kept");
    let failed = out.join("report.failed.typ");
    assert!(failed.is_file());
    let human = diagnostics.render_human(false);
    assert!(
        human.contains("report.failed.typ"),
        "the message says where the failing source is: {human}"
    );
    assert!(
        diagnostics
            .diagnostics
            .iter()
            .all(|d| !d.file.ends_with("report.typ")),
        "{human}"
    );
}

#[test]
fn a_proof_of_an_id_two_files_use_stops_on_e008() {
    let root = copy_project(&fixture("minimal"), "publication-duplicate-id");
    for file in ["north", "south"] {
        let path = root.join(format!("regions/{file}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("[consultation]\n", "[consultation]\nid = \"small\"\n", 1),
        )
        .unwrap();
    }
    let out = root.join("out");
    let Err(Error::Input(diagnostics)) =
        build_with(&root, &out, |o| o.region = Some("small".to_owned()))
    else {
        panic!("two files with one id cannot be proofed as one");
    };
    assert!(
        diagnostics
            .diagnostics
            .iter()
            .any(|d| d.code == Code::DuplicateId),
        "{}",
        diagnostics.render_human(false)
    );
    assert!(!out.join("proofs/small.pdf").exists());
}
