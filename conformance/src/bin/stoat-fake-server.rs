//! `stoat-fake-server`: runs the fake Stoat server until Ctrl-C.
//!
//! ```text
//! cargo run -p stoat-conformance --bin stoat-fake-server -- [--port-base N]
//!     [--ratelimit-window-ms N] [--no-ratelimits] [--bot-token T] [--user-token T]
//! ```
//! `STOAT_FAKE_PORT_BASE` sets the port base too (REST on N, gateway N+1, autumn N+2).

use std::process::ExitCode;
use std::time::Duration;

use stoat_conformance::{FakeConfig, FakeServer};

const USAGE: &str = "usage: stoat-fake-server [OPTIONS]
  --port-base N            REST on N, gateway on N+1, autumn on N+2
                           (default: ephemeral ports; also STOAT_FAKE_PORT_BASE)
  --ratelimit-window-ms N  rate-limit window in milliseconds (default 10000)
  --no-ratelimits          never answer 429
  --bot-token TOKEN        the fixture bot's token
  --user-token TOKEN       the fixture owner's session token";

fn parse_args() -> Result<FakeConfig, String> {
    let mut config = FakeConfig::default();
    if let Ok(base) = std::env::var("STOAT_FAKE_PORT_BASE") {
        let base = base
            .parse()
            .map_err(|_| format!("STOAT_FAKE_PORT_BASE is not a port: {base}"))?;
        config = config.port_base(base);
    }
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        config = match arg.as_str() {
            "--port-base" => {
                let v = value("--port-base")?;
                config.port_base(v.parse().map_err(|_| format!("not a port: {v}"))?)
            }
            "--ratelimit-window-ms" => {
                let v = value("--ratelimit-window-ms")?;
                let ms: u64 = v.parse().map_err(|_| format!("not a number: {v}"))?;
                config.ratelimit_window(Duration::from_millis(ms))
            }
            "--no-ratelimits" => config.ratelimits_enabled(false),
            "--bot-token" => config.bot_token(value("--bot-token")?),
            "--user-token" => config.user_token(value("--user-token")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        };
    }
    Ok(config)
}

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(config) => config,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            return if message.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    let server = match FakeServer::try_start(config) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Fake Stoat server running (Ctrl-C to stop)");
    println!("  api        {}", server.api_url());
    println!("  gateway    {}", server.ws_url());
    println!("  autumn     {}", server.autumn_url());
    println!("  bot token  {}   (X-Bot-Token)", server.bot_token());
    println!("  user token {}   (X-Session-Token)", server.user_token());
    println!("  bot id     {}", server.bot_id());
    println!("  owner id   {}", server.owner_id());
    println!("  server id  {}", server.server_id());
    println!("  channel id {}   (#General)", server.channel_id());

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("could not wait for Ctrl-C: {error}");
            return ExitCode::FAILURE;
        }
    };
    let _ = runtime.block_on(tokio::signal::ctrl_c());
    println!("stopping");
    server.shutdown();
    ExitCode::SUCCESS
}
