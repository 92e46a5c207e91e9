//! The `brigade` command line.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::Settings;
use crate::app::{Application, Modules, load_demo_menu, openapi};
use crate::modules::catalog::api::CatalogApi;
use crate::modules::identity::api::{NewUser, Role};
use crate::modules::venues::api::VenuesApi;
use crate::platform::{openapi as spec, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "brigade",
    version,
    about = "Ordering backend for cafés and restaurants",
    long_about = "Ordering backend for cafés and restaurants. Without a subcommand, `brigade` \
                  serves the API (like `brigade serve`).\n\nConfiguration: built-in defaults, \
                  then --config FILE (TOML), then BRIGADE_<SECTION>__<KEY> environment \
                  variables; DATABASE_URL overrides database.url."
)]
struct Cli {
    /// TOML configuration file layered over the built-in defaults.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default). Applies pending migrations first.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(MigrateArgs),
    /// Print the OpenAPI document as YAML (what openapi.yaml holds).
    Openapi(OpenapiArgs),
    /// Make a key for internal tokens (calls between Brigade processes): prints the settings
    /// for the signing process and the public key for the processes that verify.
    InternalKey(InternalKeyArgs),
    /// Print the module graph (Mermaid) and the event catalogue (Markdown), as the README's
    /// architecture map shows them.
    Modules,
    /// Manage accounts.
    #[command(subcommand)]
    Users(UsersCommand),
}

#[derive(Debug, Default, clap::Args)]
struct OpenapiArgs {
    /// The internal calls between processes instead (`/internal/<module>/<method>`).
    #[arg(long)]
    internal: bool,
}

#[derive(Debug, clap::Args)]
struct InternalKeyArgs {
    /// The key's id, which tokens name so verifiers can hold an old and a new key.
    #[arg(long, default_value_t = default_key_id())]
    id: String,
}

fn default_key_id() -> String {
    format!("k{}", chrono::Utc::now().format("%Y%m%d"))
}

#[derive(Debug, Default, clap::Args)]
struct ServeArgs {
    /// Listen on this address instead of the configured server.bind, e.g. 0.0.0.0:8080.
    #[arg(long, value_name = "ADDR")]
    bind: Option<SocketAddr>,
    /// Load a demo café menu (5 categories, 24 items with options and make times, breakfast
    /// until noon, brownies sold out until tomorrow) if the menu is empty.
    #[arg(long)]
    demo: bool,
    /// Host only these modules, e.g. `kitchen,delivery` (topology.hosts); every module
    /// without it. Modules hosted elsewhere are reached at topology.remote.<module>.url.
    #[arg(long, value_delimiter = ',', value_name = "MODULES")]
    modules: Vec<String>,
    /// Serve the hosted modules to other processes on this address (topology.internal_bind).
    #[arg(long, value_name = "ADDR")]
    internal_bind: Option<SocketAddr>,
}

#[derive(Debug, Default, clap::Args)]
struct MigrateArgs {
    /// Only these modules' migrations (and the platform's), e.g. `kitchen,delivery`; `gateway`
    /// names the edge's own tables. Every module's without it.
    #[arg(long, value_delimiter = ',', value_name = "MODULES")]
    modules: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create an account with a role. The password is read from standard input, so scripts can
    /// pipe it: `echo "$PASSWORD" | brigade users add --email a@b.c --role admin`.
    Add {
        #[arg(long)]
        email: String,
        /// customer, staff, kitchen, courier or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Display name; defaults to the part of the email before the @.
        #[arg(long)]
        name: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "expected customer, staff, kitchen, courier or admin".to_owned())
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi(args)) = &cli.command {
        if args.internal {
            print!("{}", crate::app::internal_openapi());
        } else {
            print!("{}", spec::to_yaml(&openapi()));
        }
        return ExitCode::SUCCESS;
    }
    if let Some(Command::InternalKey(args)) = &cli.command {
        print!("{}", internal_key(&args.id));
        return ExitCode::SUCCESS;
    }
    if let Some(Command::Modules) = cli.command {
        print!("{}", crate::app::module_map());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    let blocking = crate::app::blocking_threads(&settings.database);
    let runtime = move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(blocking)
            .build()
    };
    let result =
        actix_web::rt::System::with_tokio_rt(move || runtime().expect("the main runtime starts"))
            .block_on(async move {
                match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
                    Command::Serve(args) => serve(settings, args).await,
                    Command::Migrate(args) => migrate(settings, args).await,
                    Command::Users(UsersCommand::Add { email, role, name }) => {
                        add_user(settings, email, role, name).await
                    }
                    Command::Openapi(_) | Command::Modules | Command::InternalKey(_) => {
                        unreachable!("handled before configuration is read")
                    }
                }
            });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A new key pair, as the configuration of the signer and of the verifiers.
