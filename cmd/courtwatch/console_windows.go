//go:build windows

package main

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	kernel32              = windows.NewLazySystemDLL("kernel32.dll")
	getConsoleProcessList = kernel32.NewProc("GetConsoleProcessList")
	freeConsole           = kernel32.NewProc("FreeConsole")
)

// hideOwnConsole closes the console window Windows opened for this
// program when it was started from Explorer (a double click): then this
// process is the only one attached to the console. Started from a command
// prompt or PowerShell, the console is the user's and stays, so that the
// subcommands can print there. courtwatch.exe is a console program, not a
// windowsgui one, so that `courtwatch.exe list` prints where it was typed.
func hideOwnConsole() {
	var pids [2]uint32
	n, _, _ := getConsoleProcessList.Call(uintptr(unsafe.Pointer(&pids[0])), 2)
	if n == 1 {
		freeConsole.Call()
	}
}
