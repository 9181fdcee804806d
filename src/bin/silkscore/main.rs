//! The `silkscore` command-line tool.
fn main() {}
