//! Writer of binary reflection schemas (`.bfbs`, FlatBuffers' `reflection.fbs`).
//!
//! [`write()`] serializes a resolved [`Schema`] the way `flatc --binary --schema`
//! (flatc 25) does, so tools that read flatc's `.bfbs` files read ours too.
//! The tables are built by hand with [`flatbuffers::FlatBufferBuilder`]; the
//! slot numbers below follow the field order of `reflection/reflection.fbs`
//! (vendored in `tests/data/reflection.fbs`).
//!
//! What flatc does, and so what this writer does:
//!
//! * objects, enums and services are sorted by fully qualified name, fields by
//!   name, attributes by key, enum values by value (the `key` attributes of
//!   `reflection.fbs`); rpc calls keep declaration order, as flatc keeps them;
//! * `Type.index` points into the sorted `objects` / `enums` vectors;
//! * attributes without a value get the value text `"0"`, integer values are
//!   written in decimal (`0x10` becomes `"16"`); built-in attributes (`id`,
//!   `required`, ...) are written only with [`BfbsOptions::builtin_attributes`]
//!   unless the schema redeclares them with `attribute "..."`;
//! * the hidden `<union>_type` field carries only an `id` attribute, and only
//!   when its union field has an explicit `id`;
//! * `Field.optional` means "presence is optional": `= null` scalars, and every
//!   non-scalar table field that is not `required`;
//! * every NaN default is written as a positive quiet NaN (flatc drops the sign
//!   of `-nan`);
//! * `file_ident`, `file_ext` and `services` are always present (empty when
//!   not declared); `documentation` and `attributes` only when not empty;
//! * `declaration_file` and `fbs_files` name files relative to the directory of
//!   the first root file (`Schema::files[0]`), prefixed with `//` (flatc's
//!   default `--bfbs-filenames`); relative paths count from the working directory.
//!
//! One deliberate difference: a `ulong` default above `i64::MAX` is stored as its
//! bit pattern in `default_integer`; flatc 25 fails to convert such a default to
//! `int64` and stores 0, losing it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use flatbuffers::{FlatBufferBuilder, ForwardsUOffset, TableFinishedWIPOffset, Vector, WIPOffset};

use crate::diag::{FileId, SourceMap, Span};
use crate::schema::{
    AttributeValue, DefaultValue, EnumDef, FieldDef, Object, ScalarType, Schema, Type,
    BUILTIN_ATTRIBUTES,
};

/// A finished vector of tables.
type TableVector = WIPOffset<Vector<'static, ForwardsUOffset<TableFinishedWIPOffset>>>;
/// A finished vector of strings.
type StringVector = WIPOffset<Vector<'static, ForwardsUOffset<&'static str>>>;

/// What to include in the written `.bfbs`, mirroring flatc's flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BfbsOptions {
    /// Write `///` documentation (flatc's `--bfbs-comments`).
    pub comments: bool,
    /// Write built-in attributes such as `id` and `required` (flatc's `--bfbs-builtins`).
    pub builtin_attributes: bool,
}

impl Default for BfbsOptions {
    /// Both on, as the WAMP catalog build runs
    /// `flatc --binary --schema --bfbs-comments --bfbs-builtins`.
    fn default() -> BfbsOptions {
        BfbsOptions {
            comments: true,
            builtin_attributes: true,
        }
    }
}

/// The file identifier of binary schemas.
pub const FILE_IDENTIFIER: &str = "BFBS";

/// `reflection.BaseType` values.
mod base_type {
    pub const NONE: i8 = 0;
    pub const UTYPE: i8 = 1;
    pub const BOOL: i8 = 2;
    pub const BYTE: i8 = 3;
    pub const UBYTE: i8 = 4;
    pub const SHORT: i8 = 5;
    pub const USHORT: i8 = 6;
    pub const INT: i8 = 7;
    pub const UINT: i8 = 8;
    pub const LONG: i8 = 9;
    pub const ULONG: i8 = 10;
    pub const FLOAT: i8 = 11;
    pub const DOUBLE: i8 = 12;
    pub const STRING: i8 = 13;
    pub const VECTOR: i8 = 14;
    pub const OBJ: i8 = 15;
    pub const UNION: i8 = 16;
    pub const ARRAY: i8 = 17;
}

