//! The resolved schema model: every name looked up, every layout computed.
//!
//! This is what the resolver produces from the syntax trees of a root file and
//! its includes, and what the WAMP IDL layer, the `.bfbs` writer and the code
//! generator read. Declarations keep source order here (the `.bfbs` writer
//! sorts them by name, as `reflection.fbs` requires).
//!
//! Layout follows flatc: table fields get slot ids (a union field takes two,
//! its hidden `<name>_type` field comes first and is stored explicitly, as flatc
//! does), table field offsets are vtable offsets (`4 + 2 * id`), struct field
//! offsets are byte offsets with explicit padding.

use crate::diag::{FileId, Span};

/// Index into [`Schema::objects`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub u32);

/// Index into [`Schema::enums`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);

/// A fully resolved schema: one root file plus everything it includes.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Tables and structs, in declaration order (included files first, as flatc parses them).
    pub objects: Vec<Object>,
    /// Enums and unions, in declaration order.
    pub enums: Vec<EnumDef>,
    /// `rpc_service` declarations, in declaration order.
    pub services: Vec<Service>,
    /// `root_type`, if declared.
    pub root_table: Option<ObjectId>,
    /// `file_identifier`, if declared.
    pub file_ident: Option<String>,
    /// `file_extension`, if declared.
    pub file_ext: Option<String>,
    /// `attribute` declarations seen (name and place).
    pub declared_attributes: Vec<(String, Span)>,
    /// Every file read, with the files it includes directly.
    pub files: Vec<SchemaFileInfo>,
}

impl Schema {
    /// The object with the given id.
    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0 as usize]
    }

    /// The enum or union with the given id.
    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.enums[id.0 as usize]
    }

    /// Finds an object by fully qualified name (`ns.Name`).
    pub fn find_object(&self, full_name: &str) -> Option<ObjectId> {
        self.objects
            .iter()
            .position(|o| o.full_name() == full_name)
            .map(|i| ObjectId(i as u32))
    }

    /// Finds an enum or union by fully qualified name.
    pub fn find_enum(&self, full_name: &str) -> Option<EnumId> {
        self.enums
            .iter()
            .position(|e| e.full_name() == full_name)
            .map(|i| EnumId(i as u32))
    }
}

/// A file that took part in the schema.
#[derive(Clone, Debug)]
pub struct SchemaFileInfo {
    /// Its id in the run's `SourceMap`.
    pub file: FileId,
    /// Files it includes directly.
    pub includes: Vec<FileId>,
}

/// flatc's built-in attributes (`known_attributes_` in flatc's idl_parser.h):
/// always allowed without an `attribute` declaration, and written to `.bfbs`
/// only with `--bfbs-builtins`.
pub const BUILTIN_ATTRIBUTES: &[&str] = &[
    "deprecated",
    "required",
    "key",
    "shared",
    "hash",
    "id",
    "force_align",
    "bit_flags",
    "original_order",
    "nested_flatbuffer",
    "csharp_partial",
    "streaming",
    "idempotent",
    "cpp_type",
    "cpp_ptr_type",
    "cpp_ptr_type_get",
    "cpp_str_type",
    "cpp_str_flex_ctor",
    "native_inline",
    "native_custom_alloc",
    "native_type",
    "native_type_pack_name",
    "native_default",
    "flexbuffer",
    "private",
    "offset64",
    "vector64",
];

/// Joins a namespace and a short name with dots.
pub fn full_name(namespace: &[String], name: &str) -> String {
    let mut s = String::new();
    for part in namespace {
        s.push_str(part);
        s.push('.');
    }
    s.push_str(name);
    s
}

/// A `table` or `struct`.
#[derive(Clone, Debug)]
pub struct Object {
    /// Short name as declared.
    pub name: String,
    /// Namespace parts (`["wamp", "proto"]`).
    pub namespace: Vec<String>,
    /// `struct` rather than `table`.
    pub is_struct: bool,
    /// Fields in declaration order (for unions: `<name>_type` then `<name>`).
    pub fields: Vec<FieldDef>,
    /// Alignment in bytes (structs; tables report 1 as flatc does).
    pub minalign: u32,
    /// Size in bytes (structs; 0 for tables).
    pub bytesize: u32,
    /// Attributes on the declaration.
    pub attributes: Vec<AttributeValue>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The declaration's name.
    pub span: Span,
}

