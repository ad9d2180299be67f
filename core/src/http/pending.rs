//! [`Pending`]: a typed request bound to the client that will send it.

use std::fmt;
use std::future::IntoFuture;

use super::{Error, Request};
use crate::client::{AsyncExecutor, BlockingExecutor, BoxFuture};

/// A typed request bound to the executor (a runtime's client handle) that will send it.
///
/// Every named route method of [`Routes`](crate::client::Routes) returns one, so the
/// request's builder methods can be chained before it is sent:
///
/// * on an async runtime ([`AsyncExecutor`]), `.await` it:
///   `handle.fetch_messages(channel).limit(50).await?`;
/// * on the blocking runtime ([`BlockingExecutor`]), `.call()` it:
///   `client.fetch_messages(channel).limit(50).call()?`.
///
/// Every builder of every request type is available on `Pending` too: the route modules
/// declare their builders through one macro that also emits the forwarding method, with the
/// same name, arguments and documentation. For anything else, [`map`](Self::map) changes the
/// request, and [`into_request`](Self::into_request) takes it back out. Nothing is sent
/// until the `Pending` is awaited or called; dropping it sends nothing.
///
/// ```
/// use stoat_core::client::BlockingExecutor;
/// use stoat_core::http::{routes::FetchMessages, Error, Pending};
/// use stoat_core::model::BulkMessageResponse;
///
/// fn latest<X: BlockingExecutor>(client: &X) -> Result<BulkMessageResponse, Error> {
///     let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
///     Pending::new(client, FetchMessages::new(channel)).limit(50).call()
/// }
/// ```
#[must_use = "a Pending request is only sent when it is awaited or called"]
pub struct Pending<'h, X: ?Sized, R> {
    executor: &'h X,
    request: R,
}

impl<'h, X: ?Sized, R> Pending<'h, X, R> {
    /// Binds `request` to `executor`.
    pub fn new(executor: &'h X, request: R) -> Self {
        Self { executor, request }
    }

    /// The request as built so far.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// The request, unbound (to send it elsewhere, or keep it).
    pub fn into_request(self) -> R {
        self.request
    }

    /// The executor it will be sent with.
    pub fn executor(&self) -> &'h X {
        self.executor
    }

    /// Changes the request (or replaces it with another type), keeping the executor.
    ///
    /// This is how the builder forwarders are written, and the way to reach a request
    /// method that is not a by-value builder.
    pub fn map<S>(self, change: impl FnOnce(R) -> S) -> Pending<'h, X, S> {
        Pending {
            executor: self.executor,
            request: change(self.request),
        }
    }
}

impl<X: BlockingExecutor + ?Sized, R: Request> Pending<'_, X, R> {
    /// Sends the request, blocking the calling thread until it is done (through the
    /// client's rate limiter and retry policy, as
    /// [`BlockingExecutor::execute_owned`] does).
    pub fn call(self) -> Result<R::Output, Error> {
        self.executor.execute_owned(self.request)
    }
}

impl<'h, X, R> IntoFuture for Pending<'h, X, R>
where
    X: AsyncExecutor + ?Sized,
    R: Request + Send + 'static,
    R::Output: Send + 'static,
{
    type Output = Result<R::Output, Error>;
    type IntoFuture = BoxFuture<'h, Self::Output>;

    /// Sends the request (through the client's rate limiter and retry policy, as
    /// [`AsyncExecutor::execute_owned`] does).
    fn into_future(self) -> Self::IntoFuture {
        self.executor.execute_owned(self.request)
    }
}

impl<X: ?Sized, R: Clone> Clone for Pending<'_, X, R> {
    fn clone(&self) -> Self {
        Self {
            executor: self.executor,
            request: self.request.clone(),
        }
    }
}

impl<X: ?Sized, R: fmt::Debug> fmt::Debug for Pending<'_, X, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}