/// `reflection.AdvancedFeatures` bits.
mod advanced {
    pub const ARRAY_FEATURES: u64 = 1;
    pub const UNION_FEATURES: u64 = 2;
    pub const OPTIONAL_SCALARS: u64 = 4;
    pub const DEFAULT_VECTORS_AND_STRINGS: u64 = 8;
}

/// vtable offset of the `n`th field of a reflection table.
const fn slot(n: u16) -> u16 {
    4 + 2 * n
}

/// Serializes `schema` as a binary reflection schema (file identifier `BFBS`).
///
/// `sources` must be the map the schema was resolved with: it gives the file
/// names written as `declaration_file` / `fbs_files`, and tells string from
/// number attribute values. Never panics, also on an inconsistent model (a
/// dangling object or enum id is written as index `-1`).
///
/// ```
/// use wamp_idl_core::bfbs::{write, BfbsOptions};
/// use wamp_idl_core::diag::SourceMap;
/// use wamp_idl_core::schema::Schema;
///
/// let bytes = write(&Schema::default(), &SourceMap::new(), &BfbsOptions::default());
/// assert_eq!(&bytes[4..8], b"BFBS");
/// ```
pub fn write(schema: &Schema, sources: &SourceMap, options: &BfbsOptions) -> Vec<u8> {
    let mut writer = Writer::new(schema, sources, options);
    writer.write_schema();
    writer.fbb.finished_data().to_vec()
}

/// A position in a sorted output vector for every model object / enum.
struct Indices {
    object_index: Vec<i32>,
    enum_index: Vec<i32>,
    objects_sorted: Vec<usize>,
    enums_sorted: Vec<usize>,
}

impl Indices {
    fn new(schema: &Schema) -> Indices {
        let (objects_sorted, object_index) =
            sorted_positions(schema.objects.iter().map(Object::full_name).collect());
        let (enums_sorted, enum_index) =
            sorted_positions(schema.enums.iter().map(EnumDef::full_name).collect());
        Indices {
            object_index,
            enum_index,
            objects_sorted,
            enums_sorted,
        }
    }

    fn object(&self, id: u32) -> i32 {
        self.object_index.get(id as usize).copied().unwrap_or(-1)
    }

    fn enumeration(&self, id: u32) -> i32 {
        self.enum_index.get(id as usize).copied().unwrap_or(-1)
    }
}

/// Sorts `names` (byte-wise, as flatc's `std::string` compare); returns the
/// model positions in sorted order and, per model position, its sorted index.
fn sorted_positions(names: Vec<String>) -> (Vec<usize>, Vec<i32>) {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut index = vec![-1; names.len()];
    for (sorted, &model) in order.iter().enumerate() {
        index[model] = i32::try_from(sorted).unwrap_or(i32::MAX);
    }
    (order, index)
}

/// The reflection view of one field type.
struct TypeInfo {
    base_type: i8,
    element: i8,
    index: i32,
    fixed_length: u16,
    base_size: u32,
    element_size: u32,
}

struct Writer<'a> {
    fbb: FlatBufferBuilder<'static>,
    schema: &'a Schema,
    sources: &'a SourceMap,
    options: &'a BfbsOptions,
    indices: Indices,
    root_dir: Vec<String>,
    builtins: BTreeSet<&'static str>,
}