fn internal_key(id: &str) -> String {
    let (seed, public) = crate::platform::internal_token::generate_key();
    format!(
        "# The edge (and any process calling modules hosted elsewhere) signs with:\n\
         [internal]\n\
         key_id = \"{id}\"\n\
         signing_key = \"{seed}\"   # secret: BRIGADE_INTERNAL__SIGNING_KEY\n\
         \n\
         # Every process hosting modules for others trusts (keep the old key here while\n\
         # signers move to this one, then remove it):\n\
         [internal.trusted_keys]\n\
         {id} = \"{public}\"\n"
    )
}

async fn wire(settings: Settings) -> Result<Modules, String> {
    actix_web::rt::task::spawn_blocking(move || Modules::wire(&settings))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

async fn serve(mut settings: Settings, args: ServeArgs) -> Result<(), String> {
    if let Some(bind) = args.bind {
        settings.server.bind = bind;
    }
    if !args.modules.is_empty() {
        settings.topology.hosts = args.modules;
    }
    if let Some(addr) = args.internal_bind {
        settings.topology.internal_bind = addr.to_string();
    }
    settings.check().map_err(|e| e.to_string())?;
    if settings.auth.jwt_secret.is_empty() {
        tracing::warn!(
            "auth.jwt_secret is not set: using a random secret, so tokens end with this \
             process and replicas cannot share them"
        );
    }
    let app = Application::build(settings)
        .await
        .map_err(|e| e.to_string())?;
    if args.demo {
        let catalog = app
            .modules()
            .try_api::<dyn CatalogApi>()
            .ok_or("--demo loads the menu: host the catalog module here")?;
        let venues = app
            .modules()
            .try_api::<dyn VenuesApi>()
            .ok_or("--demo opens a venue: host or reach the venues module here")?;
        let created = load_demo_menu(catalog.as_ref(), venues.as_ref())
            .await
            .map_err(|e| format!("loading the demo menu: {e}"))?;
        tracing::info!(items = created, "demo menu loaded");
    }
    tracing::info!(
        port = app.port(),
        internal_port = app.internal_port(),
        "brigade is serving"
    );
    let served = app.run_until_stopped().await.map_err(|e| e.to_string());
    crate::platform::telemetry::flush();
    served
}

async fn migrate(settings: Settings, args: MigrateArgs) -> Result<(), String> {
    if args.modules.is_empty() {
        wire(settings).await?;
        println!("migrations applied");
        return Ok(());
    }
    let scope = crate::app::migration_scope(&args.modules)?;
    actix_web::rt::task::spawn_blocking(move || {
        crate::platform::db::Db::connect_for(&settings.database, &scope)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    println!("migrations applied for {}", args.modules.join(", "));
    Ok(())
}

async fn add_user(
    settings: Settings,
    email: String,
    role: Role,
    name: Option<String>,
) -> Result<(), String> {
    let password = read_password()?;
    let modules = wire(settings).await?;
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or("user").to_owned());
    let user = modules
        .api::<dyn crate::modules::identity::api::IdentityApi>()
        .create_user(NewUser {
            email,
            password,
            name,
            roles: vec![role],
        })
        .await
        .map_err(|e| match e {
            crate::modules::identity::api::IdentityError::Validation(errors) => errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        })?;
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    println!(
        "created {} ({}) with roles {}",
        user.email,
        user.id,
        roles.join(", ")
    );
    Ok(())
}

fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (12+ characters, echoed): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password from stdin: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err("no password on standard input".into());
    }
    Ok(password)
}
