package report

import (
	"fmt"
	"io"
	"strings"
)

// GitHub Actions annotations (`--format github`): one workflow command a finding,
//
//	::error file=app/settings.py,line=2,col=12,endLine=2,endColumn=32,title=aws-access-key-id::AWS access key ID (AKIA*****) fingerprint 6458a8c7a1b2c3d4
//
// error for critical and high, warning for medium (and unknown severities),
// notice for low and info. Columns are given only when the finding starts and
// ends on the same line, the only case GitHub annotations support; endColumn is
// one past the last byte, as in SARIF (GitHub's documentation does not say
// whether it is inclusive; tools that emit it, ruff among them, use the exclusive
// end). History findings add the commit that introduced the secret, as the line
// may be gone from the checked-out tree.

// githubCommand is the workflow command for a severity.
func githubCommand(severity string) string {
	switch severity {
	case "critical", "high":
		return "error"
	case "low", "info":
		return "notice"
	}
	return "warning"
}

func writeGitHub(w io.Writer, rs []Record) error {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString("::")
		b.WriteString(githubCommand(r.Severity))
		b.WriteString(" file=")
		b.WriteString(escapeGitHubProperty(r.Path))
		if r.Line >= 1 {
			fmt.Fprintf(&b, ",line=%d", r.Line)
			oneLine := r.EndLine <= r.Line
			if oneLine && r.Column >= 1 {
				fmt.Fprintf(&b, ",col=%d", r.Column)
			}
			if r.EndLine > r.Line {
				fmt.Fprintf(&b, ",endLine=%d", r.EndLine)
			} else {
				fmt.Fprintf(&b, ",endLine=%d", r.Line)
			}
			if oneLine && r.Column >= 1 && r.EndColumn >= r.Column {
				fmt.Fprintf(&b, ",endColumn=%d", r.EndColumn+1)
			}
		}
		b.WriteString(",title=")
		b.WriteString(escapeGitHubProperty(r.Rule))
		b.WriteString("::")
		msg := resultMessage(r)
		if r.Fingerprint != "" {
			msg += " fingerprint " + r.Fingerprint[:min(16, len(r.Fingerprint))]
		}
		if r.Commit != "" {
			msg += " commit " + r.Commit[:min(12, len(r.Commit))]
		}
		b.WriteString(escapeGitHubData(msg))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeGitHubData escapes a workflow command's message as the runner expects
// (actions/toolkit escapeData): %, CR and LF.
func escapeGitHubData(s string) string { return githubDataEscaper.Replace(s) }

// escapeGitHubProperty escapes a workflow command's property value (actions/toolkit
// escapeProperty): %, CR, LF, and the separators : and ,.
func escapeGitHubProperty(s string) string { return githubPropertyEscaper.Replace(s) }
