//! The binary's subcommands: serve (default) and the admin commands.

use crate::server::app::Application;
use crate::server::clock::now_ms;
use crate::server::config::{Cli, Command, PartnerEndpointCommand, PartnerKeyCommand, ServeArgs, SigningKeyCommand};
use crate::server::notify::endpoint::{check_addresses, parse_endpoint};
use crate::server::notify::signing_keys::SigningKeys;
use crate::server::storage::Store;
use crate::server::tools::demo;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None | Some(Command::Serve) => serve(&cli.database_url, cli.serve).await,
        Some(Command::AddDemoUser(args)) => {
            let store = Store::connect(&cli.database_url).await?;
            store.migrate().await?;
            let handle = if args.no_grants {
                demo::add_user(&store, &args.email, &args.password, &args.name).await?.1
            } else {
                demo::add_demo_user(&store, &args.email, &args.password, &args.name).await?
            };
            println!("{handle}");
            store.close().await;
            Ok(())
        }
        Some(Command::VerifyLedger) => verify_ledger(&cli.database_url).await,
        Some(Command::PartnerKey(PartnerKeyCommand::Create { slug })) => {
            create_partner_key(&cli.database_url, &slug).await
        }
        Some(Command::BenchLedger(args)) => {
            let store = Store::connect(&cli.database_url).await?;
            store.migrate().await?;
            crate::server::tools::bench_ledger::bench_ledger(&store, args.revocations, args.concurrency).await?;
            store.close().await;
            Ok(())
        }
        Some(Command::BenchEvents(args)) => {
            let store = Store::connect(&cli.database_url).await?;
            store.migrate().await?;
            crate::server::tools::bench_events::bench_events(&store, args.events, args.concurrency).await?;
            store.close().await;
            Ok(())
        }
        Some(Command::SeedLoad(args)) => crate::server::tools::load_seed::seed_load(&cli.database_url, &args).await,
        Some(Command::Simulate(args)) => crate::server::tools::simulate::simulate(&args).await,
        Some(Command::SigningKey(SigningKeyCommand::Rotate)) => {
            let file = cli.serve.signing_keys_file(&cli.database_url);
            let kid = SigningKeys::rotate(&file, now_ms())?;
            println!(
                "New signing key {kid} in {}; it signs from the next start.",
                file.display()
            );
            Ok(())
        }
        Some(Command::PartnerEndpoint(command)) => set_partner_endpoint(&cli.database_url, &cli.serve, command).await,
        Some(Command::VerifyReceipt(args)) => crate::server::tools::verify_receipt::verify_receipt(&args).await,
        Some(Command::PartnerReceiver(args)) => crate::server::tools::partner_receiver::partner_receiver(&args).await,
        Some(Command::ScaleOutLoad(args)) => {
            crate::server::tools::scale_out_load::scale_out_load(&cli.database_url, &args).await
        }
    }
}

/// Sets or clears where a partner is told of consent changes, refusing an endpoint the
/// dispatcher would refuse to call.
async fn set_partner_endpoint(
    database_url: &str,
    args: &ServeArgs,
    command: PartnerEndpointCommand,
) -> anyhow::Result<()> {
    let (slug, url) = match &command {
        PartnerEndpointCommand::Set { slug, url } => {
            let policy = args.endpoint_policy();
            let parsed = parse_endpoint(url, policy)?;
            check_addresses(&parsed, policy).await?;
            (slug, Some(parsed.to_string()))
        }
        PartnerEndpointCommand::Clear { slug } => (slug, None),
    };
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let found = store.set_partner_endpoint(slug, url.as_deref()).await;
    store.close().await;
    anyhow::ensure!(found?, "No partner has the slug {slug:?}.");
    match url {
        Some(url) => println!("{slug} is told of consent changes at {url}."),
        None => println!("{slug} is no longer told of consent changes; its notifications wait."),
    }
    Ok(())
}

/// Prints only the key on stdout, so a script can capture it; the note goes to stderr.
async fn create_partner_key(database_url: &str, slug: &str) -> anyhow::Result<()> {
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let created = crate::server::partner_api::rotate_key(&store, slug).await;
    store.close().await;
    let key = created?;
    eprintln!("New API key for {slug}. It is shown only this once; its previous key no longer works.");
    println!("{key}");
    Ok(())
}

async fn verify_ledger(database_url: &str) -> anyhow::Result<()> {
    let store = Store::connect(database_url).await?;
    let report = store.verify_ledger().await?;
    store.close().await;
    match report.broken {
        None => {
            println!(
                "Ledger intact: {} events in {} users' chains.",
                report.events, report.users
            );
            Ok(())
        }
        Some(link) => {
            println!(
                "Ledger broken: user {}, event {}: {}.",
                link.user_id, link.event_id, link.problem
            );
            std::process::exit(1);
        }
    }
}

async fn serve(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(database_url, args).await?;
    println!("Who Can See is listening on http://{}", app.address());
    if let Some(metrics) = app.metrics_address() {
        println!("Metrics for Prometheus at http://{metrics}/metrics");
    }
    app.run_until_stopped().await
}
