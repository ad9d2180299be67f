//! The route table: every typed request names a real server route, exactly once.

use std::collections::HashSet;

use stoat_core::http::routes;
use stoat_core::ratelimit::BucketKey;

/// `(method, path template)` of every route the server mounts (reference §2.5).
fn server_routes() -> HashSet<(String, String)> {
    include_str!("../../conformance/fixtures/http/routes.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[1].to_owned(), fields[2].to_owned())
        })
        .collect()
}

#[test]
fn the_reference_lists_125_routes() {
    assert_eq!(server_routes().len(), 125);
}

#[test]
fn every_request_type_is_a_server_route_and_no_route_has_two_types() {
    let server = server_routes();
    let mut seen = HashSet::new();
    for (name, route) in routes::all() {
        let key = (route.method.to_string(), route.path.to_owned());
        assert!(
            server.contains(&key),
            "{name}: {key:?} is not a server route"
        );
        assert!(seen.insert(key.clone()), "{key:?} has two request types");
    }
}

#[test]
fn route_templates_resolve_to_the_same_bucket_as_concrete_paths() {
    for (name, route) in routes::all() {
        let concrete = route
            .path
            .replace("{target}", "01M7YSZ8V81AWBPFRM30NYSV34")
            .replace("{msg}", "01M7YT8F8NBH98W6P4028C2GH8");
        let from_template = BucketKey::resolve(&route.method, route.path);
        let from_path = BucketKey::resolve(&route.method, &concrete);
        assert_eq!(from_template.bucket, from_path.bucket, "{name}");
    }
}
