//! `silkscore report` through the real command line: the HTML is self-contained, names every
//! project (escaped) and has one chart per project; then headless Chromium renders it, and the
//! rendered DOM and a screenshot are checked.
//!
//! The browser checks need `chromium` (or `chromium-browser`) on PATH, or its path in
//! `SILKSCORE_CHROMIUM`. Without one they are skipped with a notice on a developer's machine,
//! so that the README's test command works on a fresh clone; in CI (`CI` set, as `.ci/run`
//! runs, which installs Chromium) a missing browser fails the test, unless
//! `SILKSCORE_SKIP_BROWSER=1`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PORTFOLIO: &str = "examples/data/portfolio.csv";

/// The workspace root: the examples and conformance vectors live there.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report");
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkscore"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run silkscore")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The HTML escaping the report promises.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// (id, name) of every row of a records file.
fn projects(path: &Path) -> Vec<(String, String)> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect()
}

fn report(input: &Path, out: &Path, extra: &[&str]) -> String {
    let _ = fs::remove_file(out);
    let mut args = vec![
        "report",
        "--input",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    fs::read_to_string(out).expect("report written")
}

/// Checks that nothing in `html` loads from elsewhere.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "<link",
        "<script src",
        "<iframe",
        "@import",
        "xlink:href=\"http",
    ] {
        assert!(!lower.contains(bad), "the report references `{bad}`");
    }
    // CSS url(): only data: URIs or fragments would be self-contained; the report uses none.
    assert!(!lower.contains("url("), "the report has a CSS url()");
    assert!(!lower.contains("http://") && !lower.contains("https://"));
}

