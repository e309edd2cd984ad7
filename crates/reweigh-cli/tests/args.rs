//! The binary's command line, run as a process (issue 11 #9): `--help` exits 0, a bad or
//! non-UTF-8 argument is a usage error (exit 2) and never a panic.

use std::ffi::OsString;
use std::process::{Command, Output};

fn reweigh(args: &[OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reweigh"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

#[test]
fn help_and_version_exit_zero() {
    for args in [
        vec![os("--help")],
        vec![os("-h")],
        vec![os("reproduce"), os("--help")],
        vec![os("--version")],
    ] {
        let out = reweigh(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("reweigh"), "{args:?}: {text}");
    }
    let help = String::from_utf8_lossy(&reweigh(&[os("--help")]).stdout).into_owned();
    assert!(
        help.contains("--check") && help.contains("--out") && help.contains("reproduce"),
        "{help}"
    );
}

#[test]
fn bad_arguments_are_usage_errors_not_panics() {
    #[cfg(unix)]
    let non_utf8 = {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(vec![b'-', b'-', 0xff, 0xfe])
    };
    #[cfg(not(unix))]
    let non_utf8 = os("--\u{fffd}");
    for args in [
        vec![non_utf8],
        vec![os("--frobnicate")],
        vec![os("--out")],
        vec![os("reproduce"), os("extra")],
        vec![os("--check"), os("reproduce")],
    ] {
        let out = reweigh(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.starts_with("error:"), "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_non_utf8_output_directory_is_accepted() {
    // `--out` takes any path: with --help after it, clap parses it and exits 0 without running.
    use std::os::unix::ffi::OsStringExt;
    let dir = OsString::from_vec(vec![b'/', b't', b'm', b'p', b'/', 0xff]);
    let out = reweigh(&[os("--out"), dir, os("--help")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
