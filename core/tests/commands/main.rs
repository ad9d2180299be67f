//! The commands framework: tokenizer, converters, checks, cooldowns, argument parsing, and
//! whole invocations through both flavours with a recording client handle.

mod support;

mod arguments;
mod checks;
mod converters;
mod cooldowns;
mod derive;
mod framework;
mod framework_async;
mod odd_inputs;
