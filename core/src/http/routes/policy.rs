//! `/policy` routes.

request! {
    /// `POST /policy/acknowledge`: acknowledges the policy changes announced in `Ready`.
    pub struct AcknowledgePolicyChanges;
    POST "/policy/acknowledge" => ();
}