impl<'a> Writer<'a> {
    fn new(schema: &'a Schema, sources: &'a SourceMap, options: &'a BfbsOptions) -> Writer<'a> {
        let declared: BTreeSet<&str> = schema
            .declared_attributes
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        // A schema's `attribute "x"` turns a built-in into a user attribute (flatc does the same).
        let builtins = BUILTIN_ATTRIBUTES
            .iter()
            .copied()
            .filter(|name| !declared.contains(name))
            .collect();
        let root_dir = schema
            .files
            .first()
            .and_then(|f| sources.files().find(|(id, _)| *id == f.file))
            .map(|(_, file)| {
                let mut parts = absolute_parts(&file.path);
                parts.pop();
                parts
            })
            .unwrap_or_default();
        Writer {
            fbb: FlatBufferBuilder::new(),
            schema,
            sources,
            options,
            indices: Indices::new(schema),
            root_dir,
            builtins,
        }
    }

    fn write_schema(&mut self) {
        let schema = self.schema;
        let mut object_offsets = vec![None; schema.objects.len()];
        let mut sorted_objects = Vec::with_capacity(schema.objects.len());
        for pos in self.indices.objects_sorted.clone() {
            let offset = self.write_object(&schema.objects[pos]);
            object_offsets[pos] = Some(offset);
            sorted_objects.push(offset);
        }
        let mut sorted_enums = Vec::with_capacity(schema.enums.len());
        for pos in self.indices.enums_sorted.clone() {
            let offset = self.write_enum(pos);
            sorted_enums.push(offset);
        }
        let mut services: Vec<(String, WIPOffset<TableFinishedWIPOffset>)> = Vec::new();
        for service in &schema.services {
            let offset = self.write_service(service, &object_offsets);
            services.push((service.full_name(), offset));
        }
        services.sort_by(|a, b| a.0.cmp(&b.0));
        let services: Vec<_> = services.into_iter().map(|(_, o)| o).collect();
        let fbs_files = self.write_fbs_files();

        let objects = self.fbb.create_vector(&sorted_objects);
        let enums = self.fbb.create_vector(&sorted_enums);
        let file_ident = self
            .fbb
            .create_string(schema.file_ident.as_deref().unwrap_or(""));
        let file_ext = self
            .fbb
            .create_string(schema.file_ext.as_deref().unwrap_or(""));
        let services = self.fbb.create_vector(&services);
        let root_table = schema
            .root_table
            .and_then(|id| object_offsets.get(id.0 as usize).copied().flatten());
        let features = self.advanced_features();

        let start = self.fbb.start_table();
        self.fbb.push_slot_always(slot(0), objects);
        self.fbb.push_slot_always(slot(1), enums);
        self.fbb.push_slot_always(slot(2), file_ident);
        self.fbb.push_slot_always(slot(3), file_ext);
        if let Some(root) = root_table {
            self.fbb.push_slot_always(slot(4), root);
        }
        self.fbb.push_slot_always(slot(5), services);
        self.fbb.push_slot(slot(6), features, 0u64);
        if let Some(files) = fbs_files {
            self.fbb.push_slot_always(slot(7), files);
        }
        let root = self.fbb.end_table(start);
        self.fbb.finish(root, Some(FILE_IDENTIFIER));
    }

    /// flatc's `advanced_features_`: set by the parser when a schema uses
    /// fixed arrays, vectors of unions, optional scalars or string/vector defaults.
    fn advanced_features(&self) -> u64 {
        let mut features = 0;
        for field in self.schema.objects.iter().flat_map(|o| &o.fields) {
            match &field.ty {
                Type::Array(..) => features |= advanced::ARRAY_FEATURES,
                Type::Vector(inner) if matches!(**inner, Type::Union(_)) => {
                    features |= advanced::UNION_FEATURES
                }
                _ => {}
            }
            match field.default {
                DefaultValue::Null => features |= advanced::OPTIONAL_SCALARS,
                DefaultValue::String(_) | DefaultValue::EmptyVector => {
                    features |= advanced::DEFAULT_VECTORS_AND_STRINGS
                }
                _ if field.optional => features |= advanced::OPTIONAL_SCALARS,
                _ => {}
            }
        }
        features
    }

    fn write_object(&mut self, object: &Object) -> WIPOffset<TableFinishedWIPOffset> {
        let mut fields: Vec<(usize, &FieldDef)> = object.fields.iter().enumerate().collect();
        fields.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        let mut field_offsets = Vec::with_capacity(fields.len());
        for &(pos, field) in &fields {
            let union_field = if field.synthetic {
                object.fields.get(pos + 1)
            } else {
                None
            };
            field_offsets.push(self.write_field(object, field, union_field));
        }
        let name = self.fbb.create_string(&object.full_name());
        let fields = self.fbb.create_vector(&field_offsets);
        let attributes = self.write_attributes(&object.attributes);
        let docs = self.write_docs(&object.docs);
        let file = self.declaration_file(object.span);

        let start = self.fbb.start_table();
        self.fbb.push_slot_always(slot(0), name);
        self.fbb.push_slot_always(slot(1), fields);
        self.fbb.push_slot(slot(2), object.is_struct, false);
        self.fbb.push_slot(
            slot(3),
            i32::try_from(object.minalign).unwrap_or(i32::MAX),
            0,
        );
        self.fbb.push_slot(
            slot(4),
            i32::try_from(object.bytesize).unwrap_or(i32::MAX),
            0,
        );
        if let Some(attributes) = attributes {
            self.fbb.push_slot_always(slot(5), attributes);
        }
        if let Some(docs) = docs {
            self.fbb.push_slot_always(slot(6), docs);
        }
        self.fbb.push_slot_always(slot(7), file);
        self.fbb.end_table(start)
    }

    /// `union_field` is the union field a synthetic `_type` field belongs to.
    fn write_field(
        &mut self,
        object: &Object,
        field: &FieldDef,
        union_field: Option<&FieldDef>,
    ) -> WIPOffset<TableFinishedWIPOffset> {
        let name = self.fbb.create_string(&field.name);
        let ty = self.type_info(&field.ty);
        let ty = self.write_type(&ty);
        let attributes = if field.synthetic {
            // flatc gives the hidden field an `id` only when the union field has one.
            let id = AttributeValue {
                name: "id".to_string(),
                value: Some(field.id.to_string()),
                span: field.span,
                value_span: None,
            };
            let explicit_id = union_field.is_some_and(|u| u.attribute("id").is_some());
            if explicit_id {
                self.write_attributes(std::slice::from_ref(&id))
            } else {
                None
            }
        } else {
            self.write_attributes(&field.attributes)
        };
        let docs = self.write_docs(&field.docs);
        let (default_integer, default_real) = match field.default {
            DefaultValue::Integer(v) => (v, 0.0),
            // flatc stores every NaN default (also `-nan`) as a positive quiet NaN.
            DefaultValue::Float(v) if v.is_nan() => (0, f64::NAN),
            DefaultValue::Float(v) => (0, v),
            DefaultValue::None
            | DefaultValue::Null
            | DefaultValue::String(_)
            | DefaultValue::EmptyVector => (0, 0.0),
        };
        // flatc's `optional` is "presence is optional": `= null` scalars, and every
        // non-scalar field that is neither `required` nor has a default (a string
        // or vector default makes the field read as present).
        let optional = if is_scalar(&field.ty) || object.is_struct {
            field.optional || field.default == DefaultValue::Null
        } else {
            !field.required && field.default == DefaultValue::None
        };

        let start = self.fbb.start_table();
        self.fbb.push_slot_always(slot(0), name);
        self.fbb.push_slot_always(slot(1), ty);
        self.fbb.push_slot(slot(2), field.id, 0u16);
        self.fbb.push_slot(slot(3), field.offset, 0u16);
        self.fbb.push_slot(slot(4), default_integer, 0i64);
        // Compare bit patterns: NaN and -0.0 defaults must still be written.
        if default_real.to_bits() != 0f64.to_bits() {
            self.fbb.push_slot_always(slot(5), default_real);
        }
        self.fbb.push_slot(slot(6), field.deprecated, false);
        self.fbb.push_slot(slot(7), field.required, false);
        self.fbb.push_slot(slot(8), field.key, false);
        if let Some(attributes) = attributes {
            self.fbb.push_slot_always(slot(9), attributes);
        }
        if let Some(docs) = docs {
            self.fbb.push_slot_always(slot(10), docs);
        }
        self.fbb.push_slot(slot(11), optional, false);
        self.fbb.push_slot(slot(12), field.padding, 0u16);
        self.fbb.end_table(start)
    }

    fn write_enum(&mut self, pos: usize) -> WIPOffset<TableFinishedWIPOffset> {
        let schema = self.schema;
        let def = &schema.enums[pos];
        let mut values: Vec<_> = def.values.iter().collect();
        // `EnumVal.value` is the key; flatc orders `ulong` enums as unsigned.
        if def.underlying == ScalarType::ULong {
            values.sort_by_key(|v| v.value as u64);
        } else {
            values.sort_by_key(|v| v.value);
        }
        let mut value_offsets = Vec::with_capacity(values.len());
        for value in values {
            let name = self.fbb.create_string(&value.name);
            let union_type = match &value.union_type {
                Some(ty) => self.type_info(ty),
                None => TypeInfo {
                    base_type: base_type::NONE,
                    element: base_type::NONE,
                    index: -1,
                    fixed_length: 0,
                    base_size: 1,
                    element_size: 1,
                },
            };
            let union_type = self.write_type(&union_type);
            let docs = self.write_docs(&value.docs);
            let attributes = self.write_attributes(&value.attributes);
            let start = self.fbb.start_table();
            self.fbb.push_slot_always(slot(0), name);
            self.fbb.push_slot(slot(1), value.value, 0i64);
            self.fbb.push_slot_always(slot(3), union_type);
            if let Some(docs) = docs {
                self.fbb.push_slot_always(slot(4), docs);
            }
            if let Some(attributes) = attributes {
                self.fbb.push_slot_always(slot(5), attributes);
            }
            value_offsets.push(self.fbb.end_table(start));
        }
        let name = self.fbb.create_string(&def.full_name());
        let values = self.fbb.create_vector(&value_offsets);
        let own_index = self.indices.enum_index.get(pos).copied().unwrap_or(-1);
        let underlying = if def.is_union {
            TypeInfo {
                base_type: base_type::UTYPE,
                element: base_type::NONE,
                index: own_index,
                fixed_length: 0,
                base_size: 1,
                element_size: 1,
            }
        } else {
            TypeInfo {
                index: own_index,
                ..scalar_info(def.underlying)
            }
        };
        let underlying = self.write_type(&underlying);
        let attributes = self.write_attributes(&def.attributes);
        let docs = self.write_docs(&def.docs);
        let file = self.declaration_file(def.span);

        let start = self.fbb.start_table();
        self.fbb.push_slot_always(slot(0), name);
        self.fbb.push_slot_always(slot(1), values);
        self.fbb.push_slot(slot(2), def.is_union, false);
        self.fbb.push_slot_always(slot(3), underlying);
        if let Some(attributes) = attributes {
            self.fbb.push_slot_always(slot(4), attributes);
        }
        if let Some(docs) = docs {
            self.fbb.push_slot_always(slot(5), docs);
        }
        self.fbb.push_slot_always(slot(6), file);
        self.fbb.end_table(start)
    }

    fn write_service(
        &mut self,
        service: &crate::schema::Service,
        object_offsets: &[Option<WIPOffset<TableFinishedWIPOffset>>],
    ) -> WIPOffset<TableFinishedWIPOffset> {
        let mut call_offsets = Vec::with_capacity(service.calls.len());
        for call in &service.calls {
            let name = self.fbb.create_string(&call.name);
            let request = object_offsets
                .get(call.request.0 as usize)
                .copied()
                .flatten();
            let response = object_offsets
                .get(call.response.0 as usize)
                .copied()
                .flatten();
            let attributes = self.write_attributes(&call.attributes);
            let docs = self.write_docs(&call.docs);
            let start = self.fbb.start_table();
            self.fbb.push_slot_always(slot(0), name);
            if let Some(request) = request {
                self.fbb.push_slot_always(slot(1), request);
            }
            if let Some(response) = response {
                self.fbb.push_slot_always(slot(2), response);
            }
            if let Some(attributes) = attributes {
                self.fbb.push_slot_always(slot(3), attributes);
            }
            if let Some(docs) = docs {
                self.fbb.push_slot_always(slot(4), docs);
            }
            call_offsets.push(self.fbb.end_table(start));
        }
        let name = self.fbb.create_string(&service.full_name());
        let calls = self.fbb.create_vector(&call_offsets);
        let attributes = self.write_attributes(&service.attributes);
        let docs = self.write_docs(&service.docs);
        let file = self.declaration_file(service.span);

        let start = self.fbb.start_table();
        self.fbb.push_slot_always(slot(0), name);
        self.fbb.push_slot_always(slot(1), calls);
        if let Some(attributes) = attributes {
            self.fbb.push_slot_always(slot(2), attributes);
        }
        if let Some(docs) = docs {
            self.fbb.push_slot_always(slot(3), docs);
        }
        self.fbb.push_slot_always(slot(4), file);
        self.fbb.end_table(start)
    }

    fn write_type(&mut self, ty: &TypeInfo) -> WIPOffset<TableFinishedWIPOffset> {
        let start = self.fbb.start_table();
        self.fbb.push_slot(slot(0), ty.base_type, 0i8);
        self.fbb.push_slot(slot(1), ty.element, 0i8);
        self.fbb.push_slot(slot(2), ty.index, -1i32);
        self.fbb.push_slot(slot(3), ty.fixed_length, 0u16);
        self.fbb.push_slot(slot(4), ty.base_size, 4u32);
        self.fbb.push_slot(slot(5), ty.element_size, 0u32);
        self.fbb.end_table(start)
    }

    /// flatc's `Type::Serialize`: `base_size` is the size of the field slot,
    /// `element_size` the size of `element` (1 for `None`), except that vectors
    /// of structs use the struct's size (arrays of structs keep 4, as in flatc).
    fn type_info(&self, ty: &Type) -> TypeInfo {
        let (base_type, index) = self.base_and_index(ty);
        match ty {
            Type::Vector(inner) | Type::Array(inner, _) => {
                let (element, index) = self.base_and_index(inner);
                let element_size = match (&**inner, ty) {
                    (Type::Struct(id), Type::Vector(_)) => self
                        .schema
                        .objects
                        .get(id.0 as usize)
                        .map_or(4, |o| o.bytesize),
                    _ => base_type_size(element),
                };
                let fixed_length = match ty {
                    Type::Array(_, n) => *n,
                    _ => 0,
                };
                TypeInfo {
                    base_type,
                    element,
                    index,
                    fixed_length,
                    base_size: 4,
                    element_size,
                }
            }
            _ => TypeInfo {
                base_type,
                element: base_type::NONE,
                index,
                fixed_length: 0,
                base_size: base_type_size(base_type),
                element_size: 1,
            },
        }
    }

    fn base_and_index(&self, ty: &Type) -> (i8, i32) {
        match ty {
            Type::Scalar(s) => (scalar_base_type(*s), -1),
            Type::Enum(id) => {
                let underlying = self
                    .schema
                    .enums
                    .get(id.0 as usize)
                    .map_or(base_type::NONE, |e| scalar_base_type(e.underlying));
                (underlying, self.indices.enumeration(id.0))
            }
            Type::String => (base_type::STRING, -1),
            Type::Table(id) | Type::Struct(id) => (base_type::OBJ, self.indices.object(id.0)),
            Type::Union(id) => (base_type::UNION, self.indices.enumeration(id.0)),
            Type::UnionType(id) => (base_type::UTYPE, self.indices.enumeration(id.0)),
            Type::Vector(_) => (base_type::VECTOR, -1),
            Type::Array(..) => (base_type::ARRAY, -1),
        }
    }

    /// Attributes sorted by key (flatc keeps them in a `std::map`), filtered by
    /// the built-in option; `None` when nothing is left (flatc omits the vector).
    fn write_attributes(&mut self, attributes: &[AttributeValue]) -> Option<TableVector> {
        let mut kept: BTreeMap<&str, String> = BTreeMap::new();
        for attribute in attributes {
            if !self.options.builtin_attributes && self.builtins.contains(attribute.name.as_str()) {
                continue;
            }
            kept.insert(&attribute.name, self.attribute_text(attribute));
        }
        if kept.is_empty() {
            return None;
        }
        let mut offsets = Vec::with_capacity(kept.len());
        for (key, value) in kept {
            let key = self.fbb.create_string(key);
            let value = self.fbb.create_string(&value);
            let start = self.fbb.start_table();
            self.fbb.push_slot_always(slot(0), key);
            self.fbb.push_slot_always(slot(1), value);
            offsets.push(self.fbb.end_table(start));
        }
        Some(self.fbb.create_vector(&offsets))
    }

    /// The value text flatc stores: `"0"` without a value, string contents as
    /// they are, integers in decimal.
    fn attribute_text(&self, attribute: &AttributeValue) -> String {
        let Some(value) = &attribute.value else {
            return "0".to_string();
        };
        let is_string_literal = attribute
            .value_span
            .is_some_and(|span| self.snippet(span).starts_with('"'));
        if is_string_literal {
            return value.clone();
        }
        parse_integer(value).unwrap_or_else(|| value.clone())
    }

    fn snippet(&self, span: Span) -> &str {
        if self.sources.files().any(|(id, _)| id == span.file) {
            self.sources.snippet(span)
        } else {
            ""
        }
    }

    fn write_docs(&mut self, docs: &[String]) -> Option<StringVector> {
        if !self.options.comments || docs.is_empty() {
            return None;
        }
        let lines: Vec<_> = docs.iter().map(|d| self.fbb.create_string(d)).collect();
        Some(self.fbb.create_vector(&lines))
    }

    fn declaration_file(&mut self, span: Span) -> WIPOffset<&'static str> {
        let name = self.file_name(span.file).unwrap_or_default();
        self.fbb.create_string(&name)
    }

