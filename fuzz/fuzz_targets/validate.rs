//! Fuzzes load + validate: any bytes as a submission must give diagnostics, never a panic,
//! a hang or runaway memory. Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run validate fuzz/corpus/validate fuzz/seeds`.

#![no_main]

use std::sync::OnceLock;

use consolidate::Diagnostics;
use consolidate::input::load::{settings_from_bytes, submission_from_bytes};
use consolidate::model::project::{Project, Settings};
use consolidate::validate::validate_project;
use libfuzzer_sys::fuzz_target;

/// The shipped report settings, loaded once: the agenda the submissions are checked against.
fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        settings_from_bytes("report.toml", include_bytes!("../../report.toml"))
            .value
            .expect("the shipped report.toml loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let loaded = submission_from_bytes("regions/fuzz.toml", data);
    let mut diagnostics = Diagnostics::default();
    if let Some(source) = &loaded.source {
        diagnostics.add_source(source);
    }
    diagnostics.extend(loaded.diagnostics);
    if let Some(submission) = loaded.value {
        let project = Project {
            settings: settings().clone(),
            submissions: vec![submission],
        };
        validate_project(&project, &mut diagnostics);
    }
    diagnostics.sort();
    let _ = diagnostics.render_human(false);
    let _ = diagnostics.to_json();
});
