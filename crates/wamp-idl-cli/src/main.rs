//! The `wamp-idl` command: check WAMP IDL catalogs, write `.bfbs` reflection
//! schemas, and print catalogs as JSON or Markdown.
//!
//! Exit status: 0 on success (warnings allowed), 1 when the schema has errors
//! or output cannot be written, 2 on a usage error.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wamp_idl_core::diag::Diagnostic;
use wamp_idl_core::{compile, Compiled, FsLoader, Options};

mod decode;
mod encode;
mod wire;

const USAGE: &str = "\
Usage:
  wamp-idl check   [-I DIR]... FILE...
  wamp-idl bfbs    [-I DIR]... FILE -o OUT.bfbs
  wamp-idl catalog [-I DIR]... FILE [--format json|markdown]
  wamp-idl decode  --serializer S [--hex] < FRAMES
  wamp-idl encode  --serializer S [--hex] < MESSAGES.jsonl
  wamp-idl --help | --version";

const HELP: &str = "\
wamp-idl: check WAMP IDL catalogs (FlatBuffers schemas with WAMP attributes)

Commands:
  check     parse, resolve and check FILEs; print diagnostics on stderr
  bfbs      write the binary reflection schema (.bfbs) of FILE to OUT
  catalog   print the interfaces, procedures, topics and payloads of FILE
  decode    print WAMP frames from stdin as JSON (`wamp-idl decode --help`)
  encode    write WAMP frames from JSON on stdin (`wamp-idl encode --help`)

Options:
  -I DIR, -IDIR, --include DIR
                 search DIR for included files (after the including file's own
                 directory, like flatc); may be repeated
  -o OUT         output file (bfbs)
  --format F     catalog output format: json (default) or markdown
  -h, --help     print this help
  -V, --version  print the version

Exit status: 0 success (warnings allowed), 1 schema errors or I/O failure,
2 usage error.";

/// What to do, as parsed from the command line.
#[derive(Debug)]
enum Command {
    Help,
    Version,
    Check {
        files: Vec<PathBuf>,
        options: Options,
    },
    Bfbs {
        file: PathBuf,
        out: PathBuf,
        options: Options,
    },
    Catalog {
        file: PathBuf,
        format: Format,
        options: Options,
    },
}

