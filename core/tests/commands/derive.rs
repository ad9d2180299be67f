//! `#[derive(Args)]`: names, descriptions and shapes from the struct.

use stoat_core::commands::{Args, Param, Rest, Shape};
use stoat_core::model::Member;

/// Kick someone.
#[derive(Args)]
#[allow(dead_code)]
struct Kick {
    /// Who to kick.
    member: Member,
    /// Why; kept in
    /// the audit log.
    reason: Option<Rest>,
}

#[derive(Args)]
#[allow(dead_code)]
struct Renamed {
    #[arg(rename = "count", description = "How many")]
    n: u8,
    r#type: Option<String>,
}

#[derive(Args)]
#[allow(dead_code)]
struct Pair(u8, #[arg(rename = "label")] String);

#[derive(Args)]
struct Nothing;

#[derive(Args)]
#[args(crate = "stoat_core")]
#[allow(dead_code)]
struct ExplicitPath {
    ids: Vec<u64>,
}

/// What a crate that only re-exports core (like the runtime crates' `core`) looks like.
mod reexport {
    pub use stoat_core as core;
}

#[derive(Args)]
#[args(crate = "crate::derive::reexport::core")]
#[allow(dead_code)]
struct ThroughReexport {
    n: u8,
}

fn names(params: &[Param]) -> Vec<(&str, Option<&str>, Shape)> {
    params
        .iter()
        .map(|p| (p.name(), p.describe(), p.shape()))
        .collect()
}

#[test]
fn fields_become_parameters() {
    assert_eq!(
        names(&Kick::params()),
        [
            ("member", Some("Who to kick."), Shape::Required),
            (
                "reason",
                Some("Why; kept in the audit log."),
                Shape::Rest { required: false }
            ),
        ]
    );
    assert_eq!(Kick::params()[0].kind(), "member");
    assert_eq!(
        names(&Renamed::params()),
        [
            ("count", Some("How many"), Shape::Required),
            ("type", None, Shape::Optional)
        ]
    );
    assert_eq!(
        names(&Pair::params()),
        [
            ("arg1", None, Shape::Required),
            ("label", None, Shape::Required)
        ]
    );
    assert!(Nothing::params().is_empty());
    assert_eq!(
        names(&ExplicitPath::params()),
        [("ids", None, Shape::Greedy { min: 1 })]
    );
}

#[test]
fn values_fill_the_fields() {
    use std::sync::Arc;
    use stoat_core::commands::args::{ArgParser, ArgStep};
    use stoat_core::commands::ConvertContext;
    use stoat_core::model::Timestamp;

    use crate::support::*;

    let cache = world();
    let msg = message(GENERAL, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(crate::support::NOW_MS));
    let mut parser = ArgParser::new(Arc::from(Pair::params()), "7 seven", false);
    let ArgStep::Done(mut values) = parser.step(&ctx, None) else {
        panic!()
    };
    let Pair(n, label) = Pair::from_values(&mut values).unwrap();
    assert_eq!((n, label.as_str()), (7, "seven"));
}
