//! [`remote_api!`](crate::remote_api): a module's calls declared once, giving the client that
//! implements its trait over HTTP and the dispatcher its hosting process serves.

/// Declares which of a module's `api` methods cross a process boundary and how:
///
/// ```ignore
/// crate::remote_api! {
///     module MODULE, api KitchenApi, error KitchenError, caller Call;
///     read tickets(cook; filter: TicketFilter => TicketFilter) -> TicketPage;
///     write start_line(cook; ticket_id: &str => String, line_id: &str => String) -> Ticket;
/// }
/// ```
///
/// Each method: `read` (sent as `GET`, retried) or `write` (`POST`, never retried), its name,
/// the name of its call-context parameter (nothing before `;` when it takes none), and each
/// argument as the trait takes it `=>` as it travels. A method that cannot fail (it returns
/// `T`, not `Result`) names what it answers when the call does: `-> u64, or 0`. Generates `Client` (the trait over
/// HTTP, for a process where the module is remote), `served(api)` (the dispatcher of the
/// hosting process) and `METHODS`. The compiler checks both against the trait.
#[macro_export]
macro_rules! remote_api {
    (
        module $module:path, api $api:ident, error $error:ty, caller $caller:ty;
        $( $kind:ident $method:ident ( $($call:ident)? ; $( $arg:ident : $sig:ty => $owned:ty ),* $(,)? ) -> $ret:ty $(, or $fallback:expr)?; )*
    ) => {
        /// The methods other processes call, and whether each only reads.
        pub const METHODS: &[(&str, $crate::platform::remote::Kind)] =
            &[$( (stringify!($method), $crate::remote_api!(@kind $kind)) ),*];

        /// The module's api in another process, called over HTTP.
        pub struct Client(pub std::sync::Arc<$crate::platform::remote::RemoteModule>);

        #[async_trait::async_trait]
        impl $api for Client {
            $(
                async fn $method(&self, $($call: &$caller,)? $( $arg: $sig ),*)
                    -> $crate::remote_api!(@returns $ret, $error $(, $fallback)?)
                {
                    #[allow(unused_mut)]
                    let mut args = serde_json::Map::new();
                    $(
                        args.insert(
                            stringify!($arg).to_owned(),
                            serde_json::to_value(&$arg).unwrap_or_default(),
                        );
                    )*
                    let caller: Option<($crate::platform::internal_token::Subject, &str)> =
                        $crate::remote_api!(@caller $($call)?);
                    let answer = self.0
                        .call::<$ret, $error>(
                            stringify!($method),
                            $crate::remote_api!(@kind $kind),
                            caller,
                            &args,
                        )
                        .await;
                    $crate::remote_api!(@finish answer $(, $fallback)?)
                }
            )*
        }

        /// The module's api served to other processes.
        pub fn served(api: std::sync::Arc<dyn $api>) -> $crate::platform::remote::Served {
            use $crate::platform::remote::{Caller as _, Lend as _};
            $crate::platform::remote::Served {
                module: $module.name,
                methods: METHODS,
                dispatch: std::sync::Arc::new(move |served| {
                    let api = api.clone();
                    Box::pin(async move {
                        match served.method.as_str() {
                            $(
                                stringify!($method) => {
                                    $(
                                        let $call = <$caller>::from_claims(&served.claims, &served.request_id)
                                            .map_err($crate::platform::problem::Problem::forbidden)?;
                                    )?
                                    $( let $arg: $owned = served.arg(stringify!($arg))?; )*
                                    let result = api.$method($( &$call, )? $( $arg.lend() ),*).await;
                                    $crate::platform::remote::answer(
                                        $crate::remote_api!(@served result, $error $(, $fallback)?),
                                    )
                                }
                            )*
                            other => Err($crate::platform::problem::Problem::not_found(
                                format!("no method {other:?}"),
                            )),
                        }
                    })
                }),
            }
        }
    };
    (@returns $ret:ty, $error:ty) => { Result<$ret, $error> };
    (@returns $ret:ty, $error:ty, $fallback:expr) => { $ret };
    (@finish $answer:ident) => { $answer };
    (@finish $answer:ident, $fallback:expr) => {
        $answer.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "a call to another process failed; carrying on without it");
            $fallback
        })
    };
    (@served $result:ident, $error:ty) => { $result };
    (@served $result:ident, $error:ty, $fallback:expr) => { Ok::<_, $error>($result) };
    (@kind read) => { $crate::platform::remote::Kind::Read };
    (@kind write) => { $crate::platform::remote::Kind::Write };
    (@caller) => { None };
    (@caller $call:ident) => {
        Some((
            $crate::platform::remote::Caller::subject($call),
            $crate::platform::remote::Caller::request_id($call),
        ))
    };
}