/// Catalog output format.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Json,
    Markdown,
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("no command given".to_string());
    };
    match command.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "check" | "bfbs" | "catalog" => {}
        other => return Err(format!("unknown command `{other}`")),
    }
    let mut options = Options::default();
    let mut files = Vec::new();
    let mut out = None;
    let mut format = None;
    let mut iter = rest.iter();
    let mut only_files = false;
    while let Some(arg) = iter.next() {
        let mut value_for = |flag: &str| -> Result<String, String> {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        if only_files {
            files.push(PathBuf::from(arg));
            continue;
        }
        match arg.as_str() {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Command::Help),
            "-I" | "--include" => options.include_dirs.push(value_for(arg)?.into()),
            "-o" | "--output" => {
                if command != "bfbs" {
                    return Err(format!("`{arg}` is only valid for `bfbs`"));
                }
                out = Some(PathBuf::from(value_for(arg)?));
            }
            "--format" => {
                if command != "catalog" {
                    return Err(format!("`{arg}` is only valid for `catalog`"));
                }
                format = Some(parse_format(&value_for(arg)?)?);
            }
            _ if arg.starts_with("--format=") => {
                if command != "catalog" {
                    return Err("`--format` is only valid for `catalog`".to_string());
                }
                format = Some(parse_format(&arg["--format=".len()..])?);
            }
            _ if arg.starts_with("-I") && arg.len() > 2 => {
                options.include_dirs.push(PathBuf::from(&arg[2..]));
            }
            _ if arg.starts_with('-') && arg.len() > 1 => {
                return Err(format!("unknown option `{arg}`"));
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    if files.is_empty() {
        return Err(format!("`{command}` needs a schema file"));
    }
    match command.as_str() {
        "check" => Ok(Command::Check { files, options }),
        _ if files.len() > 1 => Err(format!(
            "`{command}` takes one schema file, got {}",
            files.len()
        )),
        "bfbs" => {
            let out = out.ok_or("`bfbs` needs an output file: `-o OUT.bfbs`")?;
            Ok(Command::Bfbs {
                file: files.remove(0),
                out,
                options,
            })
        }
        _ => Ok(Command::Catalog {
            file: files.remove(0),
            format: format.unwrap_or(Format::Json),
            options,
        }),
    }
}

fn parse_format(value: &str) -> Result<Format, String> {
    match value {
        "json" => Ok(Format::Json),
        "markdown" | "md" => Ok(Format::Markdown),
        other => Err(format!(
            "unknown format `{other}` (expected `json` or `markdown`)"
        )),
    }
}

/// Compiles `roots`, prints its diagnostics on `stderr` (skipping any already in
/// `printed`), and returns the result when it has no errors.
fn compile_checked(
    roots: &[PathBuf],
    options: &Options,
    printed: &mut HashSet<String>,
    stderr: &mut dyn Write,
) -> Option<Compiled> {
    let compiled = compile(roots, options, &FsLoader);
    let mut sorted: Vec<&Diagnostic> = compiled.diagnostics.iter().collect();
    sorted.sort_by_key(|d| {
        d.primary
            .as_ref()
            .map(|l| (l.span.file, l.span.start, l.span.end))
    });
    for diagnostic in sorted {
        let rendered = diagnostic.render(&compiled.sources);
        if printed.insert(rendered.clone()) {
            let separator = if printed.len() > 1 { "\n" } else { "" };
            let _ = write!(stderr, "{separator}{rendered}");
        }
    }
    if compiled.diagnostics.has_errors() {
        return None;
    }
    if compiled.schema.is_none() {
        let _ = writeln!(stderr, "error: no schema was produced");
        return None;
    }
    Some(compiled)
}

/// Prints the closing error count after a failed run.
fn report_failure(errors: usize, stderr: &mut dyn Write) {
    if errors > 0 {
        let _ = writeln!(
            stderr,
            "\nerror: found {errors} error{} in the schema",
            if errors == 1 { "" } else { "s" }
        );
    }
}

/// Compiles one root file; on errors, prints them with the closing count.
fn compile_one(file: &Path, options: &Options, stderr: &mut dyn Write) -> Option<Compiled> {
    let mut printed = HashSet::new();
    let compiled = compile_checked(&[file.to_path_buf()], options, &mut printed, stderr);
    if compiled.is_none() {
        report_failure(count_errors(&printed), stderr);
    }
    compiled
}

/// Checks each file on its own (like running `flatc` once per file), so
/// independent catalogs may declare the same names.
fn check_files(files: &[PathBuf], options: &Options, stderr: &mut dyn Write) -> u8 {
    let mut printed = HashSet::new();
    let mut failed = false;
    for file in files {
        if compile_checked(std::slice::from_ref(file), options, &mut printed, stderr).is_none() {
            failed = true;
        }
    }
    if failed {
        report_failure(count_errors(&printed), stderr);
        return 1;
    }
    0
}

/// Errors among the printed diagnostics (each printed once).
fn count_errors(printed: &HashSet<String>) -> usize {
    printed
        .iter()
        .filter(|text| text.lines().next().is_some_and(|l| l.contains("error: ")))
        .count()
}

fn run(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    match args.split_first() {
        Some((command, rest)) if command == "decode" => {
            return decode::run(rest, &mut std::io::stdin().lock(), stdout, stderr)
        }
        Some((command, rest)) if command == "encode" => {
            return encode::run(rest, &mut std::io::stdin().lock(), stdout, stderr)
        }
        _ => {}
    }
    let command = match parse_args(args) {
        Ok(command) => command,
        Err(message) => {
            let _ = writeln!(
                stderr,
                "error: {message}\n\n{USAGE}\n\nRun `wamp-idl --help` for details."
            );
            return 2;
        }
    };
    match command {
        Command::Help => {
            let _ = writeln!(stdout, "{HELP}\n\n{USAGE}");
            0
        }
        Command::Version => {
            let _ = writeln!(stdout, "wamp-idl {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Check { files, options } => check_files(&files, &options, stderr),
        Command::Bfbs { file, out, options } => {
            let Some(compiled) = compile_one(&file, &options, stderr) else {
                return 1;
            };
            write_bfbs(&compiled, &out, stderr)
        }
        Command::Catalog {
            file,
            format,
            options,
        } => {
            let Some(compiled) = compile_one(&file, &options, stderr) else {
                return 1;
            };
            let (Some(schema), Some(catalog)) = (&compiled.schema, &compiled.catalog) else {
                let _ = writeln!(stderr, "error: no catalog was produced");
                return 1;
            };
            let text = match format {
                Format::Json => wamp_idl_core::catalog::to_json(catalog, schema, &compiled.sources),
                Format::Markdown => {
                    wamp_idl_core::catalog::to_markdown(catalog, schema, &compiled.sources)
                }
            };
            if let Err(e) = stdout.write_all(text.as_bytes()) {
                let _ = writeln!(stderr, "error: cannot write the catalog: {e}");
                return 1;
            }
            0
        }
    }
}

/// Writes the reflection schema of a checked compilation to `out`.
fn write_bfbs(compiled: &Compiled, out: &Path, stderr: &mut dyn Write) -> u8 {
    let Some(schema) = &compiled.schema else {
        let _ = writeln!(stderr, "error: no schema was produced");
        return 1;
    };
    let bytes = wamp_idl_core::bfbs::write(
        schema,
        &compiled.sources,
        &wamp_idl_core::bfbs::BfbsOptions::default(),
    );
    match std::fs::write(out, bytes) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(stderr, "error: cannot write `{}`: {e}", out.display());
            1
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = run(&args, &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_commands_and_include_dirs() {
        let cmd = parse_args(&args(&[
            "check", "-I", "inc", "-Iinc2", "a.fbs", "--", "-b.fbs",
        ]));
        let Ok(Command::Check { files, options }) = cmd else {
            panic!("expected check, got {cmd:?}");
        };
        assert_eq!(files, [PathBuf::from("a.fbs"), PathBuf::from("-b.fbs")]);
        assert_eq!(
            options.include_dirs,
            [PathBuf::from("inc"), PathBuf::from("inc2")]
        );
        let cmd = parse_args(&args(&["catalog", "x.fbs", "--format=markdown"]));
        assert!(matches!(
            cmd,
            Ok(Command::Catalog {
                format: Format::Markdown,
                ..
            })
        ));
        let cmd = parse_args(&args(&["catalog", "x.fbs"]));
        assert!(matches!(
            cmd,
            Ok(Command::Catalog {
                format: Format::Json,
                ..
            })
        ));
        let cmd = parse_args(&args(&["bfbs", "x.fbs", "-o", "x.bfbs"]));
        assert!(matches!(cmd, Ok(Command::Bfbs { .. })));
        assert!(matches!(parse_args(&args(&["--help"])), Ok(Command::Help)));
        assert!(matches!(
            parse_args(&args(&["check", "-h"])),
            Ok(Command::Help)
        ));
        assert!(matches!(
            parse_args(&args(&["--version"])),
            Ok(Command::Version)
        ));
    }

    #[test]
    fn usage_errors() {
        for (list, message) in [
            (&[][..], "no command given"),
            (&["frob"][..], "unknown command `frob`"),
            (&["check"][..], "`check` needs a schema file"),
            (&["check", "-I"][..], "`-I` needs a value"),
            (&["check", "--frob", "a"][..], "unknown option `--frob`"),
            (
                &["bfbs", "a.fbs"][..],
                "`bfbs` needs an output file: `-o OUT.bfbs`",
            ),
            (
                &["catalog", "a.fbs", "b.fbs"][..],
                "`catalog` takes one schema file, got 2",
            ),
            (
                &["catalog", "a.fbs", "--format", "xml"][..],
                "unknown format `xml` (expected `json` or `markdown`)",
            ),
            (
                &["check", "a.fbs", "-o", "x"][..],
                "`-o` is only valid for `bfbs`",
            ),
        ] {
            match parse_args(&args(list)) {
                Err(e) => assert_eq!(e, message, "{list:?}"),
                Ok(cmd) => panic!("{list:?} parsed as {cmd:?}"),
            }
        }
    }
}