#[test]
fn the_report_is_self_contained_and_names_every_project() {
    let input = root().join(PORTFOLIO);
    let out = tmp("portfolio.html");
    // A small design: the default (16384 rows) is for release builds.
    let html = report(&input, &out, &["--samples", "512", "--resamples", "100"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<title>Portfolio report: bri-cultural-v1 (28 projects)</title>"));
    assert_self_contained(&html);

    let rows = projects(&input);
    assert_eq!(rows.len(), 28);
    for (id, name) in &rows {
        assert!(html.contains(&escape(name)), "name {name:?} missing");
        assert!(
            html.contains(&format!("<td>{}</td>", escape(id))),
            "id {id}"
        );
    }
    // Names with & are escaped, never raw.
    assert!(html.contains("Tbilisi design &amp; wine heritage week"));
    assert!(!html.contains("design & wine"));

    // One profile chart per project, contribution bars for the top 10, one interval chart,
    // one Sobol chart, one grade chart: every chart an accessible <svg role="img"> with a
    // <title>.
    assert_eq!(html.matches("<svg class=\"radar\"").count(), 28);
    assert_eq!(html.matches("<svg class=\"contrib\"").count(), 10);
    assert_eq!(html.matches("<svg class=\"intervals\"").count(), 1);
    assert_eq!(html.matches("<svg class=\"sobol\"").count(), 1);
    assert_eq!(html.matches("<svg class=\"grades\"").count(), 1);
    assert_eq!(html.matches("<svg class=\"heatmap\"").count(), 1);
    let charts = html.matches("<svg class=").count();
    assert_eq!(charts, 28 + 10 + 1 + 1 + 1 + 1);
    // The Sobol indices come with their 95% intervals, in the chart and the table.
    assert!(html.contains("95% interval"));
    assert!(html.contains("Which assumption matters?"));
    assert!(html.contains("Indicator weights"));
    assert_eq!(html.matches("role=\"img\"").count(), charts);
    for chunk in html.split("<svg class=").skip(1) {
        let head = &chunk[..chunk.find("</title>").expect("every chart has a title")];
        assert!(head.contains("aria-label=\""), "{head}");
        assert!(head.contains("<title>"), "{head}");
    }
    assert!(html.contains("<h1>"));
    assert!(html.matches("<h2 ").count() >= 5);
    assert!(html.contains("fingerprint <code>0x"));
    assert!(!html.contains("<script"));
}

#[test]
fn names_with_markup_and_quotes_are_escaped_and_failed_rows_listed() {
    let text = fs::read_to_string(root().join(PORTFOLIO)).unwrap();
    let cols = text.lines().next().unwrap().split(',').count();
    let mut tricky = text.clone();
    let mut row = vec![
        "3001".to_owned(),
        "\"<script>alert('x')</script> \"\"Silk\"\" & Road 丝绸之路\"".to_owned(),
    ];
    row.extend((2..cols).map(|_| "5".to_owned()));
    tricky.push_str(&row.join(","));
    tricky.push('\n');
    tricky.push_str("3002,<b>Broken</b> row,1,2\n");
    let input = tmp("tricky.csv");
    fs::write(&input, tricky).unwrap();
    let out = tmp("tricky.html");
    let o = run(&[
        "report",
        "--input",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--samples",
        "50",
        "--top",
        "3",
    ]);
    assert_eq!(code(&o), 1, "one row fails: {}", stderr(&o));
    assert!(stderr(&o).contains("row id 3002"));
    let html = fs::read_to_string(&out).unwrap();
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>Broken"));
    assert!(html.contains(
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Silk&quot; &amp; Road 丝绸之路"
    ));
    assert!(html.contains("&lt;b&gt;Broken&lt;/b&gt; row"));
    assert!(html.contains("parse:fields"));
    assert_eq!(html.matches("<svg class=\"radar\"").count(), 29);
    assert_eq!(html.matches("<svg class=\"contrib\"").count(), 3);
    assert_self_contained(&html);
}

#[test]
fn same_seed_same_bytes_and_options_are_honoured() {
    let input = root().join(PORTFOLIO);
    let a = report(&input, &tmp("a.html"), &["--seed", "9", "--samples", "80"]);
    let b = report(&input, &tmp("b.html"), &["--seed", "9", "--samples", "80"]);
    assert_eq!(a, b);
    let capped = report(
        &input,
        &tmp("capped.html"),
        &["--samples", "0", "--max-charts", "12", "--top", "2"],
    );
    assert_eq!(capped.matches("<svg class=\"radar\"").count(), 12);
    assert!(capped.contains("Showing the top 12 of 28 projects"));
    assert_eq!(capped.matches("<svg class=\"contrib\"").count(), 2);
    assert!(
        !capped.contains("id=\"sensitivity\""),
        "--samples 0 drops the section"
    );
}

#[test]
fn bad_arguments_exit_2_and_help_has_an_example() {
    for args in [
        &["report", "--input", PORTFOLIO][..],
        &["report", "--input", "no/such.csv", "-o", "/tmp/never.html"][..],
        &["report", "--input", PORTFOLIO, "-o", "/no/such/dir/r.html"][..],
        &[
            "report", "--input", PORTFOLIO, "-o", "x.html", "--spread", "3",
        ][..],
    ] {
        let o = run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
    let o = run(&["report", "--help"]);
    assert_eq!(code(&o), 0);
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(help.contains("silkscore report --input examples/data/portfolio.csv -o report.html"));
}

// ------------------------------------------------------------------------------------------
// Headless Chromium
// ------------------------------------------------------------------------------------------

fn find_browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SILKSCORE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn browser(exe: &Path, args: &[&str], url: &str) -> Output {
    let profile = tmp("chromium-profile");
    Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium")
}

#[test]
fn chromium_renders_the_report() {
    let Some(exe) = find_browser() else {
        if std::env::var("SILKSCORE_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            eprintln!("skipping the browser check: SILKSCORE_SKIP_BROWSER=1 and no chromium");
            return;
        }
        if std::env::var_os("CI").is_none() {
            eprintln!(
                "note: skipping the headless-browser check of the report: no chromium found \
                 (`apt-get install chromium` to run it; CI always does)"
            );
            return;
        }
        panic!(
            "no headless browser found: install Chromium (`apt-get install chromium`), put \
             `chromium` or `chromium-browser` on PATH or its path in SILKSCORE_CHROMIUM, or set \
             SILKSCORE_SKIP_BROWSER=1 to skip this check"
        );
    };
    let input = root().join(PORTFOLIO);
    let out = tmp("browser.html");
    report(&input, &out, &["--samples", "512", "--resamples", "100"]);
    let url = format!("file://{}", out.canonicalize().unwrap().display());

    // The DOM as the browser built it.
    let dom = browser(&exe, &["--dump-dom"], &url);
    assert!(
        dom.status.success(),
        "chromium --dump-dom failed: {}",
        stderr(&dom)
    );
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(dom_text.contains("</html>"), "no document: {dom_text:.400}");
    // A serialised DOM escapes only &, < and > in text (quotes stay as they are).
    for (_, name) in projects(&input) {
        let text = name
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(dom_text.contains(&text), "{name:?} not in the DOM");
    }
    assert_eq!(dom_text.matches("<svg class=\"radar\"").count(), 28);
    assert_eq!(dom_text.matches("<svg class=\"contrib\"").count(), 10);
    assert_eq!(dom_text.matches("<svg class=\"intervals\"").count(), 1);
    assert!(dom_text.matches("<polygon").count() >= 28 * 6);
    assert!(dom_text.matches("<circle").count() >= 28 * 3 + 28);
    assert!(dom_text.contains("<table class=\"rank\">"));

    // A screenshot: it exists and has content (a blank page compresses to a few KB).
    let shot = tmp("report.png");
    let _ = fs::remove_file(&shot);
    let o = browser(
        &exe,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,4000",
        ],
        &url,
    );
    assert!(
        o.status.success(),
        "chromium --screenshot failed: {}",
        stderr(&o)
    );
    let png = fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 4000));
    assert!(
        png.len() > 100 * 1024,
        "screenshot only {} bytes: the page looks empty",
        png.len()
    );
}
