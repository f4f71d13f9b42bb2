package cli

import (
	"errors"
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether f is an *os.File on a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// readSecret reads a line from the terminal f without echoing it.
func readSecret(f any) (string, error) {
	file, ok := f.(*os.File)
	if !ok {
		return "", errors.New("not a terminal")
	}
	b, err := term.ReadPassword(int(file.Fd()))
	return string(b), err
}
