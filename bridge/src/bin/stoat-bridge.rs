//! `stoat-bridge`: one gateway session appended to Redis Streams for workers.
//!
//! ```text
//! STOAT_TOKEN=... stoat-bridge [--redis URL] [--bot NAME] [--api URL --ws URL --autumn URL]
//! ```

use std::process::ExitCode;

use stoat_bridge::{Bridge, BridgeOptions};
use stoat_core::client::ClientConfig;
use stoat_core::{Endpoints, Token};

const USAGE: &str = "usage: STOAT_TOKEN=<bot token> stoat-bridge [OPTIONS]
  --redis URL     Redis (default redis://127.0.0.1:6379/)
  --bot NAME      the bot's name in Redis keys (default: default); workers use the same
  --api URL --ws URL --autumn URL
                  the instance (default: stoat.chat)
  --max-len N     entries kept in the stream (approximately; default 100000)";

#[tokio::main]
async fn main() -> ExitCode {
    let mut options = BridgeOptions::new("redis://127.0.0.1:6379/");
    let (mut api, mut ws, mut autumn) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let Some(value) = value.filter(|_| arg.starts_with("--")) else {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        };
        match arg.as_str() {
            "--redis" => options.redis_url = value,
            "--bot" => options = options.bot(value),
            "--api" => api = Some(value),
            "--ws" => ws = Some(value),
            "--autumn" => autumn = Some(value),
            "--max-len" => match value.parse() {
                Ok(n) => options = options.max_len(n),
                Err(_) => {
                    eprintln!("--max-len: not a number: {value}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Ok(token) = std::env::var("STOAT_TOKEN") else {
        eprintln!("STOAT_TOKEN is not set\n{USAGE}");
        return ExitCode::from(2);
    };
    let mut config = ClientConfig::new(Token::bot(token));
    match (api, ws, autumn) {
        (Some(api), Some(ws), Some(autumn)) => {
            config = config.endpoints(Endpoints::new(api, ws, autumn));
        }
        (None, None, None) => {}
        _ => {
            eprintln!("--api, --ws and --autumn go together\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let bridge = match Bridge::connect(config, options).await {
        Ok(bridge) => bridge,
        Err(error) => {
            eprintln!("stoat-bridge: {error}");
            return ExitCode::FAILURE;
        }
    };
    let handle = bridge.handle();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        handle.shutdown().await;
    });
    match bridge.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stoat-bridge: {error}");
            ExitCode::FAILURE
        }
    }
}
