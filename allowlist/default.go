package allowlist

import (
	"fmt"

	"github.com/BurntSushi/toml"
)

// DefaultSource names the built-in allowlists in verdicts.
const DefaultSource = "built-in defaults"

// DefaultTOML is the built-in allowlist against noise in Python repositories,
// in the config's own syntax, so that users can copy and adapt it. Default
// compiles it.
//
// Virtualenvs are matched by their usual directory names only: telling an
// arbitrary env/ directory by its pyvenv.cfg would need the file system, and
// a plain env/ may be the project's own code.
const DefaultTOML = `# Built-in allowlists of secretsweep: third-party code, caches, lock files and
# documented example keys. A secret in these places is someone else's, a
# checksum, or not a secret at all.

[[allowlists]]
description = "virtualenvs and installed packages"
globs = [
  "**/.venv/**",
  "**/venv/**",
  "**/virtualenv/**",
  "**/site-packages/**",
  "**/dist-packages/**",
  "**/*.dist-info/**",
  "**/*.egg-info/**",
  "**/.eggs/**",
  "**/node_modules/**",
]

[[allowlists]]
description = "tool environments and caches"
globs = [
  "**/.tox/**",
  "**/.nox/**",
  "**/__pycache__/**",
]

[[allowlists]]
description = "dependency lock files"
globs = [
  "poetry.lock",
  "Pipfile.lock",
  "uv.lock",
  "pdm.lock",
  "package-lock.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "go.sum",
  "Cargo.lock",
]

[[allowlists]]
description = "documented example keys"
regexes = [
  # AWS documentation: AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE, ASIA... temporary keys.
  '''^(AKIA|ASIA)[0-9A-Z]{9}EXAMPLE$''',
  # AWS documentation secret keys: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and others.
  '''^[0-9A-Za-z/+]{30}EXAMPLEKEY$''',
  # Stripe documentation test keys.
  '''^sk_test_(4eC39HqLyjWDarjtT1zdp7dc|BQokikJOvBiI2HlWgH4olfQ2)$''',
  '''^pk_test_TYooMQauvdEDq54NiTphI7jx$''',
  # The JWT of jwt.io's debugger ("John Doe", signed with "your-256-bit-secret").
  '''\.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c$''',
]
`

// DefaultSpecs returns the allowlists of DefaultTOML.
func DefaultSpecs() ([]Spec, error) {
	var doc struct {
		Allowlists []Spec `toml:"allowlists"`
	}
	md, err := toml.Decode(DefaultTOML, &doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", DefaultSource, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s: unknown key %q", DefaultSource, und[0].String())
	}
	return doc.Allowlists, nil
}

// Default compiles DefaultTOML, with DefaultSource as its source. Each call
// compiles anew; keep the result.
func Default() (*List, error) {
	specs, err := DefaultSpecs()
	if err != nil {
		return nil, err
	}
	return Compile(specs, DefaultSource)
}
