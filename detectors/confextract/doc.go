// Package confextract extracts (name, value) pairs, with exact positions, from
// the config files found in Python repositories: .env files, INI files
// (setup.cfg, tox.ini, pip.conf, .pypirc, alembic.ini), YAML (Spring, Helm,
// Kubernetes, docker-compose, CI), TOML (pyproject.toml, Pipfile), JSON,
// Java .properties, Dockerfiles, shell scripts and XML; and it decodes Jupyter
// notebooks into cell texts with a line map, for a Python extractor to run on.
//
// # What it does
//
// Detect picks a Format from a file name (and sniffs the content when the name
// is ambiguous); Extract returns every pair of a file in that format as
// []kv.Pair, in file order. Names are keys as written, nested keys joined with
// '.' ("spring.datasource.password", "section.key"); array indexes are left
// out. Values are unquoted, with the escapes of their format decoded; Start/End
// locate the value's text in the file (inside its quotes), Line/Col and
// EndLine/EndCol its first and last byte (1-based, columns in bytes). An empty
// value has End == Start and EndCol == Col-1. Decoded is set exactly when
// Value differs from the file's bytes src[Start:End] (escapes, folding of
// multi-line values, base64 of Kubernetes Secrets, joined continuation lines).
// Kind is kv.Template when the value holds interpolation (${VAR}, ${{ x }},
// {{ x }}, {% x %}, %(x)s, tox's {env:X}; $VAR and $(cmd) outside single
// quotes in shell and Dockerfiles; $VAR with an upper-case VAR in .env files
// and compose environment entries, where "pa$word" is more likely a password),
// kv.Reference for YAML aliases (*x) and local tags such as !Ref, !GetAtt and
// !env, and kv.Literal otherwise.
//
// The Context of a pair names the construct: "env", "ini", "yaml",
// "k8s-secret" (data/stringData of a kind: Secret document; data is
// base64-decoded), "compose" (entries of an environment: or args: mapping or
// list), "toml", "json", "properties", "dockerfile" (ENV, ARG, LABEL),
// "shell" (assignments), "shell-arg" (command-line options such as
// --password=x, mysql -px, curl -H "Authorization: ..."), "shell-heredoc"
// (KEY=value lines of here-documents) and "xml". Shell-form RUN instructions of
// a Dockerfile, and YAML values that are shell commands by their key (run,
// script, before_script, after_script, command, entrypoint, cmd, commands: CI
// and compose files), are also read as shell; the YAML pair is kept.
//
// Notebook decodes a .ipynb into its cells' sources and text outputs; each
// Cell maps its lines to .ipynb positions (Cell.Lines), and Cell.Position maps
// any line and column, counting JSON escapes.
//
// # What it does not do
//
// It does not judge: which pairs are credentials is decided by the caller
// (package detectors), by name and value. It is not a validating parser:
// files are often templated (Helm, Jinja), truncated or invalid, so the
// parsers are line-oriented where the format allows, skip what they cannot
// read and go on. It does not resolve interpolation, anchors, includes or
// YAML merge keys, does not report non-string TOML and JSON values (numbers,
// booleans), and does not parse Python: Notebook only decodes cells.
//
// # Cost
//
// Extract is linear in the size of the input: each parser reads the file once,
// nesting is tracked on explicit stacks of bounded depth, and scans for the end
// of an unterminated quote or bracket share a budget of about the file's size,
// after which such scans stop at their line end. It allocates the pairs and
// their strings, and a line table once per call. Throughput is in the order of
// hundreds of MB/s (see the benchmarks). It never panics (fuzzed).
//
// # Concurrency
//
// The package has no mutable global state: Detect, Extract and Notebook may be
// called from any number of goroutines at once. The input is only read, and
// not kept (a Cell keeps a reference to the notebook for Cell.Position).
package confextract
