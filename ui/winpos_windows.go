package ui

import (
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

var (
	user32              = syscall.NewLazyDLL("user32.dll")
	procGetWindowRect   = user32.NewProc("GetWindowRect")
	procSetWindowPos    = user32.NewProc("SetWindowPos")
	procMonitorFromRect = user32.NewProc("MonitorFromRect")
)

type winRect struct{ left, top, right, bottom int32 }

const (
	swpNoSize          = 0x0001
	swpNoZOrder        = 0x0004
	swpNoActivate      = 0x0010
	monitorDefaultNull = 0
)

// windowPosition is where w's frame is on the screen, in screen pixels;
// ok is false when the window has no native window.
func windowPosition(w fyne.Window) (x, y int, ok bool) {
	withHWND(w, func(hwnd uintptr) {
		var r winRect
		if ret, _, _ := procGetWindowRect.Call(hwnd, uintptr(unsafe.Pointer(&r))); ret != 0 {
			x, y, ok = int(r.left), int(r.top), true
		}
	})
	return x, y, ok
}

// moveWindow puts w's frame at x, y if a corner of its title bar would be
// on one of the monitors.
func moveWindow(w fyne.Window, x, y int) (moved bool) {
	withHWND(w, func(hwnd uintptr) {
		r := winRect{int32(x), int32(y), int32(x + 64), int32(y + 24)}
		if mon, _, _ := procMonitorFromRect.Call(uintptr(unsafe.Pointer(&r)), monitorDefaultNull); mon == 0 {
			return
		}
		ret, _, _ := procSetWindowPos.Call(hwnd, 0, uintptr(int32(x)), uintptr(int32(y)), 0, 0,
			swpNoSize|swpNoZOrder|swpNoActivate)
		moved = ret != 0
	})
	return moved
}

func withHWND(w fyne.Window, f func(uintptr)) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.WindowsWindowContext); ok && c.HWND != 0 {
			f(c.HWND)
		}
	})
}