impl Object {
    /// `ns.Name`.
    pub fn full_name(&self) -> String {
        full_name(&self.namespace, &self.name)
    }

    /// The attribute with this name, if present.
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// One field of an object.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// Field name.
    pub name: String,
    /// Resolved type.
    pub ty: Type,
    /// Slot id (tables) or position (structs).
    pub id: u16,
    /// vtable offset (tables: `4 + 2 * id`) or byte offset (structs).
    pub offset: u16,
    /// Default value for scalars.
    pub default: DefaultValue,
    /// `deprecated` attribute.
    pub deprecated: bool,
    /// `required` attribute.
    pub required: bool,
    /// `key` attribute.
    pub key: bool,
    /// Declared `= null` (optional scalar).
    pub optional: bool,
    /// Padding bytes after this field (structs).
    pub padding: u16,
    /// All attributes as written (including `id`, `required`, custom ones).
    pub attributes: Vec<AttributeValue>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The field's declaration (for the hidden union `_type` field, the union field's).
    pub span: Span,
    /// The hidden `<name>_type` field flatc adds before a union field.
    pub synthetic: bool,
}

impl FieldDef {
    /// The attribute with this name, if present.
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A resolved attribute `name` or `name: value`.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeValue {
    /// Attribute name.
    pub name: String,
    /// Value as text (a string literal's contents, or a number as written); `None` without value.
    pub value: Option<String>,
    /// The whole `name: value`.
    pub span: Span,
    /// The value literal, if any (for pointing at bad values).
    pub value_span: Option<Span>,
}

/// The scalar base types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `bool`
    Bool,
    /// `byte` / `int8`
    Byte,
    /// `ubyte` / `uint8`
    UByte,
    /// `short` / `int16`
    Short,
    /// `ushort` / `uint16`
    UShort,
    /// `int` / `int32`
    Int,
    /// `uint` / `uint32`
    UInt,
    /// `long` / `int64`
    Long,
    /// `ulong` / `uint64`
    ULong,
    /// `float` / `float32`
    Float,
    /// `double` / `float64`
    Double,
}

impl ScalarType {
    /// Size in bytes.
    pub fn size(self) -> u32 {
        match self {
            ScalarType::Bool | ScalarType::Byte | ScalarType::UByte => 1,
            ScalarType::Short | ScalarType::UShort => 2,
            ScalarType::Int | ScalarType::UInt | ScalarType::Float => 4,
            ScalarType::Long | ScalarType::ULong | ScalarType::Double => 8,
        }
    }

    /// Integer types (not bool, not floats).
    pub fn is_integer(self) -> bool {
        !matches!(
            self,
            ScalarType::Bool | ScalarType::Float | ScalarType::Double
        )
    }

    /// Float types.
    pub fn is_float(self) -> bool {
        matches!(self, ScalarType::Float | ScalarType::Double)
    }

    /// The canonical schema keyword (`int`, `ubyte`, ...).
    pub fn keyword(self) -> &'static str {
        match self {
            ScalarType::Bool => "bool",
            ScalarType::Byte => "byte",
            ScalarType::UByte => "ubyte",
            ScalarType::Short => "short",
            ScalarType::UShort => "ushort",
            ScalarType::Int => "int",
            ScalarType::UInt => "uint",
            ScalarType::Long => "long",
            ScalarType::ULong => "ulong",
            ScalarType::Float => "float",
            ScalarType::Double => "double",
        }
    }

    /// Parses a scalar keyword incl. the sized aliases (`int32`, `float64`, ...).
    pub fn from_keyword(word: &str) -> Option<ScalarType> {
        Some(match word {
            "bool" => ScalarType::Bool,
            "byte" | "int8" => ScalarType::Byte,
            "ubyte" | "uint8" => ScalarType::UByte,
            "short" | "int16" => ScalarType::Short,
            "ushort" | "uint16" => ScalarType::UShort,
            "int" | "int32" => ScalarType::Int,
            "uint" | "uint32" => ScalarType::UInt,
            "long" | "int64" => ScalarType::Long,
            "ulong" | "uint64" => ScalarType::ULong,
            "float" | "float32" => ScalarType::Float,
            "double" | "float64" => ScalarType::Double,
            _ => return None,
        })
    }
}

