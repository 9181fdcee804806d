//! Host-side files (feature `host`): TOML model files, CSV records files and output formats.
//! Uses the model and score modules; nothing in the core depends on it.
