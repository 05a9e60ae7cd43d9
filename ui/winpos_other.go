//go:build !windows && (wayland || !(linux || freebsd || openbsd || netbsd))

package ui

import "fyne.io/fyne/v2"

// On macOS and Wayland the window system places the window: Fyne 2.7 has
// no API for a window's position, and Wayland gives none to clients.

func windowPosition(fyne.Window) (x, y int, ok bool) { return 0, 0, false }

func moveWindow(fyne.Window, int, int) bool { return false }