/// A resolved field type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// A scalar.
    Scalar(ScalarType),
    /// An enum-typed scalar (underlying type in the enum).
    Enum(EnumId),
    /// `string`
    String,
    /// A table (by offset).
    Table(ObjectId),
    /// A struct (inline).
    Struct(ObjectId),
    /// A union value (the field after its `_type` field).
    Union(EnumId),
    /// The hidden union discriminator (`<name>_type`, a ubyte).
    UnionType(EnumId),
    /// `[T]`
    Vector(Box<Type>),
    /// `[T:N]` (structs only)
    Array(Box<Type>, u16),
}

/// A field's declared default value.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// No default given and none applies (non-scalars), or struct fields.
    None,
    /// Integer, bool (0/1) or enum default, as flatc stores it (`ulong` as its bit pattern).
    Integer(i64),
    /// Float default (incl. infinities and NaN).
    Float(f64),
    /// `= null`: optional scalar, absent by default.
    Null,
    /// `= "text"` on a string field (flatc 25 accepts it; `.bfbs` has no slot for it).
    String(String),
    /// `= []` on a vector field (flatc 25 accepts it; `.bfbs` has no slot for it).
    EmptyVector,
}

/// An `enum` or a `union`.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// Short name.
    pub name: String,
    /// Namespace parts.
    pub namespace: Vec<String>,
    /// A union (values name member types; value 0 is `NONE`).
    pub is_union: bool,
    /// Underlying scalar (unions: `ubyte`).
    pub underlying: ScalarType,
    /// `bit_flags` attribute: values are bit positions, stored as `1 << n`.
    pub bit_flags: bool,
    /// Values in declaration order (unions: starting with the implicit `NONE = 0`).
    pub values: Vec<EnumValue>,
    /// Attributes on the declaration.
    pub attributes: Vec<AttributeValue>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The declaration's name.
    pub span: Span,
}

impl EnumDef {
    /// `ns.Name`.
    pub fn full_name(&self) -> String {
        full_name(&self.namespace, &self.name)
    }
}

/// One enum value or union member.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// Name (for union members: the alias, or the type's short name).
    pub name: String,
    /// Value (for `bit_flags`: the mask `1 << position`).
    pub value: i64,
    /// Union members: the member type (`Table`, `Struct` or `String`); `None` for `NONE` and enums.
    pub union_type: Option<Type>,
    /// Attributes on the value.
    pub attributes: Vec<AttributeValue>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// Where it was declared (the enum's name for the implicit `NONE`).
    pub span: Span,
}

/// An `rpc_service`.
#[derive(Clone, Debug)]
pub struct Service {
    /// Short name.
    pub name: String,
    /// Namespace parts.
    pub namespace: Vec<String>,
    /// Methods in declaration order.
    pub calls: Vec<RpcCall>,
    /// Attributes on the service.
    pub attributes: Vec<AttributeValue>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The declaration's name.
    pub span: Span,
}

impl Service {
    /// `ns.Name`.
    pub fn full_name(&self) -> String {
        full_name(&self.namespace, &self.name)
    }

    /// The attribute with this name, if present.
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// One rpc method.
#[derive(Clone, Debug)]
pub struct RpcCall {
    /// Method name.
    pub name: String,
    /// Request table.
    pub request: ObjectId,
    /// Response table.
    pub response: ObjectId,
    /// Attributes on the method.
    pub attributes: Vec<AttributeValue>,
    /// `///` lines.
    pub docs: Vec<String>,
    /// The method's name.
    pub span: Span,
}

impl RpcCall {
    /// The attribute with this name, if present.
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        self.attributes.iter().find(|a| a.name == name)
    }
}
