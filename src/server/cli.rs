//! The binary's subcommands: serve (default) and the admin commands.

use crate::server::app::Application;
use crate::server::config::{Cli, Command, ServeArgs};
use crate::server::demo;
use crate::server::storage::Store;

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
        Some(Command::BenchLedger(args)) => {
            let store = Store::connect(&cli.database_url).await?;
            store.migrate().await?;
            crate::server::bench::bench_ledger(&store, args.revocations, args.concurrency).await?;
            store.close().await;
            Ok(())
        }
    }
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
    app.run_until_stopped().await
}
