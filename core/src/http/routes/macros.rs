//! The macros of the route modules: `builders!` for builder methods, `request!` for
//! requests that are nothing but a path.
//!
//! # `builders!`
//!
//! Every inherent `impl` block of a request type that holds builder methods is wrapped in
//! `builders!`:
//!
//! ```ignore
//! builders! {
//! impl FetchMessages {
//!     /// The latest messages of `channel`.
//!     pub fn new(channel: ChannelId) -> Self { .. }
//!
//!     /// At most `limit` messages (1–100).
//!     pub fn limit(mut self, limit: u8) -> Self { .. }
//! }
//! }
//! ```
//!
//! It emits the block unchanged, and for every by-value builder
//! (`pub fn name(mut self, args..) -> Self`) a method with the same name, arguments and
//! documentation on [`Pending<'_, X, FetchMessages>`](crate::http::Pending), so that
//! `handle.fetch_messages(channel).limit(50).await` works. Other items (constructors,
//! accessors) are passed through untouched. A `mut self` method of any other shape is a
//! compile error, and a unit test in `routes/mod.rs` checks that no `(mut self` of a route
//! module is outside a `builders!` block, so no builder can be missed.
//!
//! # `request!`
//!
//! About half the API's routes take no body and no query: `GET /users/{id}`,
//! `PUT /users/{id}/block`, `DELETE /servers/{id}/roles/{role}`, ... `request!` declares
//! such a request from its doc, its path parameters, its route and its output:
//!
//! ```ignore
//! request! {
//!     /// `PUT /users/{id}/block`: blocks a user.
//!     pub struct BlockUser {
//!         /// The user.
//!         user: UserId,
//!     }
//!     PUT "/users/{target}/block" ["users", user, "block"] => User;
//! }
//! ```
//!
//! The bracketed list is the concrete path: string literals are literal segments, field
//! names are substituted (and percent-encoded by [`path`](crate::http::path)). One option
//! may follow the output: `public` (no token is sent), `audit_log_reason` (adds a `reason`
//! field sent as `X-Audit-Log-Reason`) or `mfa_ticket` (the request's `mfa_ticket: Secret`
//! field is sent as `X-MFA-Ticket`).

