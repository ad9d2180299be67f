//! Checks that every by-value builder of a route module is declared through `builders!`,
//! so that it is reachable on [`Pending`](crate::http::Pending) too.
//!
//! `builders!` itself rejects a `mut self` method it cannot forward; what it cannot see is
//! an `impl` block that is not wrapped in it. This test reads every file of the route
//! modules and finds each `(mut self` in code (not in comments or strings) outside a
//! `builders! { .. }` invocation.

/// Every file of the route modules (read at test time, so a new module is covered too).
fn sources() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/routes");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the route modules' directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let source = std::fs::read_to_string(&path).expect("a readable source file");
            (name, source)
        })
        .collect();
    files.sort();
    files
}

/// What a scan found: the builders inside `builders!` blocks and the `(mut self` outside.
#[derive(Debug, Default)]
struct Scan {
    inside: Vec<String>,
    outside: Vec<String>,
}

/// Replaces comments and the contents of string and character literals with spaces, so
/// that only code is left (line structure kept).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"..", r#".."#, ...
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.extend(std::iter::repeat_n(' ', j + 1 - i));
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    out.push(blank(c));
                }
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal.
            out.push(' ');
            i += 1;
            while i < chars.len() && !(chars[i] == '\'' && chars[i - 1] != '\\') {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else {
            // Code, or the quote of a lifetime.
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The name of the function whose `(mut self` starts at `at` (`fn name(mut self`).
fn function_name(code: &str, at: usize) -> String {
    let before = code[..at].trim_end();
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == ':'))
        .map_or(0, |i| i + 1);
    before[start..].to_owned()
}

/// Scans one file's code for `builders! {` blocks and `(mut self`.
fn scan(file: &str, source: &str) -> Scan {
    let code = code_only(source);
    // Byte ranges exempt from the check: `builders!` invocations, and the definition of
    // the macro itself (its patterns mention `mut self`).
    let mut regions = Vec::new();
    for opener in ["builders! {", "macro_rules! builders {"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(opener) {
            let start = from + found;
            let brace = start + opener.len() - 1;
            let mut depth = 0usize;
            let mut end = code.len();
            for (offset, c) in code[brace..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = brace + offset;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            regions.push((start, end, opener.starts_with("builders")));
            from = brace + 1;
        }
    }
    let mut result = Scan::default();
    let mut from = 0;
    while let Some(found) = code[from..].find("(mut self") {
        let at = from + found;
        from = at + 1;
        let name = format!("{file}: {}", function_name(&code, at));
        match regions
            .iter()
            .find(|(start, end, _)| (*start..*end).contains(&at))
        {
            Some((_, _, true)) => result.inside.push(name),
            Some((_, _, false)) => {}
            None => result.outside.push(name),
        }
    }
    result
}

#[test]
fn every_builder_of_every_route_module_is_forwarded_to_pending() {
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    let sources = sources();
    assert!(
        sources.len() > 20,
        "only {} route module files",
        sources.len()
    );
    for (file, source) in &sources {
        let scan = scan(file, source);
        inside.extend(scan.inside);
        outside.extend(scan.outside);
    }
    assert!(
        outside.is_empty(),
        "builders outside a `builders!` block (not reachable on Pending): {outside:#?}"
    );
    // The scan sees the builders it should (a scan that found nothing would pass too).
    for expected in [
        "messages.rs: limit",
        "messages.rs: reply_to",
        "macros.rs: reason",
        "webhooks.rs: clear_avatar",
        "members.rs: timeout",
        "sync.rs: set",
    ] {
        assert!(
            inside.iter().any(|name| name == expected),
            "{expected} not found in {inside:#?}"
        );
    }
    assert!(inside.len() > 150, "only {} builders found", inside.len());
}

#[test]
fn the_scan_sees_builders_outside_blocks_and_ignores_comments_and_strings() {
    let source = r##"
builders! {
impl A {
    /// Not `fn x(mut self) -> Self` in a comment { unbalanced
    pub fn inside(mut self, s: &str) -> Self { let _ = "}"; let _ = '}'; self }
}
}
impl B {
    pub fn outside(mut self) -> Self { let _ = r#"(mut self"#; self }
    pub fn by_ref<'a>(&'a mut self) -> &'a mut Self { self }
}
"##;
    let scan = scan("t.rs", source);
    assert_eq!(scan.inside, ["t.rs: inside"]);
    assert_eq!(scan.outside, ["t.rs: outside"]);
}
