//! Lexing and parsing `.fbs` text into a syntax tree ([`ast`]), and printing it back ([`print`](mod@print)).

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod print;

pub use parser::parse;
