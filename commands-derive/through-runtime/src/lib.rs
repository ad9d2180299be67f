//! A crate shaped like a bot's: it depends on `stoat-blocking` only, and derives `Args`
//! without `#[args(crate = ...)]`. That it compiles is most of the test.

use stoat_blocking::core::commands::{Args, Rest, Shape};
use stoat_blocking::core::model::Member;

/// `!kick <member> [reason...]`
#[derive(Args)]
pub struct Kick {
    /// Who to kick.
    pub member: Member,
    /// Why.
    pub reason: Option<Rest>,
}

/// The parameters `Kick` derived, by name and shape.
pub fn kick_params() -> Vec<(String, Shape)> {
    Kick::params()
        .iter()
        .map(|p| (p.name().to_owned(), p.shape()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_derive_found_core_through_the_runtime_crate() {
        assert_eq!(
            kick_params(),
            [
                ("member".to_owned(), Shape::Required),
                ("reason".to_owned(), Shape::Rest { required: false }),
            ]
        );
    }
}
