//go:build !windows

package main

// hideOwnConsole is needed on Windows only (console_windows.go).
func hideOwnConsole() {}