    /// `//` plus the path relative to the root file's directory.
    fn file_name(&self, file: FileId) -> Option<String> {
        let (_, source) = self.sources.files().find(|(id, _)| *id == file)?;
        Some(relative_to(&self.root_dir, &absolute_parts(&source.path)))
    }

    fn write_fbs_files(&mut self) -> Option<TableVector> {
        let mut files: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for info in &self.schema.files {
            let Some(name) = self.file_name(info.file) else {
                continue;
            };
            let includes: BTreeSet<String> = info
                .includes
                .iter()
                .filter_map(|&inc| self.file_name(inc))
                .collect();
            files.entry(name).or_default().extend(includes);
        }
        if files.is_empty() {
            return None;
        }
        let mut offsets = Vec::with_capacity(files.len());
        for (name, includes) in files {
            let name = self.fbb.create_string(&name);
            let includes: Vec<_> = includes
                .iter()
                .map(|inc| self.fbb.create_string(inc))
                .collect();
            let includes = self.fbb.create_vector(&includes);
            let start = self.fbb.start_table();
            self.fbb.push_slot_always(slot(0), name);
            self.fbb.push_slot_always(slot(1), includes);
            offsets.push(self.fbb.end_table(start));
        }
        Some(self.fbb.create_vector(&offsets))
    }
}

