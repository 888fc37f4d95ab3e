// Package klachtd is the root of the klachtd module. It holds one thing: the built-in mail
// templates, embedded here because //go:embed cannot reach up from internal/ packages.
package klachtd

import "embed"

// Templates holds templates/nl and templates/en: one file per mail kind with the blocks
// "subject", "text" and "html", and shared partials in files whose names start with "_".
// Pass it to render.New, which accepts this tree with or without the leading "templates".
//
// The pattern names the files rather than the folder: embedding a folder would silently
// leave out the partials, because it skips names starting with "_".
//
//go:embed templates/*/*.tmpl
var Templates embed.FS
