//! Text for terminals: control characters escaped, widths in terminal columns (via
//! `unicode-width`) and padded table cells. Every aligned table the host crate or a host
//! program prints goes through [`pad`] / [`pad_left`], so a name or id read from a file can
//! never move the cursor, recolour, retitle or reorder a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::string::String;

use unicode_width::UnicodeWidthChar;

/// Whether `c` is shown escaped in text for people: C0 controls (ESC, BEL, CR, backspace,
/// tab, newline, …), DEL, C1 controls (U+0080–U+009F), the line and paragraph separators
/// (U+2028, U+2029), and the bidirectional marks, embeddings, overrides and isolates
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) that reorder what follows them.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `s` with every character of [`is_unsafe`] written as a Rust escape (`\u{1b}`), so that a
/// name or id cannot move the cursor, recolour, retitle or reorder a terminal. Everything
/// else, including non-ASCII letters, is kept.
///
/// ```
/// use silkscore_host::term::escape;
/// assert_eq!(escape("Kashgar\u{1b}[2J"), "Kashgar\\u{1b}[2J");
/// assert_eq!(escape("敦煌"), "敦煌");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_except(s, None)
}

/// Like [`escape`], but line breaks (`\n`) are kept: for multi-line messages.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    escape_except(s, Some('\n'))
}

fn escape_except(s: &str, keep: Option<char>) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && Some(c) != keep;
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if bad(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The terminal columns of `c` (2 for East Asian wide characters, 0 for combining marks).
fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The terminal columns `s` takes once escaped.
pub fn width(s: &str) -> usize {
    escape(s).chars().map(char_width).sum()
}

/// `s`, escaped, cut to `width` terminal columns (ending in `…` when cut) and padded with
/// spaces to exactly `width` columns: one cell of an aligned table.
pub fn pad(s: &str, width: usize) -> String {
    let s = escape(s);
    let total: usize = s.chars().map(char_width).sum();
    let mut out = String::with_capacity(s.len().min(4 * width) + width + 4);
    let mut used = 0;
    if total <= width {
        out.push_str(&s);
        used = total;
    } else if width > 0 {
        for c in s.chars() {
            let w = char_width(c);
            if used + w > width - 1 {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// `s`, escaped, right-aligned in `width` columns (never cut).
pub fn pad_left(s: &str, width: usize) -> String {
    let s = escape(s);
    let w: usize = s.chars().map(char_width).sum();
    let mut out = " ".repeat(width.saturating_sub(w));
    out.push_str(&s);
    out
}

/// `text` with the trailing spaces of every line removed (aligned tables pad their last
/// column).
pub fn trim_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(escape("Kashgar 敦煌"), "Kashgar 敦煌");
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(
            escape("\u{7}\u{8}\r\n\t\u{7f}"),
            "\\u{7}\\u{8}\\u{d}\\u{a}\\u{9}\\u{7f}"
        );
        assert_eq!(escape("\u{85}\u{9b}"), "\\u{85}\\u{9b}");
        assert_eq!(
            escape("\u{202e}x\u{2066}y\u{2069}\u{2028}"),
            "\\u{202e}x\\u{2066}y\\u{2069}\\u{2028}"
        );
        assert_eq!(escape_lines("a\nb\u{1b}"), "a\nb\\u{1b}");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn pad_cuts_and_fills_by_columns() {
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(pad("敦煌莫高窟", 5), "敦煌…");
        assert_eq!(pad("敦煌莫高窟", 6), "敦煌… ");
        assert_eq!(pad("e\u{301}", 2), "e\u{301} ");
        assert_eq!(pad("x", 0), "");
        assert_eq!(pad("a\u{1b}", 8), "a\\u{1b} ");
        assert_eq!(pad_left("7", 3), "  7");
        assert_eq!(width("敦煌"), 4);
    }
}