fn is_scalar(ty: &Type) -> bool {
    matches!(ty, Type::Scalar(_) | Type::Enum(_) | Type::UnionType(_))
}

fn scalar_base_type(s: ScalarType) -> i8 {
    match s {
        ScalarType::Bool => base_type::BOOL,
        ScalarType::Byte => base_type::BYTE,
        ScalarType::UByte => base_type::UBYTE,
        ScalarType::Short => base_type::SHORT,
        ScalarType::UShort => base_type::USHORT,
        ScalarType::Int => base_type::INT,
        ScalarType::UInt => base_type::UINT,
        ScalarType::Long => base_type::LONG,
        ScalarType::ULong => base_type::ULONG,
        ScalarType::Float => base_type::FLOAT,
        ScalarType::Double => base_type::DOUBLE,
    }
}

fn scalar_info(s: ScalarType) -> TypeInfo {
    TypeInfo {
        base_type: scalar_base_type(s),
        element: base_type::NONE,
        index: -1,
        fixed_length: 0,
        base_size: s.size(),
        element_size: 1,
    }
}

/// flatc's `SizeOf(BaseType)`: scalars their size, offsets 4, `None`/`UType` 1.
fn base_type_size(base: i8) -> u32 {
    match base {
        base_type::NONE
        | base_type::UTYPE
        | base_type::BOOL
        | base_type::BYTE
        | base_type::UBYTE => 1,
        base_type::SHORT | base_type::USHORT => 2,
        base_type::LONG | base_type::ULONG | base_type::DOUBLE => 8,
        _ => 4,
    }
}

