//! Builds the whole application (pages, server functions, sign-in, partner API, static files)
//! so that `main` and the integration tests start exactly the same thing.

mod key_page;

use crate::app::{App, shell};
use crate::domain::unused::UnusedLimit;
use crate::server::clock::now_ms;
use crate::server::config::ServeArgs;
use crate::server::http::body_limit::{BODY_LIMIT_BYTES, refuse_oversized_bodies};
use crate::server::http::form_problems::vouch_for_form_problems;
use crate::server::http::health::{self, Readiness};
use crate::server::http::security_headers::{add_security_headers, refuse_cross_site_posts};
use crate::server::notify::dispatcher::{self, Dispatcher};
use crate::server::notify::signing_keys::SigningKeys;
use crate::server::recording::DecisionRecorder;
use crate::server::state::{AppState, Parts, Settings};
use crate::server::storage::Store;
use crate::server::storage::consent::key_cache::KeyDigest;
use crate::server::storage::serving_lock::{ServingLock, lock_for_serving};
use crate::server::tools::demo::demo_key;
use crate::server::{
    auth::sign_in, http::static_files, jobs::cache_warmer, jobs::expiry_sweeper, jobs::key_refresher, partner_api,
    tools::bench_floor, tools::demo, use_cases::export,
};
use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub struct Application {
    /// Held until the server stops: no second server on the same SQLite store.
    _serving: ServingLock,
    listener: TcpListener,
    router: Router,
    state: AppState,
    dispatcher: Dispatcher,
    expiry_sweep_every: std::time::Duration,
    /// How long requests in flight may take to finish once a shutdown begins.
    shutdown_grace: std::time::Duration,
    metrics_address: Option<SocketAddr>,
}

impl Application {
    pub async fn build(database_url: &str, args: ServeArgs) -> anyhow::Result<Self> {
        let store = Store::connect(database_url).await?;
        // Before anything is written: a second server must not seed or change grants behind
        // the first one's cache.
        let serving = lock_for_serving(database_url)?;
        store.migrate().await?;
        if args.demo {
            demo::seed(&store).await.context("Failed to seed the demo data")?;
            if let Some(receiver) = &args.demo_receiver {
                demo::social::point_partners_at(&store, receiver).await?;
            }
        }
        let listener = TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("Failed to listen on {}", args.addr))?;
        let version = static_files::content_version(&Path::new(&args.site_root).join("pkg"));
        let leptos_options = LeptosOptions::builder()
            .output_name("who-can-see")
            .site_root(args.site_root.as_str())
            // Pages link the built files under a version of their content; see `static_files`.
            .site_pkg_dir(format!("pkg/{version}"))
            .site_addr(listener.local_addr()?)
            .build();
        let settings = Settings {
            session_lifetime_ms: i64::from(args.session_hours) * 3_600_000,
            session_idle_ms: i64::from(args.session_idle_minutes) * 60_000,
            https: args.https,
            unused: UnusedLimit::of_days(args.unused_days)?,
            platform_key: platform_key(&args),
        };
        let recorder = Arc::new(DecisionRecorder::new(store.clone(), args.record_decisions));
        let signing_keys = Arc::new(
            SigningKeys::load_or_create(&args.signing_keys_file(database_url), now_ms())
                .context("Failed to load or make the platform's signing keys")?,
        );
        let issuer = args.issuer(listener.local_addr()?);
        let dispatcher = Dispatcher::new(
            store.clone(),
            signing_keys.clone(),
            issuer.clone(),
            args.endpoint_policy(),
        )?;
        let state = AppState::new(Parts {
            signing_keys,
            issuer,
            dispatcher: dispatcher.clone(),
            readiness: Arc::new(Readiness::default()),
            recorder,
            lookups: Arc::default(),
            store,
            leptos_options,
            settings: Arc::new(settings),
        });
        let router = router(state.clone(), args.bench_floor);
        let metrics_address = match args.metrics_addr {
            Some(addr) => Some(
                crate::server::metrics::serve(addr, state.clone())
                    .await
                    .with_context(|| format!("Failed to serve metrics on {addr}"))?,
            ),
            None => None,
        };
        Ok(Application {
            _serving: serving,
            listener,
            router,
            state,
            dispatcher,
            expiry_sweep_every: std::time::Duration::from_secs(args.expiry_sweep_seconds),
            shutdown_grace: std::time::Duration::from_secs(args.shutdown_grace_seconds),
            metrics_address,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// Where Prometheus scrapes `/metrics`, if it is on.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let sweeper = expiry_sweeper::spawn(
            self.state.store.clone(),
            self.expiry_sweep_every,
            self.state.settings.unused,
        );
        let warmer = cache_warmer::spawn(
            self.state.store.clone(),
            self.state.lookups.clone(),
            self.state.readiness.clone(),
        );
        let key_refresher = key_refresher::spawn(self.state.store.clone());
        let (stop_dispatcher, dispatcher_stopped) = tokio::sync::watch::channel(false);
        let dispatcher = tokio::spawn(dispatcher::run(self.dispatcher, dispatcher_stopped));
        // Small answers go out at once instead of waiting on Nagle's algorithm for more bytes.
        let listener = self.listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!("Failed to set TCP_NODELAY on a connection: {error}");
            }
        });
        // On SIGTERM or SIGINT: not ready (a balancer stops sending), no new connections, and the
        // requests in flight get `shutdown_grace` to finish.
        let (signalled, mut on_signal) = tokio::sync::watch::channel(false);
        let readiness = self.state.readiness.clone();
        let serving = axum::serve(
            listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("Stopping: finishing the requests in flight");
            readiness.stopping();
            signalled.send_replace(true);
        })
        .into_future();
        let grace = self.shutdown_grace;
        let served = tokio::select! {
            served = serving => served.context("The server stopped with an error"),
            () = async {
                if on_signal.wait_for(|signalled| *signalled).await.is_err() {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!("Requests still in flight after the {}s grace were cut off", grace.as_secs());
                Ok(())
            }
        };
        sweeper.abort();
        warmer.abort();
        key_refresher.abort();
        // A try under way is left to finish; what it did not settle is claimed again later.
        stop_dispatcher.send_replace(true);
        let _ = dispatcher.await;
        // What was counted in the last second is written before the process ends.
        self.state.recorder.stop().await;
        served
    }
}

