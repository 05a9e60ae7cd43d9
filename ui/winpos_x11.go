//go:build !wayland && (linux || freebsd || openbsd || netbsd)

package ui

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>

static int cwIgnoreXError(Display *d, XErrorEvent *e) { return 0; }

// cwWindowPos stores in x and y where the window's frame (its title bar and
// borders, if the window manager draws them) has its top left corner, in
// root window pixels. It returns 0 if the display or window is gone.
static int cwWindowPos(unsigned long win, int *x, int *y) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	XErrorHandler old = XSetErrorHandler(cwIgnoreXError);
	Window child;
	int ok = XTranslateCoordinates(d, (Window)win, DefaultRootWindow(d), 0, 0, x, y, &child);
	Atom extents = XInternAtom(d, "_NET_FRAME_EXTENTS", True);
	if (ok && extents != None) {
		Atom type;
		int format;
		unsigned long n, after;
		unsigned char *data = NULL;
		if (XGetWindowProperty(d, (Window)win, extents, 0, 4, False, XA_CARDINAL,
				&type, &format, &n, &after, &data) == Success && data != NULL) {
			if (format == 32 && n == 4) {
				long *e = (long *)data; // left, right, top, bottom
				*x -= (int)e[0];
				*y -= (int)e[2];
			}
			XFree(data);
		}
	}
	XSync(d, False);
	XSetErrorHandler(old);
	XCloseDisplay(d);
	return ok;
}

// cwMoveWindow asks for the window's frame at x, y, if at least a corner of
// its title bar (64×24 pixels) would be on the screen. It returns 0 if it
// did not move the window.
static int cwMoveWindow(unsigned long win, int x, int y) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	int moved = 0;
	int w = DisplayWidth(d, DefaultScreen(d)), h = DisplayHeight(d, DefaultScreen(d));
	if (x >= 0 && y >= 0 && x + 64 <= w && y + 24 <= h) {
		XErrorHandler old = XSetErrorHandler(cwIgnoreXError);
		XMoveWindow(d, (Window)win, x, y);
		XSync(d, False);
		XSetErrorHandler(old);
		moved = 1;
	}
	XCloseDisplay(d);
	return moved;
}
*/
import "C"

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// windowPosition is where w's frame is on the screen, in screen pixels;
// ok is false when the window has no X11 window (Fyne's test driver, or
// the window is closed).
func windowPosition(w fyne.Window) (x, y int, ok bool) {
	withX11Window(w, func(id C.ulong) {
		var cx, cy C.int
		if C.cwWindowPos(id, &cx, &cy) != 0 {
			x, y, ok = int(cx), int(cy), true
		}
	})
	return x, y, ok
}

// moveWindow puts w's frame at x, y if that is on the screen.
func moveWindow(w fyne.Window, x, y int) (moved bool) {
	withX11Window(w, func(id C.ulong) {
		moved = C.cwMoveWindow(id, C.int(x), C.int(y)) != 0
	})
	return moved
}

func withX11Window(w fyne.Window, f func(C.ulong)) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.X11WindowContext); ok && c.WindowHandle != 0 {
			f(C.ulong(c.WindowHandle))
		}
	})
}
