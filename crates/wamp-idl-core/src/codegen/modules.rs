//! Namespaces as nested modules (`a.b` → `pub mod a { pub mod b { ... } }`), and
//! the check that generated names do not clash.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::names;
use super::Ctx;
use crate::diag::{Diagnostic, Diagnostics, Span};

/// Generated items grouped by namespace.
#[derive(Default)]
pub struct ModuleTree {
    items: Vec<TokenStream>,
    children: Vec<(String, ModuleTree)>,
}

impl ModuleTree {
    /// Adds items to the module of `namespace`.
    pub fn insert(&mut self, namespace: &[String], tokens: TokenStream) {
        match namespace.split_first() {
            None => self.items.push(tokens),
            Some((first, rest)) => {
                let position = self.children.iter().position(|(name, _)| name == first);
                let child = match position {
                    Some(i) => &mut self.children[i].1,
                    None => {
                        self.children.push((first.clone(), ModuleTree::default()));
                        let last = self.children.len() - 1;
                        &mut self.children[last].1
                    }
                };
                child.insert(rest, tokens);
            }
        }
    }

    /// The items and child modules.
    pub fn emit(&self) -> TokenStream {
        self.emit_at(&[])
    }

    fn emit_at(&self, path: &[String]) -> TokenStream {
        let items = &self.items;
        let children = self.children.iter().map(|(name, child)| {
            let mut child_path = path.to_vec();
            child_path.push(name.clone());
            let ident = names::module_ident(name);
            let doc = format!(
                " Types of the FlatBuffers namespace `{}`.",
                child_path.join(".")
            );
            let body = child.emit_at(&child_path);
            quote! {
                #[doc = #doc]
                pub mod #ident {
                    #body
                }
            }
        });
        quote!(#(#items)* #(#children)*)
    }
}

/// Reports generated names that would clash: in one module (types, their
/// `Ref` readers, child modules) and in one table (field names after case
/// mapping, and reader methods).
pub fn check_names(ctx: &Ctx<'_>, diagnostics: &mut Diagnostics) {
    let schema = ctx.schema;
    // Per module: generated name → (what made it, where).
    let mut modules: HashMap<Vec<String>, HashMap<String, (String, Span)>> = HashMap::new();
    let mut claim = |namespace: &[String],
                     name: String,
                     what: String,
                     span: Span,
                     diagnostics: &mut Diagnostics| {
        let module = modules.entry(namespace.to_vec()).or_default();
        if let Some((first, first_span)) = module.get(&name) {
            diagnostics.push(
                Diagnostic::error(
                    span,
                    format!("generated name `{name}` of {what} clashes with the one of {first}"),
                )
                .with_label("generated Rust items must have distinct names")
                .with_secondary(*first_span, "first defined here")
                .with_note("help: rename one of the declarations"),
            );
        } else {
            module.insert(name, (what, span));
        }
    };
    for object in &schema.objects {
        let kind = if object.is_struct { "struct" } else { "table" };
        let what = format!("{kind} `{}`", object.full_name());
        claim(
            &object.namespace,
            names::ident_text(&object.name),
            what.clone(),
            object.span,
            diagnostics,
        );
        if !object.is_struct {
            claim(
                &object.namespace,
                format!("{}Ref", object.name),
                what,
                object.span,
                diagnostics,
            );
        }
    }
    for def in &schema.enums {
        let kind = if def.is_union { "union" } else { "enum" };
        let what = format!("{kind} `{}`", def.full_name());
        claim(
            &def.namespace,
            names::ident_text(&def.name),
            what.clone(),
            def.span,
            diagnostics,
        );
        if def.is_union {
            claim(
                &def.namespace,
                format!("{}Ref", def.name),
                what,
                def.span,
                diagnostics,
            );
        }
    }
    // Namespace modules live in the type namespace of their parent module.
    let mut seen_modules: Vec<Vec<String>> = Vec::new();
    let spans = schema
        .objects
        .iter()
        .map(|o| (&o.namespace, o.span))
        .chain(schema.enums.iter().map(|e| (&e.namespace, e.span)));
    for (namespace, span) in spans {
        for depth in 1..=namespace.len() {
            let prefix = namespace[..depth].to_vec();
            if seen_modules.contains(&prefix) {
                continue;
            }
            let name = names::field_name(&prefix[depth - 1]);
            claim(
                &prefix[..depth - 1],
                name,
                format!("namespace `{}`", prefix.join(".")),
                span,
                diagnostics,
            );
            seen_modules.push(prefix);
        }
    }
    for object in schema.objects.iter().filter(|o| !o.is_struct) {
        let mut fields: HashMap<String, (&str, Span)> = HashMap::new();
        for reserved in [
            "unpack",
            "to_owned",
            "from_table",
            "table",
            "lookup_by_key",
            "from_flatbuffer",
            "from_flatbuffer_with_options",
        ] {
            fields.insert(reserved.to_string(), (reserved, object.span));
        }
        for (_, field) in super::live_fields(object) {
            let name = names::field_name(&field.name);
            if let Some((first, first_span)) = fields.get(&name) {
                let mut diagnostic = Diagnostic::error(
                    field.span,
                    format!(
                        "field `{}` of table `{}` maps to the Rust name `{name}`, which is taken by `{first}`",
                        field.name,
                        object.full_name()
                    ),
                )
                .with_label("generated accessors must have distinct names")
                .with_note("help: rename the field");
                if *first_span != object.span {
                    diagnostic = diagnostic.with_secondary(*first_span, "first defined here");
                }
                diagnostics.push(diagnostic);
            } else {
                fields.insert(name, (&field.name, field.span));
            }
        }
    }
}