/// An integer literal (`-12`, `+5`, `0x1F`) in decimal; `None` if not one.
fn parse_integer(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u64::from_str_radix(hex, 16).ok()?,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<u64>().ok()?
        }
        None => return None,
    };
    Some(if negative && magnitude != 0 {
        format!("-{magnitude}")
    } else {
        magnitude.to_string()
    })
}

/// Path components of `path` made absolute (against the working directory,
/// as flatc does), with `.` and `..` resolved lexically.
fn absolute_parts(path: &Path) -> Vec<String> {
    match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => normalize(&cwd.join(path)),
        _ => normalize(path),
    }
}

/// Path components with `.` and `..` resolved lexically (no file system access).
fn normalize(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last().map(String::as_str) {
                // `..` of the root (or of a Windows prefix) is the root.
                Some("") => {}
                Some(p) if p != ".." && !p.ends_with(':') => {
                    parts.pop();
                }
                _ => parts.push("..".to_string()),
            },
            Component::RootDir => parts.push(String::new()),
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
        }
    }
    parts
}

/// `//` + `file` relative to `dir` (both normalized component lists).
fn relative_to(dir: &[String], file: &[String]) -> String {
    let common = dir.iter().zip(file).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; dir.len() - common];
    parts.extend(file[common..].iter().map(String::as_str));
    format!("//{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_in_decimal() {
        assert_eq!(parse_integer("0x10").as_deref(), Some("16"));
        assert_eq!(parse_integer("+5").as_deref(), Some("5"));
        assert_eq!(parse_integer("-1").as_deref(), Some("-1"));
        assert_eq!(parse_integer("-0").as_deref(), Some("0"));
        assert_eq!(parse_integer("abc"), None);
        assert_eq!(parse_integer("1.5"), None);
        assert_eq!(parse_integer(""), None);
        assert_eq!(parse_integer("-"), None);
    }

    #[test]
    fn paths_are_relative_to_the_root_directory() {
        let dir = normalize(Path::new("tests/valid"));
        let rel = |p: &str| relative_to(&dir, &normalize(Path::new(p)));
        assert_eq!(rel("tests/valid/a.fbs"), "//a.fbs");
        assert_eq!(
            rel("tests/valid/inc/nested/../common.fbs"),
            "//inc/common.fbs"
        );
        assert_eq!(rel("tests/other/b.fbs"), "//../other/b.fbs");
        assert_eq!(normalize(Path::new("/../a")), ["", "a"]);
        assert_eq!(
            relative_to(&[], &normalize(Path::new("./x.fbs"))),
            "//x.fbs"
        );
    }

    #[test]
    fn dangling_ids_do_not_panic() {
        use crate::schema::{EnumId, ObjectId, RpcCall, SchemaFileInfo, Service};
        let span = Span::new(FileId(9), 0, 0);
        let field = |name: &str, ty: Type| FieldDef {
            name: name.to_string(),
            ty,
            id: 0,
            offset: 4,
            default: DefaultValue::Float(f64::NAN),
            deprecated: false,
            required: false,
            key: false,
            optional: false,
            padding: 0,
            attributes: vec![AttributeValue {
                name: "id".to_string(),
                value: Some("0x".to_string()),
                span,
                value_span: Some(span),
            }],
            docs: vec!["doc".to_string()],
            span,
            synthetic: true,
        };
        let schema = Schema {
            objects: vec![Object {
                name: "T".to_string(),
                namespace: Vec::new(),
                is_struct: false,
                fields: vec![
                    field("a", Type::Table(ObjectId(99))),
                    field("b", Type::Vector(Box::new(Type::Struct(ObjectId(5))))),
                    field("c", Type::Array(Box::new(Type::Enum(EnumId(42))), 3)),
                    field("d", Type::UnionType(EnumId(7))),
                ],
                minalign: u32::MAX,
                bytesize: u32::MAX,
                attributes: Vec::new(),
                docs: Vec::new(),
                span,
            }],
            services: vec![Service {
                name: "S".to_string(),
                namespace: Vec::new(),
                calls: vec![RpcCall {
                    name: "m".to_string(),
                    request: ObjectId(3),
                    response: ObjectId(0),
                    attributes: Vec::new(),
                    docs: Vec::new(),
                    span,
                }],
                attributes: Vec::new(),
                docs: Vec::new(),
                span,
            }],
            root_table: Some(ObjectId(12)),
            files: vec![SchemaFileInfo {
                file: FileId(9),
                includes: vec![FileId(10)],
            }],
            ..Schema::default()
        };
        let bytes = write(&schema, &SourceMap::new(), &BfbsOptions::default());
        assert!(flatbuffers::buffer_has_identifier(
            &bytes,
            FILE_IDENTIFIER,
            false
        ));
    }

    #[test]
    fn empty_schema_has_the_bfbs_identifier() {
        let bytes = write(
            &Schema::default(),
            &SourceMap::new(),
            &BfbsOptions::default(),
        );
        assert!(flatbuffers::buffer_has_identifier(
            &bytes,
            FILE_IDENTIFIER,
            false
        ));
    }
}
