//! Table slot ids and struct layout, computed the way flatc does.
//!
//! Tables: ids are sequential in declaration order unless every field has an
//! `id` attribute; a union field takes two slots (its hidden `_type` field
//! first). The field's vtable offset is `4 + 2 * id`; flatc's reflection
//! reports tables with `minalign` 1 and `bytesize` 0.
//!
//! Structs: each field is aligned to its own alignment by padding the field
//! before it; the struct's alignment is the largest field alignment (or
//! `force_align`), and its size is padded to that alignment at the end.

use std::collections::HashMap;

use super::values::parse_integer;
use super::Ctx;
use crate::diag::{Diagnostic, Span};
use crate::schema::{ObjectId, Type};
use crate::syntax::ast;

/// flatc's `FLATBUFFERS_MAX_ALIGNMENT`: the largest `force_align`.
const MAX_FORCE_ALIGN: u64 = 32;

/// The largest slot id whose vtable offset `4 + 2 * id` fits a `uint16`.
const MAX_FIELD_ID: u64 = (u16::MAX as u64 - 4) / 2;

/// The `id` attribute of a syntax field, if written.
fn id_attribute(field: &ast::Field) -> Option<&ast::Attribute> {
    field.attributes.iter().find(|a| a.name.name == "id")
}

impl Ctx<'_> {
    /// Assigns slot ids and vtable offsets to the fields of every table.
    pub(super) fn layout_tables(&mut self) {
        for index in 0..self.objects.len() {
            if self.schema.objects[index].is_struct {
                continue;
            }
            let count = self.schema.objects[index].fields.len();
            let ids = self
                .explicit_ids(index)
                .unwrap_or_else(|| (0..count as u64).collect());
            let object = &mut self.schema.objects[index];
            if count as u64 > MAX_FIELD_ID + 1 {
                self.diags.push(
                    Diagnostic::error(
                        object.span,
                        format!("table `{}` has too many fields", object.name),
                    )
                    .with_label(format!(
                        "{count} slots, at most {} fit in a vtable",
                        MAX_FIELD_ID + 1
                    )),
                );
                continue;
            }
            for (field, id) in object.fields.iter_mut().zip(ids) {
                // Both fit: `id <= MAX_FIELD_ID` was checked or follows from the count.
                field.id = id as u16;
                field.offset = (4 + 2 * id) as u16;
            }
        }
        for object in &mut self.schema.objects {
            if !object.is_struct {
                object.minalign = 1;
                object.bytesize = 0;
            }
        }
    }

    /// The slot ids from `id` attributes, if every field has one and they are
    /// dense from 0; `None` (after reporting) otherwise, or when none are written.
    fn explicit_ids(&mut self, index: usize) -> Option<Vec<u64>> {
        let sources = &self.objects[index].fields;
        let object = &self.schema.objects[index];
        let (with, without): (Vec<_>, Vec<_>) = object
            .fields
            .iter()
            .zip(sources.iter())
            .filter(|(f, _)| !f.synthetic)
            .partition(|(_, s)| id_attribute(s).is_some());
        if with.is_empty() {
            return None;
        }
        if let (Some((_, missing)), Some((_, given))) = (without.first(), with.first()) {
            let given_span = id_attribute(given).map_or(given.name.span, |a| a.span);
            self.diags.push(
                Diagnostic::error(
                    missing.name.span,
                    format!("field `{}` has no `id` attribute", missing.name.name),
                )
                .with_label("no `id`")
                .with_secondary(given_span, "but this field has one")
                .with_note("help: give either every field of the table an `id`, or none"),
            );
            return None;
        }
        let mut ids = Vec::with_capacity(object.fields.len());
        let mut ok = true;
        // id → where it was assigned (the attribute value's span).
        let mut used: HashMap<u64, (String, Span)> = HashMap::new();
        let mut duplicates = Vec::new();
        for (field, source) in object.fields.iter().zip(sources.iter()) {
            let attribute = id_attribute(source)?;
            let span = attribute.value.as_ref().map_or(attribute.span, |v| v.span);
            let value = match attribute.value.as_ref().map(|v| &v.kind) {
                Some(ast::LiteralKind::Integer(text)) | Some(ast::LiteralKind::String(text)) => {
                    parse_integer(text)
                }
                _ => None,
            };
            let Some(value) = value.filter(|v| (0..=i128::from(MAX_FIELD_ID)).contains(v)) else {
                if !field.synthetic {
                    self.diags.push(
                        Diagnostic::error(span, "invalid field id")
                            .with_label(format!("expected an integer from 0 to {MAX_FIELD_ID}")),
                    );
                }
                ok = false;
                continue;
            };
            let id = if field.synthetic {
                // The hidden type field takes the slot before the union value.
                if value == 0 {
                    self.diags.push(
                        Diagnostic::error(span, format!("union field `{}` cannot have id 0", source.name.name))
                            .with_label("a union takes two slots")
                            .with_note("note: the hidden type field takes the id before the union field's own id, so the union field's id must be at least 1"),
                    );
                    ok = false;
                    continue;
                }
                value as u64 - 1
            } else {
                value as u64
            };
            if let Some((other, first)) = used.get(&id) {
                duplicates.push(
                    Diagnostic::error(span, format!("field id {id} is used twice"))
                        .with_label(format!("`{}` has id {id}", field.name))
                        .with_secondary(*first, format!("`{other}` has id {id} too")),
                );
                ok = false;
            } else {
                used.insert(id, (field.name.clone(), span));
            }
            ids.push(id);
        }
        for diag in duplicates {
            self.diags.push(diag);
        }
        if !ok {
            return None;
        }
        if self.objects[index].incomplete {
            // A field was dropped after an error; its ids would look missing.
            return None;
        }
        let count = ids.len() as u64;
        let missing: Vec<String> = (0..count)
            .filter(|id| !used.contains_key(id))
            .map(|id| id.to_string())
            .collect();
        if !missing.is_empty() {
            let object = &self.schema.objects[index];
            let highest = ids.iter().max().copied().unwrap_or(0);
            let plural = if missing.len() == 1 { "" } else { "s" };
            self.diags.push(
                Diagnostic::error(
                    object.span,
                    format!(
                        "field ids of `{}` must be consecutive from 0: id{plural} {} missing",
                        object.name,
                        missing.join(", ")
                    ),
                )
                .with_label(format!("{count} slots but ids go up to {highest}"))
                .with_note("note: a union field takes two slots, its own id and the one before it"),
            );
            return None;
        }
        Some(ids)
    }

    /// Computes size, alignment, field offsets and padding of every struct,
    /// in dependency order; reports structs that contain themselves.
    pub(super) fn layout_structs(&mut self) {
        let count = self.schema.objects.len();
        let mut done = vec![false; count];
        for (index, object) in self.schema.objects.iter().enumerate() {
            done[index] = !object.is_struct;
        }
        // Repeatedly lay out structs whose nested structs are all laid out:
        // at most `count` rounds, and cycles never become ready.
        loop {
            let mut progress = false;
            for index in 0..count {
                if done[index] {
                    continue;
                }
                let ready = self.schema.objects[index]
                    .fields
                    .iter()
                    .filter_map(|f| nested_struct(&f.ty))
                    .all(|id| done.get(id.0 as usize).copied().unwrap_or(true));
                if ready {
                    self.layout_struct(index);
                    done[index] = true;
                    progress = true;
                }
            }
            if !progress {
                break;
            }
        }
        self.report_struct_cycles(&done);
    }

    fn layout_struct(&mut self, index: usize) {
        let mut size: u64 = 0;
        let mut align: u64 = 1;
        // The first field whose offset does not fit in 16 bits, with its offset.
        let mut too_far: Option<(usize, u64)> = None;
        let mut fields = std::mem::take(&mut self.schema.objects[index].fields);
        for position in 0..fields.len() {
            let Some((field_size, field_align)) = self.inline_size(&fields[position].ty) else {
                continue;
            };
            let padding = size.wrapping_neg() & (field_align - 1);
            if let Some(previous) = position.checked_sub(1).and_then(|p| fields.get_mut(p)) {
                previous.padding = padding as u16;
            }
            size += padding;
            let field = &mut fields[position];
            field.id = position as u16;
            match u16::try_from(size) {
                Ok(offset) => field.offset = offset,
                Err(_) => {
                    too_far.get_or_insert((position, size));
                }
            }
            size = size.saturating_add(field_size);
            align = align.max(field_align);
        }
        let object = &self.schema.objects[index];
        let sources = &self.objects[index].decl;
        if let Some(force) = sources
            .attributes
            .iter()
            .find(|a| a.name.name == "force_align")
        {
            let value = match force.value.as_ref().map(|v| &v.kind) {
                Some(ast::LiteralKind::Integer(text)) | Some(ast::LiteralKind::String(text)) => {
                    parse_integer(text)
                }
                _ => None,
            };
            let span = force.value.as_ref().map_or(force.span, |v| v.span);
            match value {
                Some(v) if v >= i128::from(align) && v <= i128::from(MAX_FORCE_ALIGN) && (v as u64).is_power_of_two() => {
                    align = v as u64;
                }
                _ => self.diags.push(
                    Diagnostic::error(span, "invalid `force_align` value")
                        .with_label(format!("expected a power of two from {align} to {MAX_FORCE_ALIGN}"))
                        .with_note(format!("note: `{}` needs an alignment of at least {align}, its largest field's", object.name)),
                ),
            }
        }
        if sources.fields.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    object.span,
                    format!("struct `{}` has no fields", object.name),
                )
                .with_label("empty struct")
                .with_note(
                    "help: structs must have at least one field; use an empty table instead",
                ),
            );
        }
        let end_padding = size.wrapping_neg() & (align - 1);
        if let Some(last) = fields.last_mut() {
            last.padding = end_padding as u16;
        }
        size = size.saturating_add(end_padding);
        if let Some((position, offset)) = too_far {
            let span = fields.get(position).map_or(object.span, |f| f.span);
            self.diags.push(
                Diagnostic::error(span, format!("struct `{}` is too large", object.name))
                    .with_label(format!(
                        "this field would start at byte {offset}, past the largest field offset {}",
                        u16::MAX
                    ))
                    .with_note("help: use smaller fixed-length arrays, or a vector in a table"),
            );
        }
        let object = &mut self.schema.objects[index];
        object.fields = fields;
        object.bytesize = u32::try_from(size).unwrap_or(u32::MAX);
        object.minalign = align as u32;
    }

    /// Size and alignment of a type stored inline in a struct (nested structs must be laid out).
    fn inline_size(&self, ty: &Type) -> Option<(u64, u64)> {
        match ty {
            Type::Scalar(scalar) => Some((scalar.size().into(), scalar.size().into())),
            Type::Enum(id) => {
                let size = self.schema.enums.get(id.0 as usize)?.underlying.size();
                Some((size.into(), size.into()))
            }
            Type::Struct(id) => {
                let object = self.schema.objects.get(id.0 as usize)?;
                Some((object.bytesize.into(), object.minalign.max(1).into()))
            }
            Type::Array(element, length) => {
                let (size, align) = self.inline_size(element)?;
                Some((size.saturating_mul(u64::from(*length)), align))
            }
            _ => None,
        }
    }

    /// Reports each cycle among structs that could not be laid out, once.
    fn report_struct_cycles(&mut self, done: &[bool]) {
        let mut reported = vec![false; done.len()];
        for start in 0..done.len() {
            if done[start] || reported[start] {
                continue;
            }
            // Follow not-laid-out nested structs until one repeats: that is a cycle.
            let mut path: Vec<(usize, Span)> = Vec::new();
            let mut current = start;
            let cycle_start = loop {
                if let Some(pos) = path.iter().position(|(i, _)| *i == current) {
                    break Some(pos);
                }
                let next = self.schema.objects[current].fields.iter().find_map(|f| {
                    nested_struct(&f.ty)
                        .filter(|id| !done.get(id.0 as usize).copied().unwrap_or(true))
                        .map(|id| (id.0 as usize, f.span))
                });
                let Some((next, span)) = next else {
                    break None;
                };
                path.push((current, span));
                current = next;
                if path.len() > done.len() {
                    break None;
                }
            };
            let Some(cycle_start) = cycle_start else {
                continue;
            };
            let cycle = &path[cycle_start..];
            if cycle.iter().any(|(i, _)| reported[*i]) {
                continue;
            }
            let names: Vec<String> = cycle
                .iter()
                .chain(cycle.first())
                .map(|(i, _)| format!("`{}`", self.schema.objects[*i].name))
                .collect();
            let (first, field_span) = cycle[0];
            let name = self.schema.objects[first].name.clone();
            let mut diag =
                Diagnostic::error(field_span, format!("struct `{name}` contains itself"))
                    .with_label("this field makes the struct infinitely large");
            for (i, span) in cycle.iter().skip(1) {
                diag = diag.with_secondary(
                    *span,
                    format!(
                        "`{}` contains the next struct here",
                        self.schema.objects[*i].name
                    ),
                );
            }
            diag = diag
                .with_note(format!("note: cycle: {}", names.join(" → ")))
                .with_note(
                    "help: use a table for one of them; tables refer to other tables by offset",
                );
            self.diags.push(diag);
            for (i, _) in cycle {
                reported[*i] = true;
            }
        }
    }
}

/// The struct a field stores inline (directly or as array elements).
fn nested_struct(ty: &Type) -> Option<ObjectId> {
    match ty {
        Type::Struct(id) => Some(*id),
        Type::Array(element, _) => nested_struct(element),
        _ => None,
    }
}
