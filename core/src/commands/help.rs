//! The default `help` command's text.
//!
//! The default `help` answers with a reply to the request (further messages follow it
//! when the text is over the size limit). `help` lists the commands the author may run (grouped by gear, hidden ones left out; a
//! group without a body of its own only when the author may run one of its subcommands);
//! `help <command>` (or `help <group> <subcommand>`) shows one command's usage, description,
//! aliases and subcommands. Replace it by removing the `help` command and adding your own;
//! [`render`] and the [`Catalogue`] are there to build on.

use super::args::{Args, Param, Rest, Values};
use super::command::{Catalogue, CommandInfo};
use super::convert::shown;
use super::error::{escape_mentions, CommandError};

/// The arguments of the default help command: an optional command path.
#[derive(Debug)]
#[non_exhaustive]
pub struct HelpArgs {
    /// The command asked about (`role add`), if any.
    pub command: Option<Rest>,
}

impl Args for HelpArgs {
    fn params() -> Vec<Param> {
        vec![Param::of::<Option<Rest>>("command").description("A command to show the details of")]
    }
    fn from_values(values: &mut Values) -> Result<Self, CommandError> {
        Ok(Self {
            command: values.take()?,
        })
    }
}

fn line(prefix: &str, command: &CommandInfo) -> String {
    match command.summary() {
        Some(summary) => format!("`{}` — {summary}", command.usage_line(prefix)),
        None => format!("`{}`", command.usage_line(prefix)),
    }
}

/// Whether `command` is worth showing: `visible` accepts it and, for a group without a
/// body of its own, one of its shown subcommands (a group the reader can only get
/// "needs a subcommand" from is noise).
fn usable(command: &CommandInfo, visible: &impl Fn(&CommandInfo) -> bool) -> bool {
    visible(command)
        && (command.has_body()
            || command
                .subcommands()
                .iter()
                .any(|s| !s.is_hidden() && usable(s, visible)))
}

/// The help text: the command list for `query: None`, else the details of the command the
/// path names. `visible` decides which commands the reader may see (the default help shows
/// only those whose checks the author passes); a group without a body is shown only if one
/// of its subcommands is.
pub fn render(
    catalogue: &Catalogue,
    prefix: &str,
    query: Option<&str>,
    visible: impl Fn(&CommandInfo) -> bool,
) -> String {
    let visible = |command: &CommandInfo| usable(command, &visible);
    let query = query.map(str::trim).filter(|q| !q.is_empty());
    let text = match query {
        None => list(catalogue, prefix, &visible),
        Some(path) => match catalogue.find(path) {
            Some(command) if visible(command) => details(prefix, command, &visible),
            _ => format!("No command called `{}`.", shown(path)),
        },
    };
    escape_mentions(&text)
}

fn list(catalogue: &Catalogue, prefix: &str, visible: &impl Fn(&CommandInfo) -> bool) -> String {
    let shown_here = |c: &&std::sync::Arc<CommandInfo>| !c.is_hidden() && visible(c);
    let mut out = String::new();
    let ungeared: Vec<_> = catalogue
        .commands()
        .iter()
        .filter(|c| c.gear().is_none())
        .filter(shown_here)
        .collect();
    if !ungeared.is_empty() {
        out.push_str("**Commands**\n");
        for command in ungeared {
            out.push_str(&line(prefix, command));
            out.push('\n');
        }
    }
    for gear in catalogue.gears() {
        let commands: Vec<_> = catalogue
            .commands()
            .iter()
            .filter(|c| c.gear().is_some_and(|g| std::sync::Arc::ptr_eq(g, gear)))
            .filter(shown_here)
            .collect();
        if commands.is_empty() {
            continue;
        }
        out.push_str(&format!("**{}**", gear.name));
        if let Some(description) = &gear.description {
            out.push_str(&format!(" — {description}"));
        }
        out.push('\n');
        for command in commands {
            out.push_str(&line(prefix, command));
            out.push('\n');
        }
    }
    if out.is_empty() {
        return "There are no commands you can use here.".to_owned();
    }
    out.push_str(&format!(
        "\nType `{prefix}help <command>` for more about a command."
    ));
    out
}

fn details(prefix: &str, command: &CommandInfo, visible: &impl Fn(&CommandInfo) -> bool) -> String {
    let mut out = format!("`{}`", command.usage_line(prefix));
    if let Some(description) = command.description() {
        out.push('\n');
        out.push_str(description);
    }
    if !command.aliases().is_empty() {
        let aliases: Vec<String> = command.aliases().iter().map(|a| format!("`{a}`")).collect();
        out.push_str(&format!("\nAliases: {}", aliases.join(", ")));
    }
    let described: Vec<String> = command
        .params()
        .iter()
        .filter_map(|p| {
            p.describe()
                .map(|d| format!("`{}` ({}): {d}", p.name(), p.kind()))
        })
        .collect();
    if !described.is_empty() {
        out.push_str("\nArguments:\n");
        out.push_str(&described.join("\n"));
    }
    let subcommands: Vec<String> = command
        .subcommands()
        .iter()
        .filter(|c| !c.is_hidden() && visible(c))
        .map(|c| line(prefix, c))
        .collect();
    if !subcommands.is_empty() {
        out.push_str("\nSubcommands:\n");
        out.push_str(&subcommands.join("\n"));
    }
    out
}

/// Splits `text` into messages of at most `max_bytes` bytes (Stoat's limit is
/// [`MAX_CONTENT_BYTES`](crate::http::routes::validate::MAX_CONTENT_BYTES)), at line breaks
/// where possible, never inside a character. Empty text gives no messages.
pub fn split_message(text: &str, max_bytes: usize) -> Vec<String> {
    let max_bytes = max_bytes.max(4);
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if current.len() + line.len() > max_bytes && !current.is_empty() {
            out.push(std::mem::take(&mut current).trim_end().to_owned());
        }
        let mut line = line;
        while line.len() > max_bytes {
            let mut cut = max_bytes;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push(line[..cut].to_owned());
            line = &line[cut..];
        }
        current.push_str(line);
    }
    let last = current.trim_end();
    if !last.is_empty() {
        out.push(last.to_owned());
    }
    out.retain(|m| !m.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::split_message;

    #[test]
    fn splits_at_lines_and_characters() {
        assert_eq!(split_message("aa\nbb\ncc", 4), ["aa", "bb", "cc"]);
        assert_eq!(split_message("ab\ncd", 100), ["ab\ncd"]);
        assert_eq!(split_message("ééééé", 4), ["éé", "éé", "é"]);
        assert!(split_message("", 10).is_empty());
        for part in split_message(&"x".repeat(5000), 2000) {
            assert!(part.len() <= 2000);
        }
    }
}