macro_rules! builders {
    (impl $ty:ident { $($body:tt)* }) => {
        impl $ty { $($body)* }
        builders!(@scan $ty [] $($body)*);
    };

    // A by-value builder: forwarded.
    (@scan $ty:ident [$($done:tt)*]
        $(#[$meta:meta])*
        pub fn $name:ident(mut self $(, $arg:ident: $argty:ty)* $(,)?) -> Self $body:block
        $($rest:tt)*
    ) => {
        builders!(@scan $ty [
            $($done)*
            $(#[$meta])*
            pub fn $name(self $(, $arg: $argty)*) -> Self {
                self.map(|request| request.$name($($arg),*))
            }
        ] $($rest)*);
    };
    // Any other `mut self` method would silently lack its forwarder.
    (@scan $ty:ident [$($done:tt)*]
        $(#[$meta:meta])*
        $vis:vis fn $name:ident(mut self $($arguments:tt)*) $($rest:tt)*
    ) => {
        compile_error!(concat!(
            "builders!: `", stringify!($ty), "::", stringify!($name),
            "` takes `mut self` but is not `pub fn name(mut self, arg: Type, ..) -> Self`"
        ));
    };
    // Any other function: skipped up to its body.
    (@scan $ty:ident [$($done:tt)*] $(#[$meta:meta])* $vis:vis fn $name:ident $($rest:tt)*) => {
        builders!(@skip $ty [$($done)*] $($rest)*);
    };
    (@skip $ty:ident [$($done:tt)*] { $($body:tt)* } $($rest:tt)*) => {
        builders!(@scan $ty [$($done)*] $($rest)*);
    };
    (@skip $ty:ident [$($done:tt)*] $token:tt $($rest:tt)*) => {
        builders!(@skip $ty [$($done)*] $($rest)*);
    };
    (@scan $ty:ident [$($done:tt)*]) => {
        impl<X: ?Sized> $crate::http::Pending<'_, X, $ty> {
            $($done)*
        }
    };
}

/// One path segment: a literal, or a field of the request formatted with `Display`.
macro_rules! segment {
    ($self:ident, $literal:literal) => {
        $literal
    };
    ($self:ident, $field:ident) => {
        &*$self.$field.to_string()
    };
}

macro_rules! request {
    (@struct [$($meta:tt)*] $name:ident [$( [$($fmeta:tt)*] $field:ident: $ty:ty ),+] audit_log_reason) => {
        $($meta)*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct $name {
            $( $($fmeta)* pub $field: $ty, )+
            /// Recorded in the server's audit log (`X-Audit-Log-Reason`, at most 512 bytes).
            pub reason: Option<String>,
        }

        builders! {
        impl $name {
            /// Records `reason` in the server's audit log.
            pub fn reason(mut self, reason: impl Into<String>) -> Self {
                self.reason = Some(reason.into());
                self
            }
        }
        }
    };
    (@struct [$($meta:tt)*] $name:ident [$( [$($fmeta:tt)*] $field:ident: $ty:ty ),+] $($option:ident)?) => {
        $($meta)*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub struct $name {
            $( $($fmeta)* pub $field: $ty, )+
        }
    };

    (@new [$($field:ident),+] audit_log_reason) => {
        Self { $($field,)+ reason: None }
    };
    (@new [$($field:ident),+] $($option:ident)?) => {
        Self { $($field),+ }
    };

    (@finish $self:ident $parts:ident) => {
        Ok($parts)
    };
    (@finish $self:ident $parts:ident public) => {
        Ok($parts.unauthenticated())
    };
    (@finish $self:ident $parts:ident mfa_ticket) => {{
        let mut parts = $parts;
        parts.mfa_ticket = Some($self.mfa_ticket.clone());
        Ok(parts)
    }};
    (@finish $self:ident $parts:ident audit_log_reason) => {{
        $crate::http::routes::validate::audit_log_reason($self.reason.as_deref())?;
        Ok($parts.audit_log_reason($self.reason.clone()))
    }};

    // No path parameters.
    (
        $(#[$meta:meta])*
        pub struct $name:ident;
        $method:ident $template:literal => $out:ty $(, $option:ident)?;
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $crate::http::Request for $name {
            type Output = $out;
            const ROUTE: $crate::http::Route =
                $crate::http::Route::api(::http::Method::$method, $template);
            fn to_parts(
                &self,
            ) -> Result<$crate::http::RequestParts, $crate::http::ValidationError> {
                let parts = Self::ROUTE.parts($template.to_owned());
                request!(@finish self parts $($option)?)
            }
        }
    };

    // Path parameters, and optionally an option.
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident: $ty:ty ),+ $(,)?
        }
        $method:ident $template:literal [$($segment:tt),+] => $out:ty $(, $option:ident)?;
    ) => {
        request!(@struct [$(#[$meta])*] $name [$( [$(#[$fmeta])*] $field: $ty ),+] $($option)?);

        impl $name {
            /// The request for these path parameters.
            pub fn new($($field: $ty),+) -> Self {
                request!(@new [$($field),+] $($option)?)
            }
        }

        impl $crate::http::Request for $name {
            type Output = $out;
            const ROUTE: $crate::http::Route =
                $crate::http::Route::api(::http::Method::$method, $template);
            fn to_parts(
                &self,
            ) -> Result<$crate::http::RequestParts, $crate::http::ValidationError> {
                let parts =
                    Self::ROUTE.parts($crate::http::path(&[$(segment!(self, $segment)),+]));
                request!(@finish self parts $($option)?)
            }
        }
    };
}