/// The platform's public signing keys, for partners to verify events and anyone receipts.
async fn jwks(axum::extract::State(state): axum::extract::State<AppState>) -> axum::Json<serde_json::Value> {
    axum::Json(state.signing_keys.jwks())
}

/// The platform key's digest: the one configured, else in a demo the demo's.
fn platform_key(args: &ServeArgs) -> Option<KeyDigest> {
    match (&args.platform_key, args.demo) {
        (Some(key), _) if !key.trim().is_empty() => Some(KeyDigest::of_key(key.trim())),
        (_, true) => Some(KeyDigest::of_key(&demo_key("platform"))),
        _ => None,
    }
}

/// The page routes, worked out once per process. Working them out renders the app with data
/// loading switched off for the whole process (leptos_server's `SuppressResourceLoad`), so a
/// page another server in the same process (a test's second instance) began loading meanwhile
/// would wait forever for its data.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState, bench_floor: bool) -> Router {
    let routes = page_routes();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // A fresh nonce per response, for the page's Content-Security-Policy.
            leptos::nonce::provide_nonce();
        }
    };
    let pkg_dir = Path::new(state.leptos_options.site_root.as_ref()).join("pkg");
    let version = state
        .leptos_options
        .site_pkg_dir
        .strip_prefix("pkg/")
        .unwrap_or_default()
        .to_owned();
    Router::new()
        .route("/sign-in", post(sign_in::sign_in))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/.well-known/jwks.json", get(jwks))
        .merge(health::routes())
        .merge(partner_api::router())
        .merge(bench_floor::routes(bench_floor))
        .route("/history/export.json", get(export::json))
        .route("/history/export.csv", get(export::csv))
        .route("/history/receipt/{event}", get(export::receipt))
        .route("/admin/partners/{slug}/key", post(key_page::create_key))
        .merge(static_files::routes(&pkg_dir, &version))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.settings.clone(),
            vouch_for_form_problems,
        ))
        .layer(axum::middleware::from_fn(refuse_oversized_bodies))
        .layer(axum::middleware::from_fn(refuse_cross_site_posts))
        .layer(axum::middleware::from_fn_with_state(
            state.settings.clone(),
            add_security_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
