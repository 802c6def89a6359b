// Package webui holds the browser interface, embedded into the binary.
package webui

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the static files (index.html, app.js, style.css) rooted at the static folder.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the folder is embedded at build time; a failure here is a build bug
	}
	return sub
}
