//! Writer of binary reflection schemas (`.bfbs`, FlatBuffers' `reflection.fbs`).
