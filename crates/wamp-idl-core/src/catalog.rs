//! Catalog output: the WAMP IDL model as JSON or Markdown.
