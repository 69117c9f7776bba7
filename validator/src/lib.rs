//! `consolidate`'s own validation for the browser: a C-style interface over WebAssembly
//! memory, bytes in and JSON out, so that the page's plain JavaScript can call it without a
//! generated binding layer.
//!
//! The page copies `report.toml`, the submission's name and its bytes into buffers it gets
//! from [`alloc`], calls [`check`], reads the JSON of [`result_len`] bytes at [`result_ptr`],
//! and gives the buffers back with [`dealloc`].

use std::cell::RefCell;

thread_local! {
    /// The JSON of the last check, kept until the next one so that the page can copy it out.
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes for the page to write an input into.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// Gives back a buffer from [`alloc`].
///
/// # Safety
///
/// `ptr` and `len` are those of one [`alloc`] call, and the buffer is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    // SAFETY: the caller hands back a buffer `alloc` made with this capacity.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len) });
}

/// Checks a submission against `report.toml` as `consolidate validate FILE --format json`
/// does, with a preview of its entries once it has no error, and returns the length of the
/// JSON it left at [`result_ptr`].
///
/// # Safety
///
/// Each pointer and length describes `len` initialised bytes written by the page into a
/// buffer from [`alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn check(
    report_ptr: *const u8,
    report_len: usize,
    name_ptr: *const u8,
    name_len: usize,
    submission_ptr: *const u8,
    submission_len: usize,
) -> usize {
    // SAFETY: the caller guarantees each pointer holds as many initialised bytes as its length.
    let (report, name, submission) = unsafe {
        (
            std::slice::from_raw_parts(report_ptr, report_len),
            std::slice::from_raw_parts(name_ptr, name_len),
            std::slice::from_raw_parts(submission_ptr, submission_len),
        )
    };
    let name = String::from_utf8_lossy(name);
    let checked =
        consolidate::pipeline::check::check_submission("report.toml", report, &name, submission);
    let json = checked.to_json().to_string().into_bytes();
    RESULT.with(|result| {
        let len = json.len();
        *result.borrow_mut() = json;
        len
    })
}

/// Where the JSON of the last [`check`] starts.
#[unsafe(no_mangle)]
pub extern "C" fn result_ptr() -> *const u8 {
    RESULT.with(|result| result.borrow().as_ptr())
}

/// How long the JSON of the last [`check`] is.
#[unsafe(no_mangle)]
pub extern "C" fn result_len() -> usize {
    RESULT.with(|result| result.borrow().len())
}
