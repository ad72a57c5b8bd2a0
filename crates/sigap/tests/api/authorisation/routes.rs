//! Every route the router serves, read from the source: each `.route("/path", get(a).post(b))`
//! call in `crates/*/src` gives one (method, pattern) per method router in its second argument.
//! The application composes routers only with `.merge`, so these patterns are the served paths;
//! a `.nest` (which would prefix them) fails the scan instead of being missed.

use std::path::{Path, PathBuf};

/// One method of one declared route; `method` is `ANY` for `any(..)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    pub method: String,
    pub pattern: String,
}

const METHODS: [&str; 6] = ["get", "post", "put", "patch", "delete", "any"];

/// Every route declared under `crates/*/src`, and how many `.route(` calls gave them.
pub fn declared() -> (Vec<Route>, usize) {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&crates).expect("the crates folder") {
        let src = entry.expect("a crate").path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    files.sort();
    let mut routes = Vec::new();
    let mut calls = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a readable source file");
        for composer in [".nest(", ".nest_service(", ".route_service("] {
            assert!(
                !source.contains(composer),
                "{} uses {composer}: the route scan reads only .route(..) merged with .merge",
                file.display()
            );
        }
        let (found, n) = scan(&source);
        routes.extend(found);
        calls += n;
    }
    routes.sort();
    routes.dedup();
    (routes, calls)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The routes of one source file and the number of `.route(` calls in it.
fn scan(source: &str) -> (Vec<Route>, usize) {
    let mut routes = Vec::new();
    let mut calls = 0;
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        let (args, tail) = balanced(&rest[at + ".route(".len()..]);
        rest = tail;
        let args = args.trim_start();
        let Some(quoted) = args.strip_prefix('"') else {
            panic!(
                ".route( without a literal path: {}",
                &args[..args.len().min(80)]
            );
        };
        let end = quoted.find('"').expect("the path's closing quote");
        let pattern = quoted[..end].to_string();
        let routers = quoted[end + 1..].trim_start();
        let routers = routers
            .strip_prefix(',')
            .unwrap_or_else(|| panic!("no method router after {pattern}"));
        let methods = top_level_calls(routers);
        assert!(!methods.is_empty(), "no method router found for {pattern}");
        calls += 1;
        for method in methods {
            routes.push(Route {
                method: method.to_uppercase(),
                pattern: pattern.clone(),
            });
        }
    }
    (routes, calls)
}

/// Splits `text` (just after an opening parenthesis) at its matching closing one: the inside,
/// and what follows. String literals are skipped whole.
fn balanced(text: &str) -> (&str, &str) {
    let bytes = text.as_bytes();
    let mut depth = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (&text[..i], &text[i + 1..]);
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced parentheses after .route(");
}

/// The method routers called at the top level of a route's second argument: `get(a).post(b)`
/// gives get and post; calls inside handlers' arguments are not looked at.
fn top_level_calls(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        let word_start = rest
            .find(|c: char| c.is_ascii_alphabetic() || c == '(' || c == '"')
            .unwrap_or(rest.len());
        rest = &rest[word_start..];
        if rest.is_empty() {
            return found;
        }
        if rest.starts_with('(') || rest.starts_with('"') {
            // An argument list (or a literal): skip it whole.
            let (_, tail) = if let Some(inside) = rest.strip_prefix('(') {
                balanced(inside)
            } else {
                let end = rest[1..].find('"').map_or(rest.len(), |e| e + 2);
                ("", &rest[end..])
            };
            rest = tail;
            continue;
        }
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..word_len];
        rest = &rest[word_len..];
        if rest.trim_start().starts_with('(') && METHODS.contains(&word) {
            found.push(word);
        }
    }
}

/// How one segment of a pattern matches: literal beats a parameter with literal parts, which
/// beats a bare parameter, which beats a catch-all (as the router prefers them).
fn segment_rank(pattern: &str, segment: &str) -> Option<u8> {
    if pattern.starts_with("{*") {
        return None; // handled by the caller: it takes the rest
    }
    match (pattern.find('{'), pattern.find('}')) {
        (Some(open), Some(close)) => {
            let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
            let fits = segment.len() > prefix.len() + suffix.len()
                && segment.starts_with(prefix)
                && segment.ends_with(suffix);
            fits.then_some(if prefix.is_empty() && suffix.is_empty() {
                1
            } else {
                2
            })
        }
        _ => (pattern == segment).then_some(3),
    }
}

/// The ranks of `path`'s segments under `pattern`, if it matches (higher is more specific).
fn ranks(pattern: &str, path: &str) -> Option<Vec<u8>> {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, p) in pattern.iter().enumerate() {
        if p.starts_with("{*") {
            return (path.len() > i && !path[i].is_empty()).then(|| {
                out.push(0);
                out
            });
        }
        out.push(segment_rank(p, path.get(i)?)?);
    }
    (pattern.len() == path.len()).then_some(out)
}

/// The pattern the router would pick for a concrete path (query left off), if any.
pub fn pattern_of<'a>(patterns: impl Iterator<Item = &'a str>, path: &str) -> Option<&'a str> {
    let path = path.split('?').next().unwrap_or(path);
    patterns
        .filter_map(|p| ranks(p, path).map(|r| (r, p)))
        .max()
        .map(|(_, p)| p)
}

#[test]
fn the_scanner_reads_chained_and_multi_line_routes() {
    let source = r#"
        Router::new()
            .route("/a/{id}", get(one).post(two))
            .route(
                "/b",
                get(move || async move { Json(x.clone()) })
                    .delete(three)
                    .layer(DefaultBodyLimit::max(post(4))),
            )
            .route("/c/{*rest}", any(four))
    "#;
    let (routes, calls) = scan(source);
    assert_eq!(calls, 3);
    let seen: Vec<(String, String)> = routes.into_iter().map(|r| (r.method, r.pattern)).collect();
    let want = [
        ("GET", "/a/{id}"),
        ("POST", "/a/{id}"),
        ("GET", "/b"),
        ("DELETE", "/b"),
        ("ANY", "/c/{*rest}"),
    ];
    assert_eq!(
        seen,
        want.map(|(m, p)| (m.to_string(), p.to_string())).to_vec()
    );
}

#[test]
fn a_path_is_matched_to_the_most_specific_pattern() {
    let patterns = [
        "/knowledge/{id}",
        "/knowledge/tags",
        "/dashboard/queue.{format}",
        "/open311/v2/{*rest}",
        "/open311/v2/services.json",
    ];
    let of = |path| pattern_of(patterns.iter().copied(), path);
    assert_eq!(of("/knowledge/tags"), Some("/knowledge/tags"));
    assert_eq!(of("/knowledge/x1"), Some("/knowledge/{id}"));
    assert_eq!(of("/knowledge/x1/edit"), None);
    assert_eq!(
        of("/dashboard/queue.csv?x=1"),
        Some("/dashboard/queue.{format}")
    );
    assert_eq!(of("/dashboard/queue."), None);
    assert_eq!(
        of("/open311/v2/services.json"),
        Some("/open311/v2/services.json")
    );
    assert_eq!(of("/open311/v2/a/b"), Some("/open311/v2/{*rest}"));
}
