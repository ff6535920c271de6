//! Tokenizer for `.fbs` text. (Being written: see the parser task.)
